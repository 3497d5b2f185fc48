"""rosettagrad_rs from several Python threads: Values and models are Send + Sync.

The wheel's classes hold indices into one tape behind a lock that is only held
inside Rust, never while Python runs, so any thread may use any Value or model.
These tests force frequent thread switches and check the numbers, not just that
nothing crashed. They run in the `rust` nox session (`--engine rosettagrad_rs`)
and skip elsewhere when the wheel is not installed.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def rs(pytestconfig: pytest.Config) -> ModuleType:
    if pytestconfig.getoption("--engine") == "rosettagrad_rs":
        return importlib.import_module("rosettagrad_rs")  # must be there: fail, never skip
    return pytest.importorskip("rosettagrad_rs", reason="the rosettagrad_rs wheel is not installed")


@pytest.fixture(autouse=True)
def frequent_switches() -> Iterator[None]:
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def run_threads(n: int, target: Callable[[int], None]) -> None:
    errors: list[BaseException] = []

    def wrapped(i: int) -> None:
        try:
            target(i)
        except BaseException as e:  # reported below, with the thread's error
            errors.append(e)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def train(rs: ModuleType, seed: int, steps: int) -> list[float]:
    model = rs.MLP(2, [8, 8, 1], activation="relu", seed=seed)
    opt = rs.SGD(model.parameters(), lr=0.05, momentum=0.9)
    xs = [[0.1 * i, -0.2 * i + 1.0] for i in range(10)]
    ys = [1.0 if i % 2 else -1.0 for i in range(10)]
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = rs.hinge_loss([model(x) for x in xs], ys) + 1e-3 * rs.l2_penalty(model.parameters())
        loss.backward()
        opt.step()
        losses.append(loss.data)
    return losses


def test_independent_training_in_threads_matches_serial(rs):
    serial = {seed: train(rs, seed, 15) for seed in range(4)}
    threaded: dict[int, list[float]] = {}
    run_threads(4, lambda i: threaded.__setitem__(i, train(rs, i, 15)))
    assert threaded == serial  # bit for bit: each thread's graph is its own


def test_a_value_made_in_one_thread_is_used_in_another(rs):
    made: list = []
    run_threads(1, lambda _: made.append(rs.Value(3.0, label="x")))
    (x,) = made
    out: list = []
    run_threads(1, lambda _: out.append(x * x + 2 * x))
    y = out[0]
    y.backward()
    assert (y.data, x.grad, x.label) == (15.0, 8.0, "x")


def test_threads_sharing_one_model_accumulate_every_gradient(rs):
    model = rs.MLP(3, [4, 1], seed=7)
    x = [0.5, -1.0, 2.0]
    model(x).backward()
    single = [p.grad for p in model.parameters()]
    model.zero_grad()
    calls = 25

    def work(_: int) -> None:
        for _ in range(calls):
            model(x).backward()  # every thread adds into the same leaf grads

    run_threads(4, work)
    for p, g in zip(model.parameters(), single, strict=True):
        assert p.grad == pytest.approx(4 * calls * g, rel=1e-12, abs=1e-12)


def test_values_are_freed_from_any_thread(rs):
    before = rs._tape_stats()[1]

    def work(_: int) -> None:
        y = rs.Value(1.0)
        for _ in range(2000):
            y = y * 1.0001
        y.backward()

    run_threads(4, work)
    assert rs._tape_stats()[1] == before
