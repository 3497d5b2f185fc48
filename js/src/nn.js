// @ts-check
/** Neuron, Layer and MLP on top of Value, as in micrograd. */

import { Value, describe } from "./engine.js";
import { SplitMix64 } from "./rng.js";

/** @typedef {"tanh" | "relu" | "sigmoid" | "linear"} Activation */
/** @typedef {{uniform(a: number, b: number): number}} Uniform where weights come from */
/** @typedef {ArrayLike<Value | number>} Inputs */

export const ACTIVATIONS = Object.freeze(["tanh", "relu", "sigmoid", "linear"]);
/** SPEC §2.3: a model of more parameters than this is refused before it is built. */
export const MAX_PARAMETERS = 2 ** 32 - 1;

/** JavaScript's own random source, for models built without a seed. */
const MATH_RANDOM = { uniform: (/** @type {number} */ a, /** @type {number} */ b) => a + (b - a) * Math.random() };

/** Anything with parameters. */
export class Module {
  // region: zero_grad
  zeroGrad() {
    for (const p of this.parameters()) p.grad = 0;
  }
  // endregion

  /** @returns {Value[]} */
  parameters() {
    return [];
  }
}

// region: Neuron

/** act(b + Σ w_i·x_i), weights uniform in [-1, 1), bias 0. */
export class Neuron extends Module {
  /**
   * @param {number} nin
   * @param {{activation?: Activation, rng?: Uniform}} [options]
   */
  constructor(nin, { activation = "tanh", rng = MATH_RANDOM } = {}) {
    super();
    checkSize("nin", nin);
    checkActivation(activation);
    checkParameterCount(`Neuron(${nin})`, BigInt(nin) + 1n);
    /** @type {Value[]} */
    this.w = [];
    for (let i = 0; i < nin; i++) this.w.push(new Value(rng.uniform(-1, 1)));
    this.b = new Value(0);
    /** @type {Activation} */
    this.activation = activation;
  }

  /**
   * @param {Inputs} x
   * @returns {Value}
   */
  forward(x) {
    checkInputs("Neuron", x, this.w.length);
    let act = this.b;
    for (let i = 0; i < this.w.length; i++) act = act.add(this.w[i].mul(x[i]));
    switch (this.activation) {
      case "tanh":
        return act.tanh();
      case "relu":
        return act.relu();
      case "sigmoid":
        return act.sigmoid();
      default:
        return act; // linear: no extra node
    }
  }

  /** @returns {Value[]} */
  parameters() {
    return [...this.w, this.b];
  }

  toString() {
    const name = this.activation[0].toUpperCase() + this.activation.slice(1);
    return `${name}Neuron(${this.w.length})`;
  }
}

// endregion

// region: Layer

/** nout neurons reading the same inputs; one neuron gives one Value (micrograd). */
export class Layer extends Module {
  /**
   * @param {number} nin
   * @param {number} nout
   * @param {{activation?: Activation, rng?: Uniform}} [options]
   */
  constructor(nin, nout, { activation = "tanh", rng = MATH_RANDOM } = {}) {
    super();
    checkSize("nin", nin);
    checkSize("nout", nout);
    checkParameterCount(`Layer(${nin}, ${nout})`, (BigInt(nin) + 1n) * BigInt(nout));
    /** @type {Neuron[]} */
    this.neurons = [];
    for (let i = 0; i < nout; i++) this.neurons.push(new Neuron(nin, { activation, rng }));
  }

  /**
   * @param {Inputs} x
   * @returns {Value | Value[]}
   */
  forward(x) {
    checkInputs("Layer", x, this.neurons[0].w.length);
    const out = this.neurons.map((n) => n.forward(x));
    return out.length === 1 ? out[0] : out;
  }

  /** @returns {Value[]} */
  parameters() {
    return this.neurons.flatMap((n) => n.parameters());
  }

  toString() {
    return `Layer of [${this.neurons.join(", ")}]`;
  }
}

// endregion

// region: MLP

/** Layers nin → nouts[0] → … → nouts[-1]; the last uses outputActivation. */
export class MLP extends Module {
  /**
   * @param {number} nin
   * @param {number[]} nouts
   * @param {{activation?: Activation, outputActivation?: Activation, seed?: number | bigint | null}} [options]
   */
  constructor(nin, nouts, { activation = "tanh", outputActivation = "linear", seed = null } = {}) {
    super();
    if (!Array.isArray(nouts)) {
      throw new TypeError(`MLP nouts must be an Array of layer sizes, got ${describe(nouts)}`);
    }
    if (nouts.length === 0) throw new RangeError("MLP needs at least one layer: nouts is empty");
    checkSize("nin", nin);
    checkActivation(activation); // even when no hidden layer uses it: a typo is still a typo
    checkActivation(outputActivation);
    const sizes = [nin, ...nouts];
    sizes.forEach((n, i) => checkSize(i === 0 ? "nin" : "nout", n));
    let count = 0n; // exact: a double would round a count past 2^53 and misname it
    for (let i = 0; i < nouts.length; i++) count += (BigInt(sizes[i]) + 1n) * BigInt(sizes[i + 1]);
    checkParameterCount(`MLP(${nin}, [${nouts.join(", ")}])`, count);
    /** @type {Uniform} */
    const rng = seed === null || seed === undefined ? MATH_RANDOM : new SplitMix64(seed);
    /** @type {Layer[]} */
    this.layers = [];
    for (let i = 0; i < nouts.length; i++) {
      const act = i === nouts.length - 1 ? outputActivation : activation;
      this.layers.push(new Layer(sizes[i], sizes[i + 1], { activation: act, rng }));
    }
  }

  /**
   * @param {Inputs} x
   * @returns {Value | Value[]}
   */
  forward(x) {
    checkInputs("MLP", x, this.layers[0].neurons[0].w.length);
    /** @type {Value | Value[] | Inputs} */
    let out = x;
    for (const layer of this.layers) {
      out = layer.forward(out instanceof Value ? [out] : out);
    }
    return /** @type {Value | Value[]} */ (out);
  }

  /** @returns {Value[]} */
  parameters() {
    return this.layers.flatMap((layer) => layer.parameters());
  }

  toString() {
    return `MLP of [${this.layers.join(", ")}]`;
  }
}

// endregion

/**
 * @param {string} name
 * @param {unknown} n
 */
function checkSize(name, n) {
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new TypeError(`${name} must be an integer, got ${typeof n === "number" ? n : describe(n)}`);
  }
  if (n < 1) throw new RangeError(`${name} must be at least 1, got ${n}`);
}

/** @param {unknown} activation */
function checkActivation(activation) {
  if (typeof activation !== "string") throw new TypeError(`activation must be a string, got ${describe(activation)}`);
  if (!ACTIVATIONS.includes(/** @type {string} */ (activation))) {
    throw new RangeError(
      `unknown activation ${JSON.stringify(activation) ?? String(activation)}: expected one of ${ACTIVATIONS.join(", ")}`,
    );
  }
}

/**
 * @param {string} who
 * @param {unknown} x
 * @param {number} nin
 */
function checkInputs(who, x, nin) {
  if (x === null || typeof x !== "object" || typeof (/** @type {{length?: unknown}} */ (x).length) !== "number") {
    throw new TypeError(`${who} expects an Array of ${nin} numbers or Values, got ${describe(x)}`);
  }
  const n = /** @type {ArrayLike<unknown>} */ (x).length;
  if (n !== nin) throw new RangeError(`${who} expects ${nin} inputs, got ${n}`);
}

/**
 * Refuse a model that cannot fit before allocating any of it (SPEC §2.3). JavaScript arrays
 * hold at most 2^32 - 1 elements, and the engine's heap far fewer Values.
 * @param {string} what
 * @param {bigint} count
 */
function checkParameterCount(what, count) {
  if (count > BigInt(MAX_PARAMETERS)) {
    throw new RangeError(`${what} would have ${count} parameters, more than fit here (at most ${MAX_PARAMETERS})`);
  }
}
