"""Shrink a disagreeing case to the smallest one that still disagrees.

Greedy delta debugging over the case format: each round proposes every
one-step simplification (drop an op and let its users read one of its
arguments instead, cut the program at an earlier output, drop dead ops and
unused inputs, call backward once, make a number simpler; for models: fewer
samples, fewer steps, no L2; a reject case is one call and stays as it is),
asks the oracle which of them still disagree, all in one batch (one adapter
process per round), and keeps the smallest. It stops when no proposal still
disagrees. The oracle decides what "disagrees" means, so the shrinker can be
tested with a planted bug.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
from collections.abc import Callable, Iterator

# cases -> for each, True when it still disagrees (an invalid candidate: False)
Oracle = Callable[[list[dict]], list[bool]]

SIMPLE_NUMBERS = (0, 1, 2, -1, 0.5, 3, -2)


def size(case: dict) -> tuple:
    """What the shrinker minimises, most important first."""
    if case["kind"] == "expr":
        numbers = [*case["inputs"].values(), *(a for op in case["ops"] for a in op[2:])]
        return (
            len(case["ops"]),
            len(case["inputs"]),
            case.get("backward_calls", 1),
            sum(_complexity(x) for x in numbers if not _is_name(x, case)),
        )
    if case["kind"] == "init":
        return (len(case["model"]["nouts"]), sum(case["model"]["nouts"]), len(case["seed"]))
    if case["kind"] == "reject":  # one call, kept as it is: its length is its size
        return (len(json.dumps(case["call"])),)
    values = [*case["parameters"], *(x for row in case["inputs"] for x in row)]
    return (
        len(case["parameters"]),
        len(case["inputs"]),
        case.get("steps", 0),
        len(case["loss"]) + len(case.get("optimizer", {})),
        sum(_complexity(x) for x in values),
    )


def _is_name(x: object, case: dict) -> bool:
    return isinstance(x, str) and x not in ("nan", "inf", "-inf")


def _complexity(x: object) -> int:
    """How long a number takes to read: 0 is simplest, then 1, then short integers."""
    if isinstance(x, str):
        return 3
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        x = int(x)
    if x == 0:
        return 0
    if x == 1:
        return 1
    return 1 + len(repr(x))


def shrink(case: dict, oracle: Oracle, max_rounds: int = 200, log=None) -> dict:
    """The smallest variant of `case` the oracle still calls a disagreement."""
    current = case
    for rnd in range(max_rounds):
        here = size(current)
        candidates = sorted((c for c in proposals(current) if size(c) < here), key=size)
        if not candidates:
            break
        for j, c in enumerate(candidates):
            c["id"] = f"{case['id']}.r{rnd}c{j}"
        verdicts = oracle(candidates)
        better = [c for c, bad in zip(candidates, verdicts, strict=True) if bad]
        if not better:
            break
        current = better[0]
        if log:
            log(f"  shrink round {rnd}: size {size(current)}")
    current = copy.deepcopy(current)
    current["id"] = case["id"]
    return current


def proposals(case: dict) -> Iterator[dict]:
    if case["kind"] == "expr":
        yield from _expr_proposals(case)
    elif case["kind"] in ("mlp", "train"):
        yield from _model_proposals(case)


# ---------------------------------------------------------------- programs


def _expr_proposals(case: dict) -> Iterator[dict]:
    ops = case["ops"]
    defined_at = {op[0]: i for i, op in enumerate(ops)}
    # Cut the program at an earlier output (an input or any result).
    for name in [*case["inputs"], *defined_at]:
        if name == case["output"]:
            continue
        c = _copy(case)
        c["ops"] = ops[: defined_at.get(name, -1) + 1]
        c["output"] = name
        yield c
    # Drop everything the output does not read.
    live = _live(case)
    if len(live) < len(ops):
        c = _copy(case)
        c["ops"] = [op for op in ops if op[0] in live]
        yield c
    # Drop one op; its users read one of its name arguments instead.
    for i, op in enumerate(ops):
        if op[0] == case["output"]:
            continue
        for sub in dict.fromkeys(a for a in _args(op) if isinstance(a, str)):
            c = _copy(case)
            c["ops"] = [_rename(o, op[0], sub) for j, o in enumerate(ops) if j != i]
            yield c
    # Freeze a result: it becomes an input holding the value it had, so whatever
    # made it can go (relu(exp(-x)) at x = inf → relu(v) at v = 0).
    values = _forward(case)
    for i, op in enumerate(ops):
        if op[0] == case["output"] or op[0] not in values:
            continue
        c = _copy(case)
        c["inputs"][op[0]] = values[op[0]]
        del c["ops"][i]
        yield c
    # Drop inputs nothing reads.
    read = {a for op in ops for a in _args(op) if isinstance(a, str)} | {case["output"]}
    unused = [n for n in case["inputs"] if n not in read]
    if unused:
        c = _copy(case)
        c["inputs"] = {n: v for n, v in case["inputs"].items() if n in read}
        yield c
    if case.get("backward_calls", 1) > 1:
        c = _copy(case)
        del c["backward_calls"]
        yield c
    # Simpler numbers: inputs, constants, exponents.
    for name, v in case["inputs"].items():
        for s in _simpler(v):
            c = _copy(case)
            c["inputs"][name] = float(s)
            yield c
    for i, op in enumerate(ops):
        for k in range(2, len(op)):
            if isinstance(op[k], str):
                continue
            for s in _simpler(op[k]):
                c = _copy(case)
                c["ops"][i][k] = s
                yield c


def _forward(case: dict) -> dict:
    from . import reference  # the shrinker itself needs no engine; this one move does

    try:
        return reference.forward_values(case)
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        return {}


def _args(op: list) -> list:
    return op[2:3] if op[1] == "pow" else op[2:]


def _rename(op: list, old: str, new: str) -> list:
    out = list(op)
    for k in range(2, 3 if op[1] == "pow" else len(op)):
        if out[k] == old:
            out[k] = new
    return out


def _live(case: dict) -> set[str]:
    """Results the output depends on (walking the straight-line program backwards)."""
    need = {case["output"]}
    for op in reversed(case["ops"]):
        if op[0] in need:
            need.update(a for a in _args(op) if isinstance(a, str))
    return {op[0] for op in case["ops"] if op[0] in need}


def _simpler(x: object) -> Iterator[float | int | str]:
    """Numbers a human reads faster than `x`, nearest in spirit first."""
    if isinstance(x, str):  # nan / inf: a finite number is simpler, if it still disagrees
        yield from SIMPLE_NUMBERS
        return
    x = float(x)  # type: ignore[arg-type]
    seen = set()
    options: list[float | int] = []
    if math.isfinite(x):
        for digits in (0, 1, 2, 3):
            options.append(round(x, digits))
    options.extend(SIMPLE_NUMBERS)
    for s in options:
        if s == 0 and math.copysign(1, s) != math.copysign(1, x) and x == 0:
            continue
        if isinstance(s, float) and s.is_integer():
            s = int(s)
        if s in seen or _complexity(s) >= _complexity(x):
            continue
        seen.add(s)
        yield s


# ---------------------------------------------------------------- models


def _model_proposals(case: dict) -> Iterator[dict]:
    yield from _narrower_models(case)
    n = len(case["inputs"])
    for i in range(n) if n > 1 else ():
        c = _copy(case)
        del c["inputs"][i]
        del c["targets"][i]
        yield c
    steps = case.get("steps", 0)
    for s in sorted({1, steps // 2, steps - 1}):
        if 1 <= s < steps:
            c = _copy(case)
            c["steps"] = s
            yield c
    if "l2" in case["loss"]:
        c = _copy(case)
        del c["loss"]["l2"]
        yield c
    for key in ("momentum", "weight_decay"):
        if key in case.get("optimizer", {}):
            c = _copy(case)
            del c["optimizer"][key]
            yield c
    for i, v in enumerate(case["parameters"]):
        for s in _simpler(v):
            c = _copy(case)
            c["parameters"][i] = s
            yield c
            break  # one proposal per number keeps rounds small


def _layers(case: dict) -> list[list[list]]:
    """The flat canonical parameters as layers of neurons of [w_0 … w_{nin-1}, b]."""
    sizes = [case["model"]["nin"], *case["model"]["nouts"]]
    flat, out, k = case["parameters"], [], 0
    for nin, nout in itertools.pairwise(sizes):
        out.append([flat[k + j * (nin + 1) : k + (j + 1) * (nin + 1)] for j in range(nout)])
        k += nout * (nin + 1)
    return out


def _narrower_models(case: dict) -> Iterator[dict]:
    """One input fewer, or one neuron fewer in a layer: the weights that read it go too."""
    layers = _layers(case)
    if case["model"]["nin"] > 1:
        c = _copy(case)
        c["model"]["nin"] -= 1
        c["inputs"] = [row[:-1] for row in case["inputs"]]
        c["parameters"] = [p for n in layers[0] for p in [*n[:-2], n[-1]]]
        c["parameters"] += [p for layer in layers[1:] for n in layer for p in n]
        yield c
    for i, width in enumerate(case["model"]["nouts"]):
        if width == 1:
            continue
        c = _copy(case)
        c["model"]["nouts"][i] -= 1
        new = [list(layer) for layer in layers]
        new[i] = new[i][:-1]  # the last neuron of layer i
        if i + 1 < len(new):  # and the weight each neuron of the next layer gave it
            new[i + 1] = [[*n[:-2], n[-1]] for n in new[i + 1]]
        else:  # the last layer: one output fewer
            c["targets"] = [row[:-1] for row in case["targets"]]
        c["parameters"] = [p for layer in new for n in layer for p in n]
        yield c


def _copy(case: dict) -> dict:
    c = copy.deepcopy(case)
    c.pop("expected", None)
    c.pop("tolerance", None)
    return c
