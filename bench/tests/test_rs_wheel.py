"""bench/run.py --rs-wheel: rust-py and rust-py-ops bench an installed wheel, not rust/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402


def test_the_wheel_replaces_the_build_of_rust(tmp_path, monkeypatch):
    monkeypatch.setitem(run.PORTS, "rust-py", run.PORTS["rust-py"])  # restored after the test
    wheel = tmp_path / "rosettagrad_rs-0.1.0-cp310-abi3-manylinux_2_17_x86_64.whl"
    run.use_rs_wheel(wheel)
    port = run.PORTS["rust-py"]
    assert port.tool is None and port.present == [], "no cargo, no rust/ needed"
    assert port.build[:3] == [sys.executable, "-m", "pip"] and port.build[-1] == str(wheel)
    assert run.IMPLS["rust-py-ops"].port == "rust-py"  # both Python-side impls use it


def test_a_missing_wheel_is_the_rows_error_even_without_cargo(tmp_path):
    report = tmp_path / "bench.json"
    wheel = tmp_path / "rosettagrad_rs-9.9.9-cp310-abi3-manylinux_2_17_x86_64.whl"
    no_cargo = os.pathsep.join(
        d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / "cargo").exists()
    )
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench/run.py"), "--quick", "--report", str(report),
         "--impl", "rust-py", "--workload", "moons", "--rs-wheel", str(wheel)],
        capture_output=True, text=True, cwd=ROOT, timeout=600, env={**os.environ, "PATH": no_cargo},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert f"pip install --quiet --force-reinstall --no-deps {wheel}" in proc.stderr
    [row] = json.loads(report.read_text())["results"]
    assert row["error"].startswith("build failed:") and "does not exist" in row["error"], row
