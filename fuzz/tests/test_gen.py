"""The generator makes valid, varied cases that reach every op and the IEEE edges."""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections import Counter
from pathlib import Path

from fuzz import gen, reference, runner

from .conftest import harness

SEED, BUDGET = 7, 1500


@functools.cache
def finished() -> list[dict]:
    return [c for c in (runner.finish(c) for c in gen.generate(SEED, BUDGET)) if c is not None]


def test_same_seed_same_cases_other_seed_other_cases():
    assert gen.generate(3, 50) == gen.generate(3, 50)
    assert gen.generate(3, 50) != gen.generate(4, 50)


def test_every_finished_case_passes_the_harness_schema_and_lint(tmp_path: Path):
    cases = finished()[:500]  # the schema check is slow; 500 cases cover every kind
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps({"description": "fuzz", "cases": cases}), encoding="utf-8")
    suite = harness.load_suite([path], harness.registered_features())
    assert [p.text() for p in suite.problems] == []
    assert len(suite.cases) == len(cases)


def test_few_cases_are_dropped_as_ill_conditioned():
    assert len(finished()) >= 0.95 * BUDGET


def test_programs_cover_the_fuzz_domain():
    exprs = [c for c in gen.generate(SEED, BUDGET) if c["kind"] == "expr"]
    assert {len(c["ops"]) for c in exprs} == set(range(1, 41))
    assert {len(c["inputs"]) for c in exprs} == set(range(1, 6))
    ops = Counter(op[1] for c in exprs for op in c["ops"])
    assert set(ops) == set(gen.OPS)
    binary = [op for c in exprs for op in c["ops"] if op[1] in gen.BINARY]
    assert any(not isinstance(op[2], str) for op in binary), "a constant on the left"
    assert any(not isinstance(op[3], str) for op in binary), "a constant on the right"
    assert any(op[2] == op[3] for op in binary), "x op x: the same Value twice"
    assert any(c.get("backward_calls", 1) == 3 for c in exprs)
    assert any(c["output"] in c["inputs"] for c in exprs), "an input as the output"
    inputs = [v for c in exprs for v in c["inputs"].values()]
    assert {"nan", "inf", "-inf"} <= set(x for x in inputs if isinstance(x, str))
    assert any(isinstance(x, float) and x == 0 and math.copysign(1, x) < 0 for x in inputs)


def test_models_and_training_cover_every_activation_loss_and_optimizer():
    cases = finished()
    kinds = Counter(c["kind"] for c in cases)
    assert set(kinds) == {"expr", "mlp", "train", "init", "reject"}
    features = Counter(f for c in cases for f in c["features"])
    for name in json.loads(Path(harness.HERE / "features.json").read_text())["features"]:
        if name in ("graph.deep", "graph.wide"):
            continue  # the conformance suite's own large cases cover these
        assert features[name] > 0, name


def test_ieee_edges_reach_the_expectations():
    exprs = [c for c in finished() if c["kind"] == "expr"]
    values = [v for c in exprs for _, v in reference.leaves(c["expected"])]
    assert {"nan", "inf", "-inf"} <= {v for v in values if isinstance(v, str)}
    assert sum(isinstance(v, float) for v in values) > len(values) / 2


def rejects(seed: int = SEED, budget: int = BUDGET) -> list[dict]:
    return [c for c in gen.generate(seed, budget) if c["kind"] == "reject"]


def test_bad_calls_are_a_modest_share_and_leave_the_valid_cases_alone(monkeypatch):
    cases = gen.generate(SEED, BUDGET)
    assert len(cases) == BUDGET and len({c["id"] for c in cases}) == BUDGET
    assert len(rejects()) == round(BUDGET * gen.REJECT_SHARE)
    # Their own random stream: the valid cases are those of a run without bad calls.
    valid = [c for c in cases if c["kind"] != "reject"]
    monkeypatch.setattr(gen, "REJECT_SHARE", 0.0)
    assert gen.generate(SEED, len(valid)) == valid
    assert [c["id"] for c in valid] == [f"fuzz.s{SEED}.{i}" for i in range(len(valid))]


def test_every_bad_call_is_refused_by_the_reference_as_the_generator_says():
    for case in rejects():
        ready = runner.finish(case, strict=True)  # raises when the reference disagrees
        assert ready is not None and ready["expected"] == case["expected"]
        assert ready["features"][0] == "reject"


def test_bad_calls_cover_every_api_error_class_and_offending_kind():
    cases = rejects(SEED, 4 * BUDGET)  # generating alone is quick: 720 bad calls
    assert {c["call"]["api"] for c in cases} == set(harness.REJECT_FEATURES)
    assert {c["expected"]["error"] for c in cases} == {"type", "value", "memory"}
    words = [w for c in cases for w in c["expected"]["words"]]
    for kind in (gen.STR, gen.NULL, gen.BOOL, gen.LIST, gen.DICT, gen.INT, gen.FLOAT, gen.VALUE):
        assert kind in words, kind
    calls = [c["call"] for c in cases]
    betas = [c["betas"] for c in calls if c["api"] == "adam" and "betas" in c]
    assert any(isinstance(b, list) and len(b) not in (0, 2) for b in betas), "betas of 1, 3, 4"
    assert any(isinstance(b, list) and bool in map(type, b) for b in betas), "a bool beta"
    assert any(not isinstance(b, list) for b in betas), "betas that are not a pair"
    assert any(c["api"] == "mlp" and c.get("nouts") == [] for c in calls)
    assert any(isinstance(c.get("seed"), dict) for c in calls), "a seed of 2^64 or more"
    nested = [c for c in calls if c["api"] == "call" and isinstance(c["input"], list)]
    assert any(any(isinstance(x, list) for x in c["input"]) for c in nested), "nested wrongly"


def test_words_come_from_what_the_generator_broke():
    for case in rejects():
        call, (error, words) = case["call"], (case["expected"]["error"], case["expected"]["words"])
        if error == "memory":  # the count, computed here the SPEC's way
            sizes = [call["nin"], *call.get("nouts", [call.get("nout", 1)])]
            assert words == [str(sum((a + 1) * b for a, b in itertools.pairwise(sizes)))]
        if call["api"] == "call" and error == "value":  # both lengths
            nin = call["module"]["nin"]
            assert words == [str(nin), str(len(call["input"]))] and len(call["input"]) != nin
        if call["api"] == "value":
            assert error == "type" and len(words) == 1
