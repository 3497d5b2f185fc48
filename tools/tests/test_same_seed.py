"""The same-seed check can fail: `nox -s demo` (tools/demo.py) and the site's verdict
(tools/same_seed.py's agreement) say no agreement when a port disagrees beyond the train
tolerance, when a port that should have run did not, or when nothing ran to compare with.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import demo  # noqa: E402
import same_seed  # noqa: E402

harness = same_seed.harness
STEPS = 2  # the real case has 100 steps; 2 show the same thing in a few seconds


def port(name: str, command: list[str], **kw) -> harness.Impl:
    return harness.Impl(name, command, **kw)


PYTHON = [sys.executable, "-m", "rosettagrad.conformance"]
PLANTED = [sys.executable, str(HERE / "planted_adapter.py")]
# Describes itself like the Python adapter, then dies in `run`.
DEAD = [
    sys.executable, "-c",
    "import sys, rosettagrad.conformance as a; "
    "sys.exit(a.main(sys.argv[1:]) if sys.argv[1] == 'describe' else 3)",
]  # fmt: skip


@pytest.fixture
def ports(monkeypatch):
    """demo.main() over these impls (by name), on a short same-seed case."""
    short = same_seed.make_case

    def use(impls: list[harness.Impl], *args: str) -> tuple[int, dict]:
        monkeypatch.setattr(same_seed, "make_case", lambda steps=STEPS: short(steps))
        monkeypatch.setattr(same_seed, "impls", lambda names=None: impls)
        return demo.main(list(args))

    return use


def test_agreeing_ports_pass(ports, capsys):
    code = ports([port("python", PYTHON), port("js", PYTHON)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "within the train tolerance" in out and "RESULT: PASS" in out


def test_a_planted_disagreement_fails_the_demo_and_the_verdict(ports, capsys, tmp_path):
    code = ports([port("python", PYTHON), port("js", PLANTED)], "--json", str(tmp_path / "r.json"))
    out = capsys.readouterr().out
    assert code == 1, out
    assert "OUTSIDE the train tolerance" in out and "(js, " in out and "RESULT: FAIL" in out
    # The same verdict is what the site's same-seed page shows (tools/site/build.py).
    verdict = json.loads((tmp_path / "r.json").read_text())["agreement"]
    assert verdict["within_tolerance"] is False and verdict["ports_compared"] == 1
    assert verdict["worst_rel"] == pytest.approx(1e-6, rel=1e-3)


def test_a_port_that_fails_to_run_is_not_left_out(ports, capsys):
    code = ports([port("python", PYTHON), port("js", PYTHON), port("rust", DEAD)])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "should have run but did not: rust: adapter exited with code 3" in out
    assert "RESULT: FAIL" in out


def test_a_required_port_that_is_unavailable_fails(ports, capsys):
    ghost = port("julia", PYTHON, tool="no-such-toolchain-rosettagrad")
    impls = [port("python", PYTHON), port("js", PYTHON), ghost]
    assert ports(impls) == 0, capsys.readouterr().out  # not required: shown, not a failure
    code = ports(impls, "--require", "julia")
    out = capsys.readouterr().out
    assert code == 1, out
    assert "should have run but did not: julia: `no-such-toolchain-rosettagrad` not found" in out


def test_the_reference_alone_is_not_agreement(ports, capsys):
    code = ports([port("python", PYTHON)])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "no port ran besides python" in out
