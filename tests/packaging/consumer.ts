// A TypeScript user of the npm tarball: type-checked against the shipped index.d.ts.
import { Adam, MLP, Value, hingeLoss, l2Penalty, toDot, version } from "rosettagrad";

const x: Value = new Value(1.5, { label: "x" });
const y: Value = x.mul(2).add(new Value(3)).relu().tanh().sigmoid().exp().log();
y.backward();
const grad: number = x.grad;

const model = new MLP(2, [4, 1], { activation: "relu", seed: 1337n });
const scores: Value[] = [[0.5, -1], [1, 0.2]].map((p) => model.forward(p) as Value);
const loss: Value = hingeLoss(scores, [1, -1]).add(l2Penalty(model.parameters()).mul(1e-4));
const adam = new Adam(model.parameters(), { lr: 0.01 });
adam.zeroGrad();
loss.backward();
adam.step();
const dot: string = toDot(loss);
const v: string = version;

// The types are real, not `any`: each misuse below must be a type error.
// @ts-expect-error a Value's data is a number
const wrong: string = x.data;
// @ts-expect-error pow takes a plain number exponent
x.pow(new Value(2));
// @ts-expect-error no such activation
new MLP(2, [1], { activation: "softmax" });

export { dot, grad, v, wrong };
