"""What only the Rust wheel needs checking: identity of Python handles, clear
errors for bad input (never a crash), the lecture's module layout, and the
crate's SplitMix64. The shared API tests (`--engine rosettagrad_rs`) cover the
rest. These skip when the wheel is not installed, and run in the `rust` session.
"""

from __future__ import annotations

import importlib
import math
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def rs(pytestconfig: pytest.Config) -> ModuleType:
    if pytestconfig.getoption("--engine") == "rosettagrad_rs":
        return importlib.import_module("rosettagrad_rs")  # must be there: fail, never skip
    return pytest.importorskip("rosettagrad_rs", reason="the rosettagrad_rs wheel is not installed")


def test_handles_of_one_node_are_equal_and_hash_alike(rs):
    a, b = rs.Value(1.0), rs.Value(2.0)
    c = a * b
    assert c._prev == (a, b)
    assert c._prev[0] is not a  # a new handle on the same node
    assert {a, c._prev[0]} == {a}
    assert a != b and a != 1.0


def test_parameters_share_state_with_the_model(rs):
    model = rs.MLP(1, [1], seed=0)
    w, b = model.parameters()
    w.data, b.data = 2.0, 0.5
    assert model([3.0]).data == 6.5
    assert model.layers[0].neurons[0].w[0].data == 2.0


@pytest.mark.parametrize(
    "bad",
    [
        lambda rs: rs.Value("1.0"),
        lambda rs: rs.Value(1.0) + "x",
        lambda rs: "x" * rs.Value(1.0),
        lambda rs: rs.Value(1.0) ** rs.Value(2.0),
        lambda rs: 2 ** rs.Value(2.0),
        lambda rs: rs.Value(1.0) < rs.Value(2.0),
        lambda rs: rs.MLP(2.0, [1]),
        lambda rs: rs.MLP(2, [1], seed=-1.5),
        lambda rs: rs.MLP(2, [1])(["a", "b"]),
        lambda rs: rs.SGD([1.0], lr=0.1),
        lambda rs: rs.SGD([rs.Value(1.0)], lr="fast"),
        lambda rs: rs.l2_penalty([1.0]),
        lambda rs: rs.to_dot(3),
    ],
)
def test_bad_types_raise_type_error(rs, bad):
    with pytest.raises(TypeError):
        bad(rs)


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        (lambda rs: rs.MLP(2, [3, 1])([1.0]), "expects 2 inputs, got 1"),
        (lambda rs: rs.Layer(3, 2)([1.0, 2.0]), "expects 3 inputs, got 2"),
        (lambda rs: rs.MLP(2, [1], seed=2**64), "seed"),
        (lambda rs: rs.MLP(2, [1], activation="softmax"), "softmax"),
        (lambda rs: rs.mse_loss([rs.Value(1.0)], [1.0, 2.0]), "1 predictions but 2 targets"),
        (lambda rs: rs.hinge_loss([[rs.Value(1.0), rs.Value(2.0)]], [[1.0, 1.0]]), "one output"),
        (lambda rs: rs.SGD([], lr=0.1), "empty"),
        (lambda rs: rs.Adam([rs.Value(0.0)], betas=(1.0, 0.9)), "beta1"),
    ],
)
def test_bad_values_raise_value_error_naming_the_problem(rs, bad, words):
    with pytest.raises(ValueError, match=words):
        bad(rs)


def test_lecture_module_layout(rs):
    from rosettagrad_rs.engine import Value
    from rosettagrad_rs.nn import MLP

    assert Value is rs.Value and MLP is rs.MLP
    assert importlib.import_module("rosettagrad_rs.losses").mse_loss is rs.mse_loss


def test_splitmix64_matches_published_outputs(rs):
    rng = rs.SplitMix64(0)
    assert [rng.next_u64() for _ in range(3)] == [
        0xE220A8397B1DCDAF,
        0x6E789E6AA1B965F4,
        0x06C45D188009454F,
    ]
    top = rs.SplitMix64(2**64 - 1)
    assert -1.0 <= top.uniform(-1, 1) < 1.0


def test_pow_op_is_spelled_like_python_and_specials_never_raise(rs):
    x = rs.Value(-8.0)
    assert (x**2)._op == "**2" and (x**2.0)._op == "**2.0" and (x**1e-05)._op == "**1e-05"
    assert math.isnan((x ** (1 / 3)).data)
    assert (rs.Value(0.0) ** -1).data == math.inf
    assert (rs.Value(1000.0).exp()).data == math.inf
    assert "**0.5" in rs.to_dot(rs.Value(4.0) ** 0.5)


def test_python_subclass_of_module_gets_zero_grad(rs):
    class Affine(rs.Module):
        def __init__(self) -> None:
            self.w, self.b = rs.Value(2.0), rs.Value(1.0)

        def parameters(self):
            return [self.w, self.b]

    m = Affine()
    (m.w * 3.0 + m.b).backward()
    assert (m.w.grad, m.b.grad) == (3.0, 1.0)
    m.zero_grad()
    assert (m.w.grad, m.b.grad) == (0.0, 0.0)
    assert isinstance(rs.MLP(1, [1]), rs.Module)


def test_huge_sizes_are_errors_not_aborts(rs):
    with pytest.raises((ValueError, OverflowError, MemoryError)):
        rs.Layer(2**62, 2**62)
