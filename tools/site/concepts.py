"""What the site says about each concept: a short explanation, the math, the features it exercises.

The code itself is never written here: it comes from the ports' regions. The
`features` are names from conformance/features.json; a concept page lists the
conformance cases that declare any of them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    group: str
    explain: str  # HTML
    math: str  # HTML (plain Unicode math, no script needed)
    features: tuple[str, ...] = ()


def _op(explain: str, forward: str, local: str, feature: str, extra: tuple = ()) -> Concept:
    return Concept(
        "Operations",
        explain,
        f"<p>forward: {forward}</p><p>local derivative: {local}</p>",
        (feature, *extra),
    )


CONCEPTS: dict[str, Concept] = {
    "Value": Concept(
        "The Value",
        "A <code>Value</code> is one scalar in a computation graph: its <code>data</code>, its "
        "<code>grad</code> (∂output/∂this, 0 until <code>backward()</code>), the parents it was "
        "made from (<code>_prev</code>, in order) and the op that made it. Every port stores each "
        "op's local derivatives beside the forward value, so backward only multiplies and adds.",
        "<p>grad(v) = ∂L/∂v, the sensitivity of the final output L to v</p>",
        ("graph.const", "graph.reuse"),
    ),
    "add": _op(
        "Addition routes the upstream gradient unchanged to both parents.",
        "out = a + b",
        "∂out/∂a = 1, ∂out/∂b = 1",
        "op.add",
    ),
    "sub": _op(
        "Subtraction is one node of its own (not <code>a + (-b)</code>), so every port builds "
        "the same graph.",
        "out = a &minus; b",
        "∂out/∂a = 1, ∂out/∂b = &minus;1",
        "op.sub",
    ),
    "mul": _op(
        "Each factor's gradient is the other factor: multiplication swaps.",
        "out = a · b",
        "∂out/∂a = b, ∂out/∂b = a",
        "op.mul",
    ),
    "div": _op(
        "True division, one node. The derivative with respect to b is written &minus;out/b "
        "instead of "
        "&minus;a/b², which never overflows b² where the true value is representable.",
        "out = a / b",
        "∂out/∂a = 1/b, ∂out/∂b = &minus;a/b² = &minus;out/b",
        "op.div",
    ),
    "neg": _op("Negation, one node.", "out = &minus;a", "∂out/∂a = &minus;1", "op.neg"),
    "pow": _op(
        "Power by a plain number k (a Value exponent is a type error). A negative base with a "
        "non-integer k gives NaN, never a complex number or an exception.",
        "out = x<sup>k</sup>",
        "∂out/∂x = k · x<sup>k&minus;1</sup>, exactly 0 when k = 0",
        "op.pow",
    ),
    "relu": _op(
        "The rectifier: lets positive values through, zeroes the rest; NaN stays NaN. At exactly "
        "0 the derivative is pinned to 0.",
        "out = max(0, x)",
        "∂out/∂x = 1 if x &gt; 0 else 0",
        "op.relu",
        ("act.relu",),
    ),
    "tanh": _op(
        "The library's tanh (never the exp formula, which overflows). Its derivative reuses the "
        "forward value.",
        "t = tanh(x)",
        "∂t/∂x = 1 &minus; t²",
        "op.tanh",
        ("act.tanh",),
    ),
    "exp": _op(
        "The exponential is its own derivative; exp(1000) is +inf, never an exception.",
        "out = e<sup>x</sup>",
        "∂out/∂x = e<sup>x</sup> = out",
        "op.exp",
    ),
    "log": _op(
        "The natural log, with IEEE results at the edges: log(0) = &minus;inf, "
        "log(x &lt; 0) = NaN.",
        "out = ln x",
        "∂out/∂x = 1/x",
        "op.log",
    ),
    "sigmoid": _op(
        "The logistic function, one node; its derivative reuses the forward value.",
        "s = 1 / (1 + e<sup>&minus;x</sup>)",
        "∂s/∂x = s · (1 &minus; s)",
        "op.sigmoid",
        ("act.sigmoid",),
    ),
    "backward": Concept(
        "Backpropagation",
        "A topological sort of the graph (micrograd's <code>build_topo</code>, done with an "
        "explicit stack: a 1,000,000-op chain must not overflow the call stack), then the chain "
        "rule in reverse order. Leaves accumulate across calls until <code>zero_grad()</code>; "
        "calling backward twice gives exactly twice the leaf gradients. Rust takes two "
        "shortcuts to the same bits (SPEC §2.2). A training step rebuilds the same graph in "
        "the same slots, so it keeps its last two sorts and reuses one while no slot has "
        "taken a node with other parents (the sort would walk the same path); and where no "
        "node gets more than two contributions, their order cannot change a bit, so it walks "
        "its tape down from the output instead of sorting.",
        "<p>grad(output) = 1; for each node v in reverse topological order, for each parent p "
        "with local derivative d: grad(p) += d · grad(v)</p>",
        ("backward.repeat", "graph.reuse", "graph.deep", "graph.wide"),
    ),
    "zero_grad": Concept(
        "Neural networks",
        "Gradients accumulate, so every training step starts by setting each parameter's grad "
        "back to 0.",
        "<p>grad(p) ← 0 for every parameter p</p>",
        ("train.sgd", "train.adam"),
    ),
    "Neuron": Concept(
        "Neural networks",
        "A weighted sum of the inputs plus a bias, through an activation. The sum is built as "
        "<code>act = b; act = act + w[i]·x[i]</code>, in that order, in every port.",
        "<p>out = φ(b + Σ<sub>i</sub> w<sub>i</sub> x<sub>i</sub>), φ ∈ {tanh, relu, sigmoid, "
        "linear}</p>",
        ("mlp",),
    ),
    "Layer": Concept(
        "Neural networks",
        "<code>nout</code> neurons reading the same inputs. A layer of one neuron returns one "
        "Value, as in micrograd.",
        "<p>out<sub>j</sub> = neuron<sub>j</sub>(x), j = 1 … nout</p>",
        ("mlp",),
    ),
    "MLP": Concept(
        "Neural networks",
        "Layers in a row: nin → nouts[0] → … → nouts[&minus;1]. The last layer uses "
        "<code>output_activation</code>. With a seed, every port draws bit-identical weights "
        "(SplitMix64).",
        "<p>MLP(x) = layer<sub>L</sub>(… layer<sub>1</sub>(x))</p>",
        ("mlp", "init.seed"),
    ),
    "mse_loss": Concept(
        "Losses",
        "Mean squared error over N samples &times; K outputs: the sum is a left fold from the "
        "first "
        "term, then one division.",
        "<p>L = Σ (y &minus; t)² / (N·K)</p>",
        ("loss.mse",),
    ),
    "sse_loss": Concept(
        "Losses",
        "The sum of squared errors of the micrograd lecture.",
        "<p>L = Σ (y &minus; t)²</p>",
        ("loss.sse",),
    ),
    "hinge_loss": Concept(
        "Losses",
        "The max-margin loss of micrograd's moons demo; targets are ±1.",
        "<p>L = Σ relu(1 &minus; t·y) / N</p>",
        ("loss.hinge",),
    ),
    "l2_penalty": Concept(
        "Losses",
        "The sum of squared parameters; a case's <code>l2</code> field multiplies it and adds it "
        "to the loss.",
        "<p>P = Σ p², loss = L + l2 · P</p>",
        ("reg.l2",),
    ),
    "SGD": Concept(
        "Optimizers",
        "Stochastic gradient descent with torch.optim's semantics: weight decay is added to the "
        "gradient; with momentum the buffer starts at the first gradient.",
        "<p>g = grad + wd·p; buf = g (first step), buf = m·buf + g; p ← p &minus; lr·buf</p>",
        ("train.sgd", "train.sgd.momentum", "train.weight_decay"),
    ),
    "Adam": Concept(
        "Optimizers",
        "Adaptive moments with bias correction, exactly as torch.optim.Adam.",
        "<p>m = β₁m + (1&minus;β₁)g; v = β₂v + (1&minus;β₂)g²; m̂ = m/(1&minus;β₁<sup>t</sup>); "
        "v̂ = v/(1&minus;β₂<sup>t</sup>); p ← p &minus; lr·m̂/(√v̂ + ε)</p>",
        ("train.adam",),
    ),
    "SplitMix64": Concept(
        "Seeded init",
        "A tiny 64-bit generator that every language can write exactly, so a seed gives "
        "bit-identical weights in every port. Each weight is uniform in [&minus;1, 1).",
        "<p>state += 0x9E3779B97F4A7C15; z = (z ⊕ z≫30)·0xBF58476D1CE4E5B9; "
        "z = (z ⊕ z≫27)·0x94D049BB133111EB; z ⊕ z≫31 (mod 2<sup>64</sup>); "
        "w = &minus;1 + 2·(z≫11)·2<sup>&minus;53</sup></p>",
        ("init.seed", "init.seed.u64"),
    ),
    "to_dot": Concept(
        "Drawing the graph",
        "Graphviz DOT text of a Value's graph, as in the micrograd lecture: one record per Value "
        "(label | data | grad) and one small node per op. The graphs on this site are the Python "
        "reference's <code>to_dot</code>, rendered by Graphviz compiled to WebAssembly.",
        "<p>no math: a picture of the graph the math runs on</p>",
        (),
    ),
}
