"""Same-seed training in every port: one `train` case, run by every port's conformance adapter.

No port gets a training loop of its own for this: the case is built here, in
memory, and each available adapter runs it (DESIGN §4, `kind: "train"`). The
model is `MLP(2, [16, 16, 1], activation="relu", seed=1337)`: its parameters
come from the Python reference's SplitMix64 init, the data from
conformance/data/moons.json, the loss is `hinge + 1e-4 · l2`, the optimizer
plain SGD with a constant lr, for 100 steps. `tools/demo.py` prints the result;
the site plots it.

Time per step is the adapter's wall time divided by the steps: it includes
starting the process, reading the case and (Julia) compiling, so it is an
upper bound; `nox -s bench` measures steps properly.
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from regions import ROOT

sys.path.insert(0, str(ROOT / "conformance"))
import harness  # the impl registry: how to find, build and run each adapter

MOONS = ROOT / "conformance" / "data" / "moons.json"
SEED = 1337
MODEL = {"nin": 2, "nouts": [16, 16, 1], "activation": "relu", "output_activation": "linear"}
LOSS = {"name": "hinge", "l2": 1e-4}
OPTIMIZER = {"name": "sgd", "lr": 0.2, "momentum": 0.0, "weight_decay": 0.0}
STEPS = 100
RTOL, ATOL = harness.DEFAULT_TOLERANCE["train"].values()  # the train tolerance: 1e-8, 1e-10


def moons() -> tuple[list[list[float]], list[float]]:
    data = json.loads(MOONS.read_text(encoding="utf-8"))
    return data["X"], data["y"]


def seeded_parameters() -> list[float]:
    """The parameters of MLP(2, [16, 16, 1], seed=1337), drawn by the Python reference."""
    from rosettagrad import MLP

    model = MLP(MODEL["nin"], MODEL["nouts"], MODEL["activation"], seed=SEED)
    return [p.data for p in model.parameters()]


def make_case(steps: int = STEPS) -> dict:
    X, y = moons()
    return {
        "id": "site.same-seed.moons",
        "kind": "train",
        "description": f"MLP(2, [16, 16, 1], relu, seed={SEED}) on moons, hinge + l2, SGD",
        "features": ["mlp", "act.relu", "act.linear", "loss.hinge", "reg.l2", "train.sgd"],
        "model": MODEL,
        "parameters": seeded_parameters(),
        "inputs": X,
        "targets": [[t] for t in y],
        "loss": LOSS,
        "optimizer": OPTIMIZER,
        "steps": steps,
    }


@dataclass
class Run:
    impl: str
    available: bool
    reason: str | None = None  # why unavailable or what failed
    seconds: float = 0.0  # wall time of the adapter's `run`
    losses: list[float] = field(default_factory=list)
    parameters: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.available and self.reason is None

    def per_step(self, steps: int) -> float:
        return self.seconds / steps


def _floats(xs: list) -> list[float]:
    return [harness.decode(x) for x in xs]


def run_impl(impl: harness.Impl, case: dict, log: Callable[[str], None] = print) -> Run:
    """Build the port if it needs it, then time its adapter on the one case."""
    status = harness.prepare(impl, timeout=120.0, build_timeout=1800.0, log=log)
    if not status.available:
        return Run(impl.name, False, status.reason)
    if status.broken:
        return Run(impl.name, True, status.reason)
    missing = sorted(set(case["features"]) - status.features)
    if missing:
        return Run(impl.name, True, f"adapter lacks features {missing}")
    with tempfile.TemporaryDirectory(prefix="rosettagrad-same-seed-") as tmp:
        path = Path(tmp) / "IN.json"
        path.write_text(json.dumps({"protocol": harness.PROTOCOL, "cases": [case]}))
        start = time.perf_counter()
        code, out, err = harness.run_process([*impl.command, "run", str(path)], 600.0, impl.env)
        seconds = time.perf_counter() - start
    if code != 0:
        how = "timed out" if code is None else f"exited with code {code}"
        return Run(impl.name, True, f"adapter {how}: {harness.tail(err)}", seconds)
    try:
        (result,) = json.loads(out)["results"]
        if result["status"] != "ok":
            return Run(impl.name, True, f"error: {result.get('message')}", seconds)
        actual = result["actual"]
        return Run(
            impl.name, True, None, seconds, _floats(actual["losses"]), _floats(actual["parameters"])
        )
    except (ValueError, KeyError, TypeError) as e:
        return Run(impl.name, True, f"adapter printed no valid result: {e}", seconds)


def impls(names: list[str] | None = None) -> list[harness.Impl]:
    known = harness.known_impls()
    unknown = [n for n in names or [] if n not in known]
    if unknown:
        raise SystemExit(f"unknown impl(s) {unknown}: known are {list(known)}")
    return [known[n] for n in names] if names else list(known.values())


@dataclass
class Agreement:
    """How far each port's losses and final parameters are from the Python reference's.

    `within` is the verdict: every port that should have run did (`missing` is empty), at
    least one other port ran besides the reference, and every value of every port is
    inside the train tolerance. A port that ran is never left out of the comparison.
    """

    worst_rel: float  # largest |a - e| / |e| over every step and every port
    worst_at: str  # where: "js, step 57"
    within: bool  # the verdict (see above)
    compared: int  # ports compared with the reference
    missing: list[str] = field(default_factory=list)  # "rust: adapter exited with code 101"


def agreement(
    runs: list[Run], reference: str = "python", required: tuple[str, ...] = ()
) -> Agreement:
    """Compare every run with the reference's.

    A port should have run when its toolchain is there (`available`) or it is `required`;
    one that did not is `missing` and the verdict is no agreement.
    """
    missing = [
        f"{r.impl}: {r.reason}" for r in runs if not r.ok and (r.available or r.impl in required)
    ]
    ok = {r.impl: r for r in runs if r.ok}
    if reference not in ok:
        return Agreement(math.nan, f"no {reference} run to compare with", False, 0, missing)
    ref = ok[reference]
    worst, where, within = 0.0, "all ports agree exactly", not missing
    for r in ok.values():
        if r is ref:
            continue
        pairs = [(f"step {k}", e, a) for k, (e, a) in enumerate(zip(ref.losses, r.losses))]
        pairs += [
            (f"parameter {i}", e, a) for i, (e, a) in enumerate(zip(ref.parameters, r.parameters))
        ]
        if len(r.losses) != len(ref.losses) or len(r.parameters) != len(ref.parameters):
            within = False
        for label, e, a in pairs:
            within = within and harness.matches(e, a, RTOL, ATOL)
            rel = abs(a - e) / abs(e) if e else abs(a - e)
            if not math.isnan(worst) and not rel <= worst:  # a NaN is the worst and stays
                worst, where = rel, f"{r.impl}, {label}"
    if len(ok) == 1:  # the reference alone agrees with nothing
        return Agreement(math.nan, f"no port ran besides {reference}", False, 0, missing)
    return Agreement(worst, where, within, len(ok) - 1, missing)


def run_all(
    names: list[str] | None = None, log: Callable[[str], None] = print, skip_build: bool = False
) -> dict:
    """Every port's run of the same case, as the JSON the site stores and the demo prints.

    skip_build: the ports were just built (by a harness run in this process tree).
    """
    case = make_case()
    runs = []
    for impl in impls(names):
        if skip_build:
            impl.build = None
        log(f"[{impl.name}] training")
        runs.append(run_impl(impl, case, log))
    return as_json(case, runs)


def as_json(case: dict, runs: list[Run], required: tuple[str, ...] = ()) -> dict:
    agree = agreement(runs, required=required)
    return {
        "case": {k: case[k] for k in ("model", "loss", "optimizer", "steps")} | {"seed": SEED},
        "tolerance": {"rtol": RTOL, "atol": ATOL},
        "runs": [
            {
                "impl": r.impl,
                "available": r.available,
                "ok": r.ok,
                "reason": r.reason,
                "seconds": r.seconds,
                "seconds_per_step": r.per_step(case["steps"]) if r.ok else None,
                "losses": r.losses,
                "parameters": r.parameters,
            }
            for r in runs
        ],
        "agreement": {
            "worst_rel": agree.worst_rel,
            "worst_at": agree.worst_at,
            "within_tolerance": agree.within,
            "ports_compared": agree.compared,
            "missing": agree.missing,
        },
    }
