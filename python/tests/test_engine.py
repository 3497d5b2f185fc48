"""Value: every op's value and gradient, backward's accumulation, IEEE specials, errors."""

from __future__ import annotations

import gc
import importlib
import math
import random
import sys
from collections.abc import Callable
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

INF, NAN = math.inf, math.nan

# Each op as (name, Value function, float function, points where it is smooth).
UNARY: list[tuple[str, Callable, Callable, list[float]]] = [
    ("neg", lambda v: -v, lambda x: -x, [-2.0, 0.3, 5.0]),
    ("relu", lambda v: v.relu(), lambda x: max(x, 0.0), [-1.5, 0.7, 3.0]),
    ("tanh", lambda v: v.tanh(), math.tanh, [-2.0, 0.1, 1.3]),
    ("exp", lambda v: v.exp(), math.exp, [-3.0, 0.0, 2.5]),
    ("log", lambda v: v.log(), math.log, [0.2, 1.0, 7.5]),
    ("sigmoid", lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x)), [-4.0, 0.0, 2.0]),
    ("pow3", lambda v: v**3, lambda x: x**3, [-1.5, 0.5, 2.0]),
    ("pow-1", lambda v: v**-1, lambda x: x**-1, [-2.0, 0.5, 4.0]),
    ("pow0.5", lambda v: v**0.5, math.sqrt, [0.3, 2.0, 9.0]),
    ("pow2.5", lambda v: v**2.5, lambda x: x**2.5, [0.3, 1.0, 3.0]),
]
BINARY: list[tuple[str, Callable, list[tuple[float, float]]]] = [
    ("add", lambda a, b: a + b, [(1.0, 2.0), (-3.5, 0.25)]),
    ("sub", lambda a, b: a - b, [(1.0, 2.0), (-3.5, 0.25)]),
    ("mul", lambda a, b: a * b, [(1.5, -2.0), (0.0, 3.0)]),
    ("div", lambda a, b: a / b, [(1.0, 2.0), (-3.0, 0.5)]),
]


def central_difference(f: Callable[[float], float], x: float, h: float = 1e-6) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


@pytest.mark.parametrize(("name", "op", "ref", "points"), UNARY, ids=[u[0] for u in UNARY])
def test_unary_op_value_and_grad_match_finite_differences(rg, name, op, ref, points):
    for x0 in points:
        x = rg.Value(x0)
        y = op(x)
        y.backward()
        assert y.data == pytest.approx(ref(x0), rel=1e-12, abs=1e-12)
        assert x.grad == pytest.approx(central_difference(ref, x0), rel=1e-6, abs=1e-7)


@pytest.mark.parametrize(("name", "op", "points"), BINARY, ids=[b[0] for b in BINARY])
def test_binary_op_value_and_grads_match_finite_differences(rg, name, op, points):
    for a0, b0 in points:
        a, b = rg.Value(a0), rg.Value(b0)
        y = op(a, b)
        y.backward()
        assert y.data == pytest.approx(op(a0, b0), rel=1e-15)
        assert a.grad == pytest.approx(central_difference(lambda t, b0=b0: op(t, b0), a0), rel=1e-6)
        assert b.grad == pytest.approx(central_difference(lambda t, a0=a0: op(a0, t), b0), rel=1e-6)


def test_each_op_records_its_parents_and_op(rg):
    a, b = rg.Value(2.0, label="a"), rg.Value(3.0, label="b")
    c = a * b
    assert [p.label for p in c._prev] == ["a", "b"]
    assert [p.data for p in c._prev] == [2.0, 3.0]
    assert c._op == "*"
    assert (a + b)._op == "+" and (a - b)._op == "-" and (a / b)._op == "/"
    assert (a**3)._op == "**3" and (-a)._op == "neg" and a.relu()._op == "relu"
    assert a._op == "" and len(a._prev) == 0 and a.label == "a"


def test_plain_numbers_mix_on_either_side(rg):
    x = rg.Value(4.0)
    assert (2 * x).data == 8.0 and (x * 2).data == 8.0
    assert (1 - x).data == -3.0 and (x - 1).data == 3.0
    assert (1 / x).data == 0.25 and (x / 2).data == 2.0
    assert (3 + x).data == 7.0 and (x + 3.5).data == 7.5
    y = 1 / x
    y.backward()
    assert x.grad == -1 / 16


def test_micrograd_sanity_check(rg):
    """micrograd's test_engine.test_sanity_check, with the numbers torch gives."""
    x = rg.Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert y.data == -20.0
    assert x.grad == 46.0


def test_micrograd_more_ops(rg):
    """micrograd's test_engine.test_more_ops, with the numbers torch gives."""
    a = rg.Value(-4.0)
    b = rg.Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    tol = 1e-6
    assert abs(g.data - 24.70408163265306) < tol
    assert abs(a.grad - 138.83381924198252) < tol
    assert abs(b.grad - 645.5772594752186) < tol


def test_shared_node_accumulates(rg):
    a = rg.Value(3.0)
    b = a + a
    c = b * b  # c = 4a², dc/da = 8a
    c.backward()
    assert c.data == 36.0
    assert b.grad == 12.0
    assert a.grad == 24.0


def test_diamond_accumulates(rg):
    x = rg.Value(2.0)
    left, right = x * 3, x.exp()
    y = left * right  # y = 3x·e^x, dy/dx = 3e^x(1 + x)
    y.backward()
    assert x.grad == pytest.approx(3 * math.exp(2.0) * 3.0, rel=1e-15)


def test_x_times_x(rg):
    x = rg.Value(-1.5)
    y = x * x
    y.backward()
    assert x.grad == -3.0


@pytest.mark.parametrize("calls", [2, 3])
def test_backward_repeated_multiplies_leaf_grads(rg, calls):
    a, b = rg.Value(0.7), rg.Value(-1.3)
    y = (a * b + a.tanh()) * b
    y.backward()
    once_a, once_b = a.grad, b.grad
    mid = y._prev[0]
    once_mid = mid.grad
    for _ in range(calls - 1):
        y.backward()
    assert a.grad == calls * once_a
    assert b.grad == calls * once_b
    assert mid.grad == once_mid  # interior nodes hold this call's gradient
    assert y.grad == 1.0


def test_backward_on_a_leaf_gives_grad_one_and_accumulates(rg):
    x = rg.Value(5.0)
    x.backward()
    assert x.grad == 1.0
    x.backward()
    assert x.grad == 2.0


def test_zeroing_leaf_grads_resets_accumulation(rg):
    x = rg.Value(2.0)
    y = x * x
    y.backward()
    y.backward()
    x.grad = 0.0
    y.backward()
    assert x.grad == 4.0


@given(
    st.floats(-3, 3, allow_nan=False),
    st.floats(-3, 3, allow_nan=False),
    st.integers(2, 3),
)
def test_backward_k_times_is_k_times_backward_once(rg, a0, b0, k):
    a, b = rg.Value(a0), rg.Value(b0)
    y = (a * b + b).tanh() + (a - b) * a
    y.backward()
    once = (a.grad, b.grad)
    for _ in range(k - 1):
        y.backward()
    assert (a.grad, b.grad) == (k * once[0], k * once[1])


def test_million_op_chain_builds_backprops_and_frees(rg):
    x = rg.Value(1.0)
    c = rg.Value(0.999999)
    y = x
    for _ in range(1_000_000):
        y = y * c
    y.backward()
    assert y.data == pytest.approx(0.999999**1_000_000, rel=1e-9)
    assert x.grad == pytest.approx(0.999999**1_000_000, rel=1e-9)
    assert c.grad == pytest.approx(1_000_000 * 0.999999**999_999, rel=1e-9)
    del y  # freeing a deep chain must not overflow the C stack


@pytest.mark.reference_only
def test_graph_has_no_reference_cycles():
    """Graphs are freed by reference counting, not left to the cyclic GC (micrograd's cost)."""
    from rosettagrad import MLP

    model = MLP(2, [4, 1], seed=3)
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            loss = model([0.5, -1.0]) * 2
            loss.backward()
        del loss
        assert gc.collect() == 0
    finally:
        gc.enable()


@pytest.mark.reference_only
def test_backward_is_not_recursive():
    """A graph deeper than the recursion limit backprops (micrograd's recursion fails)."""
    from rosettagrad import Value

    y = x = Value(0.5)
    for _ in range(sys.getrecursionlimit() * 3):
        y = y + 1e-6
    y.backward()
    assert x.grad == 1.0


def micrograd_build_topo(root) -> list:
    """micrograd's recursive build_topo, the order SPEC §2.2 pins (small graphs only)."""
    topo, visited = [], set()

    def build(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build(child)
            topo.append(v)

    build(root)
    return topo


def random_graph(rg: ModuleType, seed: int, ops: int = 40) -> list:
    """Leaves and ops over random earlier nodes: shared parents, x * x, unary ops."""
    rnd = random.Random(seed)
    nodes = [rg.Value(rnd.uniform(-2, 2)) for _ in range(4)]
    for _ in range(ops):
        a, b = rnd.choice(nodes), rnd.choice(nodes)
        nodes.append(rnd.choice([a + b, a * b, a - b, a * a, a.tanh(), a.relu(), -a]))
    return nodes


@pytest.mark.reference_only
@pytest.mark.parametrize("seed", range(20))
def test_topological_order_is_micrograds_build_topo(seed):
    import rosettagrad

    nodes = random_graph(rosettagrad, seed)
    for root in (nodes[-1], nodes[-2], nodes[len(nodes) // 2]):
        assert root._topological_order() == micrograd_build_topo(root)


@pytest.mark.reference_only
def test_walks_over_overlapping_graphs_each_reach_every_node():
    """A node's visit mark from an earlier walk, over this graph or another, hides nothing."""
    import rosettagrad

    nodes = random_graph(rosettagrad, 7, ops=60)
    first, second = nodes[-1], nodes[-1] * nodes[30] + nodes[10]
    for root in (first, second, first, second):
        root.backward()
        assert root._topological_order() == micrograd_build_topo(root)
    assert len(micrograd_build_topo(second)) > len(micrograd_build_topo(first))


# IEEE 754 specials: values and grads, never an exception (SPEC §2.1).


def value_and_grad(rg: ModuleType, f: Callable, x0: float) -> tuple[float, float]:
    x = rg.Value(x0)
    y = f(x)
    y.backward()
    return y.data, x.grad


def same(a: float, b: float) -> bool:
    """Equal, treating NaN as equal to NaN and keeping the sign of zero and infinity."""
    if math.isnan(b):
        return math.isnan(a)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


@pytest.mark.parametrize(
    ("label", "f", "x0", "value", "grad"),
    [
        ("exp(1000)", lambda v: v.exp(), 1000.0, INF, INF),
        ("exp(-1000)", lambda v: v.exp(), -1000.0, 0.0, 0.0),
        ("log(0)", lambda v: v.log(), 0.0, -INF, INF),
        ("log(-1)", lambda v: v.log(), -1.0, NAN, -1.0),
        ("log(inf)", lambda v: v.log(), INF, INF, 0.0),
        ("1/0", lambda v: 1 / v, 0.0, INF, -INF),
        ("-1/0", lambda v: -1 / v, 0.0, -INF, INF),
        ("0/0", lambda v: v / 0, 0.0, NAN, INF),
        ("0**-1", lambda v: v**-1, 0.0, INF, -INF),
        ("(-0)**-1", lambda v: v**-1, -0.0, -INF, -INF),
        ("(-8)**(1/3)", lambda v: v ** (1 / 3), -8.0, NAN, NAN),
        ("(-8)**2", lambda v: v**2, -8.0, 64.0, -16.0),
        ("(-2)**-3", lambda v: v**-3, -2.0, -0.125, -0.1875),
        ("0**0", lambda v: v**0, 0.0, 1.0, 0.0),
        ("0**0.5", lambda v: v**0.5, 0.0, 0.0, INF),
        ("inf**0", lambda v: v**0, INF, 1.0, 0.0),
        ("10**400", lambda v: v**400, 10.0, INF, INF),
        ("(-10)**401", lambda v: v**401, -10.0, -INF, INF),
        ("relu(0)", lambda v: v.relu(), 0.0, 0.0, 0.0),
        ("relu(nan)", lambda v: v.relu(), NAN, NAN, 0.0),
        ("relu(-inf)", lambda v: v.relu(), -INF, 0.0, 0.0),
        ("tanh(20)", lambda v: v.tanh(), 20.0, 1.0, 0.0),
        ("tanh(-20)", lambda v: v.tanh(), -20.0, -1.0, 0.0),
        ("tanh(nan)", lambda v: v.tanh(), NAN, NAN, NAN),
        ("sigmoid(-1000)", lambda v: v.sigmoid(), -1000.0, 0.0, 0.0),
        ("sigmoid(1000)", lambda v: v.sigmoid(), 1000.0, 1.0, 0.0),
        ("inf-inf", lambda v: v - v, INF, NAN, 0.0),
        ("nan*2", lambda v: v * 2, NAN, NAN, 2.0),
    ],
    ids=lambda p: p if isinstance(p, str) else "",
)
def test_ieee_specials(rg, label, f, x0, value, grad):
    got_value, got_grad = value_and_grad(rg, f, x0)
    assert same(got_value, value), f"{label}: value {got_value}, want {value}"
    assert same(got_grad, grad), f"{label}: grad {got_grad}, want {grad}"


def test_chain_rule_does_not_mask_zero_times_inf(rg):
    """d/dx [0 · log(x)] at x = 0 is 0 · inf = NaN: the local rule always multiplies."""
    x = rg.Value(0.0)
    y = x.log() * 0
    y.backward()
    assert math.isnan(y.data)
    assert math.isnan(x.grad)


def test_pow_zero_exponent_has_exactly_zero_derivative(rg):
    for x0 in [0.0, -3.0, 2.5, INF]:
        assert value_and_grad(rg, lambda v: v**0, x0)[1] == 0.0


# Errors.


def test_pow_with_value_exponent_is_a_type_error(rg):
    x = rg.Value(2.0)
    with pytest.raises(TypeError, match="exponent"):
        x ** rg.Value(3.0)
    with pytest.raises(TypeError, match="exponent"):
        2 ** rg.Value(3.0)


@pytest.mark.parametrize("bad", ["3", None, [1.0], {"x": 1}])
def test_other_operand_types_are_type_errors_naming_the_type(rg, bad):
    x = rg.Value(1.0)
    # Python's own message names the other type ("... 'Value' and 'str'"), or for
    # sequences says it can't repeat one by a Value.
    name = f"{type(bad).__name__}|sequence"
    for op in (
        lambda: x + bad,
        lambda: bad + x,
        lambda: x - bad,
        lambda: bad - x,
        lambda: x * bad,
        lambda: x / bad,
        lambda: bad / x,
    ):
        with pytest.raises(TypeError, match=name):
            op()


def test_value_data_must_be_a_number(rg):
    with pytest.raises(TypeError, match="str"):
        rg.Value("1.0")


def test_repr_shows_data_and_grad(rg):
    assert repr(rg.Value(2.0)) == "Value(data=2.0, grad=0.0)"


def test_data_and_grad_are_writable(rg):
    x = rg.Value(1.0)
    x.data = 3.0
    x.grad = 0.5
    assert (x.data, x.grad) == (3.0, 0.5)
    assert (x * 2).data == 6.0


def test_lecture_code_runs_by_changing_the_import(rg):
    """The micrograd lecture's imports: `from micrograd.engine import Value` etc."""
    engine = importlib.import_module(f"{rg.__name__}.engine")
    nn = importlib.import_module(f"{rg.__name__}.nn")
    n = nn.MLP(3, [4, 4, 1], seed=0)
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    losses = []
    for _ in range(20):
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        for p in n.parameters():
            p.data += -0.05 * p.grad
        losses.append(loss.data)
    assert isinstance(loss, engine.Value)
    assert losses[-1] < losses[0] / 2
