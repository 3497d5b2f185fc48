// @ts-check
/** SGD and Adam with torch.optim's semantics, written out plainly (SPEC §2.6). */

import { Value, describe } from "./engine.js";

/** Holds the parameters it updates; zeroGrad() clears their grads. */
class Optimizer {
  /**
   * @param {Iterable<Value>} params
   * @param {number} lr
   */
  constructor(params, lr) {
    if (params === null || params === undefined || typeof (/** @type {any} */ (params)[Symbol.iterator]) !== "function") {
      throw new TypeError(`optimizer params must be an Array of Values, got ${describe(params)}`);
    }
    /** @type {Value[]} */
    this.params = Array.from(params);
    if (this.params.length === 0) throw new RangeError("optimizer got an empty parameter list");
    for (const p of this.params) {
      if (!(p instanceof Value)) throw new TypeError(`optimizer parameters must be Values, got ${describe(p)}`);
    }
    checkNonNegative("lr", lr);
    /** @type {number} the learning rate; set it between steps for a schedule */
    this.lr = lr;
  }

  zeroGrad() {
    for (const p of this.params) p.grad = 0;
  }
}

// region: SGD

/** p -= lr·g, with optional weight decay (g += wd·p) and momentum (buf = m·buf + g). */
export class SGD extends Optimizer {
  /**
   * @param {Iterable<Value>} params
   * @param {{lr: number, momentum?: number, weightDecay?: number}} options
   */
  constructor(params, options) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`SGD needs options like {lr: 0.1}, got ${describe(options)}`);
    }
    const { lr, momentum = 0, weightDecay = 0 } = options;
    super(params, lr);
    checkNonNegative("momentum", momentum);
    checkNonNegative("weightDecay", weightDecay);
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    /** @type {(number | null)[]} */
    this.buffers = this.params.map(() => null);
  }

  step() {
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i];
      let g = p.grad;
      if (this.weightDecay !== 0) g = g + this.weightDecay * p.data;
      if (this.momentum !== 0) {
        const buf = this.buffers[i];
        // torch starts the buffer at the first gradient, not at zero.
        g = buf === null ? g : this.momentum * buf + g;
        this.buffers[i] = g;
      }
      p.data = p.data - this.lr * g;
    }
  }
}

// endregion

// region: Adam

/** Adaptive moments with bias correction: p -= lr·m̂ / (√v̂ + eps). */
export class Adam extends Optimizer {
  /**
   * @param {Iterable<Value>} params
   * @param {{lr?: number, betas?: [number, number], eps?: number, weightDecay?: number}} [options]
   */
  constructor(params, options = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`Adam options must be an object like {lr: 0.001}, got ${describe(options)}`);
    }
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0 } = options;
    super(params, lr);
    if (!Array.isArray(betas)) {
      throw new TypeError(`Adam betas must be an Array of 2 numbers, got ${describe(betas)}`);
    }
    if (betas.length !== 2) throw new RangeError(`betas must have 2 values, got ${betas.length}`);
    ["beta1", "beta2"].forEach((name, i) => {
      const beta = betas[i];
      if (typeof beta !== "number") throw new TypeError(`${name} must be a number, got ${describe(beta)}`);
      if (!(beta >= 0 && beta < 1)) throw new RangeError(`${name} must be in [0, 1), got ${beta}`);
    });
    checkNonNegative("eps", eps);
    checkNonNegative("weightDecay", weightDecay);
    /** @type {[number, number]} */
    this.betas = [betas[0], betas[1]];
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.t = 0;
    this.m = this.params.map(() => 0);
    this.v = this.params.map(() => 0);
  }

  step() {
    this.t += 1;
    const [b1, b2] = this.betas;
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i];
      let g = p.grad;
      if (this.weightDecay !== 0) g = g + this.weightDecay * p.data;
      this.m[i] = b1 * this.m[i] + (1 - b1) * g;
      this.v[i] = b2 * this.v[i] + (1 - b2) * g * g;
      const mHat = this.m[i] / (1 - b1 ** this.t);
      const vHat = this.v[i] / (1 - b2 ** this.t);
      p.data = p.data - (this.lr * mHat) / (Math.sqrt(vHat) + this.eps);
    }
  }
}

// endregion

/**
 * @param {string} name
 * @param {unknown} x
 */
function checkNonNegative(name, x) {
  if (typeof x !== "number") throw new TypeError(`${name} must be a number, got ${describe(x)}`);
  if (!(x >= 0)) throw new RangeError(`${name} must be >= 0, got ${x}`);
}
