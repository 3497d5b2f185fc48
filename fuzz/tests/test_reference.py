"""Expectations: the reference's own numbers, widened only where a libm could differ."""

from __future__ import annotations

import math

import rosettagrad.engine

from fuzz import reference


def expr(inputs: dict, ops: list, output: str, **extra) -> dict:
    return {"id": "t.x", "kind": "expr", "description": "t", "features": [],
            "inputs": inputs, "ops": ops, "output": output, **extra}  # fmt: skip


def test_expectations_are_the_reference_values_at_default_tolerance():
    case = expr({"a": 2.0, "b": -3.0}, [["c", "mul", "a", "b"], ["d", "sub", 1, "c"]], "d",
                backward_calls=2)  # fmt: skip
    out = reference.expect(case)
    assert out["expected"] == {"value": 7.0, "grads": {"a": 6.0, "b": -4.0, "c": -1.0, "d": 1.0}}
    assert "tolerance" not in out  # no transcendental op: nothing to widen


def test_ieee_specials_are_written_as_strings():
    case = expr(
        {"x": 0.0, "y": "nan"},
        [["a", "log", "x"], ["b", "div", 1, "x"], ["c", "relu", "y"], ["d", "mul", "a", "b"]],
        "d",
    )
    exp = reference.expect(case)["expected"]
    assert exp["value"] == "-inf"
    # d = log(x) · (1/x) at x = 0: both paths into x are (±inf)·(±inf) = +inf.
    assert exp["grads"] == {"x": "inf", "y": 0.0, "a": "inf", "b": "-inf", "c": 0.0, "d": 1.0}


def test_the_simulated_libm_is_restored_and_moves_results_by_ulps():
    before = rosettagrad.engine.math
    with reference.other_libm(1):
        moved = [rosettagrad.engine.math.tanh(x / 7) for x in range(1, 50)]
    assert rosettagrad.engine.math is before
    exact = [math.tanh(x / 7) for x in range(1, 50)]
    assert moved != exact
    assert all(abs(a - b) <= 2 * math.ulp(b) for a, b in zip(moved, exact, strict=True))


def cancellation(x: float) -> dict:
    # (tanh(x) - x) / x³ → -1/3, but tanh(x) - x cancels: one ulp of tanh(x) is
    # a large part of the difference, more so the smaller x is.
    ops = [["t", "tanh", "x"], ["d", "sub", "t", "x"], ["c", "pow", "x", 3], ["e", "div", "d", "c"]]
    return expr({"x": x}, ops, "e")


def test_a_cancelling_program_gets_a_wider_tolerance():
    out = reference.expect(cancellation(1e-2))
    assert abs(out["expected"]["value"] + 1 / 3) < 1e-4
    tol = out["tolerance"]
    assert tol["rtol"] > 1e-12 or tol["atol"] > 1e-12
    assert tol["rtol"] <= reference.MAX_WIDENING and tol["atol"] <= reference.MAX_WIDENING


def test_a_catastrophic_cancellation_is_dropped():
    # At x = 1e-3 one ulp of tanh already moves the result by more than 1e-6.
    for x in (1e-3, 1e-6):
        assert reference.expect(cancellation(x)) is None
