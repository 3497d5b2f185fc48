"""The shrinker finds the smallest case that still disagrees, given any oracle."""

from __future__ import annotations

import contextlib

from rosettagrad.engine import Value

from fuzz import gen, reference, runner, shrink

from .conftest import harness


@contextlib.contextmanager
def relu_grad_one_at_zero():
    """A deliberately wrong evaluator: relu'(0) = 1."""
    real = Value.relu

    def relu(self: Value) -> Value:
        out = real(self)
        out._local_grads = (1.0 if self.data >= 0 else 0.0,)
        return out

    Value.relu = relu  # type: ignore[method-assign]
    try:
        yield
    finally:
        Value.relu = real  # type: ignore[method-assign]


def disagrees(case: dict) -> bool:
    with relu_grad_one_at_zero():
        actual = reference.evaluate(case)
    return bool(harness.compare(case["expected"], actual, 1e-12, 1e-12))


def oracle(cases: list[dict]) -> list[bool]:
    ready = [runner.finish(c) for c in cases]
    return [c is not None and disagrees(c) for c in ready]


def planted_cases(n: int) -> list[dict]:
    """Generated programs (10 ops or more) on which the wrong evaluator disagrees."""
    found = []
    for case in gen.generate(11, 3000):
        if case["kind"] != "expr" or len(case["ops"]) < 10:
            continue
        ready = runner.finish(case)
        if ready is not None and disagrees(ready):
            found.append(ready)
            if len(found) == n:
                break
    assert len(found) == n, "the generator should reach relu at exactly 0"
    return found


def test_a_planted_bug_shrinks_to_relu_of_zero():
    for case in planted_cases(3):
        small = shrink.shrink(case, oracle)
        assert small["id"] == case["id"]
        assert [op[1] for op in small["ops"]] == ["relu"], small
        assert len(small["inputs"]) == 1
        assert list(small["inputs"].values()) == [0.0]
        assert "backward_calls" not in small
        assert oracle([small]) == [True]


def test_shrinking_only_keeps_what_still_disagrees():
    case = planted_cases(1)[0]
    seen: list[dict] = []

    def watching(cases: list[dict]) -> list[bool]:
        verdicts = oracle(cases)
        seen.extend(c for c, v in zip(cases, verdicts, strict=True) if v)
        return verdicts

    small = shrink.shrink(case, watching)
    assert shrink.size(small) < shrink.size(case)
    assert all(shrink.size(c) < shrink.size(case) for c in seen)


def test_an_oracle_that_never_agrees_gives_the_smallest_program():
    case = next(c for c in gen.generate(2, 200) if c["kind"] == "expr" and len(c["ops"]) > 20)
    small = shrink.shrink(case, lambda cs: [runner.finish(c) is not None for c in cs])
    assert len(small["ops"]) <= 1
    assert len(small["inputs"]) == 1


def test_an_oracle_that_always_agrees_leaves_the_case_alone():
    case = planted_cases(1)[0]
    small = shrink.shrink(case, lambda cs: [False] * len(cs))
    assert {k: small[k] for k in ("inputs", "ops", "output")} == {
        k: case[k] for k in ("inputs", "ops", "output")
    }


def test_training_runs_shrink_to_one_sample_and_one_step():
    case = next(
        c for c in gen.generate(5, 500)
        if c["kind"] == "train" and len(c["inputs"]) > 2 and c["steps"] > 3
    )  # fmt: skip
    small = shrink.shrink(case, lambda cs: [runner.finish(c) is not None for c in cs])
    assert len(small["inputs"]) == 1
    assert small["steps"] == 1
    assert "l2" not in small["loss"]
