"""conformance/PORTING.md, run: every command and file of the guide, in its order.

The guide marks each fenced block with an HTML comment (invisible on the page):

    <!-- test: write PATH -->                  the block is saved as PATH
    <!-- test: replace "PREFIX" in PATH -->    the line starting with PREFIX becomes the block
    <!-- test: exit N; output contains "X" --> each command of the sh block exits N, prints X

The tiny Python adapter of the guide plays the newcomer's port. The tree the
commands need (conformance/, fuzz/) is copied to a temporary folder, so the
guide's files never land in the repository. `nox -s conformance --` and
`nox -s fuzz --` are run as the commands those sessions run (checked below
against noxfile.py), inside this session's environment.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "conformance" / "PORTING.md"
BLOCK = re.compile(r"<!-- test: (?P<test>.*?) -->\n```(?P<lang>\w*)\n(?P<body>.*?)```", re.S)
FENCE = re.compile(r"^```\w*$", re.M)

# What the guide's nox commands run (the sessions' own session.run lines; checked below).
SESSIONS = {
    "conformance": ([sys.executable, "conformance/harness.py"], "conformance/harness.py"),
    "fuzz": ([sys.executable, "-m", "fuzz"], '"-m", "fuzz"'),
}


def blocks() -> list[re.Match[str]]:
    return list(BLOCK.finditer(GUIDE.read_text(encoding="utf-8")))


def argv(command: str) -> list[str]:
    words = shlex.split(command)
    if words[:2] == ["nox", "-s"] and words[2] in SESSIONS and words[3:4] == ["--"]:
        return [*SESSIONS[words[2]][0], *words[4:]]
    if words[0] == "python3":
        return [sys.executable, *words[1:]]
    if words[:2] == ["mkdir", "-p"]:
        return words
    raise AssertionError(f"PORTING.md has a command this test cannot run: {command!r}")


def test_every_block_of_the_guide_is_under_test() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    opening = len(FENCE.findall(text)) // 2
    assert opening == len(blocks()), "a fenced block of PORTING.md has no <!-- test: … --> mark"
    assert sum(1 for b in blocks() if b["lang"] == "sh") >= 6


def test_the_nox_sessions_run_what_this_test_runs() -> None:
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    for name, (_, needle) in SESSIONS.items():
        body = noxfile.split(f"def {name}(session", 1)[1].split("\n@nox.session", 1)[0]
        assert needle in body and "*session.posargs" in body, name


def test_an_unknown_command_is_refused() -> None:
    with pytest.raises(AssertionError, match="cannot run"):
        argv("cargo run --release")


def test_fuzz_refuses_a_malformed_adapter() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "fuzz", "--adapter", "mine"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "--adapter wants NAME=COMMAND, got 'mine'" in proc.stderr


def test_the_guide_runs_from_an_empty_folder(tmp_path: Path) -> None:
    for folder in ("conformance", "fuzz"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("tests", "__pycache__")
        )
    assert not (tmp_path / "conformance" / "expected-failures" / "mine.txt").exists()
    ran = 0
    for b in blocks():
        test, body = b["test"], b["body"]
        if m := re.fullmatch(r"write (\S+)", test):
            path = tmp_path / m[1]
            assert path.parent.is_dir(), f"the guide writes {m[1]} before making its folder"
            path.write_text(body, encoding="utf-8")
        elif m := re.fullmatch(r'replace "([^"]+)" in (\S+)', test):
            path = tmp_path / m[2]
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            hits = [k for k, line in enumerate(lines) if line.startswith(m[1])]
            assert len(hits) == 1, f"{m[2]} has {len(hits)} lines starting {m[1]!r}"
            lines[hits[0]] = body
            path.write_text("".join(lines), encoding="utf-8")
        else:
            m = re.fullmatch(r'exit (\d+)((?:; output contains "[^"]+")*)', test)
            assert m, f"unknown test mark {test!r}"
            want = re.findall(r'output contains "([^"]+)"', m[2])
            for command in (c for c in body.splitlines() if c.strip()):
                proc = subprocess.run(
                    argv(command), cwd=tmp_path, capture_output=True, text=True, timeout=600
                )
                out = proc.stdout + proc.stderr
                assert proc.returncode == int(m[1]), f"{command}\nexit {proc.returncode}:\n{out}"
                for text in want:
                    assert text in out, f"{command}: no {text!r} in its output:\n{out}"
                ran += 1
    assert ran >= 7
