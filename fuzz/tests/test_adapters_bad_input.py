"""Every available adapter answers malformed input with an error, never a stack trace.

DESIGN §4: one bad case is an `error` result, never a crash. A file that is
not a protocol document at all (not JSON, no `cases`, not an object, missing)
has no case to attach an error to: the adapter must then say what is wrong,
on stderr or as JSON, and exit; no traceback, panic, abort or hang.

The `adapter` fixture (conftest.py) runs every port: a missing toolchain
is a skip locally and a failure in CI.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import TIMEOUT, harness

STACK = re.compile(
    r"Traceback \(most recent call last\)|panicked at|stack backtrace|Stacktrace:"
    r"|^\s+at .+:\d+:\d+\)?$|^\s*\[\d+\] .+ @ ",
    re.MULTILINE,
)
GOOD = {"id": "bad.good", "kind": "expr", "description": "d", "features": ["op.exp"],
        "inputs": {"x": 1.0}, "ops": [["y", "exp", "x"]], "output": "y"}  # fmt: skip


def run(impl: harness.Impl, path: Path) -> tuple[int | None, str, str]:
    return harness.run_process([*impl.command, "run", str(path)], TIMEOUT, impl.env)


def assert_clear_refusal(impl, code, out, err, *words: str) -> None:
    assert code is not None, f"{impl.name} hung"
    assert code >= 0, f"{impl.name} died of signal {-code}"
    assert not STACK.search(out + err), f"{impl.name} printed a stack trace:\n{err or out}"
    if code == 0:  # answered in JSON: then it must be an error document
        doc = json.loads(out)
        text = json.dumps(doc)
        assert "error" in text, f"{impl.name} exited 0 without an error: {out[:300]}"
    else:
        text = err.strip()
        assert text, f"{impl.name} exited {code} without saying why"
        assert len(text.splitlines()) <= 5, f"{impl.name}: a message, not a dump:\n{text}"
    for w in words:
        assert w.lower() in text.lower(), f"{impl.name}: message should mention {w!r}: {text}"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("nope{", ["json"]),
        ('{"protocol": 1}', ["cases"]),
        ('{"protocol": 1, "cases": 3}', ["cases"]),
        ("[1, 2]", []),
        ("", []),
    ],
    ids=["not-json", "no-cases", "cases-not-a-list", "not-an-object", "empty-file"],
)
def test_a_malformed_document_is_refused_clearly(adapter, tmp_path, content, words):
    path = tmp_path / "IN.json"
    path.write_text(content, encoding="utf-8")
    assert_clear_refusal(adapter, *run(adapter, path), *words)


def test_a_missing_file_is_refused_clearly(adapter, tmp_path):
    assert_clear_refusal(adapter, *run(adapter, tmp_path / "nowhere.json"))


BAD_CASES = {
    "unknown-op": {**GOOD, "id": "bad.op", "ops": [["y", "frob", "x"]]},
    "missing-ops": {k: v for k, v in {**GOOD, "id": "bad.noops"}.items() if k != "ops"},
    "unknown-kind": {**GOOD, "id": "bad.kind", "kind": "poem"},
    "input-not-a-number": {**GOOD, "id": "bad.input", "inputs": {"x": "abc"}},
    "undefined-name": {**GOOD, "id": "bad.name", "ops": [["y", "exp", "z"]]},
    "pow-value-exponent": {**GOOD, "id": "bad.pow", "ops": [["y", "pow", "x", "x"]]},
    "wrong-parameter-count": {
        "id": "bad.params", "kind": "mlp", "description": "d", "features": ["mlp"],
        "model": {"nin": 2, "nouts": [1], "activation": "tanh", "output_activation": "linear"},
        "parameters": [0.5], "inputs": [[1.0, 2.0]], "targets": [[0.0]], "loss": {"name": "mse"},
    },
    "input-row-too-short": {
        "id": "bad.row", "kind": "mlp", "description": "d", "features": ["mlp"],
        "model": {"nin": 2, "nouts": [1], "activation": "tanh", "output_activation": "linear"},
        "parameters": [0.5, 0.5, 0.0], "inputs": [[1.0]], "targets": [[0.0]],
        "loss": {"name": "mse"},
    },
}  # fmt: skip


@pytest.mark.parametrize("bad", list(BAD_CASES), ids=list(BAD_CASES))
def test_one_bad_case_is_an_error_result_and_the_rest_still_run(adapter, tmp_path, bad):
    path = tmp_path / "IN.json"
    doc = {"protocol": 1, "cases": [GOOD, BAD_CASES[bad]]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = run(adapter, path)
    assert code == 0, f"{adapter.name} exited {code} on one bad case: {err.strip()[-500:]}"
    results = {r["id"]: r for r in json.loads(out)["results"]}
    assert results["bad.good"]["status"] == "ok"
    r = results[BAD_CASES[bad]["id"]]
    assert r["status"] == "error", f"{adapter.name} answered {r} for a {bad} case"
    assert isinstance(r.get("message"), str) and r["message"].strip()
    assert not STACK.search(r["message"]), r["message"]
