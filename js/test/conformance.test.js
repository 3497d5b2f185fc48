// The conformance adapter (protocol 1): describe, run, error results, bad files.

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const ADAPTER = fileURLToPath(new URL("../conformance.js", import.meta.url));
const FEATURES = new URL("../../conformance/features.json", import.meta.url);

function runAdapter(doc) {
  const dir = mkdtempSync(join(tmpdir(), "rosettagrad-js-"));
  const path = join(dir, "IN.json");
  writeFileSync(path, typeof doc === "string" ? doc : JSON.stringify(doc));
  return spawnSync(process.execPath, [ADAPTER, "run", path], { encoding: "utf8" });
}

test("describe: protocol 1, impl js, every feature of features.json", () => {
  const out = JSON.parse(execFileSync(process.execPath, [ADAPTER, "describe"], { encoding: "utf8" }));
  assert.equal(out.protocol, 1);
  assert.equal(out.implementation.name, "js");
  assert.equal(out.implementation.language, "javascript");
  const registry = Object.keys(JSON.parse(readFileSync(FEATURES, "utf8")).features);
  assert.deepEqual([...out.features].sort(), [...registry].sort());
});

test("run: each kind, non-finite numbers as strings, a bad case is an error result", () => {
  const proc = runAdapter({
    protocol: 1,
    cases: [
      {
        id: "t.expr",
        kind: "expr",
        inputs: { x: 2, z: "inf" },
        ops: [
          ["y", "mul", 3, "x"],
          ["w", "pow", "y", 2],
          ["v", "mul", "z", 0],
        ],
        output: "w",
        backward_calls: 2,
      },
      {
        id: "t.mlp",
        kind: "mlp",
        model: { nin: 1, nouts: [1], activation: "tanh", output_activation: "linear" },
        parameters: [0.5, 0.25],
        inputs: [[2], [4]],
        targets: [[1], [3]],
        loss: { name: "mse", l2: 0.5 },
      },
      {
        id: "t.train",
        kind: "train",
        model: { nin: 1, nouts: [1], activation: "tanh", output_activation: "linear" },
        parameters: [0.5, 0],
        inputs: [[1]],
        targets: [[1]],
        loss: { name: "sse" },
        optimizer: { name: "sgd", lr: 0.25, momentum: 0, weight_decay: 0 },
        steps: 2,
      },
      { id: "t.init", kind: "init", model: { nin: 1, nouts: [1], activation: "tanh", output_activation: "linear" }, seed: "18446744073709551615" },
      {
        id: "t.nonfinite",
        kind: "expr",
        inputs: { x: 0 },
        ops: [
          ["r", "div", 1, "x"],
          ["n", "mul", "r", 0],
        ],
        output: "r",
      },
      { id: "t.bad-op", kind: "expr", inputs: { x: 1 }, ops: [["y", "frobnicate", "x"]], output: "y" },
      { id: "t.bad-kind", kind: "nope" },
      { id: "t.undefined-name", kind: "expr", inputs: {}, ops: [["y", "neg", "q"]], output: "y" },
    ],
  });
  assert.equal(proc.status, 0, proc.stderr);
  const out = JSON.parse(proc.stdout);
  assert.equal(out.protocol, 1);
  const byId = Object.fromEntries(out.results.map((r) => [r.id, r]));

  const expr = byId["t.expr"];
  assert.equal(expr.status, "ok");
  assert.equal(expr.actual.value, 36);
  // Leaves accumulate over the two calls; z and v are off the output's path.
  assert.deepEqual(expr.actual.grads, { x: 2 * 36, z: 0, y: 12, w: 1, v: 0 });
  assert.deepEqual(byId["t.nonfinite"].actual, { value: "inf", grads: { x: "-inf", r: 1, n: 0 } });

  const mlp = byId["t.mlp"].actual;
  assert.deepEqual(mlp.outputs, [[1.25], [2.25]]);
  assert.equal(mlp.loss, (0.0625 + 0.5625) / 2 + 0.5 * (0.25 + 0.0625));

  const train = byId["t.train"].actual;
  assert.equal(train.losses.length, 2);
  assert.equal(train.losses[0], 0.25);
  assert.equal(train.parameters[0], 0.5 + 0.25 * 2 * 0.5);

  assert.equal(byId["t.init"].actual.parameters.length, 2);
  assert.equal(byId["t.init"].actual.parameters[1], 0);

  assert.deepEqual(byId["t.bad-op"], { id: "t.bad-op", status: "error", message: 'RangeError: unknown op "frobnicate"' });
  assert.equal(byId["t.bad-kind"].status, "error");
  assert.match(byId["t.undefined-name"].message, /"q" is used before it is defined/);
});

test("a malformed IN.json is a clear error on stderr and a non-zero exit, not a stack trace", () => {
  for (const [doc, message] of [
    ["{not json", /cannot read .* as JSON/],
    [{ protocol: 2, cases: [] }, /unsupported protocol 2/],
    [{ protocol: 1 }, /"cases" must be an array/],
  ]) {
    const proc = runAdapter(doc);
    assert.notEqual(proc.status, 0);
    assert.match(proc.stderr, message);
    assert.equal(proc.stdout, "");
  }
  const usage = spawnSync(process.execPath, [ADAPTER, "frob"], { encoding: "utf8" });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /usage: node js\/conformance\.js describe \| run IN\.json/);
});
