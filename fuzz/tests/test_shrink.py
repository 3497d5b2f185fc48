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
        out._da = 1.0 if self.data >= 0 else 0.0
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


def test_models_shrink_to_one_input_and_one_neuron_per_layer():
    case = next(
        c for c in gen.generate(8, 500)
        if c["kind"] == "mlp" and c["model"]["nin"] > 2 and max(c["model"]["nouts"]) > 2
        and c["loss"]["name"] != "hinge"
    )  # fmt: skip
    small = shrink.shrink(case, lambda cs: [runner.finish(c) is not None for c in cs])
    assert small["model"]["nin"] == 1
    assert small["model"]["nouts"] == [1] * len(case["model"]["nouts"])
    assert len(small["parameters"]) == 2 * len(case["model"]["nouts"])


def test_narrowing_a_model_keeps_the_weights_of_what_remains():
    case = {
        "id": "t.m", "kind": "mlp", "description": "t", "features": [],
        "model": {"nin": 2, "nouts": [2, 1], "activation": "tanh", "output_activation": "linear"},
        # layer 0: n0 = [w00, w01, b0], n1 = [w10, w11, b1]; layer 1: [u0, u1, c]
        "parameters": [1, 2, 3, 4, 5, 6, 7, 8, 9],
        "inputs": [[0.5, -0.5]], "targets": [[0.0]], "loss": {"name": "mse"},
    }  # fmt: skip
    narrower = list(shrink._narrower_models(case))
    assert narrower[0]["parameters"] == [1, 3, 4, 6, 7, 8, 9]  # input 1 and its weights gone
    assert narrower[0]["inputs"] == [[0.5]]
    assert narrower[1]["parameters"] == [1, 2, 3, 7, 9]  # neuron 1 and the weight u1 gone
