// Neuron, Layer, MLP, SplitMix64 and seeded init.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { Layer, MLP, Module, Neuron, SplitMix64, Value } from "../src/index.js";

describe("SplitMix64", () => {
  test("the published test vector (seed 1234567)", () => {
    const rng = new SplitMix64(1234567);
    assert.equal(rng.nextU64(), 6457827717110365317n);
    assert.equal(rng.nextU64(), 3203168211198807973n);
  });

  test("seed 0 and the largest seed, 2^64 - 1, as BigInts", () => {
    assert.equal(new SplitMix64(0).nextU64(), 0xe220a8397b1dcdafn);
    const rng = new SplitMix64(18446744073709551615n);
    // The same outputs as the Python reference for this seed.
    assert.deepEqual(
      [rng.nextU64(), rng.nextU64(), rng.nextU64()],
      [16490336266968443936n, 16834447057089888969n, 4048727598324417001n],
    );
  });

  test("a number seed and a BigInt seed draw the same stream", () => {
    const a = new SplitMix64(42);
    const b = new SplitMix64(42n);
    for (let i = 0; i < 5; i++) assert.equal(a.nextU64(), b.nextU64());
  });

  test("random() is the top 53 bits scaled into [0, 1); uniform(a, b) = a + (b - a)·u", () => {
    const a = new SplitMix64(9);
    const b = new SplitMix64(9);
    for (let i = 0; i < 100; i++) {
      const u = a.random();
      assert.equal(u, Number(b.nextU64() >> 11n) / 2 ** 53);
      assert.ok(u >= 0 && u < 1);
    }
    const c = new SplitMix64(3);
    const d = new SplitMix64(3);
    assert.equal(c.uniform(-1, 1), -1 + 2 * d.random());
  });

  test("bad seeds throw", () => {
    assert.throws(() => new SplitMix64(-1), { name: "RangeError", message: /0 \.\. 2\*\*64 - 1, got -1/ });
    assert.throws(() => new SplitMix64(2n ** 64n), { name: "RangeError" });
    assert.throws(() => new SplitMix64(2 ** 64), { name: "RangeError" });
    assert.throws(() => new SplitMix64(1.5), { name: "TypeError", message: /integer/ });
    assert.throws(() => new SplitMix64("7"), { name: "TypeError", message: /got string/ });
  });
});

describe("seeded init", () => {
  test("bit-identical to the Python reference, weights -1 + 2u in canonical order, biases 0", () => {
    const model = new MLP(3, [2, 1], { seed: 18446744073709551615n });
    assert.deepEqual(
      model.parameters().map((p) => p.data),
      [
        0.7878858405663689, 0.8251944071889064, -0.5610360742094649, 0, -0.14753110110966716, 0.4111412979391418,
        0.6493432212814179, 0, 0.8852287493683109, -0.4971422885362351, 0,
      ],
    );
  });

  test("each weight is uniform(-1, 1) from one generator, drawn layer by layer, neuron by neuron", () => {
    const model = new MLP(2, [3, 2], { seed: 7 });
    const rng = new SplitMix64(7);
    const expected = [];
    for (const [nin, nout] of [
      [2, 3],
      [3, 2],
    ]) {
      for (let n = 0; n < nout; n++) {
        for (let i = 0; i < nin; i++) expected.push(rng.uniform(-1, 1));
        expected.push(0);
      }
    }
    assert.deepEqual(
      model.parameters().map((p) => p.data),
      expected,
    );
  });

  test("the same seed gives the same model; without a seed, Math.random", () => {
    const params = (m) => m.parameters().map((p) => p.data);
    assert.deepEqual(params(new MLP(2, [4, 1], { seed: 5 })), params(new MLP(2, [4, 1], { seed: 5n })));
    assert.notDeepEqual(params(new MLP(2, [4, 1], { seed: 5 })), params(new MLP(2, [4, 1], { seed: 6 })));
    const random = params(new MLP(2, [4, 1]));
    assert.ok(random.every((w) => w >= -1 && w < 1));
    assert.notDeepEqual(random, params(new MLP(2, [4, 1])));
  });
});

describe("Neuron, Layer, MLP", () => {
  test("a Neuron is act(b + Σ w_i·x_i), built as a left fold from b", () => {
    const n = new Neuron(2, { activation: "linear", rng: { uniform: () => 0.5 } });
    n.b.data = 0.25;
    const out = n.forward([2, new Value(-4)]);
    assert.equal(out.data, 0.25 + 0.5 * 2 + 0.5 * -4);
    assert.equal(out._op, "+"); // linear: no extra node
    assert.equal(out._prev[0]._prev[0], n.b);
    for (const [act, op] of [
      ["tanh", "tanh"],
      ["relu", "relu"],
      ["sigmoid", "sigmoid"],
    ]) {
      assert.equal(new Neuron(2, { activation: act }).forward([1, 1])._op, op);
    }
    assert.equal(String(new Neuron(3, { activation: "relu" })), "ReluNeuron(3)");
  });

  test("parameters are in canonical order: layer by layer, neuron by neuron, [w..., b]", () => {
    const model = new MLP(3, [4, 4, 1]);
    assert.equal(model.parameters().length, 4 * 4 + 4 * 5 + 1 * 5);
    const expected = model.layers.flatMap((l) => l.neurons.flatMap((n) => [...n.w, n.b]));
    assert.deepEqual(model.parameters(), expected);
    assert.ok(model instanceof Module);
  });

  test("a Layer of one neuron returns one Value; the MLP returns a list for several outputs", () => {
    assert.ok(new Layer(2, 1).forward([1, 2]) instanceof Value);
    const out = new Layer(2, 3).forward([1, 2]);
    assert.ok(Array.isArray(out) && out.length === 3);
    assert.ok(new MLP(2, [3, 1]).forward([1, 2]) instanceof Value);
    const multi = new MLP(2, [3, 2]).forward([1, 2]);
    assert.ok(Array.isArray(multi) && multi.length === 2);
  });

  test("a hidden layer of width 1 works (the MLP passes a list to every layer)", () => {
    const model = new MLP(2, [1, 3, 1], { seed: 1 });
    const out = model.forward([0.5, -0.5]);
    assert.ok(out instanceof Value);
    out.backward();
    assert.ok(model.parameters().every((p) => Number.isFinite(p.grad)));
  });

  test("forward, backward and grads match the Python reference", () => {
    const model = new MLP(2, [3, 2], { activation: "relu", outputActivation: "sigmoid", seed: 7 });
    const out = model.forward([0.5, -1.5]);
    assert.deepEqual(
      out.map((v) => v.data),
      [0.3422737353836055, 0.5730867522595396],
    );
    assert.equal(model.layers[1].neurons[0].activation, "sigmoid");
    // The grads of out[0] + out[1], printed by the Python reference (same seed, same graph):
    // python -c "from rosettagrad import MLP; m = MLP(2, [3, 2], 'relu', 'sigmoid', seed=7);
    //   o = m([0.5, -1.5]); (o[0] + o[1]).backward(); print([p.grad for p in m.parameters()])"
    out[0].add(out[1]).backward();
    assert.deepEqual(
      model.parameters().map((p) => p.grad),
      [
        -0.028465177780153325, 0.08539553334045998, -0.05693035556030665, -0.13569614137057812,
        0.40708842411173435, -0.27139228274115623, 0.030175363180888135, -0.0905260895426644,
        0.06035072636177627, 0.30154357917057695, 0.034211810313958056, 0.15851935439035733,
        0.2251224254501591, 0.32771123242226863, 0.03718067734097535, 0.17227550701936895,
        0.24465832664415268,
      ],
    );
  });

  test("zeroGrad clears every parameter's grad", () => {
    const model = new MLP(2, [2, 1], { seed: 3 });
    model.forward([1, 2]).backward();
    assert.ok(model.parameters().some((p) => p.grad !== 0));
    model.zeroGrad();
    assert.ok(model.parameters().every((p) => p.grad === 0));
  });

  test("a wrong input length is a RangeError naming both lengths", () => {
    assert.throws(() => new MLP(3, [2, 1]).forward([1, 2]), {
      name: "RangeError",
      message: /MLP expects 3 inputs, got 2/,
    });
    assert.throws(() => new Neuron(2).forward([1, 2, 3]), { name: "RangeError", message: /expects 2 inputs, got 3/ });
    assert.throws(() => new Layer(2, 2).forward([]), { name: "RangeError", message: /expects 2 inputs, got 0/ });
  });

  test("bad arguments throw clear errors", () => {
    assert.throws(() => new MLP(2, 3), { name: "TypeError", message: /nouts must be an Array/ });
    assert.throws(() => new MLP(2, []), { name: "RangeError", message: /nouts is empty/ });
    assert.throws(() => new MLP(0, [1]), { name: "RangeError", message: /nin must be at least 1, got 0/ });
    assert.throws(() => new MLP(2, [1.5]), { name: "TypeError", message: /nout must be an integer, got 1.5/ });
    assert.throws(() => new MLP(2, [1], { activation: "gelu" }), { name: "RangeError", message: /unknown activation "gelu"/ });
    assert.throws(() => new MLP(2, [1], { seed: -3 }), { name: "RangeError" });
    assert.throws(() => new MLP(2, [1]).forward("ab"), { name: "TypeError", message: /got string/ });
    assert.throws(() => new MLP(2, [1]).forward([1, "2"]), { name: "TypeError", message: /Value\.mul expects a number or a Value, got string/ });
  });

  test("a model called on a non-list or on non-numbers names what it got", () => {
    for (const module of [new MLP(2, [1], { seed: 1 }), new Layer(2, 3), new Neuron(2)]) {
      assert.throws(() => module.forward(null), { name: "TypeError", message: /got null/ });
      assert.throws(() => module.forward({ x: 1, y: 2 }), { name: "TypeError", message: /got Object/ });
      assert.throws(() => module.forward(["a", "b"]), { name: "TypeError", message: /got string/ });
      assert.throws(() => module.forward([[1], [2]]), { name: "TypeError", message: /got Array/ });
    }
  });

  test("an activation that is not a string, or a non-integer seed, is a TypeError", () => {
    assert.throws(() => new Neuron(2, { activation: /** @type {any} */ (1) }), { name: "TypeError", message: /got number/ });
    assert.throws(() => new MLP(2, [1], { outputActivation: /** @type {any} */ (null) }), { name: "TypeError", message: /got null/ });
    assert.throws(() => new MLP(2, [1], { seed: 2.5 }), { name: "TypeError", message: /got 2\.5/ });
    assert.throws(() => new MLP(2, [1], { seed: NaN }), { name: "TypeError", message: /got NaN/ });
  });

  test("a model too large for memory is refused before it is built, naming the count", () => {
    // Refused at once: were it built, node would exhaust its heap and abort.
    assert.throws(() => new MLP(1e6, [1e6]), { name: "RangeError", message: /\b1000001000000 parameters\b/ });
    assert.throws(() => new MLP(2 ** 16, [2 ** 16]), { name: "RangeError", message: /\b4295032832\b/ });
    assert.throws(() => new Layer(1e6, 1e6), { name: "RangeError", message: /\b1000001000000\b/ });
    assert.throws(() => new Neuron(2 ** 32), { name: "RangeError", message: /\b4294967297\b/ });
    assert.equal(new MLP(2, [3, 1]).parameters().length, 13); // small models still build
  });
});
