// Losses, SGD and Adam, a small training run, and toDot.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { Adam, MLP, SGD, Value, hingeLoss, l2Penalty, mseLoss, sseLoss, toDot } from "../src/index.js";

function close(actual, expected, rtol = 1e-12, atol = 1e-12) {
  assert.ok(
    Math.abs(actual - expected) <= atol + rtol * Math.abs(expected),
    `expected ${expected}, got ${actual}`,
  );
}

describe("losses", () => {
  test("sse and mse over N samples × K outputs", () => {
    const y = [
      [new Value(1), new Value(2)],
      [new Value(0), new Value(-1)],
    ];
    const t = [
      [0, 2],
      [1, 1],
    ];
    assert.equal(sseLoss(y, t).data, 1 + 0 + 1 + 4);
    assert.equal(mseLoss(y, t).data, 6 / 4);
    const loss = mseLoss(y, t);
    loss.backward();
    assert.equal(y[0][0].grad, (2 * (1 - 0)) / 4);
    assert.equal(y[1][1].grad, (2 * (-1 - 1)) / 4);
  });

  test("K = 1: a Value per sample and a number per target", () => {
    const y = [new Value(0.5), new Value(-0.5)];
    assert.equal(sseLoss(y, [1, 1]).data, 0.25 + 2.25);
    assert.equal(mseLoss(y, [[1], [1]]).data, 2.5 / 2);
  });

  test("the loss graph is a left fold from the first term, then a div by a constant", () => {
    const y = [new Value(1), new Value(2), new Value(3)];
    const loss = mseLoss(y, [0, 0, 0]);
    assert.equal(loss._op, "/");
    assert.equal(loss._prev[1].data, 3);
    const total = loss._prev[0];
    assert.equal(total._op, "+");
    assert.equal(total._prev[0]._op, "+"); // ((t0 + t1) + t2)
    assert.equal(total._prev[0]._prev[0]._op, "**2");
  });

  test("hinge: Σ relu(1 - t·y) / N", () => {
    const y = [new Value(2), new Value(0.5), new Value(-0.25)];
    const loss = hingeLoss(y, [1, 1, 1]);
    assert.equal(loss.data, (0 + 0.5 + 1.25) / 3);
    loss.backward();
    assert.deepEqual(
      y.map((v) => v.grad),
      [0, -1 / 3, -1 / 3],
    );
    assert.equal(hingeLoss([new Value(1)], [1]).data, 0); // relu'(0) = 0 at the margin
    assert.throws(() => hingeLoss([[new Value(1), new Value(2)]], [[1, 1]]), {
      name: "RangeError",
      message: /one output per sample, got 2/,
    });
  });

  test("l2Penalty is Σ p², an empty list a leaf 0", () => {
    const ps = [new Value(3), new Value(-4)];
    const pen = l2Penalty(ps);
    assert.equal(pen.data, 25);
    pen.backward();
    assert.deepEqual(
      ps.map((p) => p.grad),
      [6, -8],
    );
    const empty = l2Penalty([]);
    assert.equal(empty.data, 0);
    assert.equal(empty._op, "");
  });

  test("lengths that disagree, or no predictions, are RangeErrors naming the lengths", () => {
    assert.throws(() => mseLoss([new Value(1)], [1, 2]), { name: "RangeError", message: /got 1 predictions but 2 targets/ });
    assert.throws(() => sseLoss([], []), { name: "RangeError", message: /got 0/ });
    assert.throws(() => sseLoss([[new Value(1)]], [[1, 2]]), {
      name: "RangeError",
      message: /sample 0: prediction has 1 outputs but target has 2/,
    });
    assert.throws(() => sseLoss([1], [1]), { name: "TypeError", message: /prediction must be a Value/ });
    assert.throws(() => sseLoss([new Value(1)], ["1"]), { name: "TypeError", message: /target must be a number/ });
    assert.throws(() => sseLoss(new Value(1), [1]), { name: "TypeError", message: /predictions must be an Array, got Value/ });
  });
});

describe("optimizers (torch.optim semantics)", () => {
  const params = () => {
    const ps = [new Value(1), new Value(-2)];
    ps[0].grad = 0.5;
    ps[1].grad = -1.5;
    return ps;
  };

  test("SGD: p -= lr·g; lr is settable", () => {
    const ps = params();
    const opt = new SGD(ps, { lr: 0.1 });
    opt.step();
    assert.deepEqual(
      ps.map((p) => p.data),
      [1 - 0.1 * 0.5, -2 - 0.1 * -1.5],
    );
    opt.lr = 1;
    opt.step();
    close(ps[0].data, 0.95 - 0.5);
    opt.zeroGrad();
    assert.ok(ps.every((p) => p.grad === 0));
  });

  test("SGD with momentum and weight decay: buf starts at the first gradient", () => {
    const ps = params();
    const opt = new SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    opt.step();
    opt.step();
    // Written out: g = grad + wd·p; buf = g, then buf = 0.9·buf + g; p -= lr·buf.
    let p = 1;
    const g1 = 0.5 + 0.01 * p;
    p -= 0.1 * g1;
    const g2 = 0.5 + 0.01 * p;
    p -= 0.1 * (0.9 * g1 + g2);
    close(ps[0].data, p, 1e-15);
    close(ps[1].data, -1.5593519999999998, 1e-15); // the Python reference
  });

  test("Adam: bias-corrected moments, the first step moves each p by about lr·sign(g)", () => {
    const ps = params();
    const opt = new Adam(ps, { lr: 0.1 });
    opt.step();
    close(ps[0].data, 1 - 0.1, 1e-7);
    close(ps[1].data, -2 + 0.1, 1e-7);
    const qs = params();
    const adam = new Adam(qs, { lr: 0.1, weightDecay: 0.01 });
    adam.step();
    adam.step();
    close(qs[0].data, 0.8000051680063568, 1e-15); // the Python reference
    close(qs[1].data, -1.8000017221406759, 1e-15);
    assert.equal(adam.t, 2);
  });

  test("bad optimizer arguments throw", () => {
    assert.throws(() => new SGD([], { lr: 0.1 }), { name: "RangeError", message: /empty parameter list/ });
    assert.throws(() => new SGD([new Value(1)], { lr: -1 }), { name: "RangeError", message: /lr must be >= 0, got -1/ });
    assert.throws(() => new SGD([new Value(1)], {}), { name: "TypeError", message: /lr must be a number, got undefined/ });
    assert.throws(() => new SGD([new Value(1)]), { name: "TypeError", message: /SGD needs options/ });
    assert.throws(() => new SGD([1], { lr: 1 }), { name: "TypeError", message: /must be Values, got number/ });
    assert.throws(() => new SGD(new Value(1), { lr: 1 }), { name: "TypeError", message: /got Value/ });
    assert.throws(() => new SGD([new Value(1)], { lr: 1, momentum: -0.5 }), { name: "RangeError", message: /momentum/ });
    assert.throws(() => new Adam([new Value(1)], { betas: [0.9, 1] }), { name: "RangeError", message: /beta2 must be in \[0, 1\), got 1/ });
    // A wrong length is a RangeError naming both lengths; not an Array, a TypeError naming what.
    assert.throws(() => new Adam([new Value(1)], { betas: [0.9] }), { name: "RangeError", message: /betas must have 2 values, got 1/ });
    assert.throws(() => new Adam([new Value(1)], { betas: [0.9, 0.999, 0.5] }), { name: "RangeError", message: /betas must have 2 values, got 3/ });
    assert.throws(() => new Adam([new Value(1)], { betas: 0.9 }), { name: "TypeError", message: /betas must be an Array of 2 numbers, got number/ });
    assert.throws(() => new Adam([new Value(1)], { betas: null }), { name: "TypeError", message: /got null/ });
    assert.throws(() => new Adam([new Value(1)], { betas: [false, 0.999] }), { name: "TypeError", message: /beta1 must be a number, got boolean/ });
    assert.throws(() => new Adam([new Value(1)], { eps: -1 }), { name: "RangeError", message: /eps/ });
    assert.throws(() => new Adam([new Value(1)], { weightDecay: NaN }), { name: "RangeError", message: /weightDecay/ });
  });
});

describe("training", () => {
  test("a seeded MLP learns XOR-ish data with SGD: the loss goes down", () => {
    const X = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ];
    const Y = [-1, 1, 1, -1];
    const model = new MLP(2, [8, 1], { seed: 1337 });
    const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const losses = [];
    for (let step = 0; step < 60; step++) {
      opt.zeroGrad();
      const loss = mseLoss(
        X.map((x) => model.forward(x)),
        Y,
      );
      loss.backward();
      opt.step();
      losses.push(loss.data);
    }
    assert.ok(losses[59] < losses[0] / 4, `loss ${losses[0]} -> ${losses[59]}`);
  });

  test("micrograd's demo shape (relu MLP, hinge + L2) decreases its loss", () => {
    const X = [];
    const Y = [];
    for (let i = 0; i < 20; i++) {
      const angle = (Math.PI * i) / 19;
      X.push([Math.cos(angle), Math.sin(angle)], [1 - Math.cos(angle), 0.5 - Math.sin(angle)]);
      Y.push(-1, 1);
    }
    const model = new MLP(2, [16, 16, 1], { activation: "relu", seed: 1337 });
    const params = model.parameters();
    const losses = [];
    for (let k = 0; k < 20; k++) {
      const loss = hingeLoss(
        X.map((x) => model.forward(x)),
        Y,
      ).add(new Value(1e-4).mul(l2Penalty(params)));
      model.zeroGrad();
      loss.backward();
      const lr = 1.0 - (0.9 * k) / 100;
      for (const p of params) p.data -= lr * p.grad;
      losses.push(loss.data);
    }
    assert.ok(losses[19] < losses[0] / 2, `loss ${losses[0]} -> ${losses[19]}`);
  });
});

describe("toDot", () => {
  test("one record per Value, one op node per op, escaped labels", () => {
    const a = new Value(2, { label: "a|b" });
    const b = new Value(-3, { label: "b" });
    const c = a.mul(b);
    c.label = "c";
    c.backward();
    const dot = toDot(c);
    assert.ok(dot.startsWith("digraph {\n  rankdir=LR;\n"));
    assert.ok(dot.endsWith("}\n"));
    assert.match(dot, /n0 \[label="\{ a\\\|b \| data 2\.0000 \| grad -3\.0000 \}"\];/);
    assert.match(dot, /n1 \[label="\{ b \| data -3\.0000 \| grad 2\.0000 \}"\];/);
    assert.match(dot, /n2_op \[label="\*", shape=ellipse\];/);
    assert.match(dot, /n0 -> n2_op;\n {2}n1 -> n2_op;/);
    assert.equal(dot.match(/shape=ellipse/g).length, 1);
    assert.equal(toDot(new Value(NaN)).includes("data nan | grad 0.0000"), true);
    assert.equal(toDot(new Value(-Infinity)).includes("data -inf"), true);
    assert.throws(() => toDot(3), { name: "TypeError", message: /toDot takes a Value, got number/ });
  });
});
