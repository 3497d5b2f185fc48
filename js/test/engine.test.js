// Value: forward values, local derivatives, backward, errors and IEEE specials.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { SplitMix64, Value } from "../src/index.js";

/** |a - e| <= atol + rtol·|e| */
function close(actual, expected, rtol = 1e-12, atol = 1e-12) {
  assert.ok(
    Math.abs(actual - expected) <= atol + rtol * Math.abs(expected),
    `expected ${expected}, got ${actual}`,
  );
}

/**
 * Central finite differences of f at the point xs: an independent check of the
 * gradients backward() computes.
 */
function numericGrads(f, xs, h = 1e-6) {
  return xs.map((_, i) => {
    const up = xs.slice();
    const down = xs.slice();
    up[i] += h;
    down[i] -= h;
    return (f(up.map((x) => new Value(x))).data - f(down.map((x) => new Value(x))).data) / (2 * h);
  });
}

function checkAgainstFiniteDifferences(f, xs) {
  const leaves = xs.map((x) => new Value(x));
  f(leaves).backward();
  const numeric = numericGrads(f, xs);
  leaves.forEach((leaf, i) => close(leaf.grad, numeric[i], 1e-6, 1e-7));
}

describe("forward values and local derivatives", () => {
  test("Value holds data, grad 0, no parents, empty op and a label", () => {
    const x = new Value(3, { label: "x" });
    assert.equal(x.data, 3);
    assert.equal(x.grad, 0);
    assert.deepEqual(x._prev, []);
    assert.equal(x._op, "");
    assert.equal(x.label, "x");
    assert.equal(new Value(1).label, "");
    assert.equal(String(x), "Value(data=3, grad=0)");
  });

  test("each op records its op, its ordered parents and local derivatives", () => {
    const a = new Value(3);
    const b = new Value(-2);
    const cases = [
      [a.add(b), "+", 1, [a, b], [1, 1]],
      [a.sub(b), "-", 5, [a, b], [1, -1]],
      [a.mul(b), "*", -6, [a, b], [-2, 3]],
      [a.div(b), "/", -1.5, [a, b], [-0.5, -0.75]],
      [a.neg(), "neg", -3, [a], [-1]],
      [a.pow(3), "**3", 27, [a], [27]],
      [a.pow(0.5), "**0.5", Math.sqrt(3), [a], [0.5 / Math.sqrt(3)]],
      [a.relu(), "relu", 3, [a], [1]],
      [b.relu(), "relu", 0, [b], [0]],
      [a.tanh(), "tanh", Math.tanh(3), [a], [1 - Math.tanh(3) ** 2]],
      [a.exp(), "exp", Math.exp(3), [a], [Math.exp(3)]],
      [a.log(), "log", Math.log(3), [a], [1 / 3]],
      [a.sigmoid(), "sigmoid", 1 / (1 + Math.exp(-3)), [a], [(1 / (1 + Math.exp(-3))) * (1 - 1 / (1 + Math.exp(-3)))]],
    ];
    for (const [out, op, data, parents, locals] of cases) {
      assert.equal(out._op, op);
      close(out.data, data);
      assert.equal(out._prev.length, parents.length, op);
      out._prev.forEach((p, i) => assert.equal(p, parents[i], `${op} parent ${i}`));
      out._localGrads.forEach((d, i) => close(d, locals[i]));
    }
  });

  test("numbers mix in as new leaves; a number on the left is a leaf Value", () => {
    const x = new Value(4);
    const y = x.mul(2);
    assert.equal(y.data, 8);
    assert.equal(y._prev[0], x);
    assert.ok(y._prev[1] instanceof Value);
    assert.equal(y._prev[1]._op, "");
    assert.equal(y._prev[1].data, 2);
    assert.equal(new Value(1).sub(x).data, -3);
    assert.equal(new Value(1).div(x).data, 0.25);
  });

  test("sub, neg and div are single nodes", () => {
    const a = new Value(1);
    const b = new Value(2);
    for (const out of [a.sub(b), a.neg(), a.div(b)]) {
      assert.ok(out._prev.every((p) => p._op === ""), `${out._op} is one node over the leaves`);
    }
  });
});

describe("backward", () => {
  test("micrograd's sanity check (values from its test suite, checked against PyTorch)", () => {
    const x = new Value(-4);
    const z = new Value(2).mul(x).add(2).add(x);
    const q = z.relu().add(z.mul(x));
    const h = z.mul(z).relu();
    const y = h.add(q).add(q.mul(x));
    y.backward();
    assert.equal(y.data, -20);
    assert.equal(x.grad, 46);
  });

  test("micrograd's more-ops check (values from its test suite, checked against PyTorch)", () => {
    const a = new Value(-4);
    const b = new Value(2);
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1));
    c = c.add(new Value(1).add(c).add(a.neg()));
    d = d.add(d.mul(2).add(b.add(a).relu()));
    d = d.add(new Value(3).mul(d).add(b.sub(a).relu()));
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2);
    g = g.add(new Value(10).div(f));
    g.backward();
    close(g.data, 24.70408163265306, 1e-12);
    close(a.grad, 138.83381924198252, 1e-9);
    close(b.grad, 645.5772594752186, 1e-9);
  });

  test("every op's gradient agrees with central finite differences", () => {
    const f = ([a, b]) =>
      a.mul(b).add(a.div(b)).sub(a.pow(3)).add(b.tanh()).add(a.exp().log()).add(b.sigmoid()).add(a.neg().relu());
    checkAgainstFiniteDifferences(f, [-0.7, 1.3]);
    checkAgainstFiniteDifferences(f, [0.4, -2.1]);
    checkAgainstFiniteDifferences(([x]) => x.pow(-1.5).add(x.pow(0.5)), [1.7]);
  });

  test("a reused node accumulates: b = a + a; c = b * b", () => {
    const a = new Value(3);
    const b = a.add(a);
    const c = b.mul(b);
    c.backward();
    assert.equal(c.data, 36);
    assert.equal(b.grad, 12); // 2b
    assert.equal(a.grad, 24); // 8a
  });

  test("backward twice doubles the leaf grads; interior nodes keep one call's", () => {
    const x = new Value(1.5);
    const w = new Value(-0.5);
    const hidden = x.mul(w);
    const y = hidden.tanh();
    y.backward();
    const once = { x: x.grad, w: w.grad, hidden: hidden.grad };
    y.backward();
    assert.equal(x.grad, 2 * once.x);
    assert.equal(w.grad, 2 * once.w);
    assert.equal(hidden.grad, once.hidden);
    assert.equal(y.grad, 1);
  });

  test("backward on a leaf gives it grad 1, and accumulates", () => {
    const x = new Value(5);
    x.backward();
    assert.equal(x.grad, 1);
    x.backward();
    assert.equal(x.grad, 2);
  });

  test("a 1,000,000-op chain builds, backpropagates and is freed (no recursion)", () => {
    const x = new Value(1);
    const c = new Value(0.999999);
    let y = x;
    for (let i = 0; i < 1_000_000; i++) y = y.mul(c);
    y.backward();
    assert.equal(y._topologicalOrder().length, 1_000_002);
    close(y.data, 0.999999 ** 1_000_000, 1e-9);
    close(x.grad, y.data, 1e-9); // dy/dx = c^n
    close(c.grad, (1_000_000 * y.data) / 0.999999, 1e-6); // dy/dc = n·c^(n-1)
    y = null; // the graph is garbage now; nothing recursive runs to free it
  });

  test("a dropped 1,000,000-op chain is garbage collected", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc"); // the collector, asked for explicitly
    const build = () => {
      let y = new Value(1);
      const c = new Value(0.999999);
      for (let i = 0; i < 1_000_000; i++) y = y.mul(c);
      y.backward();
      return new WeakRef(y);
    };
    const ref = build();
    await new Promise((resolve) => setImmediate(resolve)); // WeakRefs clear after the current job
    gc();
    assert.equal(ref.deref(), undefined);
  });

  test("a diamond-heavy graph: each node visited once, in topological order", () => {
    let a = new Value(1.01);
    const leaf = a;
    for (let i = 0; i < 1000; i++) a = a.add(a.mul(0.5)); // each a used twice
    a.backward();
    close(a.data, 1.01 * 1.5 ** 1000, 1e-9);
    close(leaf.grad, 1.5 ** 1000, 1e-9);
    const topo = a._topologicalOrder();
    assert.equal(new Set(topo).size, topo.length);
    const index = new Map(topo.map((v, i) => [v, i]));
    for (const v of topo) for (const p of v._prev) assert.ok(index.get(p) < index.get(v));
  });
});

/** micrograd's recursive build_topo, the order SPEC §2.2 pins (small graphs only). */
function microgradBuildTopo(root) {
  const topo = [];
  const visited = new Set();
  const build = (v) => {
    if (visited.has(v)) return;
    visited.add(v);
    for (const p of v._prev) build(p);
    topo.push(v);
  };
  build(root);
  return topo;
}

describe("the topological order", () => {
  test("is micrograd's build_topo on random graphs (shared parents, x * x, unary ops)", () => {
    for (let seed = 0; seed < 20; seed++) {
      const rng = new SplitMix64(seed);
      const pick = (xs) => xs[Math.floor(rng.random() * xs.length)];
      const nodes = [0, 1, 2, 3].map(() => new Value(rng.uniform(-2, 2)));
      for (let i = 0; i < 40; i++) {
        const a = pick(nodes);
        const b = pick(nodes);
        nodes.push(pick([() => a.add(b), () => a.mul(b), () => a.sub(b), () => a.mul(a), () => a.tanh(), () => a.relu(), () => a.neg()])());
      }
      for (const root of [nodes[nodes.length - 1], nodes[nodes.length - 2], nodes[nodes.length >> 1]]) {
        const [order, expected] = [root._topologicalOrder(), microgradBuildTopo(root)];
        assert.ok(order.length === expected.length && order.every((v, i) => v === expected[i]), `seed ${seed}`);
      }
    }
  });
});

describe("bad input throws a clear error", () => {
  test("an operand that is not a number or a Value is a TypeError naming it", () => {
    const x = new Value(1);
    assert.throws(() => x.add("2"), { name: "TypeError", message: /Value\.add expects a number or a Value, got string/ });
    assert.throws(() => x.mul(null), { name: "TypeError", message: /got null/ });
    assert.throws(() => x.sub([1]), { name: "TypeError", message: /got Array/ });
    assert.throws(() => x.div(undefined), { name: "TypeError", message: /got undefined/ });
    assert.throws(() => x.add(1n), { name: "TypeError", message: /got bigint/ });
    assert.throws(() => x.add(new Map()), { name: "TypeError", message: /got Map/ });
    assert.throws(() => x.mul("ab"), { name: "TypeError", message: /Value\.mul expects a number or a Value, got string/ });
  });

  test("a boolean is not a number: as data, operand or exponent (SPEC §2.1)", () => {
    const x = new Value(2);
    for (const b of [true, false]) {
      assert.throws(() => new Value(b), { name: "TypeError", message: /Value data must be a number, got boolean/ });
      assert.throws(() => x.mul(b), { name: "TypeError", message: /got boolean/ });
      assert.throws(() => x.sub(b), { name: "TypeError", message: /got boolean/ });
      assert.throws(() => x.pow(b), { name: "TypeError", message: /got boolean/ });
    }
  });

  test("a Value exponent throws; a non-number exponent throws", () => {
    const x = new Value(2);
    assert.throws(() => x.pow(new Value(2)), { name: "TypeError", message: /exponent must be a number/ });
    assert.throws(() => x.pow("2"), { name: "TypeError", message: /got string/ });
  });

  test("Value data must be a number; options must be {label: string}", () => {
    assert.throws(() => new Value("1"), { name: "TypeError", message: /Value data must be a number, got string/ });
    assert.throws(() => new Value(1n), { name: "TypeError", message: /got bigint/ });
    assert.throws(() => new Value(1, "x"), { name: "TypeError", message: /options must be an object/ });
    assert.throws(() => new Value(1, { label: 3 }), { name: "TypeError", message: /label must be a string/ });
  });
});

describe("IEEE 754 specials are values, never exceptions", () => {
  test("pinned forward values", () => {
    assert.equal(new Value(1000).exp().data, Infinity);
    assert.equal(new Value(1).div(0).data, Infinity);
    assert.equal(new Value(-1).div(0).data, -Infinity);
    assert.ok(Number.isNaN(new Value(0).div(0).data));
    assert.equal(new Value(0).pow(-1).data, Infinity);
    assert.equal(new Value(-0).pow(-1).data, -Infinity);
    assert.equal(new Value(-0).pow(-2).data, Infinity);
    assert.ok(Number.isNaN(new Value(-8).pow(1 / 3).data));
    assert.equal(new Value(0).log().data, -Infinity);
    assert.ok(Number.isNaN(new Value(-1).log().data));
    assert.equal(new Value(1e300).pow(2).data, Infinity);
    assert.equal(new Value(-1e300).pow(3).data, -Infinity);
    assert.equal(new Value(Infinity).tanh().data, 1);
    assert.equal(new Value(-1000).sigmoid().data, 0);
    assert.equal(new Value(1).pow(NaN).data, 1); // C99 pow, not JavaScript's NaN
    assert.equal(new Value(-1).pow(Infinity).data, 1);
    assert.equal(new Value(NaN).pow(0).data, 1);
  });

  test("relu: NaN passes through, relu'(0) = 0, relu(-0) = 0", () => {
    assert.ok(Number.isNaN(new Value(NaN).relu().data));
    const z = new Value(0);
    const r = z.relu();
    r.backward();
    assert.equal(r.data, 0);
    assert.equal(z.grad, 0);
    assert.ok(Object.is(new Value(-0).relu().data, 0));
  });

  test("pow with k = 0 has local derivative exactly 0, even at x = 0", () => {
    const x = new Value(0);
    const y = x.pow(0);
    y.backward();
    assert.equal(y.data, 1);
    assert.ok(Object.is(x.grad, 0));
  });

  test("the chain rule does not mask: 0 · inf = NaN", () => {
    const x = new Value(0);
    const y = x.log().mul(0); // d/dx = 0 · (1/0) = 0 · inf
    y.backward();
    assert.ok(Number.isNaN(x.grad));
    const big = new Value(1000);
    const e = big.exp().mul(0); // local derivatives: 0 and inf
    e.backward();
    assert.ok(Number.isNaN(e.data)); // inf · 0
    assert.ok(Number.isNaN(big.grad));
  });

  test("div's derivative w.r.t. b is -out/b: no spurious overflow of b²", () => {
    const a = new Value(1e-300);
    const b = new Value(1e-200);
    const y = a.div(b);
    y.backward();
    close(b.grad, -1e-300 / 1e-200 / 1e-200, 1e-12, 0);
    assert.ok(Number.isFinite(b.grad));
  });
});
