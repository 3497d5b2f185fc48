// @ts-check
/**
 * rosettagrad: micrograd's scalar autograd engine, the JavaScript port.
 *
 *     import { Value, MLP, SGD, mseLoss } from "rosettagrad";
 *
 * No runtime dependencies and no imports of Node built-ins: the same files load in Node
 * and, unbundled, in a browser with `<script type="module">`.
 */

export { toDot } from "./dot.js";
export { Value } from "./engine.js";
export { hingeLoss, l2Penalty, mseLoss, sseLoss } from "./losses.js";
export { MLP, Layer, Module, Neuron } from "./nn.js";
export { SGD, Adam } from "./optim.js";
export { SplitMix64 } from "./rng.js";

export const version = "0.1.0";
