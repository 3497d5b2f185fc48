"""The harness's own tests: comparison, report, exit codes, bad input, misbehaving adapters."""

from __future__ import annotations

import copy
import json
import math
import sys
from pathlib import Path

import harness
import pytest

FAKE = Path(__file__).resolve().parent / "fake_adapter.py"
FEATURES = ["op.add", "op.mul", "op.tanh"]

ADD = {
    "id": "t.add",
    "kind": "expr",
    "description": "z = x + y",
    "features": ["op.add"],
    "inputs": {"x": 1.0, "y": 2.0},
    "ops": [["z", "add", "x", "y"]],
    "output": "z",
    "expected": {"value": 3.0, "grads": {"x": 1.0, "y": 1.0}},
}
TANH = {
    "id": "t.tanh",
    "kind": "expr",
    "description": "y = tanh(x * x)",
    "features": ["op.mul", "op.tanh", "graph.reuse"],
    "inputs": {"x": 0.5},
    "ops": [["s", "mul", "x", "x"], ["y", "tanh", "s"]],
    "output": "y",
    "expected": {"value": math.tanh(0.25), "grads": {"x": (1 - math.tanh(0.25) ** 2) * 1.0}},
}


def case(base: dict, **changes) -> dict:
    out = copy.deepcopy(base)
    out.update(changes)
    return out


def write_cases(directory: Path, name: str, cases: list, description: str = "test cases") -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"description": description, "cases": cases}), encoding="utf-8")
    return path


class Run:
    def __init__(self, code: int, out: str, report: dict) -> None:
        self.code, self.out, self.report = code, out, report

    def statuses(self, impl: str = "fake") -> dict:
        return {r["id"]: r["status"] for r in self.report["results"] if r["impl"] == impl}

    def results(self, impl: str) -> list[dict]:
        return [r for r in self.report["results"] if r["impl"] == impl]


@pytest.fixture
def run(tmp_path, capsys, monkeypatch):
    """run(paths, mode="ok", adapters=None, args=()) -> Run; answers = every case's expected."""
    monkeypatch.setattr(harness, "XFAIL_DIR", tmp_path / "xfail")

    def go(paths, mode="ok", adapters=None, args=(), answers=None, timeout=20) -> Run:
        if answers is None:
            answers = {}
            files = [
                f for p in map(Path, paths) for f in (p.rglob("*.json") if p.is_dir() else [p])
            ]
            for p in files:
                try:
                    doc = json.loads(p.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue  # the harness itself must report this file
                for c in doc.get("cases", []):
                    if isinstance(c, dict) and "id" in c:
                        answers[c["id"]] = c.get("expected")
        answers.setdefault("__features__", [*FEATURES, "graph.reuse", "graph.const"])
        answers_path = tmp_path / "answers.json"
        answers_path.write_text(json.dumps(answers), encoding="utf-8")
        adapters = adapters or {"fake": mode}
        argv = ["--report", str(tmp_path / "report.json"), "--timeout", str(timeout)]
        for name, m in adapters.items():
            argv += ["--adapter", f"{name}={sys.executable} {FAKE} {m} {answers_path}"]
            argv += ["--impl", name]
        code = harness.main([*argv, *args, *map(str, paths)])
        report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
        return Run(code, capsys.readouterr().out, report)

    return go


# ---------------------------------------------------------------- comparison


@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [
        ("nan", "nan", True),
        ("nan", 1.0, False),
        (1.0, "nan", False),
        ("inf", "inf", True),
        ("-inf", "-inf", True),
        ("inf", "-inf", False),
        ("inf", 1.7976931348623157e308, False),
        (1e308, "inf", False),
        (0.0, -0.0, True),
        (1.0, 1.0 + 1e-13, True),
        (1.0, 1.0 + 1e-11, False),
        (0.0, 1e-13, True),
        (0.0, 1e-11, False),
        (1.0, None, False),
        (1.0, "1.0", False),
        (1.0, True, False),
    ],
)
def test_matches_defaults(expected, actual, ok):
    assert harness.matches(expected, actual, 1e-12, 1e-12) is ok


def test_signed_zeros_pin_the_sign_of_an_expected_zero():
    assert harness.matches(0.0, -0.0, 1e-12, 1e-12)
    assert not harness.matches(0.0, -0.0, 1e-12, 1e-12, signed_zeros=True)
    assert not harness.matches(-0.0, 0.0, 1e-12, 1e-12, signed_zeros=True)
    assert not harness.matches(-0.0, -1e-300, 1e-12, 1e-12, signed_zeros=True)  # exactly -0.0
    assert harness.matches(-0.0, -0.0, 0, 0, signed_zeros=True)
    assert harness.matches(1.0, 1.0 + 1e-13, 1e-12, 1e-12, signed_zeros=True)  # others as usual
    found = harness.compare({"v": -0.0, "g": [0.0]}, {"v": 0.0, "g": [-0.0]}, 0, 1,
                            signed_zeros=True)  # fmt: skip
    assert [(m["path"], m["allowed"]) for m in found] == [("v", "exact"), ("g[0]", "exact")]
    c = harness.Case("a.b", "expr", {"tolerance": {"signed_zeros": True}}, "f", "g")
    assert harness.signed_zeros(c) and harness.tolerance(c) == (1e-12, 1e-12)
    assert not harness.signed_zeros(harness.Case("a.b", "expr", {}, "f", "g"))


def test_adapter_output_keeps_the_sign_of_minus_zero():
    doc = json.loads('{"a": -0, "b": -0.0, "c": 0, "d": 3}', parse_int=harness.parse_int)
    assert [math.copysign(1.0, doc[k]) for k in "abc"] == [-1.0, -1.0, 1.0]
    assert doc["d"] == 3 and isinstance(doc["d"], int)


def test_signed_zero_case_fails_an_adapter_with_the_other_zero(tmp_path, run):
    neg = case(
        ADD, id="t.neg", description="y = x * -1 at 0", features=["op.mul", "graph.const"],
        inputs={"x": 0.0}, ops=[["y", "mul", "x", -1]], output="y",
        tolerance={"signed_zeros": True}, expected={"value": -0.0, "grads": {"x": -1.0}},
    )  # fmt: skip
    path = write_cases(tmp_path, "neg.json", [neg])
    r = run([path], answers={"t.neg": {"value": 0.0, "grads": {"x": -1.0}}})
    assert r.statuses() == {"t.neg": "fail"}
    assert r.results("fake")[0]["mismatches"][0]["path"] == "value"
    r = run([path], answers={"t.neg": {"value": -0.0, "grads": {"x": -1.0}}})
    assert r.statuses() == {"t.neg": "pass"}


def test_matches_exact_and_relative():
    assert harness.matches(0.1, 0.1, 0.0, 0.0)
    assert not harness.matches(0.1, math.nextafter(0.1, 1.0), 0.0, 0.0)
    assert harness.matches(1e6, 1e6 + 0.5, 1e-6, 0.0)
    assert not harness.matches(1e6, 1e6 + 2, 1e-6, 0.0)


def test_compare_reports_paths_and_allowed_error():
    expected = {"value": 1.0, "grads": {"x": "nan", "y": 2.0}, "rows": [[1.0, 2.0]]}
    actual = {"value": 1.0, "grads": {"x": "nan"}, "rows": [[1.0, 2.5]]}
    found = harness.compare(expected, actual, 0.0, 0.1)
    assert found == [
        {"path": "grads.y", "expected": 2.0, "actual": "missing", "allowed": "exact"},
        {"path": "rows[0][1]", "expected": 2.0, "actual": 2.5, "allowed": 0.1},
    ]
    assert harness.compare([1.0, 2.0], [1.0], 0, 0)[0]["actual"] == "a list of 1"
    assert harness.compare({"a": 1.0}, [1.0], 0, 0)[0]["expected"] == "an object"
    assert harness.compare("inf", "-inf", 1, 1)[0]["allowed"] == "exact"


def test_case_tolerance_overrides_the_kind_default():
    c = harness.Case("a.b", "expr", {"tolerance": {"rtol": 1e-3}}, "f", "g")
    assert harness.tolerance(c) == (1e-3, 1e-12)
    assert harness.tolerance(harness.Case("a.b", "init", {}, "f", "g")) == (0.0, 0.0)


# ---------------------------------------------------------------- runs and reports


def test_all_pass_report_and_matrix(tmp_path, run):
    path = write_cases(tmp_path / "cases", "ops.json", [ADD, TANH])
    r = run([path])
    assert r.code == 0, r.out
    assert r.statuses() == {"t.add": "pass", "t.tanh": "pass"}
    assert set(r.report) == {"suite_version", "protocol", "implementations", "results", "summary"}
    assert r.report["protocol"] == 1
    assert r.report["suite_version"] == harness.suite_version()
    assert r.report["implementations"]["fake"] == {
        "available": True,
        "version": "0.0.1",
        "reason": None,
    }
    assert r.report["summary"] == {"fake": {"pass": 2}}
    for res in r.report["results"]:
        assert {"id", "impl", "status", "message", "mismatches"} <= set(res)
    assert "ops" in r.out and "2/2" in r.out and "RESULT: PASS" in r.out


def test_wrong_numbers_fail_with_a_readable_mismatch(tmp_path, run):
    path = write_cases(tmp_path, "ops.json", [ADD])
    r = run([path], mode="wrong")
    assert r.code == 1
    assert r.statuses() == {"t.add": "fail"}
    (res,) = r.results("fake")
    assert {"path": "value", "expected": 3.0, "actual": 4.0, "allowed": 1e-12 + 1e-12 * 3} in res[
        "mismatches"
    ]
    assert "FAIL  fake  t.add" in r.out
    assert "at value: expected 3.0, got 4.0" in r.out
    assert "0/1 (1 fail)" in r.out and "RESULT: FAIL" in r.out


def test_adapter_error_result_is_error(tmp_path, run):
    r = run([write_cases(tmp_path, "ops.json", [ADD])], mode="error")
    assert r.code == 1
    assert r.statuses() == {"t.add": "error"}
    assert "fake: no idea" in r.results("fake")[0]["message"]


@pytest.mark.parametrize(
    ("mode", "why"),
    [
        ("crash", "exited with code 3"),
        ("garbage", "describe"),
        ("badprotocol", "protocol 2"),
    ],
)
def test_dead_adapter_is_crash_and_the_run_goes_on(tmp_path, run, mode, why):
    path = write_cases(tmp_path, "ops.json", [ADD, TANH])
    r = run([path], adapters={"bad": mode, "good": "ok"})
    assert r.code == 1
    assert r.statuses("bad") == {"t.add": "crash", "t.tanh": "crash"}
    assert r.statuses("good") == {"t.add": "pass", "t.tanh": "pass"}
    assert why in r.results("bad")[0]["message"]


@pytest.mark.parametrize(
    ("mode", "where"), [("hang", "`describe` timed out"), ("hangrun", "adapter timed out")]
)
def test_hung_adapter_times_out_as_crash(tmp_path, run, mode, where):
    a = write_cases(tmp_path, "a.json", [ADD])
    b = write_cases(tmp_path, "b.json", [TANH])
    r = run([a, b], adapters={"slow": mode, "good": "ok"}, timeout=3)
    assert r.code == 1
    assert r.statuses("slow") == {"t.add": "crash", "t.tanh": "crash"}
    assert f"{where} after 3 s" in r.results("slow")[0]["message"]
    assert r.statuses("good") == {"t.add": "pass", "t.tanh": "pass"}


def test_missing_result_is_crash(tmp_path, run):
    r = run([write_cases(tmp_path, "ops.json", [ADD, TANH])], mode="partial")
    assert r.statuses() == {"t.add": "pass", "t.tanh": "crash"}
    assert "no result" in r.results("fake")[1]["message"]
    assert r.code == 1


def test_undeclared_feature_is_skip_and_does_not_fail(tmp_path, run):
    r = run([write_cases(tmp_path, "ops.json", [ADD])], mode="nofeatures")
    assert r.statuses() == {"t.add": "skip"}
    assert "op.add" in r.results("fake")[0]["message"]
    assert r.code == 0
    assert "0/1 (1 skip)" in r.out


def test_undeclared_feature_of_a_required_impl_fails(tmp_path, run):
    r = run([write_cases(tmp_path, "ops.json", [ADD, TANH])], mode="nofeatures",
            args=("--require", "fake"))  # fmt: skip
    assert r.statuses() == {"t.add": "fail", "t.tanh": "fail"}
    message = r.results("fake")[0]["message"]
    assert "op.add" in message and "a required impl may not skip" in message
    assert r.code == 1
    assert "0/2 (2 fail)" in r.out and "RESULT: FAIL" in r.out


def test_expected_failure_is_xfail_and_xpass_fails(tmp_path, run):
    (tmp_path / "xfail").mkdir()
    (tmp_path / "xfail" / "fake.txt").write_text(
        "# known problems\n\nt.add  # off by one, issue 12\n", encoding="utf-8"
    )
    path = write_cases(tmp_path, "ops.json", [ADD, TANH])
    r = run([path], mode="wrong")
    assert r.statuses() == {"t.add": "xfail", "t.tanh": "fail"}
    assert "off by one, issue 12" in r.results("fake")[0]["message"]
    r = run([path], mode="ok")
    assert r.statuses() == {"t.add": "xpass", "t.tanh": "pass"}
    assert r.code == 1
    (tmp_path / "xfail" / "fake.txt").write_text("t.add\nt.tanh\n", encoding="utf-8")
    r = run([path], mode="wrong")
    assert r.statuses() == {"t.add": "xfail", "t.tanh": "xfail"}
    assert r.code == 0


def test_unknown_expected_failure_entry_fails_only_the_default_suite(tmp_path, run, monkeypatch):
    (tmp_path / "xfail").mkdir()
    (tmp_path / "xfail" / "fake.txt").write_text("t.gone  # removed case\n", encoding="utf-8")
    path = write_cases(tmp_path / "suite", "ops.json", [ADD])
    r = run([path])
    assert r.code == 0, r.out
    monkeypatch.setattr(harness, "DEFAULT_CASES", tmp_path / "suite")
    r = run([], answers={"t.add": ADD["expected"]})
    assert r.code == 1
    (problem,) = r.results("harness")
    assert problem["status"] == "error" and problem["id"] == "t.gone"
    assert "matches no case" in problem["message"] and "line 1" in problem["message"]


def test_directory_of_cases_groups_by_file(tmp_path, run):
    write_cases(tmp_path / "cases" / "expr", "a.json", [ADD])
    write_cases(tmp_path / "cases" / "expr", "b.json", [TANH])
    r = run([tmp_path / "cases"])
    assert r.code == 0
    assert {res["group"] for res in r.report["results"]} == {"expr/a", "expr/b"}
    assert "expr/a" in r.out and "expr/b" in r.out and "total" in r.out


# ---------------------------------------------------------------- bad input


def problem_of(r: Run) -> list[dict]:
    return r.results("harness")


def test_file_that_is_not_json(tmp_path, run):
    bad = tmp_path / "broken.json"
    bad.write_text('{"description": "x", "cases": [', encoding="utf-8")
    good = write_cases(tmp_path, "good.json", [ADD])
    r = run([bad, good])
    assert r.code == 1
    (p,) = problem_of(r)
    assert "broken.json" in p["message"] and "not valid JSON" in p["message"]
    assert r.statuses() == {"t.add": "pass"}  # the rest still runs


def test_bare_nan_is_not_json(tmp_path, run):
    bad = tmp_path / "nan.json"
    bad.write_text(json.dumps({"description": "x", "cases": [case(ADD, inputs={"x": math.nan})]}))
    r = run([bad], answers={})
    (p,) = problem_of(r)
    assert "bare NaN" in p["message"] and r.code == 1


@pytest.mark.parametrize(
    ("broken", "field", "words"),
    [
        ({k: v for k, v in ADD.items() if k != "ops"}, "ops", "missing required field"),
        ({k: v for k, v in ADD.items() if k != "expected"}, "expected", "missing"),
        (case(ADD, ops=[["z", "frobnicate", "x", "y"]]), "ops[0][1]", "unknown op 'frobnicate'"),
        (case(ADD, features=["op.add", "op.teleport"]), "features[1]", "unknown feature"),
        (case(ADD, ops=[["z", "add", "x", "w"]]), "ops[0][3]", "used before it is defined"),
        (
            case(ADD, ops=[["z", "add", "x", "y"], ["z", "add", "z", "y"]]),
            "ops[1][0]",
            "defined twice",
        ),
        (case(ADD, ops=[["z", "pow", 2, 3]], features=["op.pow", "graph.const"]), "ops[0][2]",
         "base must be a name"),
        (case(ADD, ops=[["z", "pow", "x", "y"]], features=["op.pow"]), "ops[0][3]",
         "exponent must be a number"),
        (case(ADD, output="w"), "output", "not an input or a result"),
        (case(ADD, features=[]), "features", "does not declare"),
        (case(ADD, kind="quantum"), "kind", "is not one of"),
    ],
)  # fmt: skip
def test_bad_case_is_an_error_naming_file_case_and_field(tmp_path, run, broken, field, words):
    path = write_cases(tmp_path, "mixed.json", [broken, TANH])
    r = run([path])
    assert r.code == 1
    (p,) = problem_of(r)
    assert p["status"] == "error"
    assert p["field"] == field
    assert "mixed.json" in p["message"] and "t.add" in p["message"], p["message"]
    assert f"field {field!r}" in p["message"] and words in p["message"], p["message"]
    assert r.statuses() == {"t.tanh": "pass"}  # the valid case in the same file still runs
    assert "harness" in r.out and "t.add" in r.out


def test_duplicate_ids_across_files(tmp_path, run):
    a = write_cases(tmp_path, "a.json", [ADD])
    b = write_cases(tmp_path, "b.json", [case(ADD, description="again")])
    r = run([a, b])
    (p,) = problem_of(r)
    assert "duplicate id" in p["message"] and "b.json" in p["message"]
    assert r.statuses() == {"t.add": "pass"}


def test_model_shape_lints(tmp_path, run):
    mlp = {
        "id": "m.bad",
        "kind": "mlp",
        "description": "wrong parameter count",
        "features": ["mlp", "act.linear", "loss.mse"],
        "model": {"nin": 2, "nouts": [1], "activation": "tanh", "output_activation": "linear"},
        "parameters": [0.5, 0.5],
        "inputs": [[1.0, 2.0]],
        "targets": [[1.0]],
        "loss": {"name": "mse"},
        "expected": {"outputs": [[1.5]], "loss": 0.25, "grads": [1.0, 2.0, 1.0]},
    }
    r = run([write_cases(tmp_path, "m.json", [mlp])])
    (p,) = problem_of(r)
    assert p["field"] == "parameters" and "3 parameters, got 2" in p["message"]


def test_missing_path_is_an_error(tmp_path, run):
    r = run([tmp_path / "nowhere.json"], answers={})
    (p,) = problem_of(r)
    assert "no such file" in p["message"] and r.code == 1


# ---------------------------------------------------------------- impl availability


def fake_impl(name: str, answers: Path, **kw) -> harness.Impl:
    return harness.Impl(name, [sys.executable, str(FAKE), "ok", str(answers)], **kw)


@pytest.fixture
def answers(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"t.add": ADD["expected"], "__features__": FEATURES}))
    return path


def main_with(monkeypatch, tmp_path, impls: dict, *args: str) -> tuple[int, dict]:
    monkeypatch.setattr(harness, "known_impls", lambda: impls)
    monkeypatch.setattr(harness, "XFAIL_DIR", tmp_path / "xfail")
    path = write_cases(tmp_path, "ops.json", [ADD])
    report = tmp_path / "r.json"
    code = harness.main(["--report", str(report), *args, str(path)])
    return code, json.loads(report.read_text())


def test_missing_toolchain_is_unavailable_unless_required(tmp_path, monkeypatch, answers, capsys):
    impls = {"ghost": fake_impl("ghost", answers, tool="no-such-toolchain-rosettagrad")}
    code, report = main_with(monkeypatch, tmp_path, impls)
    assert code == 0
    info = report["implementations"]["ghost"]
    assert info["available"] is False and "no-such-toolchain-rosettagrad" in info["reason"]
    assert "unavailable" in capsys.readouterr().out
    code, _ = main_with(monkeypatch, tmp_path, impls, "--require", "ghost")
    assert code == 1


def test_port_not_in_tree_is_unavailable(tmp_path, monkeypatch, answers):
    impls = {"later": fake_impl("later", answers, present=["no/such/adapter.js"])}
    code, report = main_with(monkeypatch, tmp_path, impls)
    assert code == 0
    assert "port not in this tree" in report["implementations"]["later"]["reason"]


def test_failed_build_is_a_failure_not_unavailable(tmp_path, monkeypatch, answers):
    build = [
        sys.executable,
        "-c",
        "import sys; print('compile error', file=sys.stderr); sys.exit(2)",
    ]
    impls = {"broken": fake_impl("broken", answers, build=build)}
    code, report = main_with(monkeypatch, tmp_path, impls)
    assert code == 1
    assert report["implementations"]["broken"]["available"] is True
    assert "build failed" in report["implementations"]["broken"]["reason"]
    assert "compile error" in report["implementations"]["broken"]["reason"]
    assert [r["status"] for r in report["results"]] == ["crash"]


def test_unknown_impl_name_is_a_usage_error(tmp_path, monkeypatch, answers):
    monkeypatch.setattr(harness, "known_impls", lambda: {"x": fake_impl("x", answers)})
    assert harness.main(["--impl", "nope"]) == 2


def test_require_does_not_narrow_the_run(tmp_path, monkeypatch, answers):
    impls = {
        "a": fake_impl("a", answers),
        "ghost": fake_impl("ghost", answers, tool="no-such-toolchain-rosettagrad"),
    }
    code, report = main_with(monkeypatch, tmp_path, impls, "--require", "ghost")
    assert code == 1
    assert set(report["implementations"]) == {"a", "ghost"}
    assert report["summary"] == {"a": {"pass": 1}}
    code, report = main_with(monkeypatch, tmp_path, impls, "--impl", "a")
    assert code == 0 and set(report["implementations"]) == {"a"}


# ---------------------------------------------------------------- reject cases (SPEC §4.5)

REJECT = {
    "id": "t.reject-null",
    "kind": "reject",
    "description": "MLP(2, [1])(None) must be a type error naming None",
    "features": ["reject", "reject.call"],
    "call": {"api": "call", "module": {"api": "mlp", "nin": 2, "nouts": [1]}, "input": None},
    "expected": {"error": "type", "words": [["none", "null", "nothing"]]},
}
REJECT_FEATURES = ["reject", "reject.call"]


def reject_run(run, tmp_path, actual, language="python"):
    path = write_cases(tmp_path / "cases", "reject.json", [REJECT])
    answers = {REJECT["id"]: actual, "__features__": REJECT_FEATURES}
    answers["__language__"] = language
    return run([path], answers=answers)


@pytest.mark.parametrize(
    ("language", "raised", "message"),
    [
        ("python", "TypeError", "MLP expects a list of 2 numbers or Values, got NoneType"),
        ("javascript", "TypeError", "MLP expects an Array of 2 numbers or Values, got null"),
        ("julia", "MethodError", "MethodError: no method matching (::MLP)(::Nothing)"),
        ("rust", "compile-time", "does not compile: input: expected `&[_]`, found null"),
    ],
)
def test_a_reject_case_passes_with_the_class_of_its_language(
    tmp_path, run, language, raised, message
):
    r = reject_run(run, tmp_path, {"raised": raised, "message": message}, language)
    assert r.statuses() == {"t.reject-null": "pass"}, r.out
    assert r.code == 0


def test_a_port_that_accepts_a_call_it_must_reject_fails(tmp_path, run):
    r = reject_run(run, tmp_path, {"raised": None, "message": "the call returned list"})
    assert r.code == 1
    assert r.statuses() == {"t.reject-null": "fail"}
    (m,) = r.results("fake")[0]["mismatches"]
    assert m["path"] == "error" and m["expected"] == "type"
    assert m["actual"] == "no error: the call was accepted (the call returned list)"
    assert "at error: expected type, got no error: the call was accepted" in r.out


def test_a_reject_with_the_wrong_class_fails_naming_both(tmp_path, run):
    actual = {"raised": "ValueError", "message": "unknown thing None"}
    r = reject_run(run, tmp_path, actual)
    assert r.statuses() == {"t.reject-null": "fail"}
    (m,) = r.results("fake")[0]["mismatches"]
    assert m == {
        "path": "error",
        "expected": "type (TypeError)",
        "actual": "ValueError: unknown thing None",
        "allowed": "exact",
    }


def test_a_reject_whose_message_lacks_a_word_fails_at_that_word(tmp_path, run):
    actual = {"raised": "TypeError", "message": "object of type has no len()"}
    r = reject_run(run, tmp_path, actual)
    assert r.statuses() == {"t.reject-null": "fail"}
    (m,) = r.results("fake")[0]["mismatches"]
    assert m["path"] == "words[0]" and m["expected"] == ["none", "null", "nothing"]


def test_a_reject_class_name_of_another_language_does_not_count(tmp_path, run):
    # Julia's MethodError is a type error in Julia, not in Python.
    actual = {"raised": "MethodError", "message": "no method matching f(::Nothing)"}
    r = reject_run(run, tmp_path, actual, language="python")
    assert r.statuses() == {"t.reject-null": "fail"}
    r = reject_run(run, tmp_path, {"raised": "TypeError", "message": "None"}, language="cobol")
    assert r.statuses() == {"t.reject-null": "fail"}
    assert "no error-class table for language 'cobol'" in r.out


def test_a_malformed_reject_result_fails(tmp_path, run):
    r = reject_run(run, tmp_path, {"raised": 3, "message": None})
    assert r.statuses() == {"t.reject-null": "fail"}


def test_reject_lint_derives_features_and_checks_the_module(tmp_path, run):
    memory = case(
        REJECT,
        id="t.reject-memory",
        call={"api": "mlp", "nin": 10**6, "nouts": [10**6], "seed": 1},
        expected={"error": "memory", "words": ["1000001000000"]},
    )
    needed = harness.lint_reject(memory, [])
    assert needed == {"reject", "reject.module", "reject.seed", "reject.memory"}
    big = case(
        REJECT, call={**REJECT["call"], "module": {"api": "mlp", "nin": 10**6, "nouts": [1]}}
    )
    found: list = []
    harness.lint_reject(big, found)
    assert found and found[0][0] == "call.module"
    path = write_cases(tmp_path / "cases", "reject.json", [case(REJECT, features=["reject"])])
    r = run([path], answers={"__features__": REJECT_FEATURES})
    assert "uses features it does not declare: ['reject.call']" in r.out


def test_a_reject_adam_call_takes_betas_or_beta1_beta2_never_both(tmp_path, run):
    """SPEC §4.5: `betas` (the whole pair, for a pair of the wrong length) is an optional
    field of the adam call; given with beta1 or beta2 the case is invalid."""
    adam = {"api": "adam", "params": [{"$value": 1.0}]}
    features = ["reject", "reject.optimizer"]
    pair = case(REJECT, id="t.betas", features=features, call={**adam, "betas": [0.9]},
                expected={"error": "value", "words": ["betas", "2", "1"]})  # fmt: skip
    both = case(pair, id="t.both", call={**adam, "betas": [0.9, 0.999], "beta1": 0.8})
    path = write_cases(tmp_path / "cases", "reject.json", [pair, both])
    answers = {"t.betas": {"raised": "ValueError", "message": "betas must have 2 values, got 1"}}
    r = run([path], answers={**answers, "__features__": features})
    assert r.statuses() == {"t.betas": "pass"}, r.out
    (problem,) = problem_of(r)
    assert problem["id"] == "t.both" and problem["status"] == "error"
