// The package itself: browser-safe library files, the exports map, the region
// markers of the side-by-side teaching site, and the public names of DESIGN §1.

import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { test } from "node:test";

const SRC = new URL("../src/", import.meta.url);
const FILES = ["engine.js", "nn.js", "losses.js", "optim.js", "rng.js", "dot.js", "index.js"];
const sources = Object.fromEntries(FILES.map((f) => [f, readFileSync(new URL(f, SRC), "utf8")]));

test("src holds exactly the seven library files of the common split", () => {
  assert.deepEqual(readdirSync(SRC).sort(), [...FILES].sort());
});

test("library files import only each other: no node: modules, no require, no process", () => {
  for (const [file, text] of Object.entries(sources)) {
    assert.ok(text.startsWith("// @ts-check\n"), `${file} is type-checked`);
    const imports = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]);
    for (const spec of imports) assert.match(spec, /^\.\/[a-z]+\.js$/, `${file} imports ${spec}`);
    assert.doesNotMatch(text, /\brequire\(|\bprocess\.|\bBuffer\b|["'`]node:/, file);
  }
});

test("package.json: ESM, exports, types, Node >= 20, no runtime dependencies", () => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  assert.equal(pkg.name, "rosettagrad");
  assert.equal(pkg.type, "module");
  assert.equal(pkg.exports["."].default, "./src/index.js");
  assert.equal(pkg.types, "./index.d.ts");
  assert.equal(pkg.engines.node, ">=20");
  assert.equal(pkg.dependencies, undefined);
  for (const version of Object.values(pkg.devDependencies)) assert.match(version, /^\d+\.\d+\.\d+$/, "pinned");
});

test("the package imports by its own name through the exports map", async () => {
  const byName = await import("rosettagrad");
  const byPath = await import("../src/index.js");
  assert.equal(byName.Value, byPath.Value);
});

test("the public names of DESIGN §1", async () => {
  const api = await import("../src/index.js");
  for (const name of ["Value", "Module", "Neuron", "Layer", "MLP", "SGD", "Adam", "SplitMix64"]) {
    assert.equal(typeof api[name], "function", name);
  }
  for (const name of ["mseLoss", "sseLoss", "hingeLoss", "l2Penalty", "toDot"]) {
    assert.equal(typeof api[name], "function", name);
  }
  for (const method of ["add", "sub", "mul", "div", "neg", "pow", "relu", "tanh", "exp", "log", "sigmoid", "backward"]) {
    assert.equal(typeof api.Value.prototype[method], "function", method);
  }
  assert.equal(typeof api.Module.prototype.zeroGrad, "function");
  assert.equal(typeof api.MLP.prototype.parameters, "function");
  assert.equal(typeof api.SGD.prototype.step, "function");
  assert.equal(typeof api.SGD.prototype.zeroGrad, "function");
});

test("every region of the teaching site appears once, non-empty, and closes", () => {
  const names = [
    "Value", "add", "sub", "mul", "div", "neg", "pow", "relu", "tanh", "exp", "log", "sigmoid",
    "backward", "zero_grad", "Neuron", "Layer", "MLP", "mse_loss", "sse_loss", "hinge_loss",
    "l2_penalty", "SGD", "Adam", "SplitMix64", "to_dot",
  ];
  const found = [];
  for (const [file, text] of Object.entries(sources)) {
    let open = null;
    let body = 0;
    for (const line of text.split("\n")) {
      const start = /^\s*\/\/ region: (\S+)\s*$/.exec(line);
      if (start) {
        assert.equal(open, null, `${file}: region ${start[1]} opens inside ${open}`);
        open = start[1];
        body = 0;
        found.push(open);
      } else if (/^\s*\/\/ endregion\s*$/.test(line)) {
        assert.notEqual(open, null, `${file}: endregion without a region`);
        assert.ok(body > 0, `${file}: region ${open} is empty`);
        open = null;
      } else if (open !== null && line.trim() !== "") {
        body += 1;
      }
    }
    assert.equal(open, null, `${file}: region ${open} never closes`);
  }
  assert.deepEqual([...found].sort(), [...names].sort());
});
