//! Where the nodes live: the tape, its slots, how they are reclaimed, and the
//! topological sort's scratch. `engine.rs` holds what a reader compares with
//! `engine.py` (Value, each op with its local derivative, backward); this file is
//! the storage underneath it, which Python gets from its object model for free.
//!
//! # Design
//!
//! **One slab, structure of arrays.** Every node of the process lives in one
//! [`Tape`], addressed by a `u32` index: `data`, `grad`, `local` (the local
//! derivatives, fixed at forward time) and `nodes` (parents, op and the sort's
//! visit mark) are separate dense arrays. Building and walking a graph never
//! chases heap pointers (an `Rc<RefCell<..>>` graph was measured about 10×
//! slower), and each pass streams only the arrays it reads: the sort reads
//! `nodes`, the chain rule its `steps`, `nodes`, `local` and `grad`. A node's parents, op
//! and mark share one 16-byte entry, so a visit touches one cache line.
//!
//! **Roots are counted, children are not.** `rc` counts the handles that point
//! at a node: each [`crate::Value`] and each id a graph-building routine holds
//! across a `collect_if_due` call (a new node starts uncounted: the nodes a
//! neuron or a loss makes on the way are reached through its result). Dropping a handle only decrements the count;
//! nothing is freed node by node and nothing cascades, so dropping a
//! 1,000,000-op chain is one decrement.
//!
//! **Reclamation in bulk (mark and sweep).** Every graph-building routine (an
//! op on Values, a neuron's forward, a loss) first calls `collect_if_due`, the
//! only place a collection runs. A collection marks every node reachable
//! through parent links from a counted root (an explicit stack, never
//! recursion) and frees every other slot at once, 64 slots per bitmap word. It
//! only runs when a Value without children lost its last count since the last
//! one (otherwise nothing can be garbage: a node with a child is reached through
//! it, so dropping a temporary or a chain's old handle never triggers one) and when at least as many nodes were made since as the
//! last one traced (a quarter as many for a graph it marked from the last
//! sort's list, which costs less and happens at most once per `backward`), and
//! an eighth of the tape: its work is paid for by those allocations. A training
//! step drops the previous step's graph before the next forward starts, so the
//! collection runs there and marks little more than the parameters.
//! [`tape_stats`] collects first, so its `live` count is exact.
//!
//! **Creation order in memory.** Free slots are handed out lowest first, so a
//! training step's graph lands in one dense region in creation order and every
//! pass over it walks memory forwards (a LIFO free list scrambled the layout
//! step after step: measured 2-3× slower). They are taken off the bitmap a run
//! of consecutive slots at a time (the free slots of a word from the lowest
//! up, and every all-free word after it), so a new node usually takes its slot
//! with one increment (11% fewer instructions per moons step than a bitmap
//! search per node).
//!
//! **A neuron writes through a borrowed run.** `Tape::push` reaches the arrays
//! through the tape, and the compiler cannot tell that a store into `data`
//! leaves the tape's own fields alone, so it loads each array's address and
//! length again for every node. A neuron's forward instead borrows the run of
//! free slots with the arrays (`Run`), when the run has room for all its
//! nodes: the same ops (`Build`, engine.rs) then write with the addresses, one
//! length and the next slot in registers. A node's stores go grad, local,
//! entry, data: the arrays start at the same offset in a page, and the next
//! op's load of `data[j]` must find its own store the latest among those with
//! the same low address bits (4K aliasing; data first, the forward took 0.62
//! ms instead of 0.57). Both together: 17% fewer instructions per moons step
//! (7.91 → 6.58 M), 14.9 → 11.6 ns/node (6 alternating runs each).
//!
//! **The replay.** A training loop builds the same graph every step, and once
//! an earlier step's graph is collected, in the same slots, so its sort would
//! give the same order every step. A backward's sort is kept as the chain
//! rule's `steps` (each node of the order, and which of its contributions
//! starts its parent's sum, so no grad is reset beforehand).
//! The next backward from the same root takes them as they are unless a slot
//! has taken a node with other parents since (`push` counts it), which is the
//! only way the sort's walk could go elsewhere (`replay_sort`). Two sorts are
//! kept: Python's `loss = step()` holds the last step's graph while the next
//! one is built, so the steps take turns between two regions of slots. The
//! moons step spent 38% of its instructions in the sort; a replay costs one
//! comparison per node, in `push`.
//!
//! **The sweep.** A backward that cannot replay tries to walk the tape down
//! from the root's slot instead of sorting (`sweep_backward`): slots are handed out in
//! creation order, so going down they usually come child before parents. Where
//! no node of the graph gets more than two contributions to its grad, the order
//! they come in cannot change a bit. A wide sum of products is such a graph,
//! and its backward takes a third less time without the sort. A graph with a
//! node used three times (an MLP over a batch, a chain of `y * c`) is handed to
//! the sort at that node's third use, within the first few percent of its nodes.
//!
//! **One lock.** The tape sits behind one process-wide lock, which makes
//! Values `Send + Sync` (the Python wheel relies on that). Whole-graph work (an
//! MLP forward, a loss, `backward`, an optimizer step) takes the lock once, and
//! so does an op on Values: a Value moved into it (`y = y * &c`) gives up its
//! count under that same lock rather than in a second one when dropped. The
//! lock is a flag taken with one atomic compare-and-swap and given back with a
//! plain store (`TapeLock`, the crate's one `unsafe`), where a `Mutex` takes two
//! atomics. What an atomic costs depends on the CPU. On a Zen 4 EPYC the `Mutex`
//! pair took about 2 ns of a chain op's ~14; the flag saved 0.8 ns per chain op
//! and was measured 1.2 ns slower per moons node. On a first-generation Zen EPYC
//! the pair took 22 ns of a chain op's ~42; the flag cut a chain by 14% and a
//! wide sum by 26% (36.9 → 27.3 ns/node), with the moons step unchanged (24.7 vs
//! 24.9 ns/node, 12 runs each). A thread that finds the tape taken spins
//! briefly, then yields.

use std::cell::UnsafeCell;
use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::engine::Build;

/// The op that made a node; the exponent of a pow lives in the node's `local[1]`.
/// Ordered by arity (leaf, unary, binary), so `arity` is two comparisons.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum Op {
    Leaf,
    Neg,
    PowI,
    PowF,
    Relu,
    Tanh,
    Exp,
    Log,
    Sigmoid,
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    #[inline(always)]
    pub(crate) fn arity(self) -> usize {
        usize::from(self != Op::Leaf) + usize::from(self >= Op::Add)
    }
}

/// What the sort reads of a node, in one 16-byte entry: its parents (the first
/// `arity` of `prev`, the rest `NO_NODE`), its op and the sort that last
/// visited it, and whether a node made since the last collection has it as a
/// parent.
#[derive(Clone, Copy)]
#[cfg_attr(test, derive(PartialEq, Debug))]
#[repr(C, align(16))]
pub(crate) struct Node {
    pub(crate) prev: [u32; 2],
    pub(crate) mark: u32,
    pub(crate) op: Op,
    arity: u8, // op.arity(), kept at hand for the sort and the chain rule
    has_child: bool,
    pad: u8,
}

impl Node {
    /// A node not sorted yet and without children, with `prev`'s places past
    /// the op's arity filled with `NO_NODE`.
    #[inline(always)]
    fn new(op: Op, prev: [u32; 2]) -> Node {
        let prev = match op.arity() {
            0 => [NO_NODE; 2],
            1 => [prev[0], NO_NODE],
            _ => prev,
        };
        Node {
            prev,
            mark: UNSORTED,
            op,
            arity: op.arity() as u8,
            has_child: false,
            pad: 0,
        }
    }

    /// The parents, in order.
    #[inline(always)]
    pub(crate) fn parents(&self) -> &[u32] {
        &self.prev[..usize::from(self.arity)]
    }

    /// Whether `other` has the same parents, as the sort sees them (`prev`
    /// fills the places of parents a node lacks with `NO_NODE`, so it tells
    /// the arity too).
    #[inline(always)]
    fn same_parents(&self, other: &Node) -> bool {
        self.prev == other.prev
    }
}

/// The slab of nodes shared by every Value in the process (see the module header).
pub(crate) struct Tape {
    pub(crate) data: Vec<f64>,
    pub(crate) grad: Vec<f64>,
    pub(crate) local: Vec<[f64; 2]>, // d self / d parent, in parent order (pow keeps k in local[1])
    pub(crate) nodes: Vec<Node>,
    rc: Vec<u32>, // handles (Values, ids held by the crate's routines) pointing here
    // Free slots as a bitmap, handed out lowest first.
    free_bits: Vec<u64>,
    free_count: usize,      // set bits in free_bits (`free_slots()` adds the run's)
    first_free_word: usize, // every word below this one is 0
    // The run of free slots being handed out (taken off free_bits already),
    // and where it began.
    run: std::ops::Range<usize>,
    run_begin: usize,
    // When to collect: only if a Value was dropped since the last collection,
    // and only once `made()` (slots handed out since: `made` counts those of
    // earlier runs and new slots, the run counts its own) reaches `collect_after`.
    released: bool,
    made: usize,
    collect_after: usize,
    labels: BTreeMap<u32, String>,
    epoch: u32,
    // Scratch, kept to avoid allocating on every backward / collection.
    pub(crate) topo: Vec<u32>,
    pub(crate) saved: Vec<(u32, f64)>, // (leaf, its grad before this backward)
    stack: Vec<(u32, u32)>,
    reached: Vec<u64>, // the collection's marks, one bit per slot
    traced: Vec<u32>,
    // The last two backwards' sorts (two: Python's `loss = step()` holds the
    // last step's graph while the next one is built, so steps take turns
    // between two regions of slots), the one used last, and how many times a
    // slot has taken a node with other parents than its last one had.
    pub(crate) remembered: [Remembered; 2],
    latest: usize,
    reshapes: u64,
}

/// A backward's sort, kept for the next backward from the same root.
pub(crate) struct Remembered {
    root: u32,
    pub(crate) steps: Vec<Step>, // the chain rule's steps, in the sort's order
    pub(crate) leaves: Vec<(u32, f64)>, // the leaves reached, each with its grad before
    reshapes: u64,               // `Tape::reshapes` when it was sorted
    // Sorted or replayed since the last collection: `steps` and `leaves` are
    // then exactly what `root` reaches (no slot was freed since), so while it
    // is held, a collection marks its graph from them instead of tracing it.
    fresh: bool,
    // Their slots as bitmap words (index, bits), made by the first collection
    // that marks the graph: a replay keeps the slots, so a training loop that
    // holds the last loss has it marked 64 slots at a time.
    words: Vec<(u32, u64)>,
}

impl Remembered {
    const NONE: Remembered = Remembered {
        root: NO_NODE,
        steps: Vec::new(),
        leaves: Vec::new(),
        reshapes: 0,
        fresh: false,
        words: Vec::new(),
    };

    /// `words`, made if need be in `scratch` (a bitmap of the tape, all 0, left so).
    fn slot_words(&mut self, scratch: &mut [u64]) -> &[(u32, u64)] {
        if self.words.is_empty() {
            let nodes = self.steps.iter().map(|step| step.node);
            for v in nodes.chain(self.leaves.iter().map(|&(leaf, _)| leaf)) {
                scratch[v as usize / 64] |= 1 << (v % 64);
            }
            for (w, bits) in scratch.iter_mut().enumerate() {
                if *bits != 0 {
                    self.words.push((w as u32, std::mem::take(bits)));
                }
            }
        }
        &self.words
    }
}

/// One step of the chain rule, at a node of a backward's order: the node, and
/// which of its contributions (one per parent, in order) is the first its
/// parent gets, the one that starts the parent's sum from 0.
#[derive(Clone, Copy)]
pub(crate) struct Step {
    pub(crate) node: u32,
    pub(crate) starts: [bool; 2],
}

/// What the topological sort works on: the tape's arrays, borrowed apart.
pub(crate) struct SortScratch<'a> {
    pub(crate) nodes: &'a mut [Node],
    pub(crate) grad: &'a [f64],
    pub(crate) topo: &'a mut Vec<u32>,
    pub(crate) saved: &'a mut Vec<(u32, f64)>, // (leaf, its grad before this backward)
    pub(crate) stack: &'a mut Vec<(u32, u32)>, // (child, index of its next parent)
}

/// Not a node: no slot has this index (the tape stops one short of it).
pub(crate) const NO_NODE: u32 = u32::MAX;

/// The mark of a node no sort has visited since `push` (or since the epochs
/// wrapped): no sort's epoch.
const UNSORTED: u32 = 0;

/// The fewest new nodes worth a collection.
const MIN_COLLECT: usize = 1 << 12;

static TAPE: TapeLock = TapeLock {
    locked: AtomicBool::new(false),
    tape: UnsafeCell::new(Tape::new()),
};

/// Lock the tape: one atomic instruction to take it, a plain store to give it
/// back (a `Mutex` takes two atomics, which cost 22 ns per op on one machine).
pub(crate) fn tape() -> TapeGuard {
    if TAPE
        .locked
        .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        TAPE.wait_and_lock();
    }
    TapeGuard(&TAPE)
}

/// The process's tape behind a flag: a spin lock that yields its thread while
/// another holds the tape. A panic while holding it gives the lock back on unwind,
/// and leaves the tape consistent (no op panics half-way).
struct TapeLock {
    locked: AtomicBool,
    tape: UnsafeCell<Tape>,
}

// SAFETY: the tape is only reached through a `TapeGuard`, and one exists at a
// time: a guard is made only by the thread whose Acquire compare-and-swap turned
// `locked` from false to true, and its Drop turns it back with a Release store, so
// every access of one holder happens before every access of the next.
unsafe impl Sync for TapeLock {}

impl TapeLock {
    #[cold]
    fn wait_and_lock(&self) {
        let mut spins = 0;
        loop {
            while self.locked.load(Ordering::Relaxed) {
                if spins < 64 {
                    spins += 1;
                    std::hint::spin_loop();
                } else {
                    std::thread::yield_now(); // a backward can hold the tape for ms
                }
            }
            if self
                .locked
                .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return;
            }
        }
    }
}

/// The held lock: the tape, until dropped.
pub(crate) struct TapeGuard(&'static TapeLock);

impl Deref for TapeGuard {
    type Target = Tape;
    fn deref(&self) -> &Tape {
        // SAFETY: this guard holds the lock (see `TapeLock`), so no &mut exists elsewhere.
        unsafe { &*self.0.tape.get() }
    }
}

impl DerefMut for TapeGuard {
    fn deref_mut(&mut self) -> &mut Tape {
        // SAFETY: this guard holds the lock, and &mut self makes this borrow the only one.
        unsafe { &mut *self.0.tape.get() }
    }
}

impl Drop for TapeGuard {
    fn drop(&mut self) {
        self.0.locked.store(false, Ordering::Release);
    }
}

/// How many node slots the tape holds and how many hold live nodes.
///
/// `live` falls back when Values are dropped; `slots` is the high-water mark
/// (freed slots are reused, not returned to the allocator).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TapeStats {
    /// Slots allocated so far.
    pub slots: usize,
    /// Slots holding a node that some Value reaches (itself or through children).
    pub live: usize,
}

/// The tape's current [`TapeStats`] (shared by every Value of the process).
/// It collects first, so `live` counts exactly the reachable nodes.
pub fn tape_stats() -> TapeStats {
    let mut t = tape();
    t.collect();
    TapeStats {
        slots: t.data.len(),
        live: t.data.len() - t.free_slots(),
    }
}

/// Make room on the tape for `additional` more nodes, or say it cannot: an
/// allocation that fails here is an error, where growing the tape later would
/// abort the process. The Python wheel calls it before building a model.
pub fn try_reserve_nodes(additional: usize) -> Result<(), crate::Error> {
    let mut t = tape();
    let free = t.free_slots();
    let n = additional.saturating_sub(free);
    let too_many = || crate::Error::new(format!("no room for {additional} more Values"));
    if t.data.len().saturating_add(n) > NO_NODE as usize {
        return Err(too_many());
    }
    let words = (t.data.len() + n)
        .div_ceil(64)
        .saturating_sub(t.free_bits.len());
    t.data.try_reserve(n).map_err(|_| too_many())?;
    t.grad.try_reserve(n).map_err(|_| too_many())?;
    t.local.try_reserve(n).map_err(|_| too_many())?;
    t.nodes.try_reserve(n).map_err(|_| too_many())?;
    t.rc.try_reserve(n).map_err(|_| too_many())?;
    t.free_bits.try_reserve(words).map_err(|_| too_many())?;
    Ok(())
}

/// Mark `node`'s parents as having a child (what lets a collection skip work).
#[inline(always)]
fn mark_parents(nodes: &mut [Node], node: &Node) {
    for &p in node.parents() {
        let parent = &mut nodes[p as usize];
        if !parent.has_child {
            parent.has_child = true; // a load spares a store: the CPU does one store a cycle
        }
    }
}

impl Build for Tape {
    #[inline(always)]
    fn data(&self, id: u32) -> f64 {
        self.data[id as usize]
    }

    /// A new node, not counted yet: the routine that made it counts it (`counted`)
    /// to keep it across a `collect_if_due` or to wrap it in a Value; until then
    /// only what it reaches it through keeps it.
    #[inline(always)] // every op calls it: inlined, the op's stores go straight to the arrays
    fn push(&mut self, op: Op, prev: [u32; 2], data: f64, local: [f64; 2]) -> u32 {
        if self.run.is_empty() && !self.take_free_run() {
            return self.append(Node::new(op, prev), data, local);
        }
        self.borrow_run().push(op, prev, data, local)
    }
}

/// The tape's arrays and its run of free slots, borrowed apart from the rest
/// of it: where a node goes when a free slot takes it. A neuron borrows one for
/// all its nodes (`Tape::free_run`; the module header says why); `Tape::push`
/// borrows one per node. Dropped, it gives the tape back where the run has got to.
pub(crate) struct Run<'t> {
    next: usize,
    end: usize,
    data: &'t mut [f64],
    grad: &'t mut [f64],
    local: &'t mut [[f64; 2]],
    nodes: &'t mut [Node],
    run: &'t mut std::ops::Range<usize>,
    reshapes: &'t mut u64,
}

impl Build for Run<'_> {
    #[inline(always)]
    fn data(&self, id: u32) -> f64 {
        self.data[id as usize]
    }

    #[inline(always)]
    fn push(&mut self, op: Op, prev: [u32; 2], data: f64, local: [f64; 2]) -> u32 {
        assert!(self.next < self.end, "a run of free slots overfilled");
        let j = self.next;
        self.next += 1;
        let node = Node::new(op, prev);
        mark_parents(self.nodes, &node);
        // A slot of the last sort's order may take a node with other parents.
        if !self.nodes[j].same_parents(&node) {
            *self.reshapes += 1;
        }
        // data[j] last: the next op loads it (4K aliasing, see the module header).
        self.grad[j] = 0.0;
        let [d0, d1] = local; // two stores: copied whole, it went through the stack
        self.local[j] = [d0, d1];
        self.nodes[j] = node;
        self.data[j] = data;
        j as u32
    }
}

impl Run<'_> {
    /// The slots this run has handed out.
    pub(crate) fn used(&self) -> usize {
        self.next - self.run.start
    }

    /// Cut the arrays to `data`'s length, so that one bounds check covers a
    /// slot's writes: three checks for the run, worth it for a neuron's nodes,
    /// not for one node (a chain op 2% slower).
    #[inline(always)]
    fn cut_to_one_length(&mut self) {
        let n = self.data.len();
        self.grad = &mut std::mem::take(&mut self.grad)[..n];
        self.local = &mut std::mem::take(&mut self.local)[..n];
        self.nodes = &mut std::mem::take(&mut self.nodes)[..n];
    }
}

impl Drop for Run<'_> {
    fn drop(&mut self) {
        self.run.start = self.next;
    }
}

/// An operand of a graph-building routine: a node, or a plain number that
/// becomes a new leaf where it is used (as `2 * x` does).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Operand {
    Node(u32),
    Const(f64),
}

impl Tape {
    const fn new() -> Tape {
        Tape {
            data: Vec::new(),
            grad: Vec::new(),
            local: Vec::new(),
            nodes: Vec::new(),
            rc: Vec::new(),
            free_bits: Vec::new(),
            free_count: 0,
            first_free_word: 0,
            run: 0..0,
            run_begin: 0,
            released: false,
            made: 0,
            collect_after: MIN_COLLECT,
            labels: BTreeMap::new(),
            epoch: 0,
            topo: Vec::new(),
            saved: Vec::new(),
            stack: Vec::new(),
            reached: Vec::new(),
            traced: Vec::new(),
            remembered: [Remembered::NONE, Remembered::NONE],
            latest: 0,
            reshapes: 0,
        }
    }

    // ----- slots and root counts -----

    /// The run of free slots being handed out, borrowed for at least `need`
    /// new nodes: a neuron builds all its nodes in it (nn.rs). `None` when the
    /// free slots left in the run, or in the next one, are fewer.
    #[inline(always)] // so the compiler sees that the arrays were cut to one length
    pub(crate) fn free_run(&mut self, need: usize) -> Option<Run<'_>> {
        if self.run.is_empty() {
            self.take_free_run();
        }
        if self.run.len() < need {
            return None;
        }
        let mut run = self.borrow_run();
        run.cut_to_one_length();
        Some(run)
    }

    /// The arrays a node's write touches, borrowed apart from the rest of the
    /// tape, with the current run.
    #[inline(always)]
    fn borrow_run(&mut self) -> Run<'_> {
        Run {
            next: self.run.start,
            end: self.run.end,
            data: &mut self.data,
            grad: &mut self.grad,
            local: &mut self.local,
            nodes: &mut self.nodes,
            run: &mut self.run,
            reshapes: &mut self.reshapes,
        }
    }

    /// Take the lowest run of free slots off the bitmap, if there is one.
    #[inline(never)] // once per run: kept out of the ops that inline `push`
    fn take_free_run(&mut self) -> bool {
        self.made += self.run.start - self.run_begin; // the slots the last run handed out
        match self.next_free_run() {
            Some(run) => {
                // rc is 0 in a free slot already: a counted node is a root, and
                // roots are never freed.
                debug_assert!(self.rc[run.clone()].iter().all(|&rc| rc == 0));
                self.run_begin = run.start;
                self.run = run;
                true
            }
            None => {
                self.run_begin = self.run.start;
                false
            }
        }
    }

    /// Slots handed out since the last collection.
    fn made(&self) -> usize {
        self.made + (self.run.start - self.run_begin)
    }

    /// A new node in a slot added at the end of the tape (no free slot is left).
    fn append(&mut self, node: Node, data: f64, local: [f64; 2]) -> u32 {
        let i = u32::try_from(self.data.len())
            .ok()
            .filter(|&i| i != NO_NODE)
            .expect("more than 2^32 - 1 live Values");
        mark_parents(&mut self.nodes, &node);
        self.made += 1;
        if self.data.len() % 64 == 0 {
            self.free_bits.push(0);
        }
        self.grad.push(0.0);
        self.local.push(local);
        self.nodes.push(node);
        self.rc.push(0);
        self.data.push(data);
        i
    }

    /// How many slots are free.
    fn free_slots(&self) -> usize {
        self.free_count + self.run.len()
    }

    /// The lowest run of consecutive free slots, taken off the bitmap: the
    /// free slots of its lowest word from the lowest one up, and every word
    /// after it that is all free. After a collection the free slots lie in long
    /// runs, so most nodes take a slot with one increment, and a neuron finds
    /// room for all its nodes in one run.
    fn next_free_run(&mut self) -> Option<std::ops::Range<usize>> {
        if self.free_count == 0 {
            return None;
        }
        let mut w = self.first_free_word;
        while self.free_bits[w] == 0 {
            w += 1;
        }
        self.first_free_word = w;
        let word = self.free_bits[w];
        let bit = word.trailing_zeros();
        let len = (!(word >> bit)).trailing_zeros(); // the ones from `bit` up
        let ones = if len == 64 {
            u64::MAX
        } else {
            (1u64 << len) - 1
        };
        self.free_bits[w] = word & !(ones << bit);
        self.free_count -= len as usize;
        let start = w * 64 + bit as usize;
        let mut end = start + len as usize;
        if end % 64 == 0 {
            // The run reaches the word's top: whole free words above carry it on.
            for bits in self.free_bits[w + 1..].iter_mut() {
                if *bits != u64::MAX {
                    break;
                }
                *bits = 0;
                self.free_count -= 64;
                end += 64;
            }
        }
        Some(start..end)
    }

    pub(crate) fn retain(&mut self, id: u32) {
        self.rc[id as usize] += 1;
    }

    /// `id`, counted once more (for a new Value or an id kept across routines).
    pub(crate) fn counted(&mut self, id: u32) -> u32 {
        self.retain(id);
        id
    }

    /// Drop a count a graph-building routine held. What it held is reachable
    /// from what the routine returns, so this makes no garbage.
    pub(crate) fn release(&mut self, id: u32) {
        self.rc[id as usize] -= 1;
    }

    /// Drop a Value's count. The node (and what only it reaches) is reclaimed
    /// by a later collection, not here.
    pub(crate) fn release_handle(&mut self, id: u32) {
        let rc = &mut self.rc[id as usize];
        *rc -= 1;
        // A node with a child stays reachable through it; garbage can only
        // appear when a node without children loses its last count.
        self.released |= *rc == 0 && !self.nodes[id as usize].has_child;
    }

    /// Called by every graph-building routine before it pushes nodes: the one
    /// place a collection may run, so ids a routine holds between two of these
    /// calls need no count. It collects when a Value was dropped since the last
    /// collection and enough nodes were made since then to pay for it (as many
    /// as the last one traced, a quarter of what it marked from the last sort,
    /// and an eighth of the tape); otherwise new nodes
    /// take free slots or grow the tape.
    #[inline]
    pub(crate) fn collect_if_due(&mut self) {
        if self.released && self.made() >= self.collect_after {
            self.collect();
        }
    }

    /// Free every slot no counted root reaches; the rest stay where they are.
    #[cold]
    #[inline(never)] // keeps `push`, which every op inlines, small
    pub(crate) fn collect(&mut self) {
        let n = self.data.len();
        let mut reached = std::mem::take(&mut self.reached);
        reached.clear();
        reached.resize(n.div_ceil(64), 0);
        // A training loop holds the last step's loss while the next step runs:
        // its graph is a remembered sort's, marked here without a trace.
        let mut sorted_work = 0;
        let held = [0, 1].map(|k| {
            let r = &self.remembered[k];
            r.fresh && self.rc[r.root as usize] > 0
        });
        let mut scratch = Vec::new();
        for (r, held) in self.remembered.iter_mut().zip(held) {
            if !held {
                continue;
            }
            if r.words.is_empty() {
                scratch.resize(reached.len(), 0);
            }
            for &(w, bits) in r.slot_words(&mut scratch) {
                reached[w as usize] |= bits;
            }
            sorted_work += (r.steps.len() + r.leaves.len()) / 4;
        }
        // Trace from every other counted node; `traced` keeps what it reached.
        let mut traced = std::mem::take(&mut self.traced);
        traced.clear();
        for (w, counts) in self.rc.chunks(64).enumerate() {
            if counts.iter().fold(0, |any, &rc| any | rc) == 0 {
                continue; // most slots are unrooted: skip them 64 at a time
            }
            for (b, &rc) in counts.iter().enumerate() {
                if rc == 0 || reached[w] & (1 << b) != 0 {
                    continue;
                }
                reached[w] |= 1 << b;
                traced.push((w * 64 + b) as u32);
                let mut at = traced.len() - 1;
                while at < traced.len() {
                    let v = traced[at];
                    at += 1;
                    for &p in self.nodes[v as usize].parents() {
                        let (w, bit) = (p as usize / 64, 1u64 << (p % 64));
                        if reached[w] & bit == 0 {
                            reached[w] |= bit;
                            traced.push(p);
                        }
                    }
                }
            }
        }
        // Survivors learn afresh which of them have children (dead ones went).
        // In a sorted graph every node but its root has a child in it (it is
        // reached through one), so only the roots and the traced nodes change.
        for (r, held) in self.remembered.iter_mut().zip(held) {
            if held {
                self.nodes[r.root as usize].has_child = false;
            }
            r.fresh = false; // slots are freed now
        }
        for &v in &traced {
            self.nodes[v as usize].has_child = false;
        }
        for &v in &traced {
            let node = self.nodes[v as usize];
            for &p in node.parents() {
                self.nodes[p as usize].has_child = true;
            }
        }
        self.free_count = 0;
        for (w, (free, &live)) in self.free_bits.iter_mut().zip(&reached).enumerate() {
            let in_tape = if (w + 1) * 64 <= n {
                u64::MAX
            } else {
                (1u64 << (n % 64)) - 1
            };
            *free = !live & in_tape;
            self.free_count += free.count_ones() as usize;
        }
        self.first_free_word = 0;
        self.run = 0..0; // its slots are in free_bits again (nothing reaches them)
        self.run_begin = 0;
        if !self.labels.is_empty() {
            self.labels
                .retain(|&id, _| reached[id as usize / 64] & (1 << (id % 64)) != 0);
        }
        self.released = false;
        self.made = 0;
        // The next one must be paid for by as many new nodes as this one's work:
        // the traced nodes, and a quarter of the sorted graphs' (marked from lists).
        self.collect_after = (traced.len() + sorted_work).max(n / 8).max(MIN_COLLECT);
        self.reached = reached;
        self.traced = traced;
    }

    // ----- fields -----

    pub(crate) fn grad(&self, id: u32) -> f64 {
        self.grad[id as usize]
    }
    pub(crate) fn set_data(&mut self, id: u32, x: f64) {
        self.data[id as usize] = x;
    }
    pub(crate) fn set_grad(&mut self, id: u32, g: f64) {
        self.grad[id as usize] = g;
    }
    pub(crate) fn label(&self, id: u32) -> String {
        self.labels.get(&id).cloned().unwrap_or_default()
    }
    pub(crate) fn set_label(&mut self, id: u32, label: &str) {
        if !label.is_empty() {
            self.labels.insert(id, label.to_owned());
        } else {
            self.labels.remove(&id);
        }
    }
    pub(crate) fn prev(&self, id: u32) -> &[u32] {
        let node = &self.nodes[id as usize];
        node.parents()
    }
    pub(crate) fn local_grads(&self, id: u32) -> Vec<f64> {
        let arity = self.nodes[id as usize].parents().len();
        self.local[id as usize][..arity].to_vec()
    }
    pub(crate) fn op(&self, id: u32) -> (Op, f64) {
        (self.nodes[id as usize].op, self.local[id as usize][1])
    }
    #[cfg(test)]
    pub(crate) fn count(&self, id: u32) -> u32 {
        self.rc[id as usize]
    }

    // ----- the sweep: a backward without the sort -----

    /// `backward(root)` in one pass down the tape, when that is sure to give
    /// the sort's bits; otherwise it changes no grad and returns false.
    ///
    /// Walking the slots down from the root's reaches each node after all its
    /// children as long as every edge points to a lower slot: a parent is
    /// made before its child and slots are handed out lowest first, so that is
    /// the usual case. Each node then passes its grad on as soon as it is
    /// reached, with no order to build. The order only matters where a grad is
    /// a sum, and a sum of two contributions is the same either way round:
    /// IEEE addition commutes, and both paths start the sum from +0. So the
    /// sweep goes on while no node gets a third contribution. The first marks
    /// a node `once`, the second `twice`. A third, or an edge pointing up,
    /// hands the graph to the sort. The moons MLP's graph gets there at a
    /// weight's third use, after the 2% of its nodes its L2 penalty makes.
    pub(crate) fn sweep_backward(&mut self, root: u32) -> bool {
        let (once, twice) = (self.next_epoch(), self.next_epoch());
        let n = self.nodes.len(); // one length: one bounds check per access
        let (nodes, grad, local) = (
            &mut self.nodes[..n],
            &mut self.grad[..n],
            &mut self.local[..n],
        );
        let reached = |mark: u32| mark == once || mark == twice;
        let r = root as usize;
        nodes[r].mark = once;
        if nodes[r].op == Op::Leaf {
            local[r] = [grad[r], 1.0];
            grad[r] += 1.0;
        } else {
            grad[r] = 1.0;
        }
        let (mut lowest, mut passed, mut skipped) = (r, 0, 0); // the graph lies in lowest..=r
        let mut j = r + 1;
        let finished = 'sweep: loop {
            if j == lowest {
                break true;
            }
            j -= 1;
            let node = nodes[j];
            if !reached(node.mark) {
                // Another graph's slot. If they outnumber this graph's, the sort is cheaper.
                skipped += 1;
                if skipped > 4 * passed + 4096 {
                    break false;
                }
                continue;
            }
            passed += 1;
            let (g, d) = (grad[j], local[j]);
            for (&p, d) in node.parents().iter().zip(d) {
                let k = p as usize;
                let parent = &mut nodes[k];
                if k >= j || parent.mark == twice {
                    break 'sweep false; // an edge pointing up, or a third contribution
                }
                let c = 0.0 + d * g; // the sort resets a grad to +0, then adds
                let leaf = parent.op == Op::Leaf;
                if parent.mark == once {
                    parent.mark = twice;
                    grad[k] = match leaf {
                        // (first + second) + before, as the sort's path adds them
                        true => (local[k][1] + c) + local[k][0],
                        false => grad[k] + c,
                    };
                } else {
                    parent.mark = once;
                    lowest = lowest.min(k);
                    if leaf {
                        // A leaf has no local derivatives: its slot keeps its grad
                        // from before and this contribution, should a second come.
                        local[k] = [grad[k], c];
                        grad[k] += c;
                    } else {
                        grad[k] = c;
                    }
                }
            }
        };
        if !finished {
            // Undone: the leaves the passed nodes reached get their grads back
            // (the sort resets every other grad it reaches).
            for k in j..=r {
                let node = nodes[k];
                if reached(node.mark) {
                    for &p in node.parents().iter().chain(&[k as u32]) {
                        let p = p as usize;
                        if nodes[p].op == Op::Leaf && reached(nodes[p].mark) {
                            grad[p] = local[p][0];
                        }
                    }
                }
            }
        }
        finished
    }

    // ----- a recent sort, replayed -----

    /// After a backward's sort from `root` (`topo`, `saved`): keep it as the
    /// chain rule's steps, in place of the sort from the same root or else of
    /// the one used less recently. Returns where it is kept.
    pub(crate) fn remember_sort(&mut self, root: u32) -> usize {
        let k = match self.remembered[self.latest].root == root {
            true => self.latest,
            false => 1 - self.latest,
        };
        let given = self.next_epoch(); // the mark of a parent given a contribution
        let (nodes, r) = (&mut self.nodes, &mut self.remembered[k]);
        let step = |node| Step {
            node,
            starts: [false; 2],
        };
        r.steps.clear();
        r.steps.extend(self.topo.iter().map(|&v| step(v)));
        for step in r.steps.iter_mut().rev() {
            // In the chain rule's order (the root first): is p given its first contribution?
            let node = nodes[step.node as usize];
            for (i, &p) in node.parents().iter().enumerate() {
                step.starts[i] = nodes[p as usize].mark != given;
                nodes[p as usize].mark = given;
            }
        }
        r.words.clear();
        std::mem::swap(&mut r.leaves, &mut self.saved);
        (r.root, r.reshapes, r.fresh) = (root, self.reshapes, true);
        self.latest = k;
        k
    }

    /// Where a sort a backward from `root` may take as it is, if one is kept;
    /// its leaves then get their grads as they are now.
    ///
    /// A training step builds the same graph every step, and once an earlier
    /// step's graph is collected, in the same slots. The sort is a walk whose
    /// every move depends only on the root and the parents of the nodes it
    /// visits: while every slot it went through has the same parents (a leaf
    /// none), it walks the same path to the same order. A slot changes its
    /// parents only when `push` gives it a new node, and `push` counts it when
    /// they differ (`reshapes`), so the check here costs nothing per node.
    pub(crate) fn replay_sort(&mut self, root: u32) -> Option<usize> {
        let reshapes = self.reshapes;
        let k = (0..2).find(|&k| {
            let r = &self.remembered[k];
            r.root == root && r.reshapes == reshapes
        })?;
        let r = &mut self.remembered[k];
        for (leaf, before) in &mut r.leaves {
            *before = self.grad[*leaf as usize];
        }
        r.fresh = true;
        self.latest = k;
        Some(k)
    }

    // ----- the sort's scratch -----

    /// A fresh visit mark for a sort: newer than every mark on the tape.
    pub(crate) fn next_epoch(&mut self) -> u32 {
        if self.epoch == u32::MAX {
            // After 2^32 - 1 sorts the marks could collide: clear them once.
            self.nodes.iter_mut().for_each(|node| node.mark = UNSORTED);
            self.epoch = UNSORTED;
        }
        self.epoch += 1;
        self.epoch
    }

    /// Empty `topo`, `saved` and the stack, and lend them to the sort with the
    /// arrays it reads and writes, each borrowed on its own.
    pub(crate) fn sort_scratch(&mut self) -> SortScratch<'_> {
        let n = self.nodes.len(); // no sort visits more nodes than the tape holds
        self.topo.clear();
        self.topo.reserve(n);
        self.saved.clear();
        self.stack.clear();
        self.stack.reserve(n);
        SortScratch {
            nodes: &mut self.nodes,
            grad: &mut self.grad,
            topo: &mut self.topo,
            saved: &mut self.saved,
            stack: &mut self.stack,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_holding_the_tape_gives_the_lock_back() {
        let caught = std::panic::catch_unwind(|| {
            let _held = tape();
            panic!("while holding the tape");
        });
        assert!(caught.is_err());
        // Other tests hold the tape for moments at a time; a lock left taken stays taken.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while TAPE.locked.load(Ordering::Relaxed) {
            assert!(
                std::time::Instant::now() < deadline,
                "the tape stayed locked"
            );
            std::thread::yield_now();
        }
    }

    // Nodes counted once, as a Value or a routine holding them would.
    fn leaf(t: &mut Tape, x: f64) -> u32 {
        let id = t.leaf(x);
        t.counted(id)
    }
    fn push(t: &mut Tape, op: Op, prev: [u32; 2]) -> u32 {
        let id = t.push(op, prev, 0.0, [1.0, 1.0]);
        t.counted(id)
    }

    #[test]
    fn collection_frees_exactly_the_unreachable() {
        let mut t = Tape::new();
        let a = leaf(&mut t, 2.0);
        let b = leaf(&mut t, 3.0);
        let ab = push(&mut t, Op::Mul, [a, b]);
        let dead = push(&mut t, Op::Neg, [a, 0]);
        t.release(a);
        t.release(b);
        t.release(dead);
        t.set_label(dead, "gone");
        t.collect();
        assert_eq!(
            t.free_slots(),
            1,
            "only `dead` is garbage: a and b are reached from ab"
        );
        assert!(t.labels.is_empty(), "a dead node's label goes with it");
        assert_eq!(
            leaf(&mut t, 7.0),
            dead,
            "its slot is the next one handed out"
        );
        t.release(ab);
        t.collect();
        assert_eq!(t.free_slots(), 3);
        assert_eq!(leaf(&mut t, 1.0), a, "lowest slot first");
    }

    #[test]
    fn free_slots_are_handed_out_lowest_first_run_by_run() {
        let mut t = Tape::new();
        let ids: Vec<u32> = (0..130).map(|i| leaf(&mut t, f64::from(i))).collect();
        for i in [3, 4, 70, 71, 129] {
            t.release_handle(ids[i]);
        }
        t.collect();
        assert_eq!(t.free_slots(), 5);
        let taken: Vec<u32> = (0..6).map(|_| leaf(&mut t, 0.0)).collect();
        assert_eq!(taken, [3, 4, 70, 71, 129, 130], "then the tape grows");
        assert_eq!(t.free_slots(), 0);
        t.release_handle(taken[0]);
        t.release_handle(taken[1]);
        t.collect();
        assert_eq!(leaf(&mut t, 0.0), 3, "the run 3..5 is being handed out");
        t.release_handle(ids[1]);
        t.collect();
        assert_eq!(
            leaf(&mut t, 0.0),
            1,
            "a collection starts over from the lowest"
        );
        assert_eq!(t.free_slots(), 1);
    }

    #[test]
    fn a_run_takes_every_whole_free_word_above_it() {
        let mut t = Tape::new();
        let ids: Vec<u32> = (0..300).map(|i| leaf(&mut t, f64::from(i))).collect();
        for &id in ids[10..].iter().filter(|&&id| id != 200) {
            t.release_handle(id);
        }
        t.collect();
        let mut runs = Vec::new();
        while t.take_free_run() {
            runs.push(t.run.clone());
            t.run.start = t.run.end; // all handed out
        }
        // Words of 64 slots: 0..64 is free from 10 up, 64..192 all free, 192..256
        // all but 200, and the tape ends at 300, in the middle of 256..320.
        assert_eq!(runs, [10..192, 192..200, 201..256, 256..300]);
        assert_eq!((t.free_slots(), t.made()), (0, 289));
    }

    #[test]
    fn made_counts_the_slots_handed_out_not_the_run_they_came_in() {
        let mut t = Tape::new();
        let ids: Vec<u32> = (0..4 * MIN_COLLECT as u32)
            .map(|i| leaf(&mut t, f64::from(i)))
            .collect();
        ids.iter().for_each(|&id| t.release_handle(id));
        t.collect(); // one free run, 4 × MIN_COLLECT long
                     // Garbage at every op: due only once as many slots were handed out as
                     // `collect_after` asks, however long the run they come from.
        for k in 1..=MIN_COLLECT {
            t.collect_if_due();
            let x = leaf(&mut t, 1.0);
            t.release_handle(x);
            assert_eq!(t.made(), k, "no collection before MIN_COLLECT new nodes");
        }
        t.collect_if_due();
        assert_eq!(t.made(), 0, "collected once MIN_COLLECT were made");
    }

    // A tape of 5 bitmap words' slots, the last 220 free.
    fn tape_with_a_free_run() -> Tape {
        let mut t = Tape::new();
        let ids: Vec<u32> = (0..320)
            .map(|i| leaf(&mut t, f64::from(i) - 150.5))
            .collect();
        ids[100..].iter().for_each(|&id| t.release_handle(id));
        t.collect();
        t
    }

    #[test]
    fn a_run_builds_the_nodes_tape_push_builds() {
        // A neuron's sum over nodes and numbers, with an op of each arity.
        fn build(g: &mut impl Build) -> u32 {
            let mut act = 7;
            for (w, x) in [
                (0, Operand::Node(1)),
                (2, Operand::Const(-0.25)),
                (3, Operand::Node(3)),
            ] {
                let term = g.binary(Build::mul, Operand::Node(w), x);
                act = g.add(act, term);
            }
            let root = g.tanh(act);
            g.binary(Build::div, Operand::Node(root), Operand::Const(3.0))
        }
        let (mut by_push, mut in_run) = (tape_with_a_free_run(), tape_with_a_free_run());
        // Slots whose old parents differ: both count the same reshapes.
        by_push.nodes[101].prev = [5, 6];
        in_run.nodes[101].prev = [5, 6];
        let root = build(&mut by_push);
        let root_in_run = build(&mut in_run.free_run(10).expect("a run of 220 free slots"));
        assert_eq!(root, root_in_run);
        assert_eq!(by_push.run, in_run.run, "the same slots handed out");
        assert_eq!(by_push.made(), 10);
        assert_eq!(by_push.reshapes, in_run.reshapes);
        assert_eq!(by_push.nodes, in_run.nodes, "parents, ops, has-child flags");
        for node in &in_run.nodes[100..110] {
            for &p in node.parents() {
                assert!(in_run.nodes[p as usize].has_child, "{p} has a child now");
            }
        }
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&by_push.data), bits(&in_run.data));
        assert_eq!(bits(&by_push.grad), bits(&in_run.grad));
        let locals = |t: &Tape| {
            t.local
                .iter()
                .flatten()
                .map(|x| x.to_bits())
                .collect::<Vec<_>>()
        };
        assert_eq!(locals(&by_push), locals(&in_run));
    }

    #[test]
    fn a_run_is_lent_only_with_room_for_what_is_asked() {
        let mut t = tape_with_a_free_run();
        assert!(t.free_run(221).is_none(), "220 free slots");
        let mut run = t.free_run(220).expect("220 free slots");
        let ids: Vec<u32> = (0..220).map(|i| run.leaf(f64::from(i))).collect();
        drop(run);
        assert_eq!(
            ids,
            (100..320).collect::<Vec<u32>>(),
            "up to the tape's last slot"
        );
        assert_eq!((t.run.len(), t.made()), (0, 220));
    }

    #[test]
    #[should_panic(expected = "overfilled")]
    fn a_run_never_writes_past_its_end() {
        let mut t = tape_with_a_free_run();
        t.run = 100..102; // the rest stays on the bitmap
        let mut run = t.free_run(2).expect("two free slots");
        for x in [1.0, 2.0, 3.0] {
            run.leaf(x);
        }
    }

    #[test]
    fn dropping_a_node_with_children_never_collects() {
        let mut t = Tape::new();
        let mut y = leaf(&mut t, 1.0);
        for _ in 0..3 * MIN_COLLECT {
            t.collect_if_due();
            let next = push(&mut t, Op::Neg, [y, 0]);
            t.release_handle(y); // y has a child: it stays reachable
            y = next;
        }
        assert!(!t.released, "no dropped node can be garbage");
        assert_eq!((t.data.len(), t.free_slots()), (3 * MIN_COLLECT + 1, 0));
        t.release_handle(y); // the chain's end has no child: the chain is garbage
        t.collect_if_due();
        assert_eq!(
            t.free_slots(),
            3 * MIN_COLLECT + 1,
            "one collection freed the chain"
        );
        let z = leaf(&mut t, 2.0);
        t.release_handle(z);
        t.collect_if_due();
        assert_eq!(
            t.free_slots(),
            3 * MIN_COLLECT,
            "too few new nodes to pay for another"
        );
    }

    #[test]
    fn a_dead_child_does_not_keep_its_parent_from_collecting() {
        let mut t = Tape::new();
        let a = leaf(&mut t, 1.0);
        let b = push(&mut t, Op::Neg, [a, 0]);
        t.release_handle(b);
        t.collect(); // b goes; a, still counted, has no child any more
        t.release_handle(a);
        assert!(t.released, "a's child is gone: dropping a may make garbage");
        t.collect();
        assert_eq!(t.free_slots(), 2);
    }

    #[test]
    fn no_collection_without_a_dropped_value() {
        let mut t = Tape::new();
        for _ in 0..2 * MIN_COLLECT {
            let leaf = leaf(&mut t, 0.0);
            t.release(leaf); // a routine's count: what it held stays reachable
        }
        t.collect_if_due();
        assert_eq!(t.free_slots(), 0, "nothing collected: no Value was dropped");
        let v = leaf(&mut t, 1.0);
        t.release_handle(v);
        t.collect_if_due();
        assert_eq!(
            t.free_slots(),
            2 * MIN_COLLECT + 1,
            "a dropped Value lets it collect"
        );
    }

    #[test]
    fn a_graph_marked_from_its_sort_does_not_put_off_the_next_collection() {
        // Python's `loss = step()` holds the last step's sorted graph while the
        // next one is built: marked from the list, it counts a quarter.
        let mut t = Tape::new();
        let (mut y, c) = (leaf(&mut t, 1.0), leaf(&mut t, 0.5));
        for _ in 0..8 * MIN_COLLECT {
            let next = push(&mut t, Op::Mul, [y, c]); // c's third use: backward sorts
            t.release(y);
            y = next;
        }
        t.backward(y);
        let dead = leaf(&mut t, 0.0);
        t.release_handle(dead);
        t.collect();
        assert!(t.traced.is_empty(), "{} nodes traced", t.traced.len());
        assert_eq!(t.collect_after, (8 * MIN_COLLECT + 2) / 4);
        for _ in 0..t.collect_after {
            let garbage = leaf(&mut t, 0.0);
            t.release_handle(garbage);
        }
        t.collect_if_due();
        assert_eq!(
            t.free_slots(),
            (8 * MIN_COLLECT + 2) / 4,
            "collected after a quarter of the held graph's size, not all of it"
        );
    }

    #[test]
    fn a_held_graph_is_marked_from_its_last_sort_without_a_trace() {
        let mut t = Tape::new();
        let a = leaf(&mut t, 2.0);
        let b = push(&mut t, Op::Mul, [a, a]);
        let c = push(&mut t, Op::Mul, [a, b]); // a's third use: backward sorts
        t.release(a);
        t.release(b); // only c is counted: a and b live through it
        t.backward(c);
        let dead = leaf(&mut t, 5.0);
        t.release_handle(dead);
        t.collect();
        assert_eq!(t.free_slots(), 1, "only `dead` went");
        assert!(
            t.traced.is_empty(),
            "c's graph came from the sort, not a trace"
        );
        assert!(!t.nodes[c as usize].has_child && t.nodes[a as usize].has_child);
        t.release_handle(c);
        assert!(t.released);
        t.collect(); // the sort is stale now: everything is traced (nothing is counted)
        assert_eq!(t.free_slots(), 4);
    }

    // y = (a * b) * a, on a tape of its own; returns (a, b, ab, y).
    fn product_graph(t: &mut Tape) -> [u32; 4] {
        let (a, b) = (leaf(t, 3.0), leaf(t, 4.0));
        let ab = t.mul(a, b);
        let y = t.mul(ab, a);
        [a, b, ab, t.counted(y)]
    }

    #[test]
    fn backward_resets_a_grad_set_before_any_sort() {
        let mut t = Tape::new();
        let [_, _, ab, y] = product_graph(&mut t);
        t.set_grad(ab, 5.0); // never sorted: push's 0 is gone all the same
        t.backward(y);
        assert_eq!(t.grad(ab), 3.0, "this call's dy/d(ab) = a, not 5 + a");
    }

    #[test]
    fn backward_resets_every_grad_once_the_epochs_wrap() {
        let mut t = Tape::new();
        let [a, b, ab, y] = product_graph(&mut t);
        t.backward(y);
        let first = [t.grad(a), t.grad(b), t.grad(ab)];
        assert_eq!(first, [24.0, 9.0, 3.0]); // dy/da = 2ab, dy/db = a², dy/d(ab) = a
        t.epoch = u32::MAX - 2;
        t.backward(y); // the last epoch before the wrap
        t.backward(y); // the marks are renewed: each grad is still reset
        assert_eq!(t.grad(ab), 3.0, "an interior grad is this call's only");
        assert_eq!(
            [t.grad(a), t.grad(b)],
            [3.0 * 24.0, 3.0 * 9.0],
            "leaves add up"
        );
    }

    // ----- the sweep against SPEC §2.2 -----

    /// SPEC §2.2 written out plainly, as the oracle for both of the tape's
    /// paths: build_topo, every grad reset, the chain rule in reverse order,
    /// the leaves' grads from before added back. Each reached node's grad.
    fn spec_backward(t: &Tape, root: u32) -> BTreeMap<u32, f64> {
        let mut topo = Vec::new();
        let mut seen = std::collections::BTreeSet::from([root]);
        let mut stack = vec![(root, 0)]; // (node, its next parent)
        while let Some((v, i)) = stack.pop() {
            match t.prev(v).get(i) {
                Some(&p) => {
                    stack.push((v, i + 1));
                    if seen.insert(p) {
                        stack.push((p, 0));
                    }
                }
                None => topo.push(v),
            }
        }
        let mut grad: BTreeMap<u32, f64> = topo.iter().map(|&v| (v, 0.0)).collect();
        grad.insert(root, 1.0);
        for &v in topo.iter().rev() {
            let g = grad[&v];
            for (p, d) in t.prev(v).iter().zip(t.local_grads(v)) {
                *grad.get_mut(p).unwrap() += d * g;
            }
        }
        for &v in topo.iter().filter(|&&v| t.prev(v).is_empty()) {
            grad.insert(v, t.grad(v) + grad[&v]);
        }
        grad
    }

    /// Which of its paths a backward took.
    #[derive(Debug, PartialEq)]
    enum Path {
        Replayed,
        Swept,
        Sorted,
    }

    /// Op number `op` of the random graphs on `a` (and `b`); 7 and up make a
    /// new leaf holding `leaf()`.
    fn random_op(t: &mut Tape, op: usize, [a, b]: [u32; 2], leaf: impl FnOnce() -> f64) -> u32 {
        match op {
            0 => t.add(a, b),
            1 => t.sub(a, b),
            2 => t.mul(a, b),
            3 => t.div(a, b),
            4 => t.neg(a),
            5 => t.tanh(a),
            6 => t.relu(a),
            _ => t.leaf(leaf()),
        }
    }

    /// Backward on the tape, checked bit for bit against the oracle (a NaN
    /// against any NaN: which of two NaNs a sum keeps is not IEEE's to say).
    /// The path it took, told by the visit marks it took: none to replay a
    /// sort, two to sweep, two more to sort and remember the sort.
    fn backward_as_spec(t: &mut Tape, root: u32) -> Path {
        let expected = spec_backward(t, root);
        let epoch = t.epoch;
        t.backward(root);
        for (&v, &want) in &expected {
            let got = t.grad(v);
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "node {v}: {got:?}, SPEC §2.2 gives {want:?}"
            );
        }
        match t.epoch - epoch {
            0 => Path::Replayed,
            2 => Path::Swept,
            4 => Path::Sorted,
            n => panic!("a backward took {n} visit marks"),
        }
    }

    #[test]
    fn the_sweep_gives_the_sorts_bits_or_hands_over_to_it() {
        let mut rng = crate::SplitMix64::new(7);
        let numbers = [
            0.0,
            -0.0,
            1.0,
            -1.5,
            0.25,
            3.0,
            1e-300,
            f64::INFINITY,
            f64::NAN,
        ];
        let (mut swept, mut sorted) = (0, 0);
        for trial in 0..3000 {
            let mut t = Tape::new();
            let pick = |rng: &mut crate::SplitMix64, n: usize| (rng.next_u64() % n as u64) as usize;
            let number = |rng: &mut crate::SplitMix64| numbers[pick(rng, numbers.len())];
            // Survivors of an earlier graph, scattered over the slots, so
            // the graph below fills the holes and some edges point up.
            let mut old = vec![leaf(&mut t, number(&mut rng))];
            for _ in 0..pick(&mut rng, 6) {
                let v = match rng.random() < 0.5 {
                    true => leaf(&mut t, number(&mut rng)),
                    false => {
                        let v = t.tanh(old[pick(&mut rng, old.len())]);
                        t.counted(v)
                    }
                };
                old.push(v);
            }
            for &v in &old {
                if rng.random() < 0.5 {
                    t.release_handle(v);
                }
            }
            t.collect();
            // Each node's parents: mostly nodes not used yet (a tree, which the
            // sweep takes), sometimes any node (a third use, which it hands over).
            let share = [0.0, 0.03, 0.3][trial % 3];
            let mut nodes: Vec<u32> = old
                .iter()
                .copied()
                .filter(|&v| t.rc[v as usize] > 0)
                .collect();
            nodes.extend((0..1 + pick(&mut rng, 3)).map(|_| t.leaf(number(&mut rng))));
            let mut unused = nodes.clone();
            for _ in 0..pick(&mut rng, 40) {
                let mut parent = |rng: &mut crate::SplitMix64| {
                    if unused.is_empty() || rng.random() < share {
                        nodes[pick(rng, nodes.len())]
                    } else {
                        unused.swap_remove(pick(rng, unused.len()))
                    }
                };
                let (a, b) = (parent(&mut rng), parent(&mut rng));
                let op = pick(&mut rng, 8);
                let v = random_op(&mut t, op, [a, b], || number(&mut rng));
                nodes.push(v);
                unused.push(v);
            }
            for &v in &nodes {
                if t.nodes[v as usize].op == Op::Leaf && rng.random() < 0.3 {
                    t.set_grad(v, number(&mut rng)); // the grads the leaves had before
                }
            }
            let root = *nodes.last().unwrap();
            for _ in 0..2 {
                match backward_as_spec(&mut t, root) {
                    Path::Swept => swept += 1,
                    Path::Sorted | Path::Replayed => sorted += 1,
                }
            }
        }
        assert!(
            swept > 1500 && sorted > 1500,
            "swept {swept}, sorted {sorted}"
        );
    }

    #[test]
    fn the_sweep_hands_an_edge_pointing_up_to_the_sort() {
        let mut t = Tape::new();
        let (a, b) = (leaf(&mut t, 1.0), leaf(&mut t, 3.0));
        t.release_handle(a);
        t.collect();
        let c = t.neg(b);
        assert!(c < b, "c takes a's slot, below its parent");
        assert_eq!(backward_as_spec(&mut t, c), Path::Sorted);
    }

    #[test]
    fn the_sweep_hands_a_graph_spread_over_other_graphs_slots_to_the_sort() {
        let mut t = Tape::new();
        let x = leaf(&mut t, 2.0);
        for _ in 0..10_000 {
            leaf(&mut t, 0.0); // another graph's, held
        }
        let y = t.tanh(x);
        assert_eq!(backward_as_spec(&mut t, y), Path::Sorted);
        let w = leaf(&mut t, 2.0);
        let z = t.tanh(w);
        assert_eq!(
            backward_as_spec(&mut t, z),
            Path::Swept,
            "nothing lies between them"
        );
    }

    #[test]
    fn a_sweep_handed_over_gives_the_leaves_back_their_grads() {
        let mut t = Tape::new();
        let (k, a) = (leaf(&mut t, 3.0), leaf(&mut t, 2.0));
        t.set_grad(a, 5.0);
        t.set_grad(k, -0.0);
        let u = t.mul(k, k);
        let v = t.mul(a, k); // made after u: the sweep reaches it first, then u,
        let y = t.add(u, v); // where k's third use hands the graph over
        assert_eq!(backward_as_spec(&mut t, y), Path::Sorted);
        assert_eq!((t.grad(a), t.grad(k)), (5.0 + 3.0, 2.0 * 3.0 + 2.0));
    }

    // ----- the replay against SPEC §2.2 -----

    /// `backward(root)` checked against the oracle; whether it replayed a sort.
    fn replayed(t: &mut Tape, root: u32) -> bool {
        backward_as_spec(t, root) == Path::Replayed
    }

    /// y = (a * b) * a + a on a tape holding the leaves a and b: `a`'s third
    /// use sends it to the sort. With `other`, the product's second factor is b.
    fn step_graph(t: &mut Tape, [a, b]: [u32; 2], other: bool) -> u32 {
        let ab = t.mul(a, b);
        let y = t.mul(ab, if other { b } else { a });
        let y = t.add(y, a);
        t.counted(y)
    }

    #[test]
    fn a_graph_rebuilt_in_the_same_slots_replays_its_sort() {
        let (mut t, params, _, y) = parameters_a_gap_and_a_sorted_step();
        for step in 0..3 {
            t.release_handle(y);
            t.collect();
            t.set_grad(params[0], f64::from(step)); // the leaves' grads from before are added back
            assert_eq!(step_graph(&mut t, params, false), y, "the same slots");
            assert!(replayed(&mut t, y), "step {step} replays the sort");
        }
        assert!(
            replayed(&mut t, y),
            "so does a second backward of one graph"
        );
    }

    #[test]
    fn a_slot_given_other_parents_sorts_afresh() {
        let (mut t, params, _, y) = parameters_a_gap_and_a_sorted_step();
        t.release_handle(y);
        t.collect();
        assert_eq!(step_graph(&mut t, params, true), y, "the same slots");
        assert!(!replayed(&mut t, y), "one parent differs: sorted");
        t.release_handle(y);
        t.collect();
        let x = t.leaf(5.0); // the product's old slot is a leaf now
        let y2 = t.tanh(x);
        let y2 = t.add(y2, params[0]);
        let y2 = t.counted(y2);
        assert!(!replayed(&mut t, y2));
    }

    #[test]
    fn a_sort_for_topological_order_leaves_the_backwards_sort_alone() {
        let (mut t, _, _, y) = parameters_a_gap_and_a_sorted_step();
        t.sort(y, false); // topological_order(): the leaves are in its order
        assert_eq!(t.topo.len(), 5);
        assert!(replayed(&mut t, y), "the backward's sort is kept apart");
    }

    #[test]
    fn steps_that_hold_the_last_loss_take_turns_between_two_sorts() {
        // Python's `loss = step()`: the last step's graph lives while the next
        // is built, so the steps' graphs take turns between two regions.
        let (mut t, params, _, mut held) = parameters_a_gap_and_a_sorted_step();
        let mut roots = vec![held];
        for step in 0..6 {
            t.collect();
            let y = step_graph(&mut t, params, false);
            assert_eq!(replayed(&mut t, y), step > 0, "step {step}");
            t.release_handle(held);
            held = y;
            roots.push(y);
        }
        assert_eq!(
            roots[1..=2],
            roots[3..=4],
            "two regions, in turn: {roots:?}"
        );
        assert_ne!(roots[1], roots[2]);
    }

    /// A tape with two parameters, a counted leaf `g` after them (a slot for
    /// a later graph to take that no sort lists), and a sorted step graph.
    fn parameters_a_gap_and_a_sorted_step() -> (Tape, [u32; 2], u32, u32) {
        let mut t = Tape::new();
        let params = [leaf(&mut t, 3.0), leaf(&mut t, -2.0)];
        let g = leaf(&mut t, 0.0);
        let y = step_graph(&mut t, params, false);
        assert_eq!(
            backward_as_spec(&mut t, y),
            Path::Sorted,
            "the first backward sorts"
        );
        (t, params, g, y)
    }

    #[test]
    fn a_root_in_a_remembered_roots_slot_is_traced_not_marked_from_its_list() {
        let (mut t, _, g, y) = parameters_a_gap_and_a_sorted_step();
        t.release_handle(y);
        t.release_handle(g);
        t.collect(); // y's sort is stale now: its slots are free
        let x = t.leaf(1.0); // g's slot, in no list
        let z = t.tanh(x);
        let z = t.tanh(z);
        let z = t.tanh(z);
        assert_eq!((x, z), (g, y), "z takes y's slot");
        t.retain(z);
        t.collect();
        assert_eq!(t.free_slots(), 0, "x lives through z");
    }

    #[test]
    fn a_sort_remembered_in_place_of_another_is_marked_from_its_own_slots() {
        let (mut t, params, g, y1) = parameters_a_gap_and_a_sorted_step();
        t.collect(); // y1 held: its graph is marked from its sort's slots
        let y2 = step_graph(&mut t, params, true);
        t.backward(y2);
        [y1, y2, g].into_iter().for_each(|v| t.release_handle(v));
        t.collect();
        let x = t.leaf(1.0); // g's slot: in neither sort
        let u = t.mul(x, params[0]);
        let v = t.mul(u, params[0]);
        let w = t.add(v, params[0]);
        assert_eq!((x, w), (g, y1), "w takes y1's slot");
        let w = t.counted(w);
        t.backward(w); // sorted in place of y1's sort
        t.collect();
        assert_live(&t, w);
    }

    /// Every node `root` reaches is in a slot the tape has not freed.
    fn assert_live(t: &Tape, root: u32) {
        let mut stack = vec![root];
        while let Some(v) = stack.pop() {
            let free = t.free_bits[v as usize / 64] & (1 << (v % 64)) != 0;
            assert!(
                !free && !t.run.contains(&(v as usize)),
                "node {v} was freed"
            );
            stack.extend(t.prev(v));
        }
    }

    /// Steps of a random training loop: each builds a graph from a recipe over
    /// the same parameters, the last step's recipe or one changed in one place
    /// (an op, a parent, a leaf), in the slots an earlier step's graph freed;
    /// half the loops hold the last step's root while the next step is built,
    /// as Python's `loss = step()` does. Every backward must give SPEC §2.2's
    /// bits, and replay exactly when a sort from its root is kept and no slot
    /// took other parents since; a held graph must survive every collection.
    #[test]
    fn a_replayed_sort_gives_the_sorts_bits_and_a_changed_graph_is_sorted() {
        let mut rng = crate::SplitMix64::new(11);
        let numbers = [0.0, -0.0, 1.0, -1.5, 0.25, 3.0, f64::INFINITY, f64::NAN];
        let pick = |rng: &mut crate::SplitMix64, n: usize| (rng.next_u64() % n as u64) as usize;
        let (mut replays, mut held_replays, mut changed_and_sorted) = (0, 0, 0);
        for trial in 0..400 {
            let mut t = Tape::new();
            let hold = trial % 2 == 1;
            let params: Vec<u32> =
                (0..1 + pick(&mut rng, 2)) // used 3 times: sorted
                    .map(|_| leaf(&mut t, numbers[pick(&mut rng, numbers.len())]))
                    .collect();
            // (op, first parent, second parent): parents index the nodes made before.
            // A held graph has no dead nodes (each is the next one's first parent,
            // and none is a new leaf), so the slots its garbage frees do not
            // scatter the next step's graph.
            let ops = if hold { 7 } else { 8 };
            let first =
                |rng: &mut crate::SplitMix64, n: usize| if hold { n - 1 } else { pick(rng, n) };
            let mut recipe: Vec<(usize, usize, usize)> = Vec::new();
            for i in 0..4 + pick(&mut rng, 30) {
                let n = params.len() + i;
                recipe.push((pick(&mut rng, ops), first(&mut rng, n), pick(&mut rng, n)));
            }
            let mut held = None;
            for _step in 0..6 {
                t.collect(); // as the step's first op would, with the last root held or not
                if let Some(h) = held {
                    assert_live(&t, h);
                }
                let changed = rng.random() < 0.5;
                if changed {
                    let i = pick(&mut rng, recipe.len());
                    let n = params.len() + i;
                    match pick(&mut rng, 3) {
                        0 => recipe[i].0 = pick(&mut rng, ops),
                        1 => recipe[i].1 = first(&mut rng, n),
                        _ => recipe[i].2 = pick(&mut rng, n),
                    }
                }
                let mut nodes = params.clone();
                for &(op, a, b) in &recipe {
                    let (a, b) = (nodes[a], nodes[b]);
                    let leaf = || numbers[pick(&mut rng, numbers.len())];
                    nodes.push(random_op(&mut t, op, [a, b], leaf));
                }
                let root = t.counted(*nodes.last().unwrap());
                for &p in &params {
                    if rng.random() < 0.3 {
                        t.set_grad(p, numbers[pick(&mut rng, numbers.len())]);
                    }
                }
                if rng.random() < 0.1 {
                    t.sort(root, false); // topological_order() between two steps
                }
                let reshapes = t.reshapes;
                let kept = (t.remembered.iter()).any(|r| r.root == root && r.reshapes == reshapes);
                let replay = replayed(&mut t, root);
                assert_eq!(
                    replay, kept,
                    "replayed exactly when its sort is kept and still fits"
                );
                replays += usize::from(replay);
                held_replays += usize::from(replay && hold);
                changed_and_sorted += usize::from(changed && !replay);
                let last = std::mem::replace(&mut held, hold.then_some(root));
                for v in last.into_iter().chain((!hold).then_some(root)) {
                    t.release_handle(v);
                }
            }
        }
        assert!(
            replays > 300 && held_replays > 100 && changed_and_sorted > 300,
            "replayed {replays} ({held_replays} holding), changed and sorted {changed_and_sorted}"
        );
    }
}
