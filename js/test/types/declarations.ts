// Type-level test (run by `tsc --noEmit -p js`): the shipped index.d.ts and the
// JSDoc-typed sources describe the same API. Each assignment fails to compile
// when a name is missing on one side or its signature disagrees.

import * as declared from "../../index.js"; // resolves to index.d.ts
import * as implemented from "../../src/index.js";

// Everything the declarations promise, the implementation provides.
const asDeclared: typeof declared = implemented;
// Everything the implementation exports, the declarations name.
const asImplemented: { [K in keyof typeof implemented]: unknown } = declared;

// A small program against the declarations, as a user writes it.
const x = new declared.Value(2, { label: "x" });
const y: declared.Value = x.mul(3).add(1).tanh().pow(2).div(x.exp()).sub(x.log()).neg().relu().sigmoid();
y.backward();
const model = new declared.MLP(2, [4, 1], { activation: "relu", seed: 1337n });
const out = model.forward([1, x]);
const preds = [out instanceof declared.Value ? out : out[0]];
const loss = declared.mseLoss(preds, [1]).add(declared.l2Penalty(model.parameters()).mul(1e-4));
loss.backward();
const sgd = new declared.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
sgd.lr = 0.05;
sgd.step();
new declared.Adam(model.parameters(), { betas: [0.9, 0.99] }).step();
const dot: string = declared.toDot(loss);
const u: bigint = new declared.SplitMix64(42).nextU64();

// @ts-expect-error: the exponent of pow is a plain number, never a Value.
x.pow(x);
// @ts-expect-error: SGD needs a learning rate.
new declared.SGD(model.parameters(), {});

export { asDeclared, asImplemented, dot, u };
