"""The compare view's layout and the same-seed case and comparison (no adapter is run here)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import compare
import same_seed
from regions import CONCEPTS


def test_side_by_side_keeps_every_line_within_the_width() -> None:
    cols = [("A", "x = 1\ny = 2"), ("B", "let x = 1;"), ("C", "a_very_long_name = " + "1 + " * 30)]
    text = compare.side_by_side(cols, 90)
    lines = text.splitlines()
    assert all(len(line) <= 90 for line in lines)
    assert lines[0].startswith("A") and "│ B" in lines[0] and "│ C" in lines[0]
    assert "x = 1" in lines[2] and "let x = 1;" in lines[2]
    assert any("↪" in line for line in lines)  # the long line wrapped, not cut


def test_narrow_terminal_stacks_the_ports() -> None:
    text = compare.render("add", 60)
    assert "│" not in text
    assert "── Python" in text


def test_wide_terminal_puts_ports_in_columns() -> None:
    text = compare.render("tanh", 240)
    assert text.splitlines()[0].startswith("Python") and "│" in text


def test_compare_cli_accepts_loose_names_and_rejects_unknown(capsys) -> None:
    assert compare.main(["zero-grad", "--width", "200"]) == 0
    assert capsys.readouterr().out.startswith("zero_grad")
    assert compare.main(["nonsense"]) == 2
    assert "unknown concept 'nonsense'" in capsys.readouterr().err


def test_compare_shows_only_the_chosen_ports(capsys) -> None:
    assert compare.main(["backward", "--port", "python", "--port", "rust", "--width", "200"]) == 0
    out = capsys.readouterr().out
    assert "Python  python/src" in out and "Rust  rust/" in out
    assert "JavaScript" not in out and "Julia" not in out


def test_every_concept_renders() -> None:
    for c in CONCEPTS:
        assert compare.render(c, 200).strip()


def test_same_seed_case_is_a_valid_train_case() -> None:
    case = same_seed.make_case(steps=3)
    features = same_seed.harness.registered_features()
    problems = same_seed.harness.lint_case({**case, "expected": fake_expected(case)}, features)
    assert problems == []
    assert len(case["parameters"]) == (2 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 1
    assert case["parameters"][-1] == 0.0  # the last bias
    assert len(case["inputs"]) == len(case["targets"]) == 100


def fake_expected(case: dict) -> dict:
    return {"losses": [0.0] * case["steps"], "parameters": [0.0] * len(case["parameters"])}


def run(impl: str, losses: list[float]) -> same_seed.Run:
    return same_seed.Run(impl, True, None, 1.0, losses, [0.5])


def test_agreement_exact_and_within_tolerance() -> None:
    exact = same_seed.agreement([run("python", [1.0, 0.5]), run("js", [1.0, 0.5])])
    assert exact.within and exact.worst_rel == 0.0 and exact.compared == 1
    close = same_seed.agreement([run("python", [1.0, 0.5]), run("rust", [1.0, 0.5 * (1 + 1e-12)])])
    assert close.within and close.worst_rel == pytest.approx(1e-12, rel=1e-3)
    assert close.worst_at == "rust, step 1"


def test_agreement_flags_a_port_outside_the_train_tolerance() -> None:
    runs = [run("python", [1.0, 0.5]), run("js", [1.0, 0.5]), run("julia", [1.0, 0.5001])]
    verdict = same_seed.agreement(runs)
    assert not verdict.within
    assert verdict.worst_at == "julia, step 1"
    nan = same_seed.agreement([run("python", [1.0, 0.5]), run("js", [1.0, math.nan])])
    assert not nan.within and math.isnan(nan.worst_rel)


def test_agreement_without_the_reference_is_not_agreement() -> None:
    verdict = same_seed.agreement([run("js", [1.0])])
    assert not verdict.within and verdict.compared == 0
