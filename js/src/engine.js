// @ts-check
/**
 * A scalar Value that remembers how it was made, and backpropagates through it.
 *
 * Each op computes its forward value and, right beside it, its local derivative
 * with respect to each parent. backward() multiplies those by the upstream grad.
 * Every op has at most two parents, so a node keeps them in two fixed fields
 * (`_a`, `_b`) with their local derivatives (`_da`, `_db`) instead of an array
 * and a closure per node: the objects stay small and all of one shape, which is
 * what makes V8 fast here. `_prev` builds the parent array on demand.
 *
 * JavaScript numbers are IEEE 754 doubles and its Math functions never throw,
 * so inf and NaN come out as the contract (SPEC §2) wants them without help.
 */

/**
 * Each walk over the graph takes a new number; a node stores the number of the
 * last walk that reached it. That marks "visited" without a Set per walk.
 */
let walk = 0;

// region: Value

/** A scalar in a computation graph: its data, its grad, and where it came from. */
export class Value {
  /**
   * @param {number} data
   * @param {{label?: string}} [options]
   */
  constructor(data, options) {
    if (typeof data !== "number") {
      throw new TypeError(`Value data must be a number, got ${describe(data)}`);
    }
    let label = "";
    if (options !== undefined) {
      if (options === null || typeof options !== "object") {
        throw new TypeError(`Value options must be an object like {label: "x"}, got ${describe(options)}`);
      }
      if (options.label !== undefined) {
        if (typeof options.label !== "string") {
          throw new TypeError(`Value label must be a string, got ${describe(options.label)}`);
        }
        label = options.label;
      }
    }
    /** @type {number} */
    this.data = data;
    /** @type {number} */
    this.grad = 0;
    /** @type {string} */
    this.label = label;
    /** @type {string} the op that made this Value; "" for a leaf */
    this._op = "";
    /** @type {Value | null} first parent (null for a leaf) */
    this._a = null;
    /** @type {Value | null} second parent (null for a leaf or a unary op) */
    this._b = null;
    // The local derivatives are null where there is no parent. Besides saying
    // so, that keeps these fields "tagged" in V8: a derivative of 1, -1 or 0
    // (add, sub, neg, relu) is then stored as a small integer, not in a boxed
    // double of its own, and a smaller graph means less work for the GC.
    /** @type {number | null} d this / d _a */
    this._da = null;
    /** @type {number | null} d this / d _b */
    this._db = null;
    /** the number of the last graph walk that visited this node */
    this._mark = 0;
  }

  /** The parents, in order: gradients accumulate in this order. */
  get _prev() {
    if (this._a === null) return [];
    return this._b === null ? [this._a] : [this._a, this._b];
  }

  /** d this / d parent, one per parent. */
  get _localGrads() {
    /** @type {number[]} */
    const locals = [];
    if (this._a !== null) locals.push(/** @type {number} */ (this._da));
    if (this._b !== null) locals.push(/** @type {number} */ (this._db));
    return locals;
  }

  toString() {
    return `Value(data=${this.data}, grad=${this.grad})`;
  }

  // endregion

  // region: add
  /** @param {Value | number} other */
  add(other) {
    const o = operand(other, "add");
    return node(this.data + o.data, "+", this, 1, o, 1);
  }
  // endregion

  // region: sub
  /** @param {Value | number} other */
  sub(other) {
    const o = operand(other, "sub");
    return node(this.data - o.data, "-", this, 1, o, -1);
  }
  // endregion

  // region: mul
  /** @param {Value | number} other */
  mul(other) {
    const o = operand(other, "mul");
    return node(this.data * o.data, "*", this, o.data, o, this.data);
  }
  // endregion

  // region: div
  /** @param {Value | number} other */
  div(other) {
    const o = operand(other, "div");
    const out = this.data / o.data;
    // d(a/b)/db = -a/b² written as -out/b: no spurious overflow of b².
    return node(out, "/", this, 1 / o.data, o, -out / o.data);
  }
  // endregion

  // region: neg
  neg() {
    return node(-this.data, "neg", this, -1, null, null);
  }
  // endregion

  // region: pow
  /** @param {number} k the exponent: a plain number, never a Value */
  pow(k) {
    if (/** @type {unknown} */ (k) instanceof Value) {
      throw new TypeError("Value.pow(Value) is not supported: the exponent must be a number");
    }
    if (typeof k !== "number") {
      throw new TypeError(`Value.pow expects a number exponent, got ${describe(k)}`);
    }
    const x = this.data;
    // d(x^k)/dx = k·x^(k-1), pinned to exactly 0 for k = 0 (even where x^-1 is inf).
    const local = k === 0 ? 0 : k * ieeePow(x, k - 1);
    return node(ieeePow(x, k), `**${k}`, this, local, null, null);
  }
  // endregion

  // region: relu
  relu() {
    const x = this.data;
    const out = x > 0 || x !== x ? x : 0; // NaN passes through
    return node(out, "relu", this, x > 0 ? 1 : 0, null, null);
  }
  // endregion

  // region: tanh
  tanh() {
    const t = Math.tanh(this.data);
    return node(t, "tanh", this, 1 - t * t, null, null);
  }
  // endregion

  // region: exp
  exp() {
    const e = Math.exp(this.data);
    return node(e, "exp", this, e, null, null);
  }
  // endregion

  // region: log
  log() {
    const x = this.data;
    return node(Math.log(x), "log", this, 1 / x, null, null); // log(0) = -inf, log(-1) = NaN
  }
  // endregion

  // region: sigmoid
  sigmoid() {
    const s = 1 / (1 + Math.exp(-this.data));
    return node(s, "sigmoid", this, s * (1 - s), null, null);
  }
  // endregion

  // region: backward
  /** This call's gradients of this Value w.r.t. every node; leaves add them to their grads. */
  backward() {
    /** @type {Value[]} */
    const leaves = [];
    /** @type {number[]} */
    const leafGradsBefore = [];
    // The walk hands over each node once, parents first, while it is in cache:
    // remember a leaf's grad from before this call, and zero every grad.
    const topo = this._topologicalOrder((v) => {
      if (v._a === null) {
        leaves.push(v);
        leafGradsBefore.push(v.grad);
      }
      v.grad = 0;
    });
    this.grad = 1;
    for (let i = topo.length - 1; i >= 0; i--) {
      const v = topo[i];
      const a = v._a;
      if (a === null) continue;
      const g = v.grad;
      a.grad += /** @type {number} */ (v._da) * g; // chain rule: 0 * inf stays NaN
      const b = v._b;
      if (b !== null) b.grad += /** @type {number} */ (v._db) * g;
    }
    for (let i = 0; i < leaves.length; i++) {
      leaves[i].grad = leafGradsBefore[i] + leaves[i].grad;
    }
  }

  /**
   * micrograd's build_topo without recursion: parents before children.
   *
   * The walk stands on `v`; `stack` holds the nodes it came down through. It goes
   * down to v's first parent not yet visited, else to its second; else v is done:
   * it joins the order and the walk goes back up to the node it came from. A node
   * is marked visited (its `_mark` set to this walk's number) when first reached.
   * @param {(v: Value) => void} [visit] called on each node as it joins the order
   * @returns {Value[]}
   */
  _topologicalOrder(visit) {
    const mark = ++walk;
    /** @type {Value[]} */
    const topo = [];
    /** @type {Value[]} */
    const stack = [];
    this._mark = mark;
    /** @type {Value} */
    let v = this;
    for (;;) {
      const a = v._a;
      if (a !== null && a._mark !== mark) {
        a._mark = mark;
        stack.push(v);
        v = a;
        continue;
      }
      const b = v._b;
      if (b !== null && b._mark !== mark) {
        b._mark = mark;
        stack.push(v);
        v = b;
        continue;
      }
      if (visit !== undefined) visit(v);
      topo.push(v);
      if (stack.length === 0) return topo;
      v = /** @type {Value} */ (stack.pop());
    }
  }
  // endregion
}

/**
 * A new op node: its forward value and its parents with their local derivatives.
 * @param {number} data
 * @param {string} op
 * @param {Value} a
 * @param {number} da
 * @param {Value | null} b
 * @param {number | null} db
 */
function node(data, op, a, da, b, db) {
  const out = new Value(data);
  out._op = op;
  out._a = a;
  out._da = da;
  out._b = b;
  out._db = db;
  return out;
}

/**
 * A Value for an operand: Values as they are, numbers as new leaves.
 * @param {unknown} x
 * @param {string} method
 * @returns {Value}
 */
function operand(x, method) {
  if (x instanceof Value) return x;
  if (typeof x === "number") return new Value(x);
  throw new TypeError(`Value.${method} expects a number or a Value, got ${describe(x)}`);
}

/**
 * IEEE 754 / C99 pow. JavaScript's `**` already gives NaN for a negative base
 * with a non-integer exponent and ±inf for 0 to a negative power; it differs
 * from C only where the base is ±1 and the exponent is infinite or NaN.
 * @param {number} x
 * @param {number} k
 */
export function ieeePow(x, k) {
  if (x === 1) return 1; // C: pow(1, y) = 1 for every y, even NaN
  if (x === -1 && (k === Infinity || k === -Infinity)) return 1;
  return x ** k;
}

/**
 * What a bad argument was, for error messages: "string", "null", "Array", "Map"…
 * @param {unknown} x
 * @returns {string}
 */
export function describe(x) {
  if (x === null) return "null";
  if (Array.isArray(x)) return "Array";
  if (typeof x === "object") {
    const name = Object.getPrototypeOf(x)?.constructor?.name;
    return typeof name === "string" && name !== "" ? name : "object";
  }
  return typeof x;
}
