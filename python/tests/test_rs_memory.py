"""rosettagrad_rs frees graphs as Python drops them; deep graphs need no recursion.

Checked on the tape's own counters (`_tape_stats()` = slots, live nodes), which
are exact, and on resident memory for the bench's claim. They run in the `rust`
nox session (`--engine rosettagrad_rs`) and skip elsewhere when the wheel is not
installed.
"""

from __future__ import annotations

import gc
import importlib
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def rs(pytestconfig: pytest.Config) -> ModuleType:
    if pytestconfig.getoption("--engine") == "rosettagrad_rs":
        return importlib.import_module("rosettagrad_rs")  # must be there: fail, never skip
    return pytest.importorskip("rosettagrad_rs", reason="the rosettagrad_rs wheel is not installed")


def live(rs: ModuleType) -> int:
    return rs._tape_stats()[1]


def step(rs: ModuleType, model, xs, ys):
    loss = rs.hinge_loss([model(x) for x in xs], ys) + 1e-4 * rs.l2_penalty(model.parameters())
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data = p.data - 0.05 * p.grad
    return loss


def test_training_reuses_memory_while_python_holds_old_values(rs):
    model = rs.MLP(2, [16, 16, 1], activation="relu", seed=1337)
    xs = [[0.01 * i, 1 - 0.02 * i] for i in range(50)]
    ys = [1.0 if i % 3 else -1.0 for i in range(50)]
    first = step(rs, model, xs, ys)  # held for the whole test: its graph must stay valid
    first_data = first.data
    loss = step(rs, model, xs, ys)
    live_after_2, slots_after_2 = live(rs), rs._tape_stats()[0]
    gc.disable()  # freeing must not depend on the cyclic garbage collector
    try:
        for _ in range(30):
            loss = step(rs, model, xs, ys)
        slots_after_32 = rs._tape_stats()[0]
        for _ in range(30):
            loss = step(rs, model, xs, ys)
    finally:
        gc.enable()
    assert live(rs) == live_after_2  # the same graphs alive: `first`'s and the last step's
    # Dead graphs are reclaimed in bulk, so the tape holds some garbage between
    # collections, but no more than twice the most that was live (3 graphs: the
    # 2 held and the one being built = 1.5 * live_after_2) plus a step's graph
    # (or no more than it had, when earlier tests left it larger than that).
    assert rs._tape_stats()[0] <= max(slots_after_2, 3.5 * live_after_2)
    assert rs._tape_stats()[0] <= 1.1 * slots_after_32  # steady: freed slots are reused
    assert first.data == first_data and len(first._prev) == 2
    del first, loss
    assert live(rs) < live_after_2 / 2


def test_million_op_chain_builds_backprops_and_is_freed(rs):
    before = live(rs)
    x, c = rs.Value(1.0), rs.Value(0.999999)
    y = x
    for _ in range(1_000_000):
        y = y * c
    y.backward()
    assert x.grad == pytest.approx(0.999999**1_000_000, rel=1e-9)
    assert c.grad == pytest.approx(1_000_000 * 0.999999**999_999, rel=1e-9)
    del y  # a million nested nodes, released with an explicit stack
    assert live(rs) == before + 2  # only x and c remain


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    pytest.skip("no /proc/self/status on this platform")


def test_resident_memory_is_flat_over_many_steps(rs):
    model = rs.MLP(2, [16, 16, 1], activation="relu", seed=1)
    xs = [[0.01 * i, 1 - 0.02 * i] for i in range(100)]
    ys = [1.0 if i % 2 else -1.0 for i in range(100)]
    losses = []
    for _ in range(20):
        losses.append(step(rs, model, xs, ys).data)
    at_20 = rss_mb()
    for _ in range(180):
        losses.append(step(rs, model, xs, ys).data)
    assert rss_mb() <= at_20 * 1.10
