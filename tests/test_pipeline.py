"""The CI path itself: a port whose toolchain is missing turns CI red, and says which.

CI is `bash .ci/run` with ROSETTAGRAD_REQUIRE_ALL=1 (it sets it); a contributor's
`nox` skips a missing toolchain and says so. Each test hides one toolchain from
PATH (every other program stays reachable) and runs the real entry point.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "conformance"))

import harness  # noqa: E402

import noxfile  # noqa: E402

TIMEOUT = 300  # .ci/run stops at its toolchain check in seconds; a full nox run would not


def hidden(tool: str, tmp_path: Path) -> str:
    """PATH without `tool`: each directory holding it is replaced by links to everything else."""
    dirs = []
    for i, d in enumerate(os.environ["PATH"].split(os.pathsep)):
        folder = Path(d)
        if not (folder / tool).exists():
            dirs.append(d)
            continue
        shadow = tmp_path / f"path{i}"
        shadow.mkdir()
        for entry in folder.iterdir():
            if entry.name != tool:
                (shadow / entry.name).symlink_to(entry)
        dirs.append(str(shadow))
    path = os.pathsep.join(dirs)
    assert not any((Path(d) / tool).exists() for d in dirs)
    return path


def run(cmd: list[str], path: str, require_all: bool | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ROSETTAGRAD_REQUIRE_ALL"}
    if require_all is not None:
        env["ROSETTAGRAD_REQUIRE_ALL"] = "1" if require_all else "0"
    env["PATH"] = path
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:  # it went past the check: stop the whole run
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def test_ci_fails_naming_the_rust_port_when_cargo_is_missing(tmp_path: Path) -> None:
    # .ci/run sets ROSETTAGRAD_REQUIRE_ALL=1 itself: nothing is set here.
    out = run(["bash", ".ci/run"], hidden("cargo", tmp_path), require_all=None)
    text = out.stdout + out.stderr
    assert out.returncode != 0, text[-3000:]
    assert "`cargo` not found on PATH" in text and "the Rust port" in text, text[-3000:]
    assert "Session toolchains aborted" in text, text[-3000:]


@pytest.mark.parametrize(
    ("tool", "session", "port"),
    [("cargo", "rust", "the Rust port"), ("node", "js", "the JavaScript port")],
)
def test_a_session_fails_in_ci_and_skips_locally_without_its_toolchain(
    tmp_path: Path, tool: str, session: str, port: str
) -> None:
    path = hidden(tool, tmp_path)
    nox = [sys.executable, "-m", "nox", "--no-venv", "-s", session]
    ci = run(nox, path, require_all=True)
    text = ci.stdout + ci.stderr
    assert ci.returncode != 0, text
    assert f"`{tool}` not found on PATH" in text and port in text, text
    assert f"Session {session} aborted" in text, text
    local = run(nox, path, require_all=False)
    text = local.stdout + local.stderr
    assert local.returncode == 0, text
    assert f"Session {session} skipped" in text and f"`{tool}` not found on PATH" in text, text


def test_ci_requires_every_port_the_harness_knows(monkeypatch: pytest.MonkeyPatch) -> None:
    assert noxfile.IMPLS == list(harness.known_impls())
    monkeypatch.setattr(noxfile, "REQUIRE_ALL", True)
    assert noxfile.required_impls() == [
        "--require", "python", "--require", "rust-py", "--require", "rust",
        "--require", "js", "--require", "julia",
    ]  # fmt: skip
    monkeypatch.setattr(noxfile, "REQUIRE_ALL", False)
    assert noxfile.required_impls() == []
