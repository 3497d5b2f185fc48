"""End to end through the harness's adapter plumbing, with fake ports that have planted bugs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from fuzz import __main__ as cli
from fuzz import runner

from .conftest import HERE, harness


def test_a_port_without_bugs_agrees_everywhere(fake):
    out = runner.fuzz(1, 400, [fake("none")], log=lambda m: None)
    assert out.findings == []
    assert set(out.counts["fake-none"]) == {"pass"}
    assert out.counts["fake-none"]["pass"] == 400 - out.ill_conditioned


def test_a_planted_gradient_bug_is_found_and_shrunk(fake, tmp_path: Path):
    out = runner.fuzz(3, 300, [fake("relu0")], max_shrinks=2, log=lambda m: None)
    assert out.findings, "relu'(0) = 1 should disagree somewhere in 300 cases"
    assert all(f.result["status"] == "fail" for f in out.findings)
    shrunk = [f for f in out.findings if f.shrunk is not None]
    assert len(shrunk) == 2
    for f in shrunk:
        assert [op[1] for op in f.shrunk["ops"]] == ["relu"]
        assert f.shrunk_result["status"] == "fail"
        assert f.shrunk_result["mismatches"][0]["actual"] == 1.0
    # The findings file is a valid case file that replays the disagreement.
    path = tmp_path / "findings.json"
    runner.write_json(path, runner.findings_file(out, 3))
    suite = harness.load_suite([path], harness.registered_features())
    assert suite.problems == []
    assert len(suite.cases) == 2


def test_a_constant_on_the_left_bug_is_found(fake):
    out = runner.fuzz(3, 300, [fake("sub-const")], max_shrinks=1, log=lambda m: None)
    assert out.findings
    small = out.findings[0].shrunk
    assert small is not None
    # Expr findings shrink first, and a program with `c - x` is among the 300 cases.
    assert small["kind"] == "expr", small
    assert len(small["ops"]) == 1 and small["ops"][0][1] == "sub"
    assert not isinstance(small["ops"][0][2], str)  # the constant is on the left


def test_a_port_that_dies_is_pinned_to_one_case(fake):
    out = runner.fuzz(3, 30, [fake("crash-log")], max_shrinks=1, log=lambda m: None)
    assert out.findings and out.unpinned == {}
    assert all(f.result["status"] == "crash" for f in out.findings)
    assert all(any(op[1] == "log" for op in f.original["ops"]) for f in out.findings)
    small = out.findings[0].shrunk
    assert [op[1] for op in small["ops"]] == ["log"]


def test_an_undeclared_feature_is_a_skip_unless_the_port_is_required(fake):
    out = runner.fuzz(3, 100, [fake("no-log")], max_shrinks=0, log=lambda m: None)
    assert out.findings == [] and out.counts["fake-no-log"]["skip"] > 0
    required = runner.fuzz(3, 100, [fake("no-log", required=True)], max_shrinks=0,
                           log=lambda m: None)  # fmt: skip
    assert "skip" not in required.counts["fake-no-log"]
    assert required.counts["fake-no-log"]["fail"] == out.counts["fake-no-log"]["skip"]
    assert all("op.log" in f.result["message"] for f in required.findings)
    assert "may not skip" in required.findings[0].result["message"]


def test_the_cli_passes_on_the_reference_and_writes_its_report(tmp_path: Path, capsys):
    report = tmp_path / "r.json"
    code = cli.main(["--impl", "python", "--budget", "60", "--seed", "5", "--report", str(report)])
    assert code == 0, capsys.readouterr().out
    doc = json.loads(report.read_text())
    assert doc["seed"] == 5 and doc["findings"] == []
    assert doc["summary"]["python"]["pass"] == 60 - doc["ill_conditioned"]
    assert "RESULT: PASS" in capsys.readouterr().out


def test_the_cli_rejects_an_unknown_impl_and_a_bad_budget():
    with pytest.raises(SystemExit, match="unknown impl"):
        cli.main(["--impl", "cobol", "--budget", "5"])
    assert cli.main(["--budget", "0", "--impl", "python"]) == 2


def test_a_generated_case_the_reference_rejects_is_reported_not_dropped(monkeypatch, fake):
    def broken_expect(case):
        raise OverflowError("int too large to convert to float")

    monkeypatch.setattr(runner.reference, "expect", broken_expect)
    out = runner.fuzz(1, 5, [fake("none")], log=lambda m: None)
    assert len(out.reference_errors) == 5
    assert "OverflowError" in out.reference_errors[0]
    assert out.ill_conditioned == 0


@pytest.mark.parametrize(
    ("bug", "words"),
    [
        ("bool-number", "bool"),  # accepted: "no error: the call was accepted"
        ("length-type", None),  # refused, but with the wrong error class
    ],
)
def test_a_planted_refusal_bug_is_found_and_written_to_findings(fake, tmp_path, bug, words):
    out = runner.fuzz(4, 400, [fake(bug)], max_shrinks=1, log=lambda m: None)
    assert out.findings, f"{bug} should disagree on some bad call in 400 cases"
    assert all(f.original["kind"] == "reject" for f in out.findings)
    assert all(f.result["status"] == "fail" for f in out.findings)
    assert all(f.result["mismatches"][0]["path"] == "error" for f in out.findings)
    if words:
        assert all(f.original["expected"]["words"] == [words] for f in out.findings)
        assert any("accepted" in f.result["mismatches"][0]["actual"] for f in out.findings)
    else:  # every wrong-length call of the run, and nothing else
        assert all(f.original["call"]["api"] == "call" for f in out.findings)
        assert all(f.original["expected"]["error"] == "value" for f in out.findings)
        assert all("TypeError" in f.result["mismatches"][0]["actual"] for f in out.findings)
    shrunk = out.findings[0]
    assert shrunk.shrunk is not None and shrunk.shrunk["call"] == shrunk.original["call"]
    assert shrunk.shrunk_result["status"] == "fail"
    path = tmp_path / "findings.json"
    runner.write_json(path, runner.findings_file(out, 4))
    suite = harness.load_suite([path], harness.registered_features())
    assert suite.problems == []
    assert [c.data["call"] for c in suite.cases] == [shrunk.original["call"]]


def test_a_bad_call_the_reference_accepts_is_reported_not_dropped(monkeypatch, fake):
    # The reference itself with the bool slip: the SPEC says Value(True) is refused.
    monkeypatch.setattr(runner.reference.rosettagrad.engine, "_is_number",
                        lambda x: isinstance(x, (int, float)))  # fmt: skip
    out = runner.fuzz(4, 400, [fake("none")], max_shrinks=0, log=lambda m: None)
    assert out.reference_errors
    assert all("SPEC wants type" in e and "accepted" in e for e in out.reference_errors)
    assert all("True" in e or "False" in e for e in out.reference_errors)  # the bool it took
    assert out.ill_conditioned < 20


def test_the_cli_shows_a_bad_call_disagreement_and_what_the_spec_wants(tmp_path: Path, capsys):
    fake = f"{sys.executable} {HERE / 'fake_adapter.py'} bool-number"
    findings = tmp_path / "f.json"
    code = cli.main(["--adapter", f"fake={fake}", "--impl", "fake", "--budget", "200",
                     "--seed", "4", "--shrink", "1", "--report", str(tmp_path / "r.json"),
                     "--findings", str(findings)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1 and "RESULT: FAIL" in out
    assert "DISAGREEMENT  fake" in out and "no error: the call was accepted" in out
    assert "'expected': {'error': 'type', 'words': ['bool']}" in out
    assert [c["kind"] for c in json.loads(findings.read_text())["cases"]] == ["reject"]
