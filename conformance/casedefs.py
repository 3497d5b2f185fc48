"""The inputs of every conformance case: the one place cases are written by hand.

`python conformance/generate.py` turns these into conformance/cases/**/*.json:
it adds each case's `features`, computes `expected` with the Python reference,
and checks it independently (oracle.py) before writing anything.

Per expr case, `checks` says how its expectation is verified: "autograd" and
"fd" (finite differences) where the function is finite and differentiable,
"hand" (the `hand` values below, written out from SPEC §2's rules) at the
pinned edges. Ids are stable: never rename or reuse one (SPEC §9).
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import oracle

HERE = Path(__file__).resolve().parent
INF, NAN = math.inf, math.nan
SMOOTH = ("autograd", "fd")
EDGE = ("hand",)


def expr(
    id: str,
    description: str,
    inputs: dict[str, Any],
    ops: list[list[Any]],
    output: str,
    *,
    calls: int = 1,
    hand: dict | None = None,
    checks: tuple[str, ...] = SMOOTH,
    grads_of: list[str] | None = None,
    extra: tuple[str, ...] = (),
    tolerance: dict | None = None,
    signed_zeros: bool = False,
) -> dict:
    if hand is not None and "hand" not in checks:
        checks = (*checks, "hand")
    if signed_zeros:  # the case pins which zero: -0.0 != 0.0 (SPEC §5)
        tolerance = {**(tolerance or {}), "signed_zeros": True}
    return {
        "case": {
            "id": id,
            "kind": "expr",
            "description": description,
            **({"tolerance": tolerance} if tolerance else {}),
            "inputs": {k: encode(v) for k, v in inputs.items()},
            "ops": ops,
            "output": output,
            **({"backward_calls": calls} if calls != 1 else {}),
        },
        "checks": checks,
        "hand": hand,
        "grads_of": grads_of,
        "extra": extra,
    }


def encode(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if x != x else ("inf" if x > 0 else "-inf")
    return x


# ---------------------------------------------------------------- expr: ordinary points

OPS = [
    expr("expr.add.basic", "Addition: z = x + y. Both local derivatives are 1.",
         {"x": 2.0, "y": -3.5}, [["z", "add", "x", "y"]], "z"),
    expr("expr.add.const-right", "Adding a constant: z = x + 1.5; the constant becomes a leaf.",
         {"x": 0.25}, [["z", "add", "x", 1.5]], "z"),
    expr("expr.add.const-left", "A constant on the left: z = 1.5 + x.",
         {"x": -0.75}, [["z", "add", 1.5, "x"]], "z"),
    expr("expr.sub.basic", "Subtraction is one node: z = x - y, local derivatives 1 and -1.",
         {"x": 2.0, "y": -3.5}, [["z", "sub", "x", "y"]], "z"),
    expr("expr.sub.const-left", "One minus x: z = 1 - x, so dz/dx = -1.",
         {"x": 0.3}, [["z", "sub", 1, "x"]], "z"),
    expr("expr.mul.basic", "Multiplication: z = x * y; dz/dx = y and dz/dy = x.",
         {"x": 1.5, "y": -4.0}, [["z", "mul", "x", "y"]], "z"),
    expr("expr.mul.const-left", "Scaling by a constant: z = 2 * x.",
         {"x": 3.25}, [["z", "mul", 2, "x"]], "z"),
    expr("expr.div.basic", "True division: z = x / y; dz/dx = 1/y, dz/dy = -z/y.",
         {"x": 7.0, "y": -2.5}, [["z", "div", "x", "y"]], "z"),
    expr("expr.div.const-left", "A reciprocal: z = 1 / x; dz/dx = -1/x^2.",
         {"x": 4.0}, [["z", "div", 1, "x"]], "z"),
    expr("expr.div.const-right", "Dividing by a constant: z = x / 3.",
         {"x": 2.0}, [["z", "div", "x", 3]], "z"),
    expr("expr.neg.basic", "Negation is one node: y = -x, dy/dx = -1.",
         {"x": 2.5}, [["y", "neg", "x"]], "y"),
    expr("expr.pow.square", "A square: y = x ** 2 at x = -3; dy/dx = 2x = -6.",
         {"x": -3.0}, [["y", "pow", "x", 2]], "y"),
    expr("expr.pow.cube", "A cube: y = x ** 3; dy/dx = 3x^2.",
         {"x": 1.7}, [["y", "pow", "x", 3]], "y"),
    expr("expr.pow.reciprocal", "A negative exponent: y = x ** -1 = 1/x.",
         {"x": 4.0}, [["y", "pow", "x", -1]], "y"),
    expr("expr.pow.sqrt", "A fractional exponent: y = x ** 0.5, the square root.",
         {"x": 2.0}, [["y", "pow", "x", 0.5]], "y"),
    expr("expr.pow.negative-fraction", "y = x ** -2.5; dy/dx = -2.5 * x ** -3.5.",
         {"x": 1.3}, [["y", "pow", "x", -2.5]], "y"),
    expr("expr.relu.positive", "relu passes a positive input through; its slope is 1.",
         {"x": 1.5}, [["y", "relu", "x"]], "y"),
    expr("expr.relu.negative", "relu of a negative input is 0 and so is its slope.",
         {"x": -2.0}, [["y", "relu", "x"]], "y"),
    expr("expr.tanh.basic", "tanh at 0.5; its derivative is 1 - tanh(x)^2.",
         {"x": 0.5}, [["y", "tanh", "x"]], "y"),
    expr("expr.tanh.negative", "tanh at -1.3 (an odd function).",
         {"x": -1.3}, [["y", "tanh", "x"]], "y"),
    expr("expr.tanh.zero", "tanh(0) = 0 with slope exactly 1.",
         {"x": 0.0}, [["y", "tanh", "x"]], "y", hand={"value": 0.0, "grads": {"x": 1.0}}),
    expr("expr.exp.basic", "exp at 1.2; exp is its own derivative.",
         {"x": 1.2}, [["y", "exp", "x"]], "y"),
    expr("expr.exp.negative", "exp at -3: a small positive value, and the slope equals the value.",
         {"x": -3.0}, [["y", "exp", "x"]], "y"),
    expr("expr.exp.zero", "exp(0) = 1 with slope 1.",
         {"x": 0.0}, [["y", "exp", "x"]], "y", hand={"value": 1.0, "grads": {"x": 1.0}}),
    expr("expr.log.basic", "Natural log at 2.5; d log(x)/dx = 1/x.",
         {"x": 2.5}, [["y", "log", "x"]], "y"),
    expr("expr.log.small", "Natural log at 0.1: negative value, slope 10.",
         {"x": 0.1}, [["y", "log", "x"]], "y"),
    expr("expr.log.one", "log(1) = 0 with slope 1.",
         {"x": 1.0}, [["y", "log", "x"]], "y", hand={"value": 0.0, "grads": {"x": 1.0}}),
    expr("expr.sigmoid.basic", "sigmoid(x) = 1 / (1 + exp(-x)) at 0.7; slope s(1 - s).",
         {"x": 0.7}, [["y", "sigmoid", "x"]], "y"),
    expr("expr.sigmoid.negative",
         "sigmoid at -2: below 1/2; the slope s(1 - s) is computed from the output.",
         {"x": -2.0}, [["y", "sigmoid", "x"]], "y"),
    expr("expr.sigmoid.zero", "sigmoid(0) = 1/2 with slope 1/4.",
         {"x": 0.0}, [["y", "sigmoid", "x"]], "y", hand={"value": 0.5, "grads": {"x": 0.25}}),
]  # fmt: skip

# ---------------------------------------------------------------- expr: edges

EDGES = [
    expr("expr.relu.at-zero", "relu at exactly 0: the value is 0 and relu'(0) is pinned to 0.",
         {"x": 0.0}, [["y", "relu", "x"]], "y", checks=EDGE,
         hand={"value": 0.0, "grads": {"x": 0.0, "y": 1.0}}),
    expr("expr.relu.at-negative-zero",
         "relu at -0.0 is +0.0 (-0.0 > 0 is false: the else branch, not the input's -0.0); "
         "slope 0.",
         {"x": -0.0}, [["y", "relu", "x"]], "y", checks=EDGE, signed_zeros=True,
         hand={"value": 0.0, "grads": {"x": 0.0}}),
    expr("expr.relu.tiny-positive", "relu at the smallest positive double passes it through.",
         {"x": 5e-324}, [["y", "relu", "x"]], "y", checks=EDGE,
         hand={"value": 5e-324, "grads": {"x": 1.0}}),
    expr("expr.tanh.plus-20", "tanh(20) rounds to exactly 1.0, so its slope 1 - t*t is 0.",
         {"x": 20.0}, [["y", "tanh", "x"]], "y", checks=(*SMOOTH, "hand"),
         hand={"value": 1.0, "grads": {"x": 0.0}}),
    expr("expr.tanh.minus-20", "tanh(-20) rounds to exactly -1.0, slope 0.",
         {"x": -20.0}, [["y", "tanh", "x"]], "y", checks=(*SMOOTH, "hand"),
         hand={"value": -1.0, "grads": {"x": 0.0}}),
    expr("expr.tanh.large-input", "tanh(1000) = 1 (the library tanh, never the exp formula).",
         {"x": 1000.0}, [["y", "tanh", "x"]], "y", checks=EDGE,
         hand={"value": 1.0, "grads": {"x": 0.0}}),
    expr("expr.tanh.steep-tail", "tanh(10): the slope 1 - t*t is about 8e-9 (cancellation).",
         {"x": 10.0}, [["y", "tanh", "x"]], "y"),
    expr("expr.exp.large-finite", "exp(700) is close to the largest double but finite.",
         {"x": 700.0}, [["y", "exp", "x"]], "y"),
    expr("expr.exp.overflow", "exp(710) overflows to inf (IEEE), and so does its slope.",
         {"x": 710.0}, [["y", "exp", "x"]], "y", checks=EDGE,
         hand={"value": INF, "grads": {"x": INF}}),
    expr("expr.exp.thousand", "exp(1000) = inf; no exception.",
         {"x": 1000.0}, [["y", "exp", "x"]], "y", checks=EDGE,
         hand={"value": INF, "grads": {"x": INF}}),
    expr("expr.exp.underflow", "exp(-1000) underflows to 0; slope 0.",
         {"x": -1000.0}, [["y", "exp", "x"]], "y", checks=EDGE,
         hand={"value": 0.0, "grads": {"x": 0.0}}),
    expr("expr.log.near-zero", "log(1e-300) is about -690.8 and its slope is 1e300.",
         {"x": 1e-300}, [["y", "log", "x"]], "y"),
    expr("expr.log.subnormal", "log of the smallest subnormal: finite value, slope 1/x = inf.",
         {"x": 5e-324}, [["y", "log", "x"]], "y", checks=EDGE,
         hand={"value": -744.4400719213812, "grads": {"x": INF}}),
    expr("expr.log.zero", "log(0) = -inf and its slope 1/0 = inf (no exception).",
         {"x": 0.0}, [["y", "log", "x"]], "y", checks=EDGE,
         hand={"value": -INF, "grads": {"x": INF}}),
    expr("expr.log.negative-zero", "log(-0.0) = -inf; the slope 1/(-0.0) = -inf.",
         {"x": -0.0}, [["y", "log", "x"]], "y", checks=EDGE,
         hand={"value": -INF, "grads": {"x": -INF}}),
    expr("expr.log.negative", "log(-1) is NaN (never complex, never an error); slope 1/x = -1.",
         {"x": -1.0}, [["y", "log", "x"]], "y", checks=EDGE,
         hand={"value": NAN, "grads": {"x": -1.0}}),
    expr("expr.pow.negative-base-odd", "(-2) ** 3 = -8, slope 3 * 4 = 12.",
         {"x": -2.0}, [["y", "pow", "x", 3]], "y", hand={"value": -8.0, "grads": {"x": 12.0}}),
    expr("expr.pow.negative-base-even", "(-3) ** 2 = 9, slope -6.",
         {"x": -3.0}, [["y", "pow", "x", 2]], "y", hand={"value": 9.0, "grads": {"x": -6.0}}),
    expr("expr.pow.negative-base-negative-int", "(-2) ** -1 = -0.5, slope -(-2)^-2 = -0.25.",
         {"x": -2.0}, [["y", "pow", "x", -1]], "y",
         hand={"value": -0.5, "grads": {"x": -0.25}}),
    expr("expr.pow.negative-base-fraction", "(-8) ** (1/3) is NaN: no real-valued cube root.",
         {"x": -8.0}, [["y", "pow", "x", 0.3333333333333333]], "y", checks=EDGE,
         hand={"value": NAN, "grads": {"x": NAN}}),
    expr("expr.pow.negative-base-half", "(-4) ** 0.5 is NaN, and so is its slope.",
         {"x": -4.0}, [["y", "pow", "x", 0.5]], "y", checks=EDGE,
         hand={"value": NAN, "grads": {"x": NAN}}),
    expr("expr.pow.zero-to-zero", "0 ** 0 = 1, and the slope of x ** 0 is exactly 0.",
         {"x": 0.0}, [["y", "pow", "x", 0]], "y", checks=EDGE,
         hand={"value": 1.0, "grads": {"x": 0.0}}),
    expr("expr.pow.x-to-zero", "3 ** 0 = 1 with slope 0.",
         {"x": 3.0}, [["y", "pow", "x", 0]], "y", hand={"value": 1.0, "grads": {"x": 0.0}}),
    expr("expr.pow.negative-to-zero", "(-2) ** 0 = 1 with slope 0.",
         {"x": -2.0}, [["y", "pow", "x", 0]], "y", hand={"value": 1.0, "grads": {"x": 0.0}}),
    expr("expr.pow.zero-to-minus-one", "0 ** -1 = inf; slope -1 * 0 ** -2 = -inf.",
         {"x": 0.0}, [["y", "pow", "x", -1]], "y", checks=EDGE,
         hand={"value": INF, "grads": {"x": -INF}}),
    expr("expr.pow.negative-zero-to-minus-one",
         "(-0.0) ** -1 = -inf (an odd exponent keeps the sign).",
         {"x": -0.0}, [["y", "pow", "x", -1]], "y", checks=EDGE,
         hand={"value": -INF, "grads": {"x": -INF}}),
    expr("expr.pow.zero-to-half", "sqrt at 0: 0 ** 0.5 = 0, slope 0.5 * 0 ** -0.5 = inf.",
         {"x": 0.0}, [["y", "pow", "x", 0.5]], "y", checks=EDGE,
         hand={"value": 0.0, "grads": {"x": INF}}),
    expr("expr.pow.zero-to-two", "0 ** 2 = 0 with slope 0.",
         {"x": 0.0}, [["y", "pow", "x", 2]], "y", hand={"value": 0.0, "grads": {"x": 0.0}}),
    expr("expr.pow.overflow", "10 ** 400 overflows to inf; its slope too.",
         {"x": 10.0}, [["y", "pow", "x", 400]], "y", checks=EDGE,
         hand={"value": INF, "grads": {"x": INF}}),
    expr("expr.pow.negative-overflow", "(-10) ** 401 = -inf; the slope 401 * (-10) ** 400 = inf.",
         {"x": -10.0}, [["y", "pow", "x", 401]], "y", checks=EDGE,
         hand={"value": -INF, "grads": {"x": INF}}),
    expr("expr.div.by-zero", "1 / 0 = inf; d/dx = 1/0 = inf, d/dy = -inf/0 = -inf.",
         {"x": 1.0, "y": 0.0}, [["z", "div", "x", "y"]], "z", checks=EDGE,
         hand={"value": INF, "grads": {"x": INF, "y": -INF}}),
    expr("expr.div.negative-by-zero", "-1 / 0 = -inf; d/dy = -(-inf)/0 = inf.",
         {"x": -1.0, "y": 0.0}, [["z", "div", "x", "y"]], "z", checks=EDGE,
         hand={"value": -INF, "grads": {"x": INF, "y": INF}}),
    expr("expr.div.zero-by-zero", "0 / 0 is NaN; d/dx = 1/0 = inf, d/dy = -NaN/0 = NaN.",
         {"x": 0.0, "y": 0.0}, [["z", "div", "x", "y"]], "z", checks=EDGE,
         hand={"value": NAN, "grads": {"x": INF, "y": NAN}}),
    expr("expr.div.by-negative-zero", "1 / -0.0 = -inf: the sign of zero matters.",
         {"x": 1.0, "y": -0.0}, [["z", "div", "x", "y"]], "z", checks=EDGE,
         hand={"value": -INF, "grads": {"x": -INF, "y": -INF}}),
    expr("expr.div.small-denominator",
         "1e-300 / 1e-200: d/dy is written -z/y = -1e100, finite, where -x/y^2 would give -inf.",
         {"x": 1e-300, "y": 1e-200}, [["z", "div", "x", "y"]], "z", checks=("fd", "hand"),
         hand={"value": 1e-300 / 1e-200,
               "grads": {"x": 1 / 1e-200, "y": -(1e-300 / 1e-200) / 1e-200}}),
    expr("expr.sigmoid.plus-40", "sigmoid(40) rounds to 1; slope s(1 - s) = 0.",
         {"x": 40.0}, [["y", "sigmoid", "x"]], "y", checks=(*SMOOTH, "hand"),
         hand={"value": 1.0, "grads": {"x": 0.0}}),
    expr("expr.sigmoid.minus-40", "sigmoid(-40) is tiny but not 0: about 4.25e-18.",
         {"x": -40.0}, [["y", "sigmoid", "x"]], "y"),
    expr("expr.sigmoid.plus-800", "sigmoid(800): exp(-800) underflows to 0, so the value is 1.",
         {"x": 800.0}, [["y", "sigmoid", "x"]], "y", checks=EDGE,
         hand={"value": 1.0, "grads": {"x": 0.0}}),
    expr("expr.sigmoid.minus-800", "sigmoid(-800): exp(800) = inf, 1/inf = 0, slope 0 (not NaN).",
         {"x": -800.0}, [["y", "sigmoid", "x"]], "y", checks=EDGE,
         hand={"value": 0.0, "grads": {"x": 0.0}}),
]  # fmt: skip

# ---------------------------------------------------------------- expr: IEEE specials


def special(id: str, description: str, inputs: dict, ops: list, output: str, value: float,
            grads: dict, signed_zeros: bool = False) -> dict:  # fmt: skip
    return expr(id, description, inputs, ops, output, checks=EDGE,
                hand={"value": value, "grads": grads}, signed_zeros=signed_zeros)  # fmt: skip


IEEE = [
    special("expr.ieee.nan-add", "NaN + 1 is NaN; the local derivatives are still 1 and 1.",
            {"x": NAN, "y": 1.0}, [["z", "add", "x", "y"]], "z", NAN, {"x": 1.0, "y": 1.0}),
    special("expr.ieee.nan-mul", "NaN * 2: dz/dx = 2, dz/dy = NaN.",
            {"x": NAN, "y": 2.0}, [["z", "mul", "x", "y"]], "z", NAN, {"x": 2.0, "y": NAN}),
    special("expr.ieee.nan-relu", "relu(NaN) is NaN (it passes through); relu'(NaN) = 0.",
            {"x": NAN}, [["y", "relu", "x"]], "y", NAN, {"x": 0.0}),
    special("expr.ieee.nan-tanh", "tanh(NaN) is NaN and so is its slope.",
            {"x": NAN}, [["y", "tanh", "x"]], "y", NAN, {"x": NAN}),
    special("expr.ieee.nan-exp",
            "exp(NaN) is NaN, and so is its slope (the slope of exp is exp itself).",
            {"x": NAN}, [["y", "exp", "x"]], "y", NAN, {"x": NAN}),
    special("expr.ieee.nan-log", "log(NaN) is NaN; slope 1/NaN is NaN.",
            {"x": NAN}, [["y", "log", "x"]], "y", NAN, {"x": NAN}),
    special("expr.ieee.nan-sigmoid", "sigmoid(NaN) is NaN, and so is its slope s(1 - s).",
            {"x": NAN}, [["y", "sigmoid", "x"]], "y", NAN, {"x": NAN}),
    special("expr.ieee.nan-neg", "-NaN is NaN; the local derivative is still -1.",
            {"x": NAN}, [["y", "neg", "x"]], "y", NAN, {"x": -1.0}),
    special("expr.ieee.nan-pow-zero", "NaN ** 0 = 1 (IEEE pow), and the slope is exactly 0.",
            {"x": NAN}, [["y", "pow", "x", 0]], "y", 1.0, {"x": 0.0}),
    special("expr.ieee.nan-pow-two", "NaN ** 2 is NaN; slope 2 * NaN is NaN.",
            {"x": NAN}, [["y", "pow", "x", 2]], "y", NAN, {"x": NAN}),
    special("expr.ieee.inf-add", "inf + 1 = inf; local derivatives 1 and 1.",
            {"x": INF, "y": 1.0}, [["z", "add", "x", "y"]], "z", INF, {"x": 1.0, "y": 1.0}),
    special("expr.ieee.inf-minus-inf",
            "inf - inf is NaN (IEEE), but the local derivatives are still 1 and -1.",
            {"x": INF, "y": INF}, [["z", "sub", "x", "y"]], "z", NAN, {"x": 1.0, "y": -1.0}),
    special("expr.ieee.inf-times-zero", "inf * 0 is NaN; dz/dx = 0 and dz/dy = inf.",
            {"x": INF, "y": 0.0}, [["z", "mul", "x", "y"]], "z", NAN, {"x": 0.0, "y": INF}),
    special("expr.ieee.inf-div-inf", "inf / inf is NaN; dz/dx = 1/inf = 0, dz/dy = -NaN/inf.",
            {"x": INF, "y": INF}, [["z", "div", "x", "y"]], "z", NAN, {"x": 0.0, "y": NAN}),
    special("expr.ieee.one-div-inf",
            "1 / inf = +0.0 and dz/dx = 1/inf = +0.0; the local dz/dy = -0/inf is -0.0, but a "
            "gradient sums from +0.0 and 0.0 + -0.0 = +0.0 (SPEC §2.2), so dz/dy = +0.0.",
            {"x": 1.0, "y": INF}, [["z", "div", "x", "y"]], "z", 0.0, {"x": 0.0, "y": 0.0},
            signed_zeros=True),
    special("expr.ieee.neg-inf", "-(inf) = -inf; local derivative -1.",
            {"x": INF}, [["y", "neg", "x"]], "y", -INF, {"x": -1.0}),
    special("expr.ieee.neg-zero", "-(0.0) = -0.0: negation flips the sign of zero too; slope -1.",
            {"x": 0.0}, [["y", "neg", "x"]], "y", -0.0, {"x": -1.0}, signed_zeros=True),
    special("expr.ieee.relu-inf", "relu(inf) = inf with slope 1.",
            {"x": INF}, [["y", "relu", "x"]], "y", INF, {"x": 1.0}),
    special("expr.ieee.relu-minus-inf", "relu(-inf) = 0 with slope 0.",
            {"x": -INF}, [["y", "relu", "x"]], "y", 0.0, {"x": 0.0}),
    special("expr.ieee.tanh-inf", "tanh(inf) = 1; slope 1 - 1 = 0.",
            {"x": INF}, [["y", "tanh", "x"]], "y", 1.0, {"x": 0.0}),
    special("expr.ieee.tanh-minus-inf", "tanh(-inf) = -1; slope 0.",
            {"x": -INF}, [["y", "tanh", "x"]], "y", -1.0, {"x": 0.0}),
    special("expr.ieee.exp-inf", "exp(inf) = inf; slope inf.",
            {"x": INF}, [["y", "exp", "x"]], "y", INF, {"x": INF}),
    special("expr.ieee.exp-minus-inf", "exp(-inf) = 0; slope 0.",
            {"x": -INF}, [["y", "exp", "x"]], "y", 0.0, {"x": 0.0}),
    special("expr.ieee.log-inf", "log(inf) = inf; slope 1/inf = 0.",
            {"x": INF}, [["y", "log", "x"]], "y", INF, {"x": 0.0}),
    special("expr.ieee.sigmoid-inf", "sigmoid(inf) = 1/(1 + exp(-inf)) = 1; slope 0.",
            {"x": INF}, [["y", "sigmoid", "x"]], "y", 1.0, {"x": 0.0}),
    special("expr.ieee.sigmoid-minus-inf", "sigmoid(-inf) = 1/(1 + inf) = 0; slope 0.",
            {"x": -INF}, [["y", "sigmoid", "x"]], "y", 0.0, {"x": 0.0}),
    special("expr.ieee.pow-inf", "inf ** 2 = inf; slope 2 * inf = inf.",
            {"x": INF}, [["y", "pow", "x", 2]], "y", INF, {"x": INF}),
    special("expr.ieee.pow-inf-minus-one",
            "inf ** -1 = +0.0; the local slope -1 * inf ** -2 is -0.0, and the gradient summed "
            "from +0.0 is 0.0 + -0.0 = +0.0.",
            {"x": INF}, [["y", "pow", "x", -1]], "y", 0.0, {"x": 0.0}, signed_zeros=True),
    special("expr.ieee.no-masking-relu",
            "relu(log(0)) = relu(-inf) = 0, but dy/dx = relu'(-inf) * log'(0) = 0 * inf = NaN: "
            "the chain rule always multiplies, it never masks.",
            {"x": 0.0}, [["l", "log", "x"], ["y", "relu", "l"]], "y", 0.0,
            {"x": NAN, "l": 0.0, "y": 1.0}),
    special("expr.ieee.no-masking-mul",
            "exp(1000) * 0 is NaN, and dx gets exp'(1000) * 0 = inf * 0 = NaN.",
            {"x": 1000.0}, [["e", "exp", "x"], ["y", "mul", "e", 0]], "y", NAN,
            {"x": NAN, "e": 0.0, "y": 1.0}),
    special("expr.ieee.nan-spreads",
            "One NaN input makes every value and gradient it touches NaN.",
            {"x": NAN, "y": 2.0},
            [["a", "mul", "x", "y"], ["b", "add", "a", "y"], ["c", "tanh", "b"]], "c", NAN,
            {"x": NAN, "y": NAN, "a": NAN, "b": NAN, "c": 1.0}),
    special("expr.ieee.inf-gradient-flows",
            "sqrt has an infinite slope at 0: d(3 * x ** 0.5)/dx = 3 * inf = inf.",
            {"x": 0.0}, [["r", "pow", "x", 0.5], ["y", "mul", "r", 3]], "y", 0.0,
            {"x": INF, "r": 3.0, "y": 1.0}),
]  # fmt: skip

# ---------------------------------------------------------------- expr: shared nodes

LECTURE_B = 6.8813735870195432
GRAPH = [
    expr("expr.graph.a-plus-a", "b = a + a: a is used twice, so its gradient is 2 (micrograd's "
         "lecture bug: overwriting instead of accumulating gives 1).",
         {"a": 3.0}, [["b", "add", "a", "a"]], "b", hand={"value": 6.0, "grads": {"a": 2.0}}),
    expr("expr.graph.x-times-x", "y = x * x: both parents are x, so dy/dx = x + x = 2x.",
         {"x": -3.0}, [["y", "mul", "x", "x"]], "y", hand={"value": 9.0, "grads": {"x": -6.0}}),
    expr("expr.graph.reuse-twice", "b = a + a, c = b * b: reuse at two levels; dc/da = 4b = 12.",
         {"a": 1.5}, [["b", "add", "a", "a"], ["c", "mul", "b", "b"]], "c",
         hand={"value": 9.0, "grads": {"a": 12.0, "b": 6.0, "c": 1.0}}),
    expr("expr.graph.diamond", "A diamond: b = 3a and c = a + 1 both feed d = b * c.",
         {"a": 2.0}, [["b", "mul", "a", 3], ["c", "add", "a", 1], ["d", "mul", "b", "c"]], "d",
         hand={"value": 18.0, "grads": {"a": 15.0, "b": 3.0, "c": 6.0}}),
    expr("expr.graph.lecture-two-paths", "The lecture's d = a * b, e = a + b, f = d * e: "
         "a and b each reach f along two paths.",
         {"a": -2.0, "b": 3.0},
         [["d", "mul", "a", "b"], ["e", "add", "a", "b"], ["f", "mul", "d", "e"]], "f",
         hand={"value": -6.0, "grads": {"a": -3.0, "b": -8.0, "d": 1.0, "e": -6.0}}),
    expr("expr.tanh.reuse-input", "y = tanh(x) * x: x feeds tanh and the product.",
         {"x": 0.8}, [["t", "tanh", "x"], ["y", "mul", "t", "x"]], "y"),
    expr("expr.graph.input-is-output", "No ops: the output is the input x itself (grad 1); "
         "the unused input y keeps grad 0.",
         {"x": 4.0, "y": -1.0}, [], "x", checks=EDGE,
         hand={"value": 4.0, "grads": {"x": 1.0, "y": 0.0}}),
    expr("expr.graph.output-is-input-with-ops", "The program computes t = x * y, but the output "
         "is x: t is not in x's graph, so t and y keep grad 0.",
         {"x": 2.0, "y": 5.0}, [["t", "mul", "x", "y"]], "x", checks=EDGE,
         hand={"value": 2.0, "grads": {"x": 1.0, "y": 0.0, "t": 0.0}}),
    expr("expr.graph.unconnected-result", "u = exp(y) is computed but does not feed the output; "
         "its grad and y's stay 0.",
         {"x": 2.0, "y": 1.0}, [["u", "exp", "y"], ["z", "mul", "x", "x"]], "z",
         hand={"value": 4.0, "grads": {"x": 4.0, "y": 0.0, "u": 0.0}}),
    expr("expr.graph.many-uses", "x added to itself 50 times (49 additions): dy/dx = 50.",
         {"x": 0.1}, [["s1", "add", "x", "x"]] + [[f"s{i}", "add", f"s{i - 1}", "x"]
                                                  for i in range(2, 50)], "s49",
         hand={"grads": {"x": 50.0}}),
    expr("expr.graph.stacked-diamonds", "20 stacked diamonds v' = v * 1.5 + v: each level "
         "reuses v twice, so the gradient grows by 2.5 per level.",
         {"v0": 0.5}, [op for i in range(20) for op in (
             [f"m{i}", "mul", f"v{i}", 1.5], [f"v{i + 1}", "add", f"m{i}", f"v{i}"])], "v20",
         hand={"grads": {"v0": 2.5**20}}),
    expr("expr.micrograd.sanity-check", "micrograd's test_sanity_check: z = 2x + 2 + x, "
         "q = relu(z) + z*x, h = relu(z*z), y = h + q + q*x at x = -4 (PyTorch: y = -20, "
         "dy/dx = 46).",
         {"x": -4.0},
         [["t1", "mul", 2, "x"], ["t2", "add", "t1", 2], ["z", "add", "t2", "x"],
          ["rz", "relu", "z"], ["zx", "mul", "z", "x"], ["q", "add", "rz", "zx"],
          ["zz", "mul", "z", "z"], ["h", "relu", "zz"], ["hq", "add", "h", "q"],
          ["qx", "mul", "q", "x"], ["y", "add", "hq", "qx"]], "y",
         hand={"value": -20.0, "grads": {"x": 46.0}}),
    expr("expr.micrograd.more-ops", "micrograd's test_more_ops, written as single ops: "
         "a = -4, b = 2 (PyTorch: g = 24.7041, dg/da = 138.8338, dg/db = 645.5773).",
         {"a": -4.0, "b": 2.0},
         [["c", "add", "a", "b"], ["ab", "mul", "a", "b"], ["b3", "pow", "b", 3],
          ["d", "add", "ab", "b3"], ["c1", "add", "c", 1], ["c2", "add", "c", "c1"],
          ["oc", "add", 1, "c2"], ["na", "neg", "a"], ["ocna", "add", "oc", "na"],
          ["c3", "add", "c2", "ocna"], ["d2x", "mul", "d", 2], ["bpa", "add", "b", "a"],
          ["rbpa", "relu", "bpa"], ["t1", "add", "d2x", "rbpa"], ["d2", "add", "d", "t1"],
          ["d3x", "mul", 3, "d2"], ["bma", "sub", "b", "a"], ["rbma", "relu", "bma"],
          ["t2", "add", "d3x", "rbma"], ["d3", "add", "d2", "t2"], ["e", "sub", "c3", "d3"],
          ["f", "pow", "e", 2], ["g", "div", "f", 2.0], ["tf", "div", 10.0, "f"],
          ["g2", "add", "g", "tf"]], "g2",
         hand={"value": 24.70408163265306,
               "grads": {"a": 138.83381924198252, "b": 645.5772594752186}}),
    expr("expr.lecture.neuron", "The lecture's neuron: o = tanh(x1*w1 + x2*w2 + b) with "
         "b = 6.8813735870195432, so n = 0.8814 and o = 1/sqrt(2).",
         {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": LECTURE_B},
         [["x1w1", "mul", "x1", "w1"], ["x2w2", "mul", "x2", "w2"],
          ["s", "add", "x1w1", "x2w2"], ["n", "add", "s", "b"], ["o", "tanh", "n"]], "o",
         hand={"value": 0.7071067811865476,
               "grads": {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}},
         ),
    expr("expr.lecture.neuron-exp-tanh", "The same neuron with tanh written as "
         "(e - 1)/(e + 1), e = exp(2n): e is used twice.",
         {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": LECTURE_B},
         [["x1w1", "mul", "x1", "w1"], ["x2w2", "mul", "x2", "w2"],
          ["s", "add", "x1w1", "x2w2"], ["n", "add", "s", "b"], ["n2", "mul", 2, "n"],
          ["e", "exp", "n2"], ["em1", "sub", "e", 1], ["ep1", "add", "e", 1],
          ["o", "div", "em1", "ep1"]], "o",
         hand={"value": 0.7071067811865476,
               "grads": {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}}),
    expr("expr.graph.all-ops", "Every op once in one expression: "
         "y = sigmoid(log(exp(tanh(relu(a - b) * c / d) + 2) ** 2)) + (-a).",
         {"a": 1.25, "b": -0.5, "c": 0.75, "d": 1.5},
         [["s", "sub", "a", "b"], ["r", "relu", "s"], ["m", "mul", "r", "c"],
          ["q", "div", "m", "d"], ["t", "tanh", "q"], ["p", "add", "t", 2],
          ["e", "exp", "p"], ["w", "pow", "e", 2], ["l", "log", "w"], ["g", "sigmoid", "l"],
          ["n", "neg", "a"], ["y", "add", "g", "n"]], "y"),
]  # fmt: skip

# ---------------------------------------------------------------- expr: backward() again

NEURON_OPS = [["xw", "mul", "x", "w"], ["n", "add", "xw", "b"], ["y", "tanh", "n"]]
BACKWARD = [
    expr("expr.backward.twice", "backward() twice: the leaves x, w, b hold twice their gradient; "
         "interior nodes hold one call's.",
         {"x": 0.5, "w": -1.5, "b": 0.25}, NEURON_OPS, "y", calls=2),
    expr("expr.backward.three-times", "backward() three times: leaves hold 3x their gradient.",
         {"x": 0.5, "w": -1.5, "b": 0.25}, NEURON_OPS, "y", calls=3),
    expr("expr.backward.twice-reuse", "b = a + a, c = b * b, backward() twice: dc/da = 2 * 12.",
         {"a": 1.5}, [["b", "add", "a", "a"], ["c", "mul", "b", "b"]], "c", calls=2,
         hand={"value": 9.0, "grads": {"a": 24.0, "b": 6.0, "c": 1.0}}),
    expr("expr.backward.twice-input-output", "The output is the leaf x; backward() twice "
         "seeds it twice: grad 2.",
         {"x": 3.0}, [], "x", calls=2, checks=EDGE, hand={"value": 3.0, "grads": {"x": 2.0}}),
    expr("expr.backward.three-times-diamond",
         "A diamond, backward() three times: da = 3 * 15; interior nodes hold one call's grad.",
         {"a": 2.0}, [["b", "mul", "a", 3], ["c", "add", "a", 1], ["d", "mul", "b", "c"]], "d",
         calls=3, hand={"value": 18.0, "grads": {"a": 45.0, "b": 3.0, "c": 6.0, "d": 1.0}}),
    expr("expr.backward.twice-unconnected", "backward() twice; the unused input y stays 0.",
         {"x": 2.0, "y": 7.0}, [["z", "pow", "x", 3]], "z", calls=2,
         hand={"value": 8.0, "grads": {"x": 24.0, "y": 0.0, "z": 1.0}}),
    expr("expr.backward.twice-inf", "log(0) with backward() twice: inf + inf = inf.",
         {"x": 0.0}, [["y", "log", "x"]], "y", calls=2, checks=EDGE,
         hand={"value": -INF, "grads": {"x": INF, "y": 1.0}}),
    expr("expr.backward.twice-lecture-neuron", "The lecture's neuron, backward() twice.",
         {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": LECTURE_B},
         [["x1w1", "mul", "x1", "w1"], ["x2w2", "mul", "x2", "w2"],
          ["s", "add", "x1w1", "x2w2"], ["n", "add", "s", "b"], ["o", "tanh", "n"]], "o",
         calls=2, hand={"grads": {"x1": -3.0, "w1": 2.0, "x2": 1.0, "w2": 0.0, "b": 1.0,
                                  "n": 0.5}}),
]  # fmt: skip

# ---------------------------------------------------------------- expr: deep and wide


def chain(n: int, step: list[list[Any]], start: str = "x") -> tuple[list[list[Any]], str]:
    """n repetitions of `step`, whose ops use "IN" for the previous value and "OUT" for
    the result; interior names are v1, v2, ... and t1, t2, ... (so the JSON is generated)."""
    ops, prev = [], start
    for i in range(1, n + 1):
        for op in step:
            ops.append([f"{a}{i}" if a in ("t", "u") else (prev if a == "IN" else a)
                        for a in op])  # fmt: skip
            if op[0] == "OUT":
                ops[-1][0] = f"v{i}"
        prev = f"v{i}"
    return ops, prev


def deep(id: str, description: str, inputs: dict, step: list, n: int, **kw: Any) -> dict:
    ops, out = chain(n, step)
    return expr(id, description, inputs, ops, out,
                grads_of=[*inputs, out], **kw)  # fmt: skip


def wide_products(n: int) -> tuple[dict, list, str]:
    inputs = {}
    for i in range(n):
        inputs[f"a{i}"] = round(math.sin(i + 1), 6)
        inputs[f"b{i}"] = round(math.cos(i + 1), 6)
    ops = [[f"p{i}", "mul", f"a{i}", f"b{i}"] for i in range(n)]
    ops.append(["s1", "add", "p0", "p1"])
    ops += [[f"s{i}", "add", f"s{i - 1}", f"p{i}"] for i in range(2, n)]
    return inputs, ops, f"s{n - 1}"


def pairwise(n: int) -> tuple[dict, list, str]:
    inputs = {f"x{i}": round(1 + i / n, 6) for i in range(n)}
    level, ops, k = list(inputs), [], 0
    while len(level) > 1:
        nxt = []
        for j in range(0, len(level) - 1, 2):
            k += 1
            ops.append([f"s{k}", "add", level[j], level[j + 1]])
            nxt.append(f"s{k}")
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    ops.append(["y", "mul", level[0], level[0]])
    return inputs, ops, "y"


DEEP = [
    deep("expr.deep.mul-chain-10000", "y = y * c, 10,000 times from x = 1: y = c^10000, "
         "dy/dc = 10000 c^9999. Backward must not recurse.",
         {"x": 1.0, "c": 0.9999}, [["OUT", "mul", "IN", "c"]], 10_000),
    deep("expr.deep.tanh-chain-10000", "y = tanh(y), 10,000 times from x = 2.",
         {"x": 2.0}, [["OUT", "tanh", "IN"]], 10_000),
    deep("expr.deep.add-chain-10000", "y = y + 0.001, 10,000 times: dy/dx = 1 exactly.",
         {"x": 0.5}, [["OUT", "add", "IN", 0.001]], 10_000),
    deep("expr.deep.mixed-chain-12000", "4,000 rounds of y = sigmoid(y * w + b) (12,000 ops), "
         "reusing the leaves w and b in every round.",
         {"x": 0.3, "w": 1.2, "b": -0.4},
         [["t", "mul", "IN", "w"], ["u", "add", "t", "b"], ["OUT", "sigmoid", "u"]], 4_000),
]  # fmt: skip
_w_in, _w_ops, _w_out = wide_products(1_000)
_p_in, _p_ops, _p_out = pairwise(1_024)
DEEP += [
    expr("expr.wide.sum-of-1000-products", "A left-fold sum of 1,000 products a_i * b_i: "
         "d/da_i = b_i and d/db_i = a_i.", _w_in, _w_ops, _w_out,
         grads_of=[*_w_in, _w_out], extra=("graph.wide",)),
    expr("expr.wide.pairwise-sum-1024", "A balanced (pairwise) sum of 1,024 inputs, squared: "
         "every input gets the same gradient 2 * sum.", _p_in, _p_ops, _p_out,
         grads_of=[*_p_in, _p_out], extra=("graph.wide",)),
]  # fmt: skip

# ---------------------------------------------------------------- mlp


def moons(n: int) -> tuple[list[list[float]], list[list[float]]]:
    data = json.loads((HERE / "data" / "moons.json").read_text(encoding="utf-8"))
    return [list(x) for x in data["X"][:n]], [[float(y)] for y in data["y"][:n]]


def dataset(nin: int, k: int, n: int, seed: int, loss: str, out_act: str) -> tuple[list, list]:
    rng = random.Random(seed)
    xs = [[round(rng.uniform(-2, 2), 4) for _ in range(nin)] for _ in range(n)]
    if loss == "hinge":
        ts = [[rng.choice((-1.0, 1.0))] for _ in range(n)]
    elif out_act == "sigmoid":
        ts = [[round(rng.uniform(0, 1), 4) for _ in range(k)] for _ in range(n)]
    else:
        ts = [[round(rng.uniform(-1, 1), 4) for _ in range(k)] for _ in range(n)]
    return xs, ts


def model_case(kind: str, id: str, description: str, nin: int, nouts: list[int],
               act: str = "tanh", out_act: str = "linear", loss: str = "mse", l2: float = 0.0,
               n: int = 4, seed: int = 0, data: tuple | None = None, scale: float = 1.0,
               **more: Any) -> dict:  # fmt: skip
    """An mlp or train case; parameters from SplitMix64(seed) (scaled), data from seed too."""
    model = {"nin": nin, "nouts": nouts, "activation": act, "output_activation": out_act}
    xs, ts = data if data else dataset(nin, nouts[-1], n, seed + 1000, loss, out_act)
    params = [scale * p for p in oracle.init_parameters(model, seed)]
    case = {"id": id, "kind": kind, "description": description, "model": model,
            "parameters": params, "inputs": xs, "targets": ts,
            "loss": {"name": loss, **({"l2": l2} if l2 else {})}, **more}  # fmt: skip
    return {"case": case}


def mlp(*a: Any, **kw: Any) -> dict:
    return model_case("mlp", *a, **kw)


LECTURE_DATA = ([[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]],
                [[1.0], [-1.0], [-1.0], [1.0]])  # fmt: skip

MLP_SHAPES = [
    mlp("mlp.shape.1-1", "The smallest MLP: one neuron, one input, linear output, sse.",
        1, [1], out_act="linear", loss="sse", n=3, seed=1),
    mlp("mlp.shape.2-1-tanh", "One tanh neuron on two inputs, mse.",
        2, [1], out_act="tanh", n=5, seed=2),
    mlp("mlp.shape.lecture-3-4-4-1", "The lecture's MLP(3, [4, 4, 1]) with tanh everywhere "
        "on its four samples, sse loss.",
        3, [4, 4, 1], out_act="tanh", loss="sse", seed=42, data=LECTURE_DATA),
    mlp("mlp.shape.2-3-multi-output", "Three outputs: the MLP returns a list, mse over N*K.",
        2, [3], n=4, seed=3),
    mlp("mlp.shape.4-1-1-width-one-hidden", "A hidden layer of width 1: its single Value is "
        "passed on as a list of one.", 4, [1, 1], n=3, seed=4),
    mlp("mlp.shape.3-5-4-2",
        "Three layers (3 -> 5 -> 4 -> 2), two outputs per sample.", 3, [5, 4, 2], n=5, seed=5),
    mlp("mlp.shape.1-8-1-sine", "One input, eight hidden tanh units, fitting sin(x).",
        1, [8, 1], loss="sse", seed=6,
        data=([[x / 2] for x in range(-3, 4)],
              [[round(math.sin(x / 2), 6)] for x in range(-3, 4)])),
    mlp("mlp.shape.5-3-3-3",
        "Square hidden layers: 5 -> 3 -> 3 -> 3, three outputs.", 5, [3, 3, 3], n=3, seed=7),
    mlp("mlp.shape.moons-2-16-16-1", "micrograd's demo model MLP(2, [16, 16, 1]) (relu, "
        "seed 1337) on 20 moons points: hinge loss + 1e-4 * l2.",
        2, [16, 16, 1], act="relu", loss="hinge", l2=1e-4, seed=1337, data=moons(20)),
    mlp("mlp.shape.single-sample",
        "One sample only (N = 1): the loss folds a single term.", 3, [2, 1], n=1, seed=8),
]  # fmt: skip

MLP_ACTS = [
    mlp(f"mlp.act.{a}-hidden", f"{a} in the hidden layer, linear output.",
        3, [4, 1], act=a, n=4, seed=10 + i)
    for i, a in enumerate(("tanh", "relu", "sigmoid", "linear"))
] + [
    mlp(f"mlp.act.{a}-output", f"{a} on the output layer (tanh hidden), two outputs.",
        2, [3, 2], act="tanh", out_act=a, n=4, seed=20 + i)
    for i, a in enumerate(("tanh", "relu", "sigmoid"))
] + [
    mlp("mlp.act.relu-all", "relu in every layer, including the output.",
        2, [4, 4, 1], act="relu", out_act="relu", n=5, seed=30, scale=0.5),
    mlp("mlp.act.sigmoid-all", "sigmoid in every layer, including the output.",
        3, [3, 1], act="sigmoid", out_act="sigmoid", n=4, seed=31),
    mlp("mlp.act.relu-dead-units", "Negative pre-activations: some relu units output 0 and "
        "pass no gradient back.",
        2, [6, 1], act="relu", n=6, seed=32, scale=2.0),
]  # fmt: skip

MLP_LOSSES = [
    mlp("mlp.loss.mse-single", "mse over 6 samples, one output.", 2, [3, 1], n=6, seed=40),
    mlp("mlp.loss.mse-multi", "mse over 4 samples x 3 outputs: divided by N*K = 12.",
        2, [3, 3], n=4, seed=41),
    mlp("mlp.loss.sse-single",
        "sse: the plain sum of squared errors, one output.", 2, [3, 1], loss="sse", n=6, seed=42),
    mlp("mlp.loss.sse-multi", "sse over 4 samples x 2 outputs.", 3, [2], loss="sse", n=4, seed=43),
    mlp("mlp.loss.hinge-basic", "hinge: sum of relu(1 - t*y) / N, targets +-1.",
        2, [4, 1], loss="hinge", n=8, seed=44),
    mlp("mlp.loss.hinge-satisfied", "Every margin t*y > 1: the hinge loss is 0 and all "
        "gradients are 0.",
        1, [1], loss="hinge", seed=45, data=([[2.0], [-3.0], [4.0]], [[-1.0], [1.0], [-1.0]])),
    mlp("mlp.l2.mse", "mse + 0.01 * l2_penalty(parameters).",
        2, [3, 1], l2=0.01, n=5, seed=46),
    mlp("mlp.l2.sse-large", "sse + 0.5 * l2: the penalty dominates.",
        3, [2, 1], loss="sse", l2=0.5, n=3, seed=47),
    mlp("mlp.l2.hinge", "hinge + 1e-4 * l2, as in micrograd's demo.",
        2, [8, 1], act="relu", loss="hinge", l2=1e-4, n=10, seed=48),
]  # fmt: skip

# ---------------------------------------------------------------- train


def train(id: str, description: str, optimizer: dict, steps: int, *a: Any, **kw: Any) -> dict:
    return model_case("train", id, description, *a, optimizer=optimizer, steps=steps, **kw)


def sgd(lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> dict:
    return {"name": "sgd", "lr": lr, "momentum": momentum, "weight_decay": weight_decay}


def adam(lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
         weight_decay: float = 0.0) -> dict:  # fmt: skip
    return {"name": "adam", "lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps,
            "weight_decay": weight_decay}  # fmt: skip


TRAIN = [
    train("train.sgd.basic", "Plain SGD, lr 0.1, 10 steps, mse.", sgd(0.1), 10,
          2, [4, 1], n=6, seed=50),
    train("train.sgd.five-steps", "Five SGD steps on one tanh neuron.", sgd(0.2), 5,
          3, [1], out_act="tanh", n=4, seed=51),
    train("train.sgd.lecture", "The lecture's training loop: MLP(3, [4, 4, 1]) tanh, sse, "
          "lr 0.05, 20 steps.", sgd(0.05), 20,
          3, [4, 4, 1], out_act="tanh", loss="sse", seed=42, data=LECTURE_DATA),
    train("train.sgd.momentum", "SGD with momentum 0.9 (the first step's buffer is the "
          "gradient itself), 20 steps.", sgd(0.05, momentum=0.9), 20, 2, [4, 1], n=6, seed=52),
    train("train.sgd.momentum-short",
          "SGD with momentum 0.5 for 5 steps on a two-output MLP.", sgd(0.1, momentum=0.5), 5,
          2, [3, 2], n=4, seed=53),
    train("train.sgd.weight-decay", "SGD with weight decay 0.01 added to every gradient.",
          sgd(0.1, weight_decay=0.01), 15, 2, [4, 1], n=6, seed=54),
    train("train.sgd.momentum-weight-decay", "Momentum 0.8 and weight decay 0.05 together, "
          "25 steps.", sgd(0.05, momentum=0.8, weight_decay=0.05), 25, 3, [4, 1], n=5, seed=55),
    train("train.sgd.relu-sse", "relu hidden layer, sse loss, 10 steps.", sgd(0.01), 10,
          2, [5, 1], act="relu", loss="sse", n=6, seed=56),
    train("train.sgd.moons-hinge", "micrograd's demo on 20 moons points: MLP(2, [8, 8, 1]) relu, "
          "hinge + 1e-4 * l2, lr 0.1, 30 steps.", sgd(0.1), 30,
          2, [8, 8, 1], act="relu", loss="hinge", l2=1e-4, seed=1337, data=moons(20)),
    train("train.adam.default", "Adam with the default betas (0.9, 0.999), lr 0.01, 30 steps.",
          adam(0.01), 30, 2, [4, 1], n=6, seed=60),
    train("train.adam.fifty-steps",
          "Adam, lr 0.05, 50 steps: the bias correction fades as t grows.", adam(0.05), 50,
          2, [3, 1], n=5, seed=61),
    train("train.adam.custom-betas", "Adam with betas (0.8, 0.99) and eps 1e-6.",
          adam(0.02, beta1=0.8, beta2=0.99, eps=1e-6), 20, 3, [4, 1], n=5, seed=62),
    train("train.adam.weight-decay", "Adam with weight decay 0.01 (added to the gradient, "
          "torch's Adam, not AdamW).", adam(0.01, weight_decay=0.01), 20,
          2, [4, 1], n=6, seed=63),
    train("train.adam.multi-output", "Adam on a two-output MLP, mse over N*K.", adam(0.01), 15,
          3, [4, 2], n=5, seed=64),
    train("train.adam.sigmoid-sse", "Adam, sigmoid output, sse, 10 steps.", adam(0.05), 10,
          2, [3, 1], out_act="sigmoid", loss="sse", n=5, seed=65),
    train("train.adam.l2", "Adam on mse + 0.01 * l2.", adam(0.01), 12,
          2, [4, 1], l2=0.01, n=6, seed=66),
]  # fmt: skip

# ---------------------------------------------------------------- init


def init(id: str, description: str, seed: int, nin: int, nouts: list[int],
         act: str = "tanh", out_act: str = "linear") -> dict:  # fmt: skip
    model = {"nin": nin, "nouts": nouts, "activation": act, "output_activation": out_act}
    case = {"id": id, "kind": "init", "description": description, "model": model,
            "seed": str(seed)}  # fmt: skip
    return {"case": case}


INIT = [
    init("init.seed.zero", "Seed 0, one neuron of 3 inputs: 3 weights then the bias 0.",
         0, 3, [1]),
    init("init.seed.one",
         "Seed 1, MLP(2, [3, 1]): 9 weights drawn in canonical order, 4 biases of 0.",
         1, 2, [3, 1]),
    init("init.seed.42", "Seed 42, the lecture's MLP(3, [4, 4, 1]).", 42, 3, [4, 4, 1]),
    init("init.seed.1337-moons", "Seed 1337, micrograd's demo MLP(2, [16, 16, 1]): 337 "
         "parameters drawn in canonical order.", 1337, 2, [16, 16, 1], act="relu"),
    init("init.seed.2-pow-32", "Seed 2^32: just past what a 32-bit integer holds.", 2**32, 2, [2]),
    init("init.seed.2-pow-53-minus-1", "Seed 2^53 - 1, the largest integer a double holds "
         "exactly.", 2**53 - 1, 2, [2]),
    init("init.seed.2-pow-53", "Seed 2^53: past this, seeds need 64-bit integers.",
         2**53, 2, [2]),
    init("init.seed.2-pow-53-plus-1", "Seed 2^53 + 1: a double would round it to 2^53.",
         2**53 + 1, 2, [2]),
    init("init.seed.2-pow-63", "Seed 2^63 (the sign bit of a signed 64-bit integer).",
         2**63, 2, [3]),
    init("init.seed.large",
         "Seed 12345678901234567890: above 2^63, so it needs an unsigned 64-bit integer.",
         12345678901234567890, 3, [2, 1]),
    init("init.seed.max-minus-one",
         "Seed 2^64 - 2, one below the largest seed.", 2**64 - 2, 2, [2]),
    init("init.seed.max", "Seed 2^64 - 1, the largest: state + gamma wraps around at once.",
         2**64 - 1, 2, [2, 2]),
    init("init.shape.width-one-hidden", "Seed 7, MLP(4, [1, 1]): the draw order crosses "
         "layers.", 7, 4, [1, 1]),
    init("init.shape.multi-output",
         "Seed 9, MLP(3, [5, 4, 2]): activations do not change the draws.", 9, 3, [5, 4, 2],
         act="sigmoid", out_act="tanh"),
]  # fmt: skip

# ---------------------------------------------------------------- reject
#
# A call that must fail: `call` says what is called with which arguments (SPEC §4.5),
# `error` the class of error and `words` what its message must contain (a string, or a
# list of alternatives of which one must appear, ignoring case). These are the goldens,
# written by hand from SPEC §2 and §4.5; the generator runs each call through the Python
# reference and fails unless it raises that class with those words.

# How each language names the JSON kinds when it says what it got.
STR = "str"  # Python str, JavaScript string, Julia String, Rust &str / string
NULL = ["none", "null", "nothing"]  # NoneType, null, Nothing
BOOL = "bool"  # bool, boolean, Bool
LIST = ["list", "array", "vector", "vec"]
DICT = ["dict", "object", "map"]
INT = ["int", "number"]  # Python int, Julia Int64, JavaScript / Rust: a number
FLOAT = ["float", "number", "f64"]  # Python float, Julia Float64, JavaScript number
NOT_INTEGER = ["float", "2.5"]  # 2.5 where an integer is needed: float, Float64, "got 2.5"


def V(x: float) -> dict:
    """A Value argument."""
    return {"$value": x}


def reject(id: str, description: str, call: dict, error: str, *words: Any) -> dict:
    return {
        "case": {"id": id, "kind": "reject", "description": description, "call": call},
        "reject": {"error": error, "words": list(words)},
    }


def op(o: str, operand: Any) -> dict:
    return {"api": "op", "op": o, "operand": operand}


def mlp_call(nin: Any, nouts: Any, **kw: Any) -> dict:
    return {"api": "mlp", "nin": nin, "nouts": nouts, **kw}


def model_call(module: dict, x: Any) -> dict:
    return {"api": "call", "module": module, "input": x}


# fmt: off
M21 = {"api": "mlp", "nin": 2, "nouts": [1]}
PARAMS = [V(0.5), V(-0.5)]
REJECT_VALUES = [
    reject("reject.value.string", "Value(\"2\"): a string is not a number, even one "
           "that reads as one.",
           {"api": "value", "data": "2"}, "type", STR),
    reject("reject.value.null", "Value(None / null / nothing).", {"api": "value", "data": None},
           "type", NULL),
    reject("reject.value.list", "Value([1.0]): a list is not a number.",
           {"api": "value", "data": [1.0]}, "type", LIST),
    reject("reject.value.object", "Value({}): an object is not a number.",
           {"api": "value", "data": {}}, "type", DICT),
    reject("reject.value.value", "Value(Value(2)): a Value does not wrap another Value.",
           {"api": "value", "data": V(2.0)}, "type", "value"),
    reject("reject.value.bool", "Value(true): a bool is not a number, though Python and Julia "
           "count it as an integer (both used to give Value(1.0)).",
           {"api": "value", "data": True}, "type", BOOL),
    reject("reject.value.false", "Value(false): not 0.0 either.", {"api": "value", "data": False},
           "type", BOOL),
]
REJECT_OPS = [
    reject("reject.op.add-string", "Value(2) + \"1\": a string operand.", op("add", "1"),
           "type", STR),
    reject("reject.op.sub-string", "Value(2) - \"1\": a type error naming str.",
           op("sub", "1"), "type", STR),
    reject("reject.op.div-string", "Value(2) / \"1\": a type error naming str.",
           op("div", "1"), "type", STR),
    reject("reject.op.add-null", "Value(2) + null: a type error naming null.",
           op("add", None), "type", NULL),
    reject("reject.op.mul-null", "Value(2) * null: a type error naming null.",
           op("mul", None), "type", NULL),
    reject("reject.op.add-list", "Value(2) + [1]: no broadcasting over lists.",
           op("add", [1.0]), "type", LIST),
    reject("reject.op.mul-object", "Value(2) * {}: a type error naming the object.",
           op("mul", {}), "type", DICT),
    reject("reject.op.pow-value", "Value(2) ** Value(3): SPEC §2.1, the exponent is a plain "
           "number, a Value exponent is a type error.", op("pow", V(3.0)), "type", "value"),
    reject("reject.op.pow-string", "Value(2) ** \"2\": the exponent is a number.",
           op("pow", "2"), "type", STR),
    reject("reject.op.pow-null", "Value(2) ** null: the exponent is a number.",
           op("pow", None), "type", NULL),
    reject("reject.op.pow-list", "Value(2) ** [2]: one exponent, not a list.",
           op("pow", [2.0]), "type", LIST),
    reject("reject.op.mul-string", "Value(2) * \"ab\": the message names str (Python used to "
           "let str answer, \"can't multiply sequence by non-int of type 'Value'\").",
           op("mul", "ab"), "type", STR),
    reject("reject.op.mul-list", "Value(2) * [1]: no repeating a list, no broadcasting; names "
           "the list.", op("mul", [1.0]), "type", LIST),
    reject("reject.op.sub-list", "Value(2) - [1]: a type error naming the list.",
           op("sub", [1.0]), "type", LIST),
    reject("reject.op.div-list", "Value(2) / [1]: a type error naming the list.",
           op("div", [1.0]), "type", LIST),
    reject("reject.op.sub-null", "Value(2) - null: a type error naming null.",
           op("sub", None), "type", NULL),
    reject("reject.op.div-null", "Value(2) / null: a type error naming null.",
           op("div", None), "type", NULL),
    reject("reject.op.add-bool", "Value(2) + true: a bool is not a number operand either "
           "(SPEC §2.1).", op("add", True), "type", BOOL),
    reject("reject.op.sub-false", "Value(2) - false: not a 0 either.", op("sub", False),
           "type", BOOL),
    reject("reject.op.mul-bool", "Value(2) * true: not a mask, a type error.", op("mul", True),
           "type", BOOL),
    reject("reject.op.div-bool", "Value(2) / true: not a 1 either.", op("div", True),
           "type", BOOL),
    reject("reject.op.pow-bool", "Value(2) ** true: the exponent is a number, not a bool.",
           op("pow", True), "type", BOOL),
]
REJECT_MODULES = [
    reject("reject.neuron.nin-zero", "Neuron(0): a neuron needs at least one input.",
           {"api": "neuron", "nin": 0}, "value", "nin", "0"),
    reject("reject.neuron.nin-negative", "Neuron(-1): a negative size.",
           {"api": "neuron", "nin": -1},
           "value", "-1"),
    reject("reject.neuron.nin-float", "Neuron(2.5): sizes are integers.",
           {"api": "neuron", "nin": 2.5}, "type", NOT_INTEGER),
    reject("reject.neuron.nin-string", "Neuron(\"2\"): a size is an integer, not a string.",
           {"api": "neuron", "nin": "2"},
           "type", STR),
    reject("reject.neuron.nin-null", "Neuron(null): a size is required.",
           {"api": "neuron", "nin": None},
           "type", NULL),
    reject("reject.neuron.nin-bool", "Neuron(true): a bool is not a size, though some "
           "languages count it as an integer.", {"api": "neuron", "nin": True}, "type", BOOL),
    reject("reject.neuron.activation-unknown", "Neuron(2, \"bogus\"): activations are tanh, "
           "relu, sigmoid, linear; the message names the bad one.",
           {"api": "neuron", "nin": 2, "activation": "bogus"}, "value", "bogus"),
    reject("reject.neuron.activation-number", "Neuron(2, 1): an activation is a name.",
           {"api": "neuron", "nin": 2, "activation": 1}, "type", INT),
    reject("reject.neuron.activation-null", "Neuron(2, null): an activation is a name.",
           {"api": "neuron", "nin": 2, "activation": None}, "type", NULL),
    reject("reject.layer.nout-zero", "Layer(2, 0): a layer needs at least one neuron.",
           {"api": "layer", "nin": 2, "nout": 0}, "value", "nout", "0"),
    reject("reject.layer.nout-negative", "Layer(2, -3): a negative number of neurons.",
           {"api": "layer", "nin": 2, "nout": -3},
           "value", "-3"),
    reject("reject.layer.nin-zero", "Layer(0, 2): neurons need at least one input.",
           {"api": "layer", "nin": 0, "nout": 2},
           "value", "nin", "0"),
    reject("reject.layer.nout-string", "Layer(2, \"2\"): a size is an integer, not a string.",
           {"api": "layer", "nin": 2, "nout": "2"}, "type", STR),
    reject("reject.layer.nout-bool", "Layer(2, true): a bool is not a size.",
           {"api": "layer", "nin": 2, "nout": True}, "type", BOOL),
    reject("reject.layer.activation-case", "Layer(2, 2, \"Tanh\"): names are lower case.",
           {"api": "layer", "nin": 2, "nout": 2, "activation": "Tanh"}, "value", "Tanh"),
    reject("reject.mlp.nouts-empty", "MLP(2, []): at least one layer.", mlp_call(2, []),
           "value", "empty"),
    reject("reject.mlp.nout-zero", "MLP(2, [2, 0]): every layer needs a neuron.",
           mlp_call(2, [2, 0]), "value", "nout", "0"),
    reject("reject.mlp.nout-negative", "MLP(2, [2, -1]): a negative layer size.",
           mlp_call(2, [2, -1]), "value", "-1"),
    reject("reject.mlp.nin-zero", "MLP(0, [1]): the model needs at least one input.",
           mlp_call(0, [1]), "value", "nin", "0"),
    reject("reject.mlp.nouts-number", "MLP(2, 3): the layer sizes are a list, even for one "
           "layer.", mlp_call(2, 3), "type", INT),
    reject("reject.mlp.nouts-string", "MLP(2, \"12\"): a string is not a list of sizes.",
           mlp_call(2, "12"), "type", STR),
    reject("reject.mlp.nouts-null", "MLP(2, null): the layer sizes are a list.",
           mlp_call(2, None), "type", NULL),
    reject("reject.mlp.nout-float", "MLP(2, [2.5]): layer sizes are integers.",
           mlp_call(2, [2.5]), "type", NOT_INTEGER),
    reject("reject.mlp.nout-null", "MLP(2, [null]): layer sizes are integers.",
           mlp_call(2, [None]), "type", NULL),
    reject("reject.mlp.nout-bool", "MLP(2, [true]): a bool is not a layer size.",
           mlp_call(2, [True]), "type", BOOL),
    reject("reject.mlp.nin-bool", "MLP(true, [1]): a bool is not an input size.",
           mlp_call(True, [1]), "type", BOOL),
    reject("reject.mlp.activation-unknown", "MLP(2, [3, 1], activation=\"gelu\").",
           mlp_call(2, [3, 1], activation="gelu"), "value", "gelu"),
    reject("reject.mlp.output-activation-unknown", "MLP(2, [1], output_activation=\"softmax\").",
           mlp_call(2, [1], output_activation="softmax"), "value", "softmax"),
    reject("reject.mlp.unused-activation-unknown", "MLP(2, [1], activation=\"gelu\"): no hidden "
           "layer uses it, but a typo is still a typo.", mlp_call(2, [1], activation="gelu"),
           "value", "gelu"),
    reject("reject.mlp.activation-list", "MLP(2, [1], output_activation=[\"tanh\"]).",
           mlp_call(2, [1], output_activation=["tanh"]), "type", LIST),
]
REJECT_SEEDS = [
    reject("reject.seed.negative", "MLP(2, [1], seed=-1): seeds are 0 .. 2^64 - 1.",
           mlp_call(2, [1], seed=-1), "value", "seed", "-1"),
    reject("reject.seed.2-pow-64", "MLP(2, [1], seed=2^64): one past the largest seed.",
           mlp_call(2, [1], seed={"$int": str(2**64)}), "value", "seed", str(2**64)),
    reject("reject.seed.2-pow-65", "MLP(2, [1], seed=2^65).",
           mlp_call(2, [1], seed={"$int": str(2**65)}), "value", "seed"),
    reject("reject.seed.float", "MLP(2, [1], seed=2.5): a seed is an integer.",
           mlp_call(2, [1], seed=2.5), "type", NOT_INTEGER),
    reject("reject.seed.nan", "MLP(2, [1], seed=NaN).", mlp_call(2, [1], seed={"$num": "nan"}),
           "type", ["float", "nan"]),
    reject("reject.seed.string", "MLP(2, [1], seed=\"1\"): seeds travel as strings in case "
           "files, but the API takes integers.", mlp_call(2, [1], seed="1"), "type", STR),
    reject("reject.seed.bool", "MLP(2, [1], seed=true).", mlp_call(2, [1], seed=True),
           "type", BOOL),
]
REJECT_CALLS = [
    reject("reject.call.mlp-null", "MLP(2, [1])(None): the message names what it got (it "
           "used to say \"object of type 'NoneType' has no len()\").", model_call(M21, None),
           "type", NULL),
    reject("reject.call.mlp-strings", "MLP(2, [1])([\"a\", \"b\"]): inputs are numbers or "
           "Values (it used to say \"can't multiply sequence by non-int of type 'Value'\").",
           model_call(M21, ["a", "b"]), "type", STR),
    reject("reject.call.mlp-string", "MLP(2, [1])(\"ab\"): a string of length 2 is not two "
           "inputs.", model_call(M21, "ab"), "type", STR),
    reject("reject.call.mlp-number", "MLP(2, [1])(3.0): one number is not a list.",
           model_call(M21, 3.0), "type", FLOAT),
    reject("reject.call.mlp-object", "MLP(2, [1])({\"x\": 1}).", model_call(M21, {"x": 1.0}),
           "type", DICT),
    reject("reject.call.mlp-null-element", "MLP(2, [1])([1, null]).",
           model_call(M21, [1.0, None]), "type", NULL),
    reject("reject.call.mlp-nested", "MLP(2, [1])([[1], [2]]): rows are not flattened.",
           model_call(M21, [[1.0], [2.0]]), "type", LIST),
    reject("reject.call.mlp-value-and-string", "MLP(2, [1])([Value(1), \"a\"]).",
           model_call(M21, [V(1.0), "a"]), "type", STR),
    reject("reject.call.mlp-too-few", "MLP(2, [1])([1]): the message names both lengths.",
           model_call(M21, [1.0]), "value", "2", "1"),
    reject("reject.call.mlp-too-many", "MLP(2, [1])([1, 2, 3]).", model_call(M21, [1.0, 2.0, 3.0]),
           "value", "2", "3"),
    reject("reject.call.mlp-empty", "MLP(2, [1])([]): no inputs; names 2 and 0.",
           model_call(M21, []), "value", "2", "0"),
    reject("reject.call.mlp-deep-too-few", "MLP(3, [4, 4, 1])([1, 2]): checked before the "
           "first layer.", model_call(mlp_call(3, [4, 4, 1]), [1.0, 2.0]), "value", "3", "2"),
    reject("reject.call.neuron-too-few", "Neuron(3)([1, 2]): names both lengths.",
           model_call({"api": "neuron", "nin": 3}, [1.0, 2.0]), "value", "3", "2"),
    reject("reject.call.neuron-null", "Neuron(3)(null): names what it got.",
           model_call({"api": "neuron", "nin": 3}, None), "type", NULL),
    reject("reject.call.neuron-strings", "Neuron(2)([\"a\", \"b\"]).",
           model_call({"api": "neuron", "nin": 2}, ["a", "b"]), "type", STR),
    reject("reject.call.layer-too-few", "Layer(2, 3)([1]): names both lengths.",
           model_call({"api": "layer", "nin": 2, "nout": 3}, [1.0]), "value", "2", "1"),
    reject("reject.call.layer-null", "Layer(2, 3)(null): names what it got.",
           model_call({"api": "layer", "nin": 2, "nout": 3}, None), "type", NULL),
    reject("reject.call.layer-null-element", "Layer(2, 3)([null, 1]).",
           model_call({"api": "layer", "nin": 2, "nout": 3}, [None, 1.0]), "type", NULL),
    reject("reject.call.mlp-bool", "MLP(2, [1])([true, 1]): inputs are numbers, and a bool is "
           "not one (Python and Julia used to read it as 1.0).",
           model_call(M21, [True, 1.0]), "type", BOOL),
]
REJECT_OPTIMIZERS = [
    reject("reject.sgd.empty", "SGD([], lr=0.1): SPEC §2.6, no parameters is an error.",
           {"api": "sgd", "params": [], "lr": 0.1}, "value", "empty"),
    reject("reject.sgd.numbers", "SGD([0.5, -0.5], lr=0.1): parameters are Values.",
           {"api": "sgd", "params": [0.5, -0.5], "lr": 0.1}, "type", FLOAT),
    reject("reject.sgd.lr-negative", "SGD(params, lr=-0.1).",
           {"api": "sgd", "params": PARAMS, "lr": -0.1}, "value", "lr", "-0.1"),
    reject("reject.sgd.lr-nan", "SGD(params, lr=NaN): NaN is not >= 0.",
           {"api": "sgd", "params": PARAMS, "lr": {"$num": "nan"}}, "value", "lr", "nan"),
    reject("reject.sgd.lr-string", "SGD(params, lr=\"0.1\").",
           {"api": "sgd", "params": PARAMS, "lr": "0.1"}, "type", STR),
    reject("reject.sgd.lr-null", "SGD(params, lr=null).",
           {"api": "sgd", "params": PARAMS, "lr": None}, "type", NULL),
    reject("reject.sgd.lr-bool", "SGD(params, lr=true): a bool is not a learning rate.",
           {"api": "sgd", "params": PARAMS, "lr": True}, "type", BOOL),
    reject("reject.sgd.momentum-false", "SGD(params, lr=0.1, momentum=false): not 0 either.",
           {"api": "sgd", "params": PARAMS, "lr": 0.1, "momentum": False}, "type", BOOL),
    reject("reject.sgd.momentum-negative", "SGD(params, lr=0.1, momentum=-0.9).",
           {"api": "sgd", "params": PARAMS, "lr": 0.1, "momentum": -0.9}, "value", "momentum"),
    reject("reject.sgd.weight-decay-negative", "SGD(params, lr=0.1, weight_decay=-1).",
           {"api": "sgd", "params": PARAMS, "lr": 0.1, "weight_decay": -1.0}, "value",
           ["weight_decay", "weightdecay"]),
    reject("reject.adam.empty", "Adam([]): SPEC §2.6, no parameters is an error.",
           {"api": "adam", "params": []}, "value", "empty"),
    reject("reject.adam.lr-negative", "Adam(params, lr=-1).",
           {"api": "adam", "params": PARAMS, "lr": -1.0}, "value", "lr"),
    reject("reject.adam.beta1-one", "Adam(params, betas=(1, 0.999)): betas are in [0, 1).",
           {"api": "adam", "params": PARAMS, "beta1": 1.0}, "value", "beta1", "[0, 1)"),
    reject("reject.adam.beta2-negative", "Adam(params, betas=(0.9, -0.1)).",
           {"api": "adam", "params": PARAMS, "beta2": -0.1}, "value", "beta2"),
    reject("reject.adam.eps-negative", "Adam(params, eps=-1e-8).",
           {"api": "adam", "params": PARAMS, "eps": -1e-8}, "value", "eps"),
    reject("reject.adam.weight-decay-negative", "Adam(params, weight_decay=-0.5).",
           {"api": "adam", "params": PARAMS, "weight_decay": -0.5}, "value",
           ["weight_decay", "weightdecay"]),
    reject("reject.adam.beta1-string", "Adam(params, betas=(\"0.9\", 0.999)).",
           {"api": "adam", "params": PARAMS, "beta1": "0.9"}, "type", STR),
    reject("reject.adam.beta1-false", "Adam(params, betas=(false, 0.999)): a bool is not a "
           "beta (Python, Julia and rust-py used to read it as 0.0).",
           {"api": "adam", "params": PARAMS, "beta1": False}, "type", BOOL),
    reject("reject.adam.beta2-bool", "Adam(params, betas=(0.9, true)): a type error, not a "
           "range error about 1.", {"api": "adam", "params": PARAMS, "beta2": True}, "type", BOOL),
    reject("reject.adam.beta1-null", "Adam(params, betas=(null, 0.999)): a beta is a number.",
           {"api": "adam", "params": PARAMS, "beta1": None}, "type", NULL),
    reject("reject.adam.eps-false", "Adam(params, eps=false).",
           {"api": "adam", "params": PARAMS, "eps": False}, "type", BOOL),
    reject("reject.adam.lr-null", "Adam(params, lr=None): an argument given as null is not "
           "left out (rust-py used to take the default).",
           {"api": "adam", "params": PARAMS, "lr": None}, "type", NULL),
    reject("reject.sgd.weight-decay-null", "SGD(params, lr=0.1, weight_decay=None).",
           {"api": "sgd", "params": PARAMS, "lr": 0.1, "weight_decay": None}, "type", NULL),
    reject("reject.adam.betas-one", "Adam(params, betas=(0.9,)): betas are a pair; the message "
           "names both lengths (Python used to accept it, and fail at the first step).",
           {"api": "adam", "params": PARAMS, "betas": [0.9]}, "value", "betas", "2", "1"),
    reject("reject.adam.betas-three", "Adam(params, betas=(0.9, 0.999, 0.5)).",
           {"api": "adam", "params": PARAMS, "betas": [0.9, 0.999, 0.5]}, "value", "betas", "2",
           "3"),
    reject("reject.adam.betas-empty", "Adam(params, betas=()).",
           {"api": "adam", "params": PARAMS, "betas": []}, "value", "betas", "2", "0"),
    reject("reject.adam.betas-number", "Adam(params, betas=0.9): one number is not a pair.",
           {"api": "adam", "params": PARAMS, "betas": 0.9}, "type", FLOAT),
    reject("reject.adam.betas-string", "Adam(params, betas=\"ab\"): a string of length 2 is "
           "not a pair of numbers.", {"api": "adam", "params": PARAMS, "betas": "ab"}, "type",
           STR),
    reject("reject.adam.betas-null", "Adam(params, betas=null).",
           {"api": "adam", "params": PARAMS, "betas": None}, "type", NULL),
]
REJECT_LOSSES = [
    reject("reject.loss.mse-lengths", "mse_loss of 2 predictions and 3 targets: SPEC §2.5, "
           "the message names both lengths.",
           {"api": "loss", "name": "mse", "predictions": PARAMS, "targets": [1.0, 2.0, 3.0]},
           "value", "2", "3"),
    reject("reject.loss.sse-lengths", "sse_loss of 3 predictions and 2 targets.",
           {"api": "loss", "name": "sse", "predictions": [V(1.0), V(2.0), V(3.0)],
            "targets": [1.0, 2.0]}, "value", "3", "2"),
    reject("reject.loss.hinge-lengths", "hinge_loss of 1 prediction and 2 targets.",
           {"api": "loss", "name": "hinge", "predictions": [V(0.5)], "targets": [1.0, -1.0]},
           "value", "1", "2"),
    reject("reject.loss.mse-empty", "mse_loss([], []): SPEC §2.5, empty predictions.",
           {"api": "loss", "name": "mse", "predictions": [], "targets": []}, "value", "0"),
    reject("reject.loss.hinge-two-outputs", "hinge_loss takes one output per sample.",
           {"api": "loss", "name": "hinge", "predictions": [[V(0.5), V(0.5)]],
            "targets": [[1.0, -1.0]]}, "value", "hinge", "2"),
    reject("reject.loss.row-lengths", "mse_loss: a row of 2 outputs against a target of 1.",
           {"api": "loss", "name": "mse", "predictions": [[V(0.5), V(0.5)]], "targets": [[1.0]]},
           "value", "2", "1"),
    reject("reject.loss.target-string", "sse_loss([Value(1)], [\"a\"]): targets are numbers.",
           {"api": "loss", "name": "sse", "predictions": [V(1.0)], "targets": ["a"]},
           "type", STR),
    reject("reject.loss.target-bool", "sse_loss([Value(1)], [true]): a bool is not a target.",
           {"api": "loss", "name": "sse", "predictions": [V(1.0)], "targets": [True]},
           "type", BOOL),
    reject("reject.loss.predictions-null", "mse_loss(null, [1]).",
           {"api": "loss", "name": "mse", "predictions": None, "targets": [1.0]}, "type", NULL),
]
REJECT_MEMORY = [
    reject("reject.memory.mlp-million-squared", "MLP(10^6, [10^6]): 1,000,001,000,000 "
           "parameters are refused before anything is built, naming the count (it used to "
           "fill memory until the kernel killed the interpreter).",
           mlp_call(10**6, [10**6]), "memory", "1000001000000"),
    reject("reject.memory.mlp-2-pow-32", "MLP(2^16, [2^16]): 65537 * 65536 = 4,295,032,832 "
           "parameters, just past 2^32 - 1, the most SPEC §2.3 lets a port hold.",
           mlp_call(2**16, [2**16]), "memory", "4295032832"),
    reject("reject.memory.mlp-deep", "MLP(10, [10^6, 10^6, 1]): the count sums every layer.",
           mlp_call(10, [10**6, 10**6, 1]), "memory", "1000013000001"),
    reject("reject.memory.mlp-wide-input", "MLP(2^40, [1]): 2^40 + 1 parameters in one neuron.",
           mlp_call(2**40, [1]), "memory", str(2**40 + 1)),
]
REJECT = [*REJECT_VALUES, *REJECT_OPS, *REJECT_MODULES, *REJECT_SEEDS, *REJECT_CALLS,
          *REJECT_OPTIMIZERS, *REJECT_LOSSES, *REJECT_MEMORY]
# Bad calls the fuzzer's reject generator found ports disagreeing on (`nox -s fuzz -- --seed
# 2026 --budget 1500`), kept as it shrank them (a reject case is one call).
REGRESSION_FUZZ_REJECT = [
    reject("regression.fuzz-reject.neuron-string-input", "Neuron(4)(\"x\"): a string is not a "
           "list of inputs (rust-py took its length and said \"expects 4 inputs, got 1\").",
           model_call({"api": "neuron", "nin": 4}, "x"), "type", STR),
    reject("regression.fuzz-reject.neuron-object-input", "Neuron(2)({\"x\": 1}): a mapping is "
           "not a list of inputs (rust-py counted its keys).",
           model_call({"api": "neuron", "nin": 2}, {"x": 1.0}), "type", DICT),
    reject("regression.fuzz-reject.layer-empty-string-input", "Layer(4, 3)(\"\"): the empty "
           "string is not an empty list (rust-py: \"expects 4 inputs, got 0\").",
           model_call({"api": "layer", "nin": 4, "nout": 3}, ""), "type", STR),
    reject("regression.fuzz-reject.hinge-empty-string-target", "hinge_loss with a target \"\": "
           "a string is one bad target, not a row of characters (the reference and rust-py "
           "said \"target has 0\" outputs).",
           {"api": "loss", "name": "hinge", "predictions": [V(1.98), V(1.96)],
            "targets": ["", -1.0]}, "type", STR),
    reject("regression.fuzz-reject.mse-string-target", "mse_loss with a target \"ab\": a type "
           "error naming str (the reference said \"target has 2\" outputs).",
           {"api": "loss", "name": "mse", "predictions": [V(1.47), V(-1.63)],
            "targets": [0.49, "ab"]}, "type", STR),
    reject("regression.fuzz-reject.sse-bool-in-target-row", "sse_loss with true inside a row "
           "of targets: the message names the bool, not the row (JavaScript said \"got Array\").",
           {"api": "loss", "name": "sse", "predictions": [[V(-1.17), V(0.15)], [V(-1.11), V(0.92)]],
            "targets": [[-0.56, 0.51], [0.2, True]]}, "type", BOOL),
    reject("regression.fuzz-reject.sse-string-in-target-row", "sse_loss with \"\" inside a row "
           "of targets: the message names the str.",
           {"api": "loss", "name": "sse", "predictions": [[V(1.59), V(-1.35)]],
            "targets": [["", 0.76]]}, "type", STR),
    reject("regression.fuzz-reject.mlp-count-past-2-pow-53", "MLP(1000160175094, [755007]): "
           "755,127,933,317,950,665 parameters, named exactly (JavaScript counted in doubles "
           "and said 755127933317950700).",
           mlp_call(1000160175094, [755007]), "memory", "755127933317950665"),
    reject("regression.fuzz-reject.mse-number-predictions", "mse_loss(0.75, [...]): a number "
           "is not a list of predictions (Julia iterated it as one and said \"got 1 predictions "
           "but 3 targets\").", {"api": "loss", "name": "mse", "predictions": 0.75,
                                  "targets": [-0.71, -0.93, -0.04]}, "type", FLOAT),
    reject("regression.fuzz-reject.sse-number-targets", "sse_loss([Value], 0.75): nor is a number "
           "a list of targets (Julia took it as one target).",
           {"api": "loss", "name": "sse", "predictions": [V(0.5)], "targets": 0.75}, "type",
           FLOAT),
    reject("regression.fuzz-reject.mlp-object-nouts", "MLP(4, {\"x\": 1}): a mapping is not a "
           "list of layer sizes (rust-py iterated its keys: \"nout must be an int, got str\").",
           mlp_call(4, {"x": 1.0}), "type", DICT),
    reject("regression.fuzz-reject.mlp-empty-object-nouts", "MLP(3, {}): not an empty list "
           "either (rust-py: \"nouts is empty\").", mlp_call(3, {}), "type", DICT),
    reject("regression.fuzz-reject.mlp-empty-string-nouts", "MLP(3, \"\"): a type error naming "
           "str, not \"nouts is empty\".", mlp_call(3, ""), "type", STR),
]
# fmt: on

FILES = [
    ("expr/ops.json", "Every op at ordinary points, one op per case.", OPS),
    ("expr/edges.json", "Each op at the edges SPEC §2 pins: relu at 0, tanh far out, exp "
     "overflow, log at and below 0, pow with negative or zero bases, division by 0.", EDGES),
    ("expr/ieee.json", "NaN and infinities as inputs: every op follows IEEE 754 and the chain "
     "rule never masks (0 * inf = NaN).", IEEE),
    ("expr/graph.json", "Shared nodes (a + a, x * x, diamonds), unused inputs, micrograd's "
     "two test expressions and the lecture's neuron.", GRAPH),
    ("expr/backward.json", "backward() called 2 and 3 times: leaves accumulate, interior "
     "nodes hold one call's gradient.", BACKWARD),
    ("expr/deep.json", "Deep chains of 10,000+ ops and wide sums: no recursion anywhere.", DEEP),
    ("mlp/shapes.json", "MLPs of several shapes: forward outputs, loss and every parameter "
     "gradient.", MLP_SHAPES),
    ("mlp/activations.json", "Each activation in hidden and output layers.", MLP_ACTS),
    ("mlp/losses.json", "mse, sse and hinge losses, with and without the l2 penalty.",
     MLP_LOSSES),
    ("train/sgd.json", "Training runs with SGD: plain, momentum, weight decay.",
     [c for c in TRAIN if c["case"]["optimizer"]["name"] == "sgd"]),
    ("train/adam.json", "Training runs with Adam (torch.optim semantics).",
     [c for c in TRAIN if c["case"]["optimizer"]["name"] == "adam"]),
    ("init/seeds.json", "Seeded SplitMix64 init: bit-identical parameters in every port, "
     "for seeds up to 2^64 - 1 (written as decimal strings).", INIT),
    ("reject/values.json", "Value(data) and the ops with an operand that is not a number or a "
     "Value: a type error naming what was given.", REJECT_VALUES + REJECT_OPS),
    ("reject/modules.json", "Neuron, Layer and MLP constructors: bad sizes, layer lists, "
     "activations and seeds.", REJECT_MODULES + REJECT_SEEDS),
    ("reject/calls.json", "A module called on something that is not a list of numbers or "
     "Values, or on the wrong number of inputs.", REJECT_CALLS),
    ("reject/training.json", "Optimizers and losses with arguments SPEC §2.5 and §2.6 "
     "refuse.", REJECT_OPTIMIZERS + REJECT_LOSSES),
    ("reject/memory.json", "Models whose parameter count cannot fit are refused before "
     "anything is built, with a memory error naming the count.", REJECT_MEMORY),
    ("regression/fuzz-reject.json", "Bad calls the differential fuzzer found a port refusing "
     "differently from the SPEC (fuzz/README.md).", REGRESSION_FUZZ_REJECT),
]  # fmt: skip
