//! A scalar [`Value`] that remembers how it was made, and backpropagates through it.
//!
//! Each op computes its forward value and, right beside it, its local derivative
//! with respect to each parent (SPEC §2.1). `backward()` multiplies those by the
//! upstream grad. Storing numbers instead of micrograd's `_backward` closures is
//! what lets the graph live in a flat tape: the nodes themselves (slots,
//! reclamation, the sort's scratch) live in `tape.rs`, and a [`Value`] is a
//! counted handle to one of them. This file is the one to read beside `engine.py`.

use std::fmt;
use std::mem::take;
use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::tape::{tape, Node, Op, Operand, Remembered, SortScratch, Tape, NO_NODE};

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
        let mut t = tape();
        t.collect_if_due();
        let id = t.leaf(data);
        Value::owned(t.counted(id))
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

    fn unary(&self, f: impl FnOnce(&mut Tape, u32) -> u32) -> Value {
        unary(f, Arg::Borrowed(self))
    }

    /// `self ^ k` for an integer exponent (`_op` prints `**k`).
    pub fn powi(&self, k: i32) -> Value {
        self.unary(|t, a| t.pow(a, f64::from(k), true))
    }

    /// `self ^ k` for a real exponent: NaN for a negative base and a non-integer k.
    pub fn powf(&self, k: f64) -> Value {
        self.unary(|t, a| t.pow(a, k, false))
    }

    /// `self ^ k` where `integer` says how `_op` prints k (used by the Python wheel).
    pub fn pow(&self, k: f64, integer: bool) -> Value {
        self.unary(|t, a| t.pow(a, k, integer))
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
            t.sort(self.id, false);
            let ids = t.topo.clone();
            ids.iter().for_each(|&v| t.retain(v));
            ids
        };
        ids.into_iter().map(Value::owned).collect()
    }
}

// endregion

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

/// Where an op puts the node it makes: the tape, or a run of its free slots
/// that a neuron borrows for all its nodes (tape.rs). Each op is written once,
/// here, for both.
pub(crate) trait Build {
    /// Node `id`'s forward value.
    fn data(&self, id: u32) -> f64;
    /// A new node: its op, its parents, its forward value and its local derivatives.
    fn push(&mut self, op: Op, prev: [u32; 2], data: f64, local: [f64; 2]) -> u32;

    // ----- ops: forward value and local derivatives side by side -----

    // Always inlined into a neuron's forward, where a call costs a fifth of the op
    // (the attribute stays outside the region).
    #[inline(always)]
    // region: add
    fn add(&mut self, a: u32, b: u32) -> u32 {
        let out = self.data(a) + self.data(b);
        self.push(Op::Add, [a, b], out, [1.0, 1.0])
    }
    // endregion

    // region: sub
    fn sub(&mut self, a: u32, b: u32) -> u32 {
        let out = self.data(a) - self.data(b);
        self.push(Op::Sub, [a, b], out, [1.0, -1.0])
    }
    // endregion

    // Always inlined into a neuron's forward, where a call costs a fifth of the op
    // (the attribute stays outside the region).
    #[inline(always)]
    // region: mul
    fn mul(&mut self, a: u32, b: u32) -> u32 {
        let (x, y) = (self.data(a), self.data(b));
        self.push(Op::Mul, [a, b], x * y, [y, x])
    }
    // endregion

    // region: div
    fn div(&mut self, a: u32, b: u32) -> u32 {
        let (x, y) = (self.data(a), self.data(b));
        let out = x / y;
        // d(a/b)/db = -a/b² written as -out/b: no spurious overflow of b².
        self.push(Op::Div, [a, b], out, [1.0 / y, -out / y])
    }
    // endregion

    // region: neg
    fn neg(&mut self, a: u32) -> u32 {
        let out = -self.data(a);
        self.push(Op::Neg, [a, 0], out, [-1.0, 0.0])
    }
    // endregion

    // region: pow
    /// x^k; `integer` only decides how `_op` prints k (`**2` or `**2.0`).
    fn pow(&mut self, a: u32, k: f64, integer: bool) -> u32 {
        let x = self.data(a);
        // C's pow is IEEE's: NaN for (-8)^(1/3), ±inf for 0^-1 and overflow, never a panic.
        // d(x^k)/dx = k·x^(k-1), pinned to exactly 0 for k = 0 (even where x^-1 is inf).
        let local = if k == 0.0 { 0.0 } else { k * x.powf(k - 1.0) };
        let op = if integer { Op::PowI } else { Op::PowF };
        self.push(op, [a, 0], x.powf(k), [local, k])
    }
    // endregion

    // Always inlined into a neuron's forward, like add and mul.
    #[inline(always)]
    // region: relu
    fn relu(&mut self, a: u32) -> u32 {
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
    fn tanh(&mut self, a: u32) -> u32 {
        let t = self.data(a).tanh(); // the library tanh, never the exp formula
        self.push(Op::Tanh, [a, 0], t, [1.0 - t * t, 0.0])
    }
    // endregion

    // region: exp
    fn exp(&mut self, a: u32) -> u32 {
        let e = self.data(a).exp(); // exp(1000) = inf, as IEEE says
        self.push(Op::Exp, [a, 0], e, [e, 0.0])
    }
    // endregion

    // region: log
    fn log(&mut self, a: u32) -> u32 {
        let x = self.data(a); // ln(0) = -inf, ln(x < 0) = NaN
        self.push(Op::Log, [a, 0], x.ln(), [1.0 / x, 0.0])
    }
    // endregion

    // region: sigmoid
    fn sigmoid(&mut self, a: u32) -> u32 {
        let s = 1.0 / (1.0 + (-self.data(a)).exp());
        self.push(Op::Sigmoid, [a, 0], s, [s * (1.0 - s), 0.0])
    }
    // endregion

    // `leaf`, `operand` and `binary` are always inlined, like `add` and `mul`: a
    // neuron's sum keeps its run of free slots in registers only if no call
    // takes the run's address.

    /// A new leaf holding `data`, not counted yet.
    #[inline(always)]
    fn leaf(&mut self, data: f64) -> u32 {
        self.push(Op::Leaf, [0, 0], data, [0.0, 0.0])
    }

    /// The node an operand stands for (a number becomes a new leaf).
    #[inline(always)]
    fn operand(&mut self, x: Operand) -> u32 {
        match x {
            Operand::Node(id) => id,
            Operand::Const(c) => self.leaf(c),
        }
    }

    /// `a op b` for operands that may be plain numbers.
    /// (Like every routine that pushes nodes, its caller calls `collect_if_due` first.)
    #[inline(always)] // a number operand's leaf is made only where one was written
    fn binary(&mut self, f: impl FnOnce(&mut Self, u32, u32) -> u32, a: Operand, b: Operand) -> u32
    where
        Self: Sized,
    {
        let (a, b) = (self.operand(a), self.operand(b));
        f(self, a, b)
    }
}

impl Tape {
    // region: backward
    /// This call's gradients of `root` w.r.t. every node; leaves add them to their grads.
    pub(crate) fn backward(&mut self, root: u32) {
        // The graph a recent backward sorted, again: its order will do (tape.rs).
        let kept = match self.replay_sort(root) {
            Some(k) => k,
            None => {
                // Where no node is used three times, the tape's order will do (tape.rs).
                if self.sweep_backward(root) {
                    return;
                }
                self.sort(root, true); // the leaves go to `saved`, with their grads from before
                self.remember_sort(root)
            }
        };
        let Remembered { steps, leaves, .. } = &self.remembered[kept];
        // All three cut to one length, so one bounds check covers a node's reads.
        let n = self.nodes.len();
        let (grad, local, nodes) = (&mut self.grad[..n], &self.local[..n], &self.nodes[..n]);
        grad[root as usize] = 1.0;
        for step in steps.iter().rev() {
            let v = step.node as usize;
            let (g, local, parents) = (grad[v], local[v], nodes[v].parents());
            for ((&p, &starts), local) in parents.iter().zip(&step.starts).zip(local) {
                // The parent's first contribution starts its sum (micrograd zeroed every grad).
                let sum = if starts { 0.0 } else { grad[p as usize] };
                grad[p as usize] = sum + local * g; // chain rule: 0 * inf stays NaN
            }
        }
        for &(leaf, before) in leaves {
            grad[leaf as usize] += before; // = before + this call's grad (IEEE + commutes)
        }
    }

    /// micrograd's build_topo with an explicit stack: parents before children,
    /// the order left in `self.topo`. For a backward (`for_backward`), the
    /// leaves go to `self.saved` with their grads, not into the order: the
    /// chain rule has nothing to do for a node without parents.
    pub(crate) fn sort(&mut self, root: u32, for_backward: bool) {
        let epoch = self.next_epoch(); // a node is visited when its mark is this epoch
        let mut s = self.sort_scratch();
        if for_backward {
            Tape::topological_order::<true>(&mut s, root, epoch);
        } else {
            Tape::topological_order::<false>(&mut s, root, epoch);
        }
    }

    /// The sort itself, on the tape's arrays borrowed apart (so the compiler keeps
    /// them in registers). `BACKWARD`: the leaves go to `saved`, with their grads.
    fn topological_order<const BACKWARD: bool>(s: &mut SortScratch<'_>, root: u32, epoch: u32) {
        let nodes = &mut *s.nodes;
        let grad = &s.grad[..nodes.len()]; // one length: one bounds check per node
        let (mut topo, mut saved, mut stack) = (take(s.topo), take(s.saved), take(s.stack));
        let mut visit =
            |nodes: &mut [Node], p: u32| first_visit::<BACKWARD>(nodes, grad, &mut saved, p, epoch);
        visit(nodes, root); // the root is new to this sort: its visit only marks it
        let mut v = root; // the node whose parents are visited now
        'expand: loop {
            // The parents in order, each with the one still to visit after it.
            let (first, second) = match *nodes[v as usize].parents() {
                [] => (NO_NODE, NO_NODE),
                [a] => (a, NO_NODE),
                [a, b] => (a, b),
                _ => unreachable!("a node has at most two parents"),
            };
            for (p, after) in [(first, second), (second, NO_NODE)] {
                if p == NO_NODE {
                    break;
                }
                match visit(nodes, p) {
                    Visit::Seen => {}
                    Visit::Leaf => place_leaf::<BACKWARD>(&mut topo, p),
                    Visit::Expand => {
                        // Come back to v later, with its other parent still to visit.
                        stack.push((v, after));
                        v = p;
                        continue 'expand;
                    }
                }
            }
            topo.push(v); // every parent is placed: post-order
            while let Some(top) = stack.last_mut() {
                let (child, pending) = *top;
                if pending != NO_NODE {
                    top.1 = NO_NODE; // visited now: child is placed when we are back
                    match visit(nodes, pending) {
                        Visit::Seen => {}
                        Visit::Leaf => place_leaf::<BACKWARD>(&mut topo, pending),
                        Visit::Expand => {
                            v = pending;
                            continue 'expand;
                        }
                    }
                }
                stack.pop();
                topo.push(child);
            }
            break;
        }
        (*s.topo, *s.saved, *s.stack) = (topo, saved, stack);
    }
    // endregion
}

/// A leaf's visit ends where it starts: it is placed at once, except in a
/// backward's order (`BACKWARD`), where `saved` holds it instead.
#[inline(always)]
fn place_leaf<const BACKWARD: bool>(topo: &mut Vec<u32>, leaf: u32) {
    if !BACKWARD {
        topo.push(leaf);
    }
}

/// What a parent's visit in the sort found.
enum Visit {
    Seen,
    Leaf,
    Expand,
}

/// Mark `p` visited in this sort; an unseen interior node is expanded next.
/// `BACKWARD`: a leaf's grad is saved (the chain rule starts every sum from 0).
#[inline(always)]
fn first_visit<const BACKWARD: bool>(
    nodes: &mut [Node],
    grad: &[f64],
    saved: &mut Vec<(u32, f64)>,
    p: u32,
    epoch: u32,
) -> Visit {
    let parent = &mut nodes[p as usize];
    if parent.mark == epoch {
        return Visit::Seen;
    }
    parent.mark = epoch;
    if parent.op != Op::Leaf {
        return Visit::Expand;
    }
    if BACKWARD {
        saved.push((p, grad[p as usize]));
    }
    Visit::Leaf
}

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
        tape().release_handle(self.id);
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

/// An operand of `+ - * /` as the caller wrote it. A Value passed by value
/// hands its count back under the op's own lock, where dropping it afterwards
/// would take the lock a second time (`y = y * &c` locks once per op).
enum Arg<'a> {
    Borrowed(&'a Value),
    Moved(Value),
    Number(f64),
}

impl Arg<'_> {
    fn operand(&self) -> Operand {
        match self {
            Arg::Borrowed(v) => Operand::Node(v.id),
            Arg::Moved(v) => Operand::Node(v.id),
            Arg::Number(x) => Operand::Const(*x),
        }
    }

    /// Give up a moved Value's count on the locked tape, instead of in `Drop`.
    /// Only for an operand of the op just made: it has a child now, so losing
    /// the count cannot make it garbage.
    fn release(self, t: &mut Tape) {
        if let Arg::Moved(v) = self {
            t.release(v.id);
            std::mem::forget(v); // its count is given up: Drop must not run
        }
    }
}

impl<'a> From<&'a Value> for Arg<'a> {
    fn from(v: &'a Value) -> Arg<'a> {
        Arg::Borrowed(v)
    }
}

impl From<Value> for Arg<'_> {
    fn from(v: Value) -> Self {
        Arg::Moved(v)
    }
}

impl From<f64> for Arg<'_> {
    fn from(x: f64) -> Self {
        Arg::Number(x)
    }
}

/// `a op b` under one lock; moved operands are released after the op read them.
// Inlined into each operator impl, so which operands are moved is known there.
#[inline(always)]
fn binary(op: impl FnOnce(&mut Tape, u32, u32) -> u32, a: Arg<'_>, b: Arg<'_>) -> Value {
    let mut t = tape();
    t.collect_if_due();
    let id = t.binary(op, a.operand(), b.operand());
    let out = Value::owned(t.counted(id));
    a.release(&mut t);
    b.release(&mut t);
    out
}

/// `op a` under one lock, like [`binary`].
#[inline(always)]
fn unary(op: impl FnOnce(&mut Tape, u32) -> u32, a: Arg<'_>) -> Value {
    let mut t = tape();
    t.collect_if_due();
    let a_id = t.operand(a.operand());
    let id = op(&mut t, a_id);
    let out = Value::owned(t.counted(id));
    a.release(&mut t);
    out
}

/// Values, references to Values and f64 on either side of + - * /.
macro_rules! binary_ops {
    ($($Trait:ident $method:ident $op:path;)*) => {$(
        binary_ops!(@impl $Trait $method $op; &Value, &Value);
        binary_ops!(@impl $Trait $method $op; Value, Value);
        binary_ops!(@impl $Trait $method $op; Value, &Value);
        binary_ops!(@impl $Trait $method $op; &Value, Value);
        binary_ops!(@impl $Trait $method $op; Value, f64);
        binary_ops!(@impl $Trait $method $op; &Value, f64);
        binary_ops!(@impl $Trait $method $op; f64, Value);
        binary_ops!(@impl $Trait $method $op; f64, &Value);
    )*};
    (@impl $Trait:ident $method:ident $op:path; $Lhs:ty, $Rhs:ty) => {
        impl $Trait<$Rhs> for $Lhs {
            type Output = Value;
            #[inline] // into the caller's loop, across crates: a call costs a chain op 15 instructions
            fn $method(self, rhs: $Rhs) -> Value {
                binary($op, self.into(), rhs.into())
            }
        }
    };
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
        unary(Tape::neg, self.into())
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
    fn an_op_gives_up_the_counts_of_the_values_moved_into_it() {
        let (a, b) = (Value::new(2.0), Value::new(3.0));
        let (a_id, b_id) = (a.id, b.id);
        let kept = a.clone();
        let count = |id| tape().count(id);
        assert_eq!(count(a_id), 2);
        let y = a * &b; // a moves in: its count goes with it, b's stays
        assert_eq!((count(a_id), count(b_id)), (1, 1));
        let z = -(y.clone() + b); // b and both handles to y's copies move in
        assert_eq!((count(y.id), count(b_id)), (1, 0));
        assert_eq!((z.data(), z.local_grads()), (-9.0, vec![-1.0]));
        let w = 1.0 / z * kept; // a number, a moved Value and a moved Value
        assert_eq!(w.data(), -2.0 / 9.0);
        assert_eq!((count(a_id), count(y.id)), (0, 1));
        w.backward();
        // w = a / -(y + b): dw/dy = a / (y + b)² = 2/81
        assert!((y.grad() - 2.0 / 81.0).abs() < 1e-15, "{}", y.grad());
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
        // Handles count, children do not: dropping y is one decrement, and the
        // next collection frees the chain (tape.rs tests it on a private tape).
        assert_eq!(tape().count(x.id), 1);
        assert_eq!(tape().count(y.id), 1);
    }
}
