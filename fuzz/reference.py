"""Expectations for fuzz cases from the Python reference, with honest tolerances.

Ports use different math libraries (glibc, V8's fdlibm, Julia's own): tanh,
exp, log and pow may differ in the last bit, and a random program can amplify
one bit (cancellation, division by a tiny difference). A fuzz that reports
those as disagreements would only cry wolf. So each case is also evaluated a
few times under a *simulated other libm*: the reference with tanh/exp/log/pow
nudged by 1-2 ulps, deterministically per (function, argument), the way a real
second library would. The spread of those runs widens the case's tolerance;
a case whose outcome changes class (finite ↔ inf ↔ NaN), or that would need
an rtol or atol above 1e-6 (one tolerance covers all its values), is
ill-conditioned and is dropped: no port could be blamed for disagreeing on it.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import struct
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import rosettagrad
import rosettagrad.conformance
import rosettagrad.engine
import rosettagrad.optim

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "conformance"))
import harness

# Default tolerances of DESIGN §4.
DEFAULT_TOLERANCE = {
    "expr": (1e-12, 1e-12),
    "mlp": (1e-10, 1e-12),
    "train": (1e-8, 1e-10),
    "init": (0.0, 0.0),
    "reject": (0.0, 0.0),
}
SAFETY = 16.0  # allowed error = SAFETY times the spread of the simulated libms
MAX_WIDENING = 1e-6  # largest rtol or atol a case may get; beyond it, ill-conditioned
LIBMS = 3  # simulated other libraries per case


def num(x: object) -> float:
    """A case-file number: a JSON number or "nan" / "inf" / "-inf"."""
    if isinstance(x, str):
        return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[x]
    return float(x)  # type: ignore[arg-type]


def enc(x: float) -> float | str:
    """A float as the case format writes it."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


# --- evaluation with the reference's public API -----------------------------


def evaluate(case: dict, rg: ModuleType = rosettagrad) -> dict:
    """The `actual` an adapter would answer for `case` (DESIGN §4)."""
    return {"expr": _expr, "mlp": _mlp, "train": _train, "init": _init}[case["kind"]](case, rg)


def _expr(case: dict, rg: ModuleType) -> dict:
    env = {name: rg.Value(num(v)) for name, v in case["inputs"].items()}
    for name, op, *args in case["ops"]:
        vals = [env[a] if isinstance(a, str) else a for a in args]
        env[name] = _apply(op, vals)
    out = env[case["output"]]
    for _ in range(case.get("backward_calls", 1)):
        out.backward()
    return {"value": enc(out.data), "grads": {n: enc(v.grad) for n, v in env.items()}}


def forward_values(case: dict, rg: ModuleType = rosettagrad) -> dict[str, float | str]:
    """Every name's value in an expr program (no backward)."""
    env = {name: rg.Value(num(v)) for name, v in case["inputs"].items()}
    for name, op, *args in case["ops"]:
        env[name] = _apply(op, [env[a] if isinstance(a, str) else a for a in args])
    return {name: enc(v.data) for name, v in env.items()}


def _apply(op: str, vals: list):
    if op == "add":
        return vals[0] + vals[1]
    if op == "sub":
        return vals[0] - vals[1]
    if op == "mul":
        return vals[0] * vals[1]
    if op == "div":
        return vals[0] / vals[1]
    if op == "neg":
        return -vals[0]
    if op == "pow":
        return vals[0] ** vals[1]
    return getattr(vals[0], op)()


def _model(case: dict, rg: ModuleType):
    m = case["model"]
    model = rg.MLP(m["nin"], m["nouts"], m["activation"], m["output_activation"], seed=0)
    params = model.parameters()
    for p, v in zip(params, case["parameters"], strict=True):
        p.data = num(v)
    return model, params


def _loss(case: dict, rg: ModuleType, model, params):
    outputs = [model([num(x) for x in row]) for row in case["inputs"]]
    targets = [[num(t) for t in row] for row in case["targets"]]
    fn = {"mse": rg.mse_loss, "sse": rg.sse_loss, "hinge": rg.hinge_loss}[case["loss"]["name"]]
    loss = fn(outputs, targets)
    l2 = case["loss"].get("l2", 0)
    if l2 != 0:
        loss = loss + l2 * rg.l2_penalty(params)
    rows = [[o] if not isinstance(o, list) else o for o in outputs]
    return loss, rows


def _mlp(case: dict, rg: ModuleType) -> dict:
    model, params = _model(case, rg)
    loss, rows = _loss(case, rg, model, params)
    loss.backward()
    return {
        "outputs": [[enc(v.data) for v in row] for row in rows],
        "loss": enc(loss.data),
        "grads": [enc(p.grad) for p in params],
    }


def _train(case: dict, rg: ModuleType) -> dict:
    model, params = _model(case, rg)
    o = case["optimizer"]
    if o["name"] == "sgd":
        opt = rg.SGD(params, o["lr"], o.get("momentum", 0.0), o.get("weight_decay", 0.0))
    else:
        betas = (o.get("beta1", 0.9), o.get("beta2", 0.999))
        opt = rg.Adam(params, o["lr"], betas, o.get("eps", 1e-8), o.get("weight_decay", 0.0))
    losses = []
    for _ in range(case["steps"]):
        opt.zero_grad()
        loss, _ = _loss(case, rg, model, params)
        losses.append(enc(loss.data))
        loss.backward()
        opt.step()
    return {"losses": losses, "parameters": [enc(p.data) for p in params]}


def _init(case: dict, rg: ModuleType) -> dict:
    m = case["model"]
    model = rg.MLP(
        m["nin"], m["nouts"], m["activation"], m["output_activation"], seed=int(case["seed"])
    )
    return {"parameters": [enc(p.data) for p in model.parameters()]}


# --- a simulated second math library ----------------------------------------


class _OtherLibm:
    """`math` with tanh/exp/log/pow moved by a few ulps, the same way for the same call."""

    def __init__(self, salt: int) -> None:
        self._salt = salt

    def __getattr__(self, name: str):
        return getattr(math, name)

    def _nudge(self, fn: str, y: float, *args: float) -> float:
        if y == 0.0 or not math.isfinite(y):
            return y  # exact everywhere: tanh(0), log(1), overflow and NaN
        key = struct.pack(f"<{len(args)}dq", *args, self._salt) + fn.encode()
        steps = hashlib.blake2b(key, digest_size=1).digest()[0] % 5 - 2  # -2 .. 2 ulps
        for _ in range(abs(steps)):
            y = math.nextafter(y, math.copysign(math.inf, steps))
        return y

    def tanh(self, x: float) -> float:
        return self._nudge("tanh", math.tanh(x), x)

    def exp(self, x: float) -> float:
        y = math.exp(x)
        return y if x == 0.0 else self._nudge("exp", y, x)

    def log(self, x: float) -> float:
        return self._nudge("log", math.log(x), x)

    def pow(self, x: float, k: float) -> float:
        y = math.pow(x, k)
        if k in (0, 1) or x in (0.0, 1.0):
            return y  # exact in every library
        return self._nudge("pow", y, x, float(k))


@contextlib.contextmanager
def other_libm(salt: int) -> Iterator[None]:
    saved = rosettagrad.engine.math, rosettagrad.optim.math
    rosettagrad.engine.math = rosettagrad.optim.math = _OtherLibm(salt)  # type: ignore[assignment]
    try:
        yield
    finally:
        rosettagrad.engine.math, rosettagrad.optim.math = saved


# --- expectations -------------------------------------------------------------


def leaves(actual: object, path: str = "") -> Iterator[tuple[str, object]]:
    """(path, number) for every number in an `actual`/`expected` dict."""
    if isinstance(actual, dict):
        for k, v in actual.items():
            yield from leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(actual, list):
        for i, v in enumerate(actual):
            yield from leaves(v, f"{path}[{i}]")
    else:
        yield path, actual


def _class(x: float) -> str:
    return "nan" if math.isnan(x) else "inf" if x == math.inf else "-inf" if x == -math.inf else "f"


class ReferenceRefuses(ValueError):
    """The reference does not refuse a bad call as the SPEC says it must (a finding)."""


def expect_reject(case: dict) -> dict:
    """A bad call's expectation is the generator's (the SPEC's class, and words from what
    it broke); the reference must raise exactly that, or the reference is wrong."""
    actual = rosettagrad.conformance.run_reject(rosettagrad, case)
    found = harness.compare_reject(case["expected"], actual, "python")
    if found:
        shown = "; ".join(f"{m['path']}: SPEC wants {m['expected']}, got {m['actual']}"
                          for m in found)  # fmt: skip
        raise ReferenceRefuses(f"the reference disagrees with the SPEC on {case['call']}: {shown}")
    return dict(case)


def expect(case: dict) -> dict | None:
    """A copy of `case` with `expected` and `tolerance`, or None when ill-conditioned.

    Raises whatever the reference raises (a generator bug, not a port's), and
    ReferenceRefuses when a bad call is not refused as the SPEC says.
    """
    if case["kind"] == "reject":
        return expect_reject(case)
    nominal = evaluate(case)
    rtol, atol = DEFAULT_TOLERANCE[case["kind"]]
    if case["kind"] != "init":
        others = []
        for salt in range(1, LIBMS + 1):
            with other_libm(salt):
                others.append(dict(leaves(evaluate(case))))
        for path, e in leaves(nominal):
            e = num(e)
            for other in others:
                o = num(other[path])
                if _class(o) != _class(e):
                    return None
                if _class(e) != "f":
                    continue
                allowed = SAFETY * abs(o - e)
                if allowed <= atol + rtol * abs(e):
                    continue
                # The format has one tolerance per case: keep it tight for every value.
                if e != 0 and allowed / abs(e) <= MAX_WIDENING:
                    rtol = max(rtol, allowed / abs(e))
                elif allowed <= MAX_WIDENING:
                    atol = max(atol, allowed)  # a value near 0 that cancelled
                else:
                    return None
    out = dict(case)
    out["expected"] = nominal
    if (rtol, atol) != DEFAULT_TOLERANCE[case["kind"]]:
        out["tolerance"] = {"rtol": rtol, "atol": atol}
    return out
