"""Bad input gives the documented result or a clear error, never garbage (issue 8).

Runs against the reference and, with `--engine rosettagrad_rs`, the Rust wheel:
a Rust panic must never cross into Python, so every case here also checks
that the error is an ordinary Python exception of the documented type, whose
message says what was wrong (the type, or both lengths).

Numeric trouble (NaN, ±inf, overflow) is not an error: it follows IEEE 754
(SPEC §2.1) and the results below are written out by hand.
"""

from __future__ import annotations

import enum
import math
import tracemalloc

import pytest

INF, NAN = math.inf, math.nan


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


# ---- non-number operands: a TypeError that names the type ----

NOT_NUMBERS = ["2", None, [1.0], (1.0,), {"x": 1}, 1j, object(), True]


@pytest.mark.parametrize("bad", NOT_NUMBERS, ids=lambda b: type(b).__name__)
def test_value_of_a_non_number_names_its_type(rg, bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        rg.Value(bad)


@pytest.mark.parametrize("bad", NOT_NUMBERS, ids=lambda b: type(b).__name__)
def test_arithmetic_with_a_non_number_is_a_type_error(rg, bad):
    x = rg.Value(1.0)
    # Python's own message names both types ("... 'Value' and 'complex'"); the
    # engine's names the type that can never be an operand (str, list, bool, ...),
    # where Python would let a sequence say it "can't multiply sequence by non-int
    # of type 'Value'".
    name = rf"\b{type(bad).__name__}\b"
    for op in (
        lambda: x + bad, lambda: bad + x, lambda: x - bad, lambda: bad - x,
        lambda: x * bad, lambda: bad * x, lambda: x / bad, lambda: bad / x,
        lambda: x ** bad,
    ):  # fmt: skip
        with pytest.raises(TypeError, match=name):
            op()


def test_a_sequence_times_a_value_names_the_sequence_not_the_value(rg):
    x = rg.Value(2.0)
    for op in (lambda: x * "ab", lambda: "ab" * x, lambda: x * [1.0], lambda: (1.0,) * x):
        with pytest.raises(TypeError, match=r"\b(str|list|tuple)\b") as e:
            op()
        assert "sequence" not in str(e.value)


def test_an_operand_of_a_type_the_engine_does_not_know_still_gets_its_turn(rg):
    """NotImplemented for an unknown type: Python's protocol then calls its reflected
    op, as it would for a NumPy array. Subclasses of int and float are numbers."""

    class Other:
        def __radd__(self, v: object) -> str:
            return "radd"

        def __rmul__(self, v: object) -> str:
            return "rmul"

        def __rpow__(self, v: object) -> str:
            return "rpow"

    class Half(float):
        pass

    class Two(enum.IntEnum):
        TWO = 2

    x = rg.Value(3.0)
    assert (x + Other(), x * Other(), x ** Other()) == ("radd", "rmul", "rpow")
    assert (x * Half(0.5)).data == 1.5
    assert (Two.TWO * x).data == 6.0
    assert (x ** Half(2.0)).data == 9.0


@pytest.mark.parametrize("b", [True, False])
def test_a_bool_is_not_a_number_anywhere_a_number_is_taken(rg, b):
    """SPEC §2.1: Python counts a bool as an int, the engine does not (as JavaScript)."""
    x, p = rg.Value(2.0), [rg.Value(1.0)]
    for make in (
        lambda: rg.Value(b), lambda: x + b, lambda: b - x, lambda: x * b, lambda: b / x,
        lambda: x ** b, lambda: rg.MLP(2, [1], seed=1)([b, 1.0]),
        lambda: rg.Neuron(1)([b]), lambda: rg.sse_loss([x], [b]),
        lambda: rg.hinge_loss([x], [b]), lambda: rg.SGD(p, lr=b),
        lambda: rg.SGD(p, lr=0.1, momentum=b), lambda: rg.Adam(p, betas=(b, 0.999)),
        lambda: rg.Adam(p, betas=(0.9, b)), lambda: rg.Adam(p, eps=b),
    ):  # fmt: skip
        with pytest.raises(TypeError, match=r"\bbool\b"):
            make()


def test_a_value_exponent_is_a_type_error_on_either_side(rg):
    x, k = rg.Value(2.0), rg.Value(3.0)
    with pytest.raises(TypeError, match="exponent"):
        x**k
    with pytest.raises(TypeError, match="exponent"):
        2**k
    with pytest.raises(TypeError, match="exponent"):
        pow(x, k)
    assert k.grad == 0.0 and x.grad == 0.0  # nothing half-built


def test_an_int_too_large_for_a_double_is_an_overflow_error_like_pythons_own(rg):
    # 1.0 + 10**400 raises OverflowError in Python itself: the engines agree.
    x = rg.Value(0.5)
    for op in (lambda: rg.Value(10**400), lambda: x + 10**400, lambda: 10**400 * x):
        with pytest.raises(OverflowError):
            op()


@pytest.mark.parametrize("method", ["relu", "tanh", "exp", "log", "sigmoid"])
def test_unary_methods_take_no_arguments(rg, method):
    with pytest.raises(TypeError):
        getattr(rg.Value(1.0), method)(2.0)


# ---- wrong input lengths: an error naming both ----


def lengths(a: int, b: int) -> str:
    return rf"(?s)(?=.*\b{a}\b)(?=.*\b{b}\b)"


@pytest.mark.parametrize(("nin", "got"), [(3, 1), (1, 3), (2, 0)])
def test_every_module_names_both_lengths(rg, nin, got):
    for module in (rg.Neuron(nin), rg.Layer(nin, 2), rg.MLP(nin, [2, 1])):
        with pytest.raises(ValueError, match=lengths(nin, got)):
            module([0.5] * got)


def test_model_inputs_must_be_numbers_or_values(rg):
    model = rg.MLP(2, [1], seed=1)
    with pytest.raises(TypeError, match=r"\bstr\b"):
        model(["a", "b"])
    with pytest.raises(TypeError, match="NoneType"):
        model(None)
    with pytest.raises(TypeError, match="float"):
        model(3.0)  # one number is not a list of inputs


@pytest.mark.parametrize("loss", ["mse_loss", "sse_loss", "hinge_loss"])
def test_losses_name_both_lengths(rg, loss):
    y = [rg.Value(0.5), rg.Value(-0.5), rg.Value(1.0)]
    with pytest.raises(ValueError, match=lengths(3, 2)):
        getattr(rg, loss)(y, [1.0, -1.0])
    with pytest.raises(ValueError, match="0"):
        getattr(rg, loss)([], [])


def test_a_sample_with_the_wrong_number_of_outputs_names_both(rg):
    y = [[rg.Value(0.5), rg.Value(1.0)]]
    with pytest.raises(ValueError, match=lengths(2, 3)):
        rg.mse_loss(y, [[0.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="2"):
        rg.hinge_loss(y, [[1.0, 1.0]])  # hinge takes one output per sample


# ---- sizes: empty layer lists, zero and negative sizes, wrong types ----


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda rg: rg.MLP(2, []), ValueError, "nouts|layer"),
        (lambda rg: rg.MLP(0, [1]), ValueError, r"\b0\b"),
        (lambda rg: rg.MLP(-1, [2]), ValueError, "-1"),
        (lambda rg: rg.MLP(2, [3, 0]), ValueError, r"\b0\b"),
        (lambda rg: rg.MLP(2, [-2]), ValueError, "-2"),
        (lambda rg: rg.Neuron(0), ValueError, r"\b0\b"),
        (lambda rg: rg.Layer(2, 0), ValueError, r"\b0\b"),
        (lambda rg: rg.Layer(-3, 1), ValueError, "-3"),
        (lambda rg: rg.MLP(2.5, [1]), TypeError, "float"),
        (lambda rg: rg.MLP(2, [1.0]), TypeError, "float"),
        (lambda rg: rg.MLP(2, 3), TypeError, "int"),
        (lambda rg: rg.MLP(2, [1], activation="softmax"), ValueError, "softmax"),
        (lambda rg: rg.MLP(2, [1], output_activation=None), (TypeError, ValueError), "None"),
        (lambda rg: rg.MLP(2, [1], seed=-1), (ValueError, OverflowError), "-1|negative"),
        (lambda rg: rg.MLP(2, [1], seed=2**64), (ValueError, OverflowError), "2|large"),
        (lambda rg: rg.MLP(2, [1], seed=1.5), TypeError, "float"),
    ],
    ids=[
        "no-layers", "nin-0", "nin-neg", "nout-0", "nout-neg", "neuron-0", "layer-0",
        "layer-neg", "nin-float", "nout-float", "nouts-int", "unknown-activation",
        "activation-none", "seed-neg", "seed-2^64", "seed-float",
    ],
)  # fmt: skip
def test_bad_model_shapes_are_clear_errors(rg, make, error, words):
    with pytest.raises(error, match=words):
        make(rg)


# ---- optimizers: no parameters, wrong parameters, bad hyperparameters ----


@pytest.mark.parametrize("opt", ["SGD", "Adam"])
def test_an_optimizer_with_no_parameters_is_an_error(rg, opt):
    for empty in ([], (), iter([])):
        with pytest.raises(ValueError, match="empty"):
            getattr(rg, opt)(empty, lr=0.1)
    # A model with no parameters cannot exist (nouts is never empty), and an
    # empty list from elsewhere is caught above, never silently a no-op step.


@pytest.mark.parametrize("opt", ["SGD", "Adam"])
def test_optimizer_parameters_must_be_values(rg, opt):
    with pytest.raises(TypeError, match="float"):
        getattr(rg, opt)([1.0], lr=0.1)


@pytest.mark.parametrize(
    ("make", "word"),
    [
        (lambda rg, p: rg.SGD(p, lr=NAN), "lr"),
        (lambda rg, p: rg.SGD(p, lr=-0.1), "lr"),
        (lambda rg, p: rg.SGD(p, lr=0.1, momentum=-1), "momentum"),
        (lambda rg, p: rg.SGD(p, lr=0.1, weight_decay=NAN), "weight_decay"),
        (lambda rg, p: rg.Adam(p, lr=-1.0), "lr"),
        (lambda rg, p: rg.Adam(p, betas=(NAN, 0.999)), "beta"),
        (lambda rg, p: rg.Adam(p, betas=(0.9, 1.0)), "beta"),
        (lambda rg, p: rg.Adam(p, betas=(-0.1, 0.9)), "beta"),
        (lambda rg, p: rg.Adam(p, eps=-1e-8), "eps"),
    ],
)
def test_bad_hyperparameters_are_value_errors_naming_the_argument(rg, make, word):
    with pytest.raises(ValueError, match=word):
        make(rg, [rg.Value(1.0)])


@pytest.mark.parametrize(("betas", "n"), [((0.9,), 1), ((0.9, 0.999, 0.5), 3), ((), 0), ([0.9], 1)])
def test_adam_betas_of_another_length_are_a_value_error_naming_both(rg, betas, n):
    # (0.9,) used to be accepted, and the first step failed to unpack it.
    with pytest.raises(ValueError, match=lengths(2, n)) as e:
        rg.Adam([rg.Value(1.0)], betas=betas)
    assert "betas" in str(e.value)


@pytest.mark.parametrize(
    ("betas", "named"),
    [
        (0.9, "float"), ("ab", "str"), (None, "NoneType"), ((0.9, "0.999"), "str"),
        ((None, 0.9), "NoneType"),
    ],
)  # fmt: skip
def test_adam_betas_that_are_not_two_numbers_are_a_type_error_naming_what(rg, betas, named):
    with pytest.raises(TypeError, match=rf"\b{named}\b"):
        rg.Adam([rg.Value(1.0)], betas=betas)


def test_adam_takes_betas_as_a_tuple_or_a_list(rg):
    p = rg.Value(1.0)
    assert tuple(rg.Adam([p], betas=[0.5, 0.75]).betas) == (0.5, 0.75)
    assert tuple(rg.Adam([p], betas=(0.5, 0.75)).betas) == (0.5, 0.75)
    assert tuple(rg.Adam([p]).betas) == (0.9, 0.999)


@pytest.mark.parametrize(
    "make",
    [
        lambda rg, p: rg.Adam(p, lr=None),
        lambda rg, p: rg.Adam(p, eps=None),
        lambda rg, p: rg.Adam(p, weight_decay=None),
        lambda rg, p: rg.SGD(p, lr=0.1, momentum=None),
        lambda rg, p: rg.SGD(p, lr=0.1, weight_decay=None),
    ],
)
def test_an_optional_argument_given_as_none_is_refused_not_defaulted(rg, make):
    with pytest.raises(TypeError, match="NoneType"):
        make(rg, [rg.Value(1.0)])


# ---- NaN and ±inf inputs propagate by IEEE 754, never raise ----


def test_nan_input_makes_every_output_and_gradient_nan(rg):
    model = rg.MLP(2, [3, 1], seed=1)
    out = model([NAN, 1.0])
    out.backward()
    assert math.isnan(out.data)
    grads = [p.grad for p in model.parameters()]
    # Every weight and bias is upstream of NaN through tanh'(NaN) = NaN, except
    # the linear output's bias: d out / d b = 1 whatever the rest is.
    assert all(math.isnan(g) for g in grads[:-1]), grads
    assert grads[-1] == 1.0


def test_an_infinite_input_saturates_tanh_and_0_times_inf_is_nan(rg):
    n = rg.Neuron(1, "tanh")
    n.w[0].data, n.b.data = 0.5, 0.0
    out = n([INF])
    out.backward()
    assert out.data == 1.0
    # dL/dw = x · tanh'(act) = inf · 0: NaN, not masked to 0.
    assert math.isnan(n.w[0].grad)
    assert n.b.grad == 0.0


@pytest.mark.parametrize(
    ("x0", "value", "grad"),
    [(INF, INF, INF), (-INF, INF, -INF), (NAN, NAN, NAN), (1e200, INF, 2e200)],
)
def test_specials_flow_through_a_square_and_a_loss(rg, x0, value, grad):
    x = rg.Value(x0)
    loss = rg.sse_loss([x], [0.0])  # x²: overflows to inf at 1e200, its derivative 2x does not
    loss.backward()
    assert same(loss.data, value)
    assert same(x.grad, grad)


def test_an_optimizer_step_with_nonfinite_gradients_gives_nonfinite_parameters(rg):
    p, q = rg.Value(1.0), rg.Value(1.0)
    p.grad, q.grad = NAN, INF
    rg.SGD([p, q], lr=0.1).step()
    assert math.isnan(p.data) and q.data == -INF
    p, q = rg.Value(1.0), rg.Value(1.0)
    p.grad, q.grad = NAN, INF
    rg.Adam([p, q], lr=0.1).step()
    assert math.isnan(p.data)
    assert math.isnan(q.data)  # m̂/√v̂ = inf/inf


def test_targets_may_be_nonfinite(rg):
    y = rg.Value(0.5)
    loss = rg.mse_loss([y], [INF])
    loss.backward()
    assert loss.data == INF
    assert y.grad == -INF


# ---- backward() after the leaves changed ----


def test_backward_uses_the_graph_as_built_after_a_leaf_changes(rg):
    """Local derivatives are stored at forward time (SPEC §2.1): changing a leaf's
    data afterwards changes neither the output nor the gradient until the graph
    is rebuilt. (micrograd reads `.data` inside its closures and would mix the
    two: d(x·x)/dx = 2·5 with y still 4.)"""
    x = rg.Value(2.0)
    y = x * x
    x.data = 5.0
    y.backward()
    assert y.data == 4.0
    assert x.grad == 4.0
    y = x * x  # rebuilt: now the new data counts
    x.grad = 0.0
    y.backward()
    assert (y.data, x.grad) == (25.0, 10.0)


def test_backward_after_a_leaf_became_nonfinite_or_its_grad_was_set(rg):
    x, w = rg.Value(3.0), rg.Value(2.0)
    y = (x * w).tanh()
    x.data = NAN  # ignored by this graph, as above
    w.grad = 7.0  # leaves accumulate onto what they hold
    y.backward()
    t = math.tanh(6.0)
    assert y.data == t
    assert w.grad == 7.0 + 3.0 * (1 - t * t)


def test_backward_after_parameters_moved_between_forward_and_backward(rg):
    model = rg.MLP(2, [2, 1], seed=3)
    out = model([0.5, -1.0])
    before = out.data
    for p in model.parameters():
        p.data = NAN
    out.backward()
    assert out.data == before
    assert all(math.isfinite(p.grad) for p in model.parameters())


# ---- the weak spots of issue 15: what a model is called on, and models too large to build


@pytest.mark.parametrize(
    ("x", "named"),
    [(None, "NoneType"), ("ab", "str"), (3.0, "float"), ({"x": 1.0, "y": 2.0}, "dict")],
)
def test_a_model_called_on_a_non_list_names_what_it_got(rg, x, named):
    for module in (rg.MLP(2, [1], seed=1), rg.Layer(2, 3), rg.Neuron(2)):
        with pytest.raises(TypeError, match=rf"\b{named}\b"):
            module(x)


@pytest.mark.parametrize(
    ("x", "named"), [(["a", "b"], "str"), ([1.0, None], "NoneType"), ([[1.0], [2.0]], "list")]
)
def test_a_model_called_on_non_numbers_names_what_it_got(rg, x, named):
    for module in (rg.MLP(2, [1], seed=1), rg.Layer(2, 3), rg.Neuron(2)):
        with pytest.raises(TypeError, match=rf"\b{named}\b"):
            module(x)


@pytest.mark.parametrize(
    ("make", "count"),
    [
        (lambda rg: rg.MLP(10**6, [10**6]), 1000001000000),
        (lambda rg: rg.MLP(2**16, [2**16]), 4295032832),
        (lambda rg: rg.MLP(10, [10**6, 10**6, 1]), 1000013000001),
    ],
)
def test_a_model_too_large_for_memory_is_refused_before_it_is_built(rg, make, count):
    # Refused at once: were it built, this test would exhaust the machine's memory.
    with pytest.raises(MemoryError, match=rf"\b{count}\b"):
        make(rg)


@pytest.mark.reference_only
def test_neurons_and_layers_too_large_are_refused_too(rg):
    with pytest.raises(MemoryError, match=r"\b4294967297\b"):
        rg.Neuron(2**32)
    with pytest.raises(MemoryError, match=r"\b1000001000000\b"):
        rg.Layer(10**6, 10**6)


@pytest.mark.reference_only
def test_the_parameter_limit_is_2_pow_32_or_what_memory_holds(rg, monkeypatch):
    from rosettagrad import nn

    assert 0 < nn.parameter_limit() <= 2**32 - 1
    # The limit's bytes per parameter are what a built model takes, within 15%.
    tracemalloc.start()
    model = rg.MLP(100, [50], seed=1)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    per_parameter = held / len(model.parameters())
    assert 0.85 < nn.BYTES_PER_PARAMETER / per_parameter < 1.15, per_parameter
    monkeypatch.setattr(nn, "parameter_limit", lambda: 12)
    assert len(rg.MLP(3, [3]).parameters()) == 12  # at the limit: built
    with pytest.raises(MemoryError, match=r"\b15\b.*\b12\b"):
        rg.MLP(4, [3])


def test_an_activation_that_is_not_a_name_is_a_type_error(rg):
    for bad, named in ((1, "int"), (None, "NoneType"), (["tanh"], "list")):
        with pytest.raises(TypeError, match=rf"\b{named}\b"):
            rg.Neuron(2, bad)
        with pytest.raises(TypeError, match=rf"\b{named}\b"):
            rg.MLP(2, [1], output_activation=bad)


@pytest.mark.parametrize(("nouts", "named"), [(3, "int"), ("12", "str"), (None, "NoneType")])
def test_nouts_must_be_a_list(rg, nouts, named):
    with pytest.raises(TypeError, match=rf"\b{named}\b"):
        rg.MLP(2, nouts)
