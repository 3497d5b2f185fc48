// A user of the npm tarball: installed into an empty folder, imported by name.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { MLP, SGD, Value, mseLoss, version } from "rosettagrad";

const where = fileURLToPath(import.meta.resolve("rosettagrad"));
assert.match(where, /[\\/]node_modules[\\/]rosettagrad[\\/]src[\\/]index\.js$/, where);
assert.equal(version, process.argv[2], "the package's version");

const a = new Value(2);
const b = new Value(-3);
const y = a.mul(b).add(a.pow(2)).tanh();
y.backward();
const t = 1 - y.data ** 2;
assert.ok(Math.abs(a.grad - t * (b.data + 2 * a.data)) < 1e-12, `a.grad ${a.grad}`);

const model = new MLP(2, [4, 1], { seed: 1337 });
const opt = new SGD(model.parameters(), { lr: 0.05 });
const loss = mseLoss([model.forward([1, -1]), model.forward([0.5, 2])], [1, -1]);
opt.zeroGrad();
loss.backward();
opt.step();
assert.ok(Number.isFinite(loss.data));
console.log(`rosettagrad ${version} from ${where}: loss ${loss.data}`);
