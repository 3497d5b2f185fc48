//! A scalar [`Value`] that remembers how it was made, and backpropagates through it.
//!
//! Each op computes its forward value and, right beside it, its local derivative
//! with respect to each parent (SPEC §2.1). `backward()` multiplies those by the
//! upstream grad. Storing numbers instead of micrograd's `_backward` closures is
//! what lets the graph live in a flat tape.
//!
//! # Why a tape
//!
//! Every node lives in one slab (`Tape`), addressed by a `u32` index: its data,
//! grad, op, parent indices and local derivatives sit side by side, so building
//! and walking the graph never chases heap pointers (an `Rc<RefCell<..>>` graph
//! was measured about 10× slower). A [`Value`] is a counted handle to one node.
//! Each node counts the handles and children that point at it; when the count
//! reaches zero its slot goes on a free list and its parents are released with
//! an explicit stack, never by recursion, so dropping a 1,000,000-op chain
//! cannot overflow the stack and memory is reused step after step.
//!
//! The tape sits behind one process-wide `Mutex`, which makes [`Value`]
//! `Send + Sync`: Values may cross threads (the Python wheel relies on that).
//! Whole-graph work (an MLP forward, a loss, `backward`, an optimizer step)
//! takes the lock once, so the lock costs a few nanoseconds per call, not per node.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};
use std::sync::{Mutex, MutexGuard};

/// The op that made a node; the exponent of a pow lives in the node's `local[1]`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Op {
    Leaf,
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    PowI,
    PowF,
    Relu,
    Tanh,
    Exp,
    Log,
    Sigmoid,
}

impl Op {
    fn arity(self) -> usize {
        match self {
            Op::Leaf => 0,
            Op::Add | Op::Sub | Op::Mul | Op::Div => 2,
            _ => 1,
        }
    }
}

/// A node's parents (the first `op.arity()` of `prev`) and its op, side by side.
#[derive(Clone, Copy)]
struct Links {
    prev: [u32; 2],
    op: Op,
}

/// The slab of nodes shared by every [`Value`] in the process, one array per
/// field (structure of arrays): the topological sort reads only `op`, `prev` and
/// `mark`, the chain rule only `grad`, `local` and `prev`, so each pass streams
/// through a few dense arrays instead of whole nodes (measured: the sort was
/// cache-miss bound with 56-byte nodes).
pub(crate) struct Tape {
    data: Vec<f64>,
    grad: Vec<f64>,
    local: Vec<[f64; 2]>, // d self / d parent, in parent order (pow keeps k in local[1])
    links: Vec<Links>,    // parents and op: all the sort reads
    rc: Vec<u32>,         // handles + children pointing here; 0 = free slot
    mark: Vec<u32>,       // the backward() call that last visited this node
    // Free slots as a bitmap, handed out lowest first: a new graph then lands in
    // creation order in one dense region, so every pass over it walks memory
    // forwards. (A LIFO free list scrambled the layout step after step and made
    // each node a cache miss: measured 2-3x slower.)
    free_bits: Vec<u64>,
    free_count: usize,
    first_free_word: usize, // every word below this one is 0
    labels: BTreeMap<u32, String>,
    epoch: u32,
    // Scratch buffers, kept to avoid allocating on every backward / release.
    topo: Vec<u32>,
    stack: Vec<(u32, u32)>,
    saved: Vec<(u32, f64)>, // (leaf, its grad before this backward)
    dying: Vec<u32>,
}

static TAPE: Mutex<Tape> = Mutex::new(Tape::new());

/// Lock the tape. A panic elsewhere while holding it leaves the tape consistent
/// (no op panics half-way), so poisoning is ignored rather than spread.
pub(crate) fn tape() -> MutexGuard<'static, Tape> {
    TAPE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// How many node slots the tape holds and how many hold live nodes.
///
/// `live` falls back when Values are dropped; `slots` is the high-water mark
/// (freed slots are reused, not returned to the allocator).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TapeStats {
    /// Slots allocated so far.
    pub slots: usize,
    /// Slots holding a node that some Value or child still references.
    pub live: usize,
}

/// The tape's current [`TapeStats`] (shared by every Value of the process).
pub fn tape_stats() -> TapeStats {
    let t = tape();
    TapeStats {
        slots: t.data.len(),
        live: t.data.len() - t.free_count,
    }
}

/// Make room on the tape for `additional` more nodes, or say it cannot: an
/// allocation that fails here is an error, where growing the tape later would
/// abort the process. The Python wheel calls it before building a model.
pub fn try_reserve_nodes(additional: usize) -> Result<(), crate::Error> {
    let mut t = tape();
    let free = t.free_count;
    let n = additional.saturating_sub(free);
    let too_many = || crate::Error::new(format!("no room for {additional} more Values"));
    if t.data.len().saturating_add(n) > u32::MAX as usize {
        return Err(too_many());
    }
    let words = (t.data.len() + n)
        .div_ceil(64)
        .saturating_sub(t.free_bits.len());
    t.data.try_reserve(n).map_err(|_| too_many())?;
    t.grad.try_reserve(n).map_err(|_| too_many())?;
    t.local.try_reserve(n).map_err(|_| too_many())?;
    t.links.try_reserve(n).map_err(|_| too_many())?;
    t.rc.try_reserve(n).map_err(|_| too_many())?;
    t.mark.try_reserve(n).map_err(|_| too_many())?;
    t.free_bits.try_reserve(words).map_err(|_| too_many())?;
    Ok(())
}

/// An operand of a graph-building routine: a node, or a plain number that
/// becomes a new leaf where it is used (as `2 * x` does).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Operand {
    Node(u32),
    Const(f64),
}

/// A plain number or a Value: what a loss target or a model input may be.
/// A number becomes a new leaf where it is used, as `w * 0.5` does.
#[derive(Clone, Debug)]
pub enum Scalar {
    /// A constant.
    Number(f64),
    /// A node of the graph.
    Value(Value),
}

impl From<f64> for Scalar {
    fn from(x: f64) -> Scalar {
        Scalar::Number(x)
    }
}

impl From<Value> for Scalar {
    fn from(v: Value) -> Scalar {
        Scalar::Value(v)
    }
}

impl Scalar {
    pub(crate) fn operand(&self) -> Operand {
        match self {
            Scalar::Number(x) => Operand::Const(*x),
            Scalar::Value(v) => Operand::Node(v.node_id()),
        }
    }
}

impl Tape {
    const fn new() -> Tape {
        Tape {
            data: Vec::new(),
            grad: Vec::new(),
            local: Vec::new(),
            links: Vec::new(),
            rc: Vec::new(),
            mark: Vec::new(),
            free_bits: Vec::new(),
            free_count: 0,
            first_free_word: 0,
            labels: BTreeMap::new(),
            epoch: 0,
            topo: Vec::new(),
            stack: Vec::new(),
            saved: Vec::new(),
            dying: Vec::new(),
        }
    }

    // ----- slots and reference counts -----

    fn push(&mut self, op: Op, prev: [u32; 2], data: f64, local: [f64; 2]) -> u32 {
        for &p in &prev[..op.arity()] {
            self.rc[p as usize] += 1;
        }
        match self.take_free_slot() {
            Some(j) => {
                let i = j as u32;
                self.data[j] = data;
                self.grad[j] = 0.0;
                self.local[j] = local;
                self.links[j] = Links { prev, op };
                self.rc[j] = 1;
                // `mark` keeps its stale epoch: always older than the next sort's.
                i
            }
            None => {
                let i = u32::try_from(self.data.len()).expect("more than 2^32 live Values");
                if self.data.len() % 64 == 0 {
                    self.free_bits.push(0);
                }
                self.data.push(data);
                self.grad.push(0.0);
                self.local.push(local);
                self.links.push(Links { prev, op });
                self.rc.push(1);
                self.mark.push(0);
                i
            }
        }
    }

    /// The lowest free slot, if any.
    fn take_free_slot(&mut self) -> Option<usize> {
        if self.free_count == 0 {
            return None;
        }
        let mut w = self.first_free_word;
        while self.free_bits[w] == 0 {
            w += 1;
        }
        self.first_free_word = w;
        let bit = self.free_bits[w].trailing_zeros() as usize;
        self.free_bits[w] &= !(1u64 << bit);
        self.free_count -= 1;
        Some(w * 64 + bit)
    }

    fn free_slot(&mut self, j: usize) {
        self.free_bits[j / 64] |= 1u64 << (j % 64);
        self.free_count += 1;
        self.first_free_word = self.first_free_word.min(j / 64);
    }

    pub(crate) fn retain(&mut self, id: u32) {
        self.rc[id as usize] += 1;
    }

    /// Drop one reference; free the node and, iteratively, whatever only it kept alive.
    pub(crate) fn release(&mut self, id: u32) {
        let rc = &mut self.rc[id as usize];
        *rc -= 1;
        if *rc > 0 {
            return;
        }
        let mut dying = std::mem::take(&mut self.dying);
        dying.push(id);
        while let Some(i) = dying.pop() {
            let j = i as usize;
            if !self.labels.is_empty() {
                self.labels.remove(&i); // labels are rare: no per-node flag to keep
            }
            self.free_slot(j);
            let Links { prev, op } = self.links[j];
            for &p in &prev[..op.arity()] {
                let rc = &mut self.rc[p as usize];
                *rc -= 1;
                if *rc == 0 {
                    dying.push(p);
                }
            }
        }
        self.dying = dying;
    }

    /// The node an operand stands for, owned by the caller (release it after use).
    pub(crate) fn operand(&mut self, x: Operand) -> u32 {
        match x {
            Operand::Node(id) => {
                self.retain(id);
                id
            }
            Operand::Const(c) => self.leaf(c),
        }
    }

    // ----- fields -----

    pub(crate) fn data(&self, id: u32) -> f64 {
        self.data[id as usize]
    }
    pub(crate) fn grad(&self, id: u32) -> f64 {
        self.grad[id as usize]
    }
    pub(crate) fn set_data(&mut self, id: u32, x: f64) {
        self.data[id as usize] = x;
    }
    pub(crate) fn set_grad(&mut self, id: u32, g: f64) {
        self.grad[id as usize] = g;
    }
    fn label(&self, id: u32) -> String {
        self.labels.get(&id).cloned().unwrap_or_default()
    }
    fn set_label(&mut self, id: u32, label: &str) {
        if !label.is_empty() {
            self.labels.insert(id, label.to_owned());
        } else {
            self.labels.remove(&id);
        }
    }
    fn arity(&self, id: u32) -> usize {
        self.links[id as usize].op.arity()
    }
    fn prev(&self, id: u32) -> &[u32] {
        &self.links[id as usize].prev[..self.arity(id)]
    }
    fn local_grads(&self, id: u32) -> Vec<f64> {
        self.local[id as usize][..self.arity(id)].to_vec()
    }
    fn op(&self, id: u32) -> (Op, f64) {
        (self.links[id as usize].op, self.local[id as usize][1])
    }

    // ----- ops: forward value and local derivatives side by side -----

    pub(crate) fn leaf(&mut self, data: f64) -> u32 {
        self.push(Op::Leaf, [0, 0], data, [0.0, 0.0])
    }

    // region: add
    pub(crate) fn add(&mut self, a: u32, b: u32) -> u32 {
        let out = self.data(a) + self.data(b);
        self.push(Op::Add, [a, b], out, [1.0, 1.0])
    }
    // endregion

    // region: sub
    pub(crate) fn sub(&mut self, a: u32, b: u32) -> u32 {
        let out = self.data(a) - self.data(b);
        self.push(Op::Sub, [a, b], out, [1.0, -1.0])
    }
    // endregion

    // region: mul
    pub(crate) fn mul(&mut self, a: u32, b: u32) -> u32 {
        let (x, y) = (self.data(a), self.data(b));
        self.push(Op::Mul, [a, b], x * y, [y, x])
    }
    // endregion

    // region: div
    pub(crate) fn div(&mut self, a: u32, b: u32) -> u32 {
        let (x, y) = (self.data(a), self.data(b));
        let out = x / y;
        // d(a/b)/db = -a/b² written as -out/b: no spurious overflow of b².
        self.push(Op::Div, [a, b], out, [1.0 / y, -out / y])
    }
    // endregion

    // region: neg
    pub(crate) fn neg(&mut self, a: u32) -> u32 {
        let out = -self.data(a);
        self.push(Op::Neg, [a, 0], out, [-1.0, 0.0])
    }
    // endregion

    // region: pow
    /// x^k; `integer` only decides how `_op` prints k (`**2` or `**2.0`).
    pub(crate) fn pow(&mut self, a: u32, k: f64, integer: bool) -> u32 {
        let x = self.data(a);
        // C's pow is IEEE's: NaN for (-8)^(1/3), ±inf for 0^-1 and overflow, never a panic.
        // d(x^k)/dx = k·x^(k-1), pinned to exactly 0 for k = 0 (even where x^-1 is inf).
        let local = if k == 0.0 { 0.0 } else { k * x.powf(k - 1.0) };
        let op = if integer { Op::PowI } else { Op::PowF };
        self.push(op, [a, 0], x.powf(k), [local, k])
    }
    // endregion

    // region: relu
    pub(crate) fn relu(&mut self, a: u32) -> u32 {
        let x = self.data(a);
        let out = if x > 0.0 || x.is_nan() { x } else { 0.0 }; // NaN passes through
        self.push(
            Op::Relu,
            [a, 0],
            out,
            [if x > 0.0 { 1.0 } else { 0.0 }, 0.0],
        )
    }
    // endregion

    // region: tanh
    pub(crate) fn tanh(&mut self, a: u32) -> u32 {
        let t = self.data(a).tanh(); // the library tanh, never the exp formula
        self.push(Op::Tanh, [a, 0], t, [1.0 - t * t, 0.0])
    }
    // endregion

    // region: exp
    pub(crate) fn exp(&mut self, a: u32) -> u32 {
        let e = self.data(a).exp(); // exp(1000) = inf, as IEEE says
        self.push(Op::Exp, [a, 0], e, [e, 0.0])
    }
    // endregion

    // region: log
    pub(crate) fn log(&mut self, a: u32) -> u32 {
        let x = self.data(a); // ln(0) = -inf, ln(x < 0) = NaN
        self.push(Op::Log, [a, 0], x.ln(), [1.0 / x, 0.0])
    }
    // endregion

    // region: sigmoid
    pub(crate) fn sigmoid(&mut self, a: u32) -> u32 {
        let s = 1.0 / (1.0 + (-self.data(a)).exp());
        self.push(Op::Sigmoid, [a, 0], s, [s * (1.0 - s), 0.0])
    }
    // endregion

    /// `a op b` for operands that may be plain numbers; the result is owned.
    pub(crate) fn binary(
        &mut self,
        f: fn(&mut Tape, u32, u32) -> u32,
        a: Operand,
        b: Operand,
    ) -> u32 {
        let (a, b) = (self.operand(a), self.operand(b));
        let out = f(self, a, b);
        self.release(a);
        self.release(b);
        out
    }

    // region: backward
    /// This call's gradients of `root` w.r.t. every node; leaves add them to their grads.
    pub(crate) fn backward(&mut self, root: u32) {
        // The sort also zeroes each node's grad, saving the leaves' first (one pass, not two).
        self.sort(root, true);
        self.grad[root as usize] = 1.0;
        let topo = std::mem::take(&mut self.topo);
        for &v in topo.iter().rev() {
            let j = v as usize;
            let (g, Links { prev, op }, local) = (self.grad[j], self.links[j], self.local[j]);
            for k in 0..op.arity() {
                self.grad[prev[k] as usize] += local[k] * g; // chain rule: 0 * inf stays NaN
            }
        }
        self.topo = topo;
        for &(leaf, before) in &self.saved {
            let j = leaf as usize;
            self.grad[j] += before; // = before + this call's grad (IEEE + commutes)
        }
    }

    /// micrograd's build_topo with an explicit stack: parents before children.
    /// The order is left in `self.topo`.
    pub(crate) fn topological_order(&mut self, root: u32) {
        self.sort(root, false);
    }

    /// Append `v` to the order (its parents are all placed already).
    #[inline(always)] // called for every node of the sort
    fn place(&mut self, v: u32, zero_grads: bool) {
        self.topo.push(v);
        if zero_grads {
            let j = v as usize;
            if self.links[j].op == Op::Leaf {
                self.saved.push((v, self.grad[j]));
            }
            self.grad[j] = 0.0;
        }
    }

    /// The topological sort; with `zero_grads`, each node's grad is set to 0 as
    /// it is placed, and the leaves' grads from before are kept in `self.saved`.
    fn sort(&mut self, root: u32, zero_grads: bool) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            // After 2^32 calls the marks could collide: clear them once.
            self.mark.iter_mut().for_each(|m| *m = 0);
            self.epoch = 1;
        }
        let epoch = self.epoch;
        self.topo.clear();
        self.saved.clear();
        let mut stack = std::mem::take(&mut self.stack);
        stack.clear();
        self.mark[root as usize] = epoch;
        // The node being expanded and its next parent stay in registers; the
        // stack only holds the ancestors to come back to.
        let (mut v, mut next) = (root, 0usize);
        'expand: loop {
            let links = self.links[v as usize];
            while next < links.op.arity() {
                let p = links.prev[next];
                next += 1;
                if self.mark[p as usize] != epoch {
                    self.mark[p as usize] = epoch;
                    if self.links[p as usize].op == Op::Leaf {
                        self.place(p, zero_grads); // a leaf's visit ends where it starts
                    } else {
                        stack.push((v, next as u32));
                        (v, next) = (p, 0);
                        continue 'expand;
                    }
                }
            }
            self.place(v, zero_grads); // every parent is placed: post-order
            match stack.pop() {
                Some((parent, at)) => (v, next) = (parent, at as usize),
                None => break,
            }
        }
        self.stack = stack;
    }
    // endregion

    pub(crate) fn topo(&self) -> &[u32] {
        &self.topo
    }
}

// region: Value

/// A scalar in a computation graph: its data, its grad, and where it came from.
///
/// `Value` is a cheap counted handle (`Clone` shares the node, like Python's
/// references do). Arithmetic works with `std::ops` between Values, references
/// to Values and `f64` on either side:
///
/// ```
/// use rosettagrad::Value;
/// let x = Value::new(2.0).with_label("x");
/// let y = (&x * &x + 3.0 * &x).tanh();
/// y.backward();
/// assert!((x.grad() - (1.0 - y.data().powi(2)) * 7.0).abs() < 1e-12);
/// ```
pub struct Value {
    id: u32,
}

impl Value {
    /// A new leaf holding `data` (grad 0, no parents, empty label).
    pub fn new(data: f64) -> Value {
        Value::owned(tape().leaf(data))
    }

    /// Take ownership of a node reference already counted for this handle.
    pub(crate) fn owned(id: u32) -> Value {
        Value { id }
    }

    /// The tape index of this node (unique among live nodes; reused after they die).
    pub fn node_id(&self) -> u32 {
        self.id
    }

    /// Whether two handles point at the same node.
    pub fn same_node(&self, other: &Value) -> bool {
        self.id == other.id
    }

    /// This Value with its label set (builder style).
    pub fn with_label(self, label: &str) -> Value {
        self.set_label(label);
        self
    }

    /// The forward value.
    pub fn data(&self) -> f64 {
        tape().data(self.id)
    }

    /// Overwrite the forward value (what an optimizer does to a parameter).
    pub fn set_data(&self, data: f64) {
        tape().set_data(self.id, data);
    }

    /// d(output)/d(self) from the last `backward()`; leaves accumulate across calls.
    pub fn grad(&self) -> f64 {
        tape().grad(self.id)
    }

    /// Overwrite the grad (`set_grad(0.0)` is a one-Value zero_grad).
    pub fn set_grad(&self, grad: f64) {
        tape().set_grad(self.id, grad);
    }

    /// The label, `""` when none was set.
    pub fn label(&self) -> String {
        tape().label(self.id)
    }

    /// Set the label (shown by [`crate::to_dot`]).
    pub fn set_label(&self, label: &str) {
        tape().set_label(self.id, label);
    }

    /// The op that made this Value: `""` for a leaf, `"+"`, `"*"`, `"**2"`, `"tanh"`…
    pub fn op(&self) -> String {
        let (op, k) = tape().op(self.id);
        op_name(op, k)
    }

    /// The exponent when this Value is a pow (`Some((k, integer))`), else `None`.
    pub fn pow_exponent(&self) -> Option<(f64, bool)> {
        match tape().op(self.id) {
            (Op::PowI, k) => Some((k, true)),
            (Op::PowF, k) => Some((k, false)),
            _ => None,
        }
    }

    /// The parents, in order (micrograd's `_prev`).
    pub fn prev(&self) -> Vec<Value> {
        let ids = {
            let mut t = tape();
            let ids = t.prev(self.id).to_vec();
            ids.iter().for_each(|&p| t.retain(p));
            ids
        };
        ids.into_iter().map(Value::owned).collect()
    }

    /// d(self)/d(parent) for each parent, in parent order, fixed at forward time.
    pub fn local_grads(&self) -> Vec<f64> {
        tape().local_grads(self.id)
    }

    fn unary(&self, f: fn(&mut Tape, u32) -> u32) -> Value {
        Value::owned(f(&mut tape(), self.id))
    }

    /// `self ^ k` for an integer exponent (`_op` prints `**k`).
    pub fn powi(&self, k: i32) -> Value {
        Value::owned(tape().pow(self.id, f64::from(k), true))
    }

    /// `self ^ k` for a real exponent: NaN for a negative base and a non-integer k.
    pub fn powf(&self, k: f64) -> Value {
        Value::owned(tape().pow(self.id, k, false))
    }

    /// `self ^ k` where `integer` says how `_op` prints k (used by the Python wheel).
    pub fn pow(&self, k: f64, integer: bool) -> Value {
        Value::owned(tape().pow(self.id, k, integer))
    }

    /// max(0, x); NaN stays NaN; relu'(0) = 0.
    pub fn relu(&self) -> Value {
        self.unary(Tape::relu)
    }

    /// The library tanh.
    pub fn tanh(&self) -> Value {
        self.unary(Tape::tanh)
    }

    /// e^x (inf on overflow).
    pub fn exp(&self) -> Value {
        self.unary(Tape::exp)
    }

    /// Natural log: -inf at 0, NaN below.
    pub fn log(&self) -> Value {
        self.unary(Tape::log)
    }

    /// 1 / (1 + e^-x).
    pub fn sigmoid(&self) -> Value {
        self.unary(Tape::sigmoid)
    }

    /// Backpropagate from this Value (SPEC §2.2): every node gets this call's
    /// gradient, leaves add it to the grad they had. Iterative, any depth.
    pub fn backward(&self) {
        tape().backward(self.id);
    }

    /// The Values of this graph in micrograd's topological order (parents first).
    pub fn topological_order(&self) -> Vec<Value> {
        let ids = {
            let mut t = tape();
            t.topological_order(self.id);
            let ids = t.topo().to_vec();
            ids.iter().for_each(|&v| t.retain(v));
            ids
        };
        ids.into_iter().map(Value::owned).collect()
    }
}

// endregion

/// How `_op` prints an op (pow: `**` and the exponent).
fn op_name(op: Op, k: f64) -> String {
    match op {
        Op::Leaf => String::new(),
        Op::Add => "+".into(),
        Op::Sub => "-".into(),
        Op::Mul => "*".into(),
        Op::Div => "/".into(),
        Op::Neg => "neg".into(),
        Op::PowI => format!("**{k}"),
        Op::PowF => format!("**{k:?}"),
        Op::Relu => "relu".into(),
        Op::Tanh => "tanh".into(),
        Op::Exp => "exp".into(),
        Op::Log => "log".into(),
        Op::Sigmoid => "sigmoid".into(),
    }
}

impl Clone for Value {
    fn clone(&self) -> Value {
        tape().retain(self.id);
        Value { id: self.id }
    }
}

impl Drop for Value {
    fn drop(&mut self) {
        tape().release(self.id);
    }
}

impl From<f64> for Value {
    fn from(data: f64) -> Value {
        Value::new(data)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (data, grad) = {
            let t = tape();
            (t.data(self.id), t.grad(self.id))
        };
        write!(f, "Value(data={data:?}, grad={grad:?})")
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Values, references to Values and f64 on either side of + - * /.
macro_rules! binary_ops {
    ($($Trait:ident $method:ident $op:path;)*) => {$(
        impl $Trait<&Value> for &Value {
            type Output = Value;
            fn $method(self, rhs: &Value) -> Value {
                Value::owned($op(&mut tape(), self.id, rhs.id))
            }
        }
        impl $Trait<Value> for Value {
            type Output = Value;
            fn $method(self, rhs: Value) -> Value { (&self).$method(&rhs) }
        }
        impl $Trait<&Value> for Value {
            type Output = Value;
            fn $method(self, rhs: &Value) -> Value { (&self).$method(rhs) }
        }
        impl $Trait<Value> for &Value {
            type Output = Value;
            fn $method(self, rhs: Value) -> Value { self.$method(&rhs) }
        }
        impl $Trait<f64> for &Value {
            type Output = Value;
            fn $method(self, rhs: f64) -> Value {
                Value::owned(tape().binary($op, Operand::Node(self.id), Operand::Const(rhs)))
            }
        }
        impl $Trait<f64> for Value {
            type Output = Value;
            fn $method(self, rhs: f64) -> Value { (&self).$method(rhs) }
        }
        impl $Trait<&Value> for f64 {
            type Output = Value;
            fn $method(self, rhs: &Value) -> Value {
                Value::owned(tape().binary($op, Operand::Const(self), Operand::Node(rhs.id)))
            }
        }
        impl $Trait<Value> for f64 {
            type Output = Value;
            fn $method(self, rhs: Value) -> Value { self.$method(&rhs) }
        }
    )*};
}

binary_ops! {
    Add add Tape::add;
    Sub sub Tape::sub;
    Mul mul Tape::mul;
    Div div Tape::div;
}

impl Neg for &Value {
    type Output = Value;
    fn neg(self) -> Value {
        self.unary(Tape::neg)
    }
}

impl Neg for Value {
    type Output = Value;
    fn neg(self) -> Value {
        (&self).neg()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_and_local_derivatives() {
        let a = Value::new(3.0);
        let b = Value::new(-2.0);
        let y = &a * &b + &a / &b - (-&a) + a.powi(2);
        y.backward();
        // y = ab + a/b + a + a²
        assert_eq!(y.data(), -6.0 - 1.5 + 3.0 + 9.0);
        assert_eq!(a.grad(), -2.0 + 1.0 / -2.0 + 1.0 + 6.0);
        assert_eq!(b.grad(), 3.0 - (3.0 / -2.0) / -2.0);
    }

    #[test]
    fn numbers_on_either_side() {
        let x = Value::new(4.0);
        assert_eq!((2.0 * &x).data(), 8.0);
        assert_eq!((1.0 - &x).data(), -3.0);
        assert_eq!((1.0 / &x).data(), 0.25);
        assert_eq!((&x + 1.0).data(), 5.0);
        assert_eq!((&x - 1.0).op(), "-");
        assert_eq!(x.powi(3).op(), "**3");
        assert_eq!(x.powf(0.5).op(), "**0.5");
        assert_eq!(x.powf(2.0).op(), "**2.0");
    }

    #[test]
    fn ieee_specials_never_panic() {
        assert_eq!(Value::new(1000.0).exp().data(), f64::INFINITY);
        assert_eq!(Value::new(0.0).log().data(), f64::NEG_INFINITY);
        assert!(Value::new(-1.0).log().data().is_nan());
        assert!(Value::new(-8.0).powf(1.0 / 3.0).data().is_nan());
        assert_eq!(Value::new(0.0).powi(-1).data(), f64::INFINITY);
        assert_eq!((1.0 / Value::new(0.0)).data(), f64::INFINITY);
        assert!(Value::new(f64::NAN).relu().data().is_nan());
        // d(x^0)/dx is exactly 0, even at x = 0 where x^-1 is inf.
        let z = Value::new(0.0);
        z.powi(0).backward();
        assert_eq!(z.grad(), 0.0);
    }

    #[test]
    fn relu_derivative_at_zero_is_zero() {
        let x = Value::new(0.0);
        let y = x.relu();
        y.backward();
        assert_eq!((y.data(), x.grad()), (0.0, 0.0));
    }

    #[test]
    fn reused_node_accumulates_and_leaves_accumulate_across_calls() {
        let a = Value::new(3.0);
        let b = &a + &a;
        let c = &b * &b; // c = 4a², dc/da = 8a = 24
        c.backward();
        assert_eq!(a.grad(), 24.0);
        assert_eq!(b.grad(), 12.0);
        c.backward();
        assert_eq!(a.grad(), 48.0, "leaves accumulate");
        assert_eq!(b.grad(), 12.0, "interior nodes hold this call's gradient");
    }

    #[test]
    fn prev_op_and_labels() {
        let a = Value::new(1.0).with_label("a");
        let b = Value::new(2.0);
        let c = &a * &b;
        let prev = c.prev();
        assert!(prev[0].same_node(&a) && prev[1].same_node(&b));
        assert_eq!(c.op(), "*");
        assert_eq!(c.local_grads(), vec![2.0, 1.0]);
        assert_eq!(a.label(), "a");
        assert_eq!(b.label(), "");
        assert_eq!(format!("{c:?}"), "Value(data=2.0, grad=0.0)");
    }

    #[test]
    fn million_op_chain_builds_backprops_and_drops() {
        let x = Value::new(1.0);
        let c = Value::new(0.999999);
        let mut y = x.clone();
        for _ in 0..1_000_000 {
            y = &y * &c;
        }
        y.backward();
        assert!((x.grad() - 0.999999f64.powi(1_000_000)).abs() < 1e-9);
        assert_eq!(y.topological_order().len(), 1_000_002);
        drop(y); // frees a million nodes iteratively
    }

    #[test]
    fn reused_slots_sort_and_backprop_correctly() {
        let a = Value::new(3.0);
        for round in 0..3 {
            let y = &(&a * &a) + &a; // reuses the slots the last round freed
            y.backward();
            assert_eq!(
                a.grad(),
                7.0 * f64::from(round + 1),
                "leaves accumulate: 2a + 1 per call"
            );
            assert_eq!(y.topological_order().len(), 3);
        }
    }

    #[test]
    fn memory_is_reused() {
        let x = Value::new(1.0);
        let mut y = x.clone();
        for _ in 0..1000 {
            y = &y + 1.0;
        }
        y.backward();
        assert_eq!(
            tape().rc[x.id as usize],
            2,
            "the handle x and the first add"
        );
        drop(y);
        // Every node built on x was freed, so only the handle x counts now.
        assert_eq!(tape().rc[x.id as usize], 1);
    }
}
