// Type declarations for rosettagrad, the JavaScript port of micrograd's scalar
// autograd engine. The sources (src/*.js) are plain JavaScript checked with
// `// @ts-check`; test/types/declarations.ts proves these match them.

/** Options for a new leaf Value. */
export interface ValueOptions {
  /** A name shown by toDot(). */
  label?: string;
}

/**
 * A scalar in a computation graph: its data, its grad, and where it came from.
 *
 * Methods take a Value or a plain number (`x.mul(2)`); anything else throws a
 * TypeError naming what it got. A number on the left is a leaf:
 * `new Value(2).mul(x)`.
 */
export class Value {
  /** A leaf: `new Value(3)` or `new Value(3, { label: "x" })`. */
  constructor(data: number, options?: ValueOptions);
  /** The forward value (an IEEE 754 double: inf and NaN are kept, never thrown). */
  data: number;
  /** d(output)/d(this) after backward(); leaves accumulate until zeroGrad(). */
  grad: number;
  label: string;
  /** The op that made this Value: "" for a leaf, "+", "*", "**3", "tanh", … */
  _op: string;
  /** The parents, in order (built on demand). */
  readonly _prev: Value[];
  /** d this / d parent, one per parent, computed at forward time. */
  readonly _localGrads: number[];
  /** Internal: the parents and their local derivatives, in fixed fields (null for none). */
  _a: Value | null;
  _b: Value | null;
  _da: number | null;
  _db: number | null;
  /** Internal: the number of the last graph walk that visited this node. */
  _mark: number;

  add(other: Value | number): Value;
  sub(other: Value | number): Value;
  mul(other: Value | number): Value;
  div(other: Value | number): Value;
  neg(): Value;
  /** x ** k for a plain number k; a Value exponent throws a TypeError. */
  pow(k: number): Value;
  relu(): Value;
  tanh(): Value;
  exp(): Value;
  log(): Value;
  sigmoid(): Value;
  /**
   * Gradients of this Value w.r.t. every node of its graph (iterative: a
   * 1,000,000-op chain works). Leaves add this call's gradients to their grad.
   */
  backward(): void;
  /** Every node of the graph, parents before children; `visit` sees each as it joins. */
  _topologicalOrder(visit?: (v: Value) => void): Value[];
  toString(): string;
}

export type Activation = "tanh" | "relu" | "sigmoid" | "linear";

/** Where weights come from: Math.random or a seeded SplitMix64. */
export interface Uniform {
  uniform(a: number, b: number): number;
}

/** A row of inputs: numbers, Values, or a mix (an Array or a typed array). */
export type Inputs = ArrayLike<Value | number>;

/** Anything with parameters. */
export class Module {
  zeroGrad(): void;
  parameters(): Value[];
}

export interface NeuronOptions {
  /** Default "tanh". */
  activation?: Activation;
  /** Default: Math.random. */
  rng?: Uniform;
}

/** act(b + Σ w_i·x_i), weights uniform in [-1, 1), bias 0. */
export class Neuron extends Module {
  constructor(nin: number, options?: NeuronOptions);
  w: Value[];
  b: Value;
  activation: Activation;
  /** A wrong input length throws a RangeError naming both lengths. */
  forward(x: Inputs): Value;
  toString(): string;
}

/** nout neurons reading the same inputs; one neuron gives one Value (micrograd). */
export class Layer extends Module {
  constructor(nin: number, nout: number, options?: NeuronOptions);
  neurons: Neuron[];
  forward(x: Inputs): Value | Value[];
  toString(): string;
}

export interface MLPOptions {
  /** Every layer but the last; default "tanh". */
  activation?: Activation;
  /** The last layer; default "linear". */
  outputActivation?: Activation;
  /** 0 … 2^64 - 1 (a BigInt above 2^53): SplitMix64 init, bit-identical across ports. Default: Math.random. */
  seed?: number | bigint | null;
}

/** Layers nin → nouts[0] → … → nouts[-1]. */
export class MLP extends Module {
  constructor(nin: number, nouts: number[], options?: MLPOptions);
  layers: Layer[];
  /** One Value when the last layer has one neuron, else an Array. */
  forward(x: Inputs): Value | Value[];
  toString(): string;
}

/** One Value per sample, or a row of K Values. */
export type Prediction = Value | ArrayLike<Value>;
/** One number per sample, or a row of K numbers. */
export type Target = number | ArrayLike<number>;

/** Σ (y - t)² / (N·K). */
export function mseLoss(predictions: ArrayLike<Prediction>, targets: ArrayLike<Target>): Value;
/** Σ (y - t)², the lecture's loss. */
export function sseLoss(predictions: ArrayLike<Prediction>, targets: ArrayLike<Target>): Value;
/** Σ relu(1 - t·y) / N, one output per sample, targets ±1 (micrograd's demo). */
export function hingeLoss(predictions: ArrayLike<Prediction>, targets: ArrayLike<Target>): Value;
/** Σ p²; an empty list gives a leaf 0. */
export function l2Penalty(params: ArrayLike<Value>): Value;

declare class Optimizer {
  params: Value[];
  /** The learning rate; set it between steps for a schedule. */
  lr: number;
  zeroGrad(): void;
}

export interface SGDOptions {
  lr: number;
  momentum?: number;
  weightDecay?: number;
}

/** torch.optim.SGD: p -= lr·g, weight decay g += wd·p, momentum buf = m·buf + g. */
export class SGD extends Optimizer {
  constructor(params: Iterable<Value>, options: SGDOptions);
  momentum: number;
  weightDecay: number;
  buffers: (number | null)[];
  step(): void;
}

export interface AdamOptions {
  /** Default 1e-3. */
  lr?: number;
  /** Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Default 1e-8. */
  eps?: number;
  weightDecay?: number;
}

/** torch.optim.Adam: bias-corrected, p -= lr·m̂ / (√v̂ + eps). */
export class Adam extends Optimizer {
  constructor(params: Iterable<Value>, options?: AdamOptions);
  betas: [number, number];
  eps: number;
  weightDecay: number;
  t: number;
  m: number[];
  v: number[];
  step(): void;
}

/** SplitMix64 in BigInt: the portable generator behind seeded init. */
export class SplitMix64 {
  /** A number (an exact integer) or a BigInt in 0 … 2^64 - 1. */
  constructor(seed: number | bigint);
  state: bigint;
  nextU64(): bigint;
  /** A float in [0, 1) from the top 53 bits. */
  random(): number;
  uniform(a: number, b: number): number;
}

/** Graphviz DOT text of the graph: one record per Value, one small node per op. */
export function toDot(root: Value): string;

export const version: string;

// Only the names exported above are public (Optimizer is the base class of SGD and Adam).
export {};
