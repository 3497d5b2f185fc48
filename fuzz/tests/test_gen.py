"""The generator makes valid, varied cases that reach every op and the IEEE edges."""

from __future__ import annotations

import functools
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
    assert set(kinds) == {"expr", "mlp", "train", "init"}
    features = Counter(f for c in cases for f in c["features"])
    for name in json.loads(Path(harness.HERE / "features.json").read_text())["features"]:
        if name in ("graph.deep", "graph.wide"):
            continue  # the conformance suite's own large cases cover these
        if name == "reject" or name.startswith("reject."):
            continue  # the fuzzer makes valid calls; conformance/cases/reject has the bad ones
        assert features[name] > 0, name


def test_ieee_edges_reach_the_expectations():
    exprs = [c for c in finished() if c["kind"] == "expr"]
    values = [v for c in exprs for _, v in reference.leaves(c["expected"])]
    assert {"nan", "inf", "-inf"} <= {v for v in values if isinstance(v, str)}
    assert sum(isinstance(v, float) for v in values) > len(values) / 2
