"""The committed suite itself, the goldens-freshness comparison and the Python adapter."""

from __future__ import annotations

import functools
import json
import math
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import generate
import harness

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def committed_suite() -> harness.Suite:
    """Validating the 1.9 MB suite takes seconds: once per test session."""
    return harness.load_suite([harness.DEFAULT_CASES], harness.registered_features())


def test_committed_suite_is_valid_and_big_enough():
    suite = committed_suite()
    assert [p.text() for p in suite.problems] == []
    assert len(suite.cases) >= 150
    kinds = Counter(c.kind for c in suite.cases)
    assert set(kinds) == {"expr", "mlp", "train", "init", "reject"}, kinds
    assert kinds["reject"] >= 60, kinds
    used = {f for c in suite.cases for f in c.data["features"]}
    assert used == set(harness.registered_features()), "every feature is exercised"
    for c in suite.cases:
        assert len(c.data["description"]) >= 20, c.id
        if c.kind == "train":
            assert 5 <= c.data["steps"] <= 50, c.id
    deep = [c for c in suite.cases if "graph.deep" in c.data["features"]]
    assert deep and all(len(c.data["ops"]) >= 10_000 for c in deep)
    seeds = {int(c.data["seed"]) for c in suite.cases if c.kind == "init"}
    assert {2**64 - 1, 2**53 + 1} <= seeds


def test_expected_failure_lists_name_known_impls():
    for path in harness.XFAIL_DIR.glob("*.txt"):
        assert path.stem in harness.known_impls(), path


def copy_suite(tmp_path: Path) -> tuple[Path, dict]:
    """The committed files as a 'fresh generation', and a copy to tamper with."""
    cases = tmp_path / "cases"
    shutil.copytree(harness.DEFAULT_CASES / "expr", cases / "expr")
    fresh = {
        p.relative_to(cases).as_posix(): json.loads(p.read_text(encoding="utf-8"))
        for p in cases.rglob("*.json")
    }
    return cases, fresh


def tamper(cases: Path, name: str, case_id: str, change) -> None:
    path = cases / name
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(next(c for c in doc["cases"] if c["id"] == case_id))
    path.write_text(json.dumps(doc), encoding="utf-8")


def test_freshness_check_tolerates_rounding_and_catches_real_changes(tmp_path, monkeypatch):
    cases, fresh = copy_suite(tmp_path)
    monkeypatch.setattr(generate, "CASES", cases)
    assert generate.check(fresh) == []

    def nudge(c):  # 1 part in 1e14: within expr's 1e-12
        c["expected"]["value"] *= 1 + 1e-14

    tamper(cases, "expr/ops.json", "expr.tanh.basic", nudge)
    assert generate.check(fresh) == []

    def wreck(c):
        c["expected"]["value"] += 1e-6

    tamper(cases, "expr/ops.json", "expr.tanh.basic", wreck)
    (problem,) = generate.check(fresh)
    assert "expr.tanh.basic" in problem and "value" in problem

    def edit_input(c):
        c["inputs"]["x"] = 0.25

    tamper(cases, "expr/ops.json", "expr.exp.basic", edit_input)
    assert any("expr.exp.basic: inputs differ" in p for p in generate.check(fresh))
    (cases / "expr" / "stale.json").write_text('{"description": "x", "cases": []}')
    assert any("stale.json" in p for p in generate.check(fresh))


def adapter(*args: str, stdin_file: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rosettagrad.conformance", *args],
        capture_output=True,
        text=True,
        env={**harness.os.environ, **harness.python_env()},
        cwd=ROOT,
        check=False,
    )


def test_python_adapter_describe_declares_every_feature():
    out = adapter("describe")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["protocol"] == 1
    assert info["implementation"]["name"] == "python"
    assert sorted(info["features"]) == sorted(harness.registered_features())


def test_python_adapter_bad_case_is_an_error_result_not_a_crash(tmp_path):
    cases = [
        {"id": "a.bad-op", "kind": "expr", "inputs": {"x": 1}, "ops": [["y", "zap", "x"]],
         "output": "y"},
        {"id": "a.undefined", "kind": "expr", "inputs": {"x": 1}, "ops": [["y", "add", "x", "q"]],
         "output": "y"},
        {"id": "a.shape", "kind": "mlp", "model": {"nin": 2, "nouts": [1], "activation": "tanh",
         "output_activation": "linear"}, "parameters": [1.0], "inputs": [[1, 2]],
         "targets": [[1]], "loss": {"name": "mse"}},
        {"id": "a.ok", "kind": "expr", "inputs": {"x": "inf"}, "ops": [["y", "exp", "x"]],
         "output": "y"},
    ]  # fmt: skip
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"protocol": 1, "cases": cases}))
    out = adapter("run", str(path), "--engine", "rosettagrad")
    assert out.returncode == 0, out.stderr
    results = {r["id"]: r for r in json.loads(out.stdout)["results"]}
    assert results["a.bad-op"]["status"] == "error" and "zap" in results["a.bad-op"]["message"]
    assert "before it is defined" in results["a.undefined"]["message"]
    assert "3 parameters, case gives 1" in results["a.shape"]["message"]
    assert results["a.ok"] == {
        "id": "a.ok",
        "status": "ok",
        "actual": {"value": "inf", "grads": {"x": "inf", "y": 1.0}},
    }


# ---------------------------------------------------------------- the suite has teeth


def failing_cases(kind_prefix: str) -> set[str]:
    """Run the reference adapter in-process over the committed cases; ids that fail."""
    import rosettagrad
    from rosettagrad import conformance

    suite = committed_suite()
    failed = set()
    for c in suite.cases:
        if not c.id.startswith(kind_prefix):
            continue
        r = conformance.run_case(rosettagrad, harness.strip(c))
        if r["status"] != "ok" or harness.compare(
            c.data["expected"], r["actual"], *harness.tolerance(c),
            signed_zeros=harness.signed_zeros(c),
        ):  # fmt: skip
            failed.add(c.id)
    return failed


def test_reference_passes_in_process():
    assert failing_cases("expr.ieee.") == set()


def test_suite_catches_relu_slope_one_at_zero(monkeypatch):
    from rosettagrad import engine

    def relu(self):
        x = self.data
        out = x if x > 0 or x != x else 0.0
        return engine._node(out, "relu", self, 1.0 if x >= 0 else 0.0)

    monkeypatch.setattr(engine.Value, "relu", relu)
    assert "expr.relu.at-zero" in failing_cases("expr.")


def test_suite_catches_tanh_written_with_exp(monkeypatch):
    from rosettagrad import engine

    def tanh(self):
        e = engine._exp(2 * self.data)
        t = (e - 1) / (e + 1) if e != math.inf else math.nan
        return engine._node(t, "tanh", self, 1.0 - t * t)

    monkeypatch.setattr(engine.Value, "tanh", tanh)
    assert "expr.tanh.large-input" in failing_cases("expr.")


def test_suite_catches_micrograd_repeated_backward(monkeypatch):
    from rosettagrad import engine

    def backward(self):  # micrograd: grads accumulate into whatever interior nodes held
        topo = self._topological_order()
        self.grad = 1.0
        for v in reversed(topo):
            for parent, local in zip(v._prev, v._local_grads, strict=True):
                parent.grad += local * v.grad

    monkeypatch.setattr(engine.Value, "backward", backward)
    assert {"expr.backward.twice", "expr.backward.three-times"} <= failing_cases("expr.backward.")


def test_suite_catches_masked_chain_rule(monkeypatch):
    from rosettagrad import engine

    def backward(self):  # skips zero upstream grads: 0 * inf would be NaN
        topo = self._topological_order()
        before = [(v, v.grad) for v in topo if not v._prev]
        for v in topo:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(topo):
            for parent, local in zip(v._prev, v._local_grads, strict=True):
                if v.grad != 0:
                    parent.grad += local * v.grad
        for v, g in before:
            v.grad = g + v.grad

    monkeypatch.setattr(engine.Value, "backward", backward)
    assert "expr.ieee.no-masking-relu" in failing_cases("expr.ieee.")


# ---------------------------------------------------------------- signed zeros (SPEC §5)

SIGNED = {"expr.relu.at-negative-zero", "expr.ieee.one-div-inf", "expr.ieee.pow-inf-minus-one",
          "expr.ieee.neg-zero"}  # fmt: skip


def test_cases_that_pin_a_zero_compare_its_sign():
    pinned = {c.id for c in committed_suite().cases if harness.signed_zeros(c)}
    assert SIGNED <= pinned
    neg = next(c for c in committed_suite().cases if c.id == "expr.ieee.neg-zero")
    assert math.copysign(1.0, neg.data["expected"]["value"]) == -1.0


def test_suite_catches_relu_written_as_max(monkeypatch):
    from rosettagrad import engine

    def relu(self):  # max(-0.0, 0.0) is -0.0: the input's zero leaks through
        x = self.data
        return engine._node(max(x, 0.0) if x == x else x, "relu", self, float(x > 0))

    monkeypatch.setattr(engine.Value, "relu", relu)
    assert failing_cases("expr.relu.") == {"expr.relu.at-negative-zero"}


def test_suite_catches_neg_written_as_zero_minus(monkeypatch):
    from rosettagrad import engine

    def neg(self):  # 0 - 0.0 is +0.0, not -0.0
        return engine._node(0.0 - self.data, "neg", self, -1.0)

    monkeypatch.setattr(engine.Value, "__neg__", neg)
    assert "expr.ieee.neg-zero" in failing_cases("expr.ieee.")


def test_suite_catches_gradients_summed_from_negative_zero(monkeypatch):
    from rosettagrad import engine

    def backward(self):  # grads start at -0.0, so -0.0 + -0.0 stays -0.0
        topo = self._topological_order()
        for v in topo:
            v.grad = -0.0
        self.grad = 1.0
        for v in reversed(topo):
            for parent, local in zip(v._prev, v._local_grads, strict=True):
                parent.grad += local * v.grad

    monkeypatch.setattr(engine.Value, "backward", backward)
    failed = failing_cases("expr.ieee.")
    assert {"expr.ieee.one-div-inf", "expr.ieee.pow-inf-minus-one"} <= failed
