"""Bench runner for the Python-hosted impls (protocol: bench/README.md).

    python bench/runners/python_runner.py --impl python moons

impls: `micrograd` (karpathy's micrograd 0.1.0, its own nn, parameters copied from
the seeded reference init), `micrograd-nogc` (the same with Python's cyclic garbage
collector off while each measured step or run is timed, see `timed`), `python`
(rosettagrad), `rust-py` (the rosettagrad_rs wheel's MLP, losses and backward, driven
from Python) and `rust-py-ops` (a micrograd-style MLP written in Python over
rosettagrad_rs.Value, op by op).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MODEL = {"nin": 2, "nouts": [16, 16, 1], "activation": "relu", "seed": 1337}
L2 = 1e-4


def seeded_parameters() -> list[float]:
    """The canonical seeded init, from the reference (every port draws the same)."""
    from rosettagrad import MLP

    return [p.data for p in MLP(**MODEL).parameters()]


class OpsMLP:
    """micrograd's MLP written over any Value class, op by op, for `rust-py-ops`."""

    def __init__(self, value: type, params: list[float]) -> None:
        sizes = [MODEL["nin"], *MODEL["nouts"]]
        it = iter(params)
        self.layers = [
            [
                ([value(next(it)) for _ in range(sizes[i])], value(next(it)))
                for _ in range(sizes[i + 1])
            ]
            for i in range(len(sizes) - 1)
        ]

    def __call__(self, x: list[Any]) -> Any:
        for i, layer in enumerate(self.layers):
            outs = []
            for w, b in layer:
                act = b
                for wi, xi in zip(w, x):
                    act = act + wi * xi
                outs.append(act.relu() if i < len(self.layers) - 1 else act)
            x = outs
        return x[0]

    def parameters(self) -> list[Any]:
        return [p for layer in self.layers for w, b in layer for p in [*w, b]]


def hinge_plus_l2(scores: list[Any], ys: list[float], params: list[Any]) -> Any:
    """SPEC §2.5's graph, spelled with operators so it runs on any Value class."""
    total = None
    for score, y in zip(scores, ys):
        term = (1 - score * y).relu()
        total = term if total is None else total + term
    penalty = None
    for p in params:
        term = p**2
        penalty = term if penalty is None else penalty + term
    return total / len(scores) + L2 * penalty


def make_model(impl: str) -> tuple[Any, Any]:
    """(model, loss function) for an impl; the loss takes (scores, ys, params)."""
    if impl.startswith("micrograd"):
        from micrograd import nn as mg_nn

        model = mg_nn.MLP(MODEL["nin"], MODEL["nouts"])
        for p, v in zip(model.parameters(), seeded_parameters()):
            p.data = v
        return model, hinge_plus_l2
    if impl == "rust-py-ops":
        rs = importlib.import_module("rosettagrad_rs")
        return OpsMLP(rs.Value, seeded_parameters()), hinge_plus_l2
    engine: ModuleType = importlib.import_module(
        "rosettagrad" if impl == "python" else "rosettagrad_rs"
    )
    model = engine.MLP(**MODEL)

    def loss_fn(scores: list[Any], ys: list[float], params: list[Any]) -> Any:
        return engine.hinge_loss(scores, ys) + L2 * engine.l2_penalty(params)

    return model, loss_fn


def count_nodes(root: Any) -> int:
    """Nodes in root's graph, found iteratively (micrograd has no public topo order)."""
    seen = {id(root)}
    stack = [root]
    while stack:
        for parent in stack.pop()._prev:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return len(seen)


def counted_by(impl: str) -> str:
    """The impl whose graph is counted: rosettagrad_rs hands out a fresh Python object
    for each parent, so there is no identity to count by; its graph is the
    reference's by construction (SPEC §2), so the reference's is counted."""
    if impl.startswith("rust-py"):
        return "python"
    return "micrograd" if impl.startswith("micrograd") else impl


def timed(work: Callable[[], Any], gc_off: bool) -> tuple[float, Any]:
    """(seconds, result) of work(). With gc_off (impl `micrograd-nogc`) Python's cyclic
    garbage collector is disabled exactly while the clock runs: a full gc.collect()
    of the garbage of earlier steps, then gc.disable(), then the clock starts; the
    clock stops, then gc.enable(). The collector's work is never timed."""
    if gc_off:
        gc.collect()
        gc.disable()
    t0 = time.perf_counter()
    try:
        result = work()
    finally:
        seconds = time.perf_counter() - t0
        if gc_off:
            gc.enable()
    return seconds, result


def gc_off(impl: str) -> bool:
    return impl == "micrograd-nogc"


def moons_steps(
    impl: str, moons: Path, steps: int, on_step: Any, on_start: Callable[[], None] = lambda: None
) -> None:
    """Train `steps` steps of micrograd's demo, calling on_step(k, seconds, loss).
    on_start() runs once the data is loaded and the model made, before step 0's graph."""
    data = json.loads(moons.read_text())
    X, ys = data["X"], [float(y) for y in data["y"]]
    model, loss_fn = make_model(impl)
    params = model.parameters()
    on_start()

    def step(k: int) -> Any:
        scores = [model(x) for x in X]
        loss = loss_fn(scores, ys, params)
        for p in params:
            p.grad = 0.0
        loss.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in params:
            p.data = p.data - lr * p.grad
        return loss

    for k in range(steps):
        seconds, loss = timed(lambda k=k: step(k), gc_off(impl))
        on_step(k, seconds, loss)


def moons_nodes(impl: str, moons: Path) -> int:
    counts: list[int] = []
    moons_steps(counted_by(impl), moons, 1, lambda k, t, loss: counts.append(count_nodes(loss)))
    return counts[0]


def value_class(impl: str) -> type:
    modules = {"micrograd": "micrograd.engine", "micrograd-nogc": "micrograd.engine"}
    module = {**modules, "python": "rosettagrad"}.get(impl, "rosettagrad_rs")
    return importlib.import_module(module).Value


def chain(value: type, size: int) -> Any:
    x, c = value(1.0), value(0.999999)
    y = x
    for _ in range(size):
        y = y * c
    y.backward()
    return y


def wide(value: type, size: int) -> Any:
    level = [value(i / size) * value(1 - i / size) for i in range(size)]
    while len(level) > 1:
        pairs = [level[j] + level[j + 1] for j in range(0, len(level) - 1, 2)]
        level = pairs + level[-1:] if len(level) % 2 else pairs
    level[0].backward()
    return level[0]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main(argv: list[str]) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--impl", required=True)
    ap.add_argument("workload", choices=["moons", "chain", "wide", "memory"])
    ap.add_argument("--moons", type=Path, default=ROOT / "conformance/data/moons.json")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--steps", type=int, default=1000)
    args = ap.parse_args(argv)

    if args.workload == "memory":
        rss: dict[str, float] = {}

        def start() -> None:
            rss["rss_mb_start"] = rss_mb()

        def sample(k: int, _seconds: float, _loss: Any) -> None:
            if k + 1 == min(100, args.steps):
                rss["rss_mb_100"] = rss_mb()

        moons_steps(args.impl, args.moons, args.steps, sample, start)
        return {**rss, "rss_mb_1000": rss_mb()}

    if args.workload == "moons":
        times: list[float] = []

        def record(k: int, seconds: float, _loss: Any) -> None:
            if k >= args.warmup:
                times.append(seconds)

        moons_steps(args.impl, args.moons, args.warmup + args.repeat, record)
        return {"times": times, "nodes": moons_nodes(args.impl, args.moons)}

    build = chain if args.workload == "chain" else wide
    value = value_class(args.impl)
    times = []
    for run in range(args.warmup + args.repeat):
        elapsed, root = timed(lambda: build(value, args.size), gc_off(args.impl))
        if run >= args.warmup:
            times.append(elapsed)
        del root
    nodes = count_nodes(build(value_class(counted_by(args.impl)), args.size))
    return {"times": times, "nodes": nodes}


if __name__ == "__main__":
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))  # micrograd as users run it
    try:
        print(json.dumps(main(sys.argv[1:])))
    except RecursionError:
        sys.exit("RecursionError: maximum recursion depth exceeded (recursive topological sort)")
