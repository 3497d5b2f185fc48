"""The Julia port checked against Python itself: things runtests.jl alone cannot settle.

Run by `nox -s julia` (which needs a `julia` on PATH).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import struct
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JULIA_DIR = ROOT / "julia"


def julia(*args: str, env: dict[str, str] | None = None) -> str:
    exe = shutil.which("julia")
    assert exe is not None, "`julia` not found on PATH: these tests need it"
    proc = subprocess.run(
        [exe, "--startup-file=no", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_fixed4_prints_what_python_prints() -> None:
    """to_dot's four decimals (`_fixed4`) equal Python's f"{x:.4f}" on the same doubles."""
    rng = random.Random(4)
    xs = [0.00005, -0.00005, 2.00005, 0.125, 1e20, 123456.78905, -0.0, 0.0]
    xs += [k / 20000 for k in range(-400, 400)]  # ties in decimal, never exact in binary
    xs += [j / 32 for j in range(-99, 100, 2)]  # exact binary ties: x·10⁴ ends in .5
    xs += [rng.uniform(-10, 10) for _ in range(500)]
    xs += [rng.uniform(-1, 1) * 10.0 ** rng.randint(-8, 25) for _ in range(500)]
    xs += [struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0] for _ in range(300)]
    xs = [x for x in xs if x == x and abs(x) != float("inf")]
    script = """
    pushfirst!(LOAD_PATH, "julia")
    using RosettaGrad
    for line in eachline(stdin)
        println(RosettaGrad._fixed4(reinterpret(Float64, parse(UInt64, line))))
    end
    """
    inputs = "".join(f"{struct.unpack('<Q', struct.pack('<d', x))[0]}\n" for x in xs)
    exe = shutil.which("julia")
    assert exe is not None, "`julia` not found on PATH: these tests need it"
    proc = subprocess.run(
        [exe, "--startup-file=no", "-e", script],
        input=inputs,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    got = proc.stdout.split("\n")[:-1]
    assert len(got) == len(xs)
    bad = [(x, g, f"{x:.4f}") for x, g in zip(xs, got, strict=True) if g != f"{x:.4f}"]
    assert not bad, f"{len(bad)} of {len(xs)} differ, e.g. {bad[:5]}"


def test_adapter_needs_no_package_environment(tmp_path: Path) -> None:
    """An empty depot (no registry, no environments, no compiled cache): describe and run work.

    This settles the old `Pkg.develop` question: no environment lists the package any
    more; the adapter puts the tree's julia/ folder on LOAD_PATH itself.
    """
    env = {"JULIA_DEPOT_PATH": str(tmp_path / "depot"), "JULIA_LOAD_PATH": "@:@v#.#:@stdlib"}
    info = json.loads(julia("julia/conformance/adapter.jl", "describe", env=env))
    project = (JULIA_DIR / "Project.toml").read_text(encoding="utf-8")
    assert f'version = "{info["implementation"]["version"]}"' in project
    case = {"id": "x", "kind": "expr", "features": ["op.mul"], "inputs": {"a": 3, "b": -2}}
    case |= {"ops": [["c", "mul", "a", "b"]], "output": "c"}
    doc = tmp_path / "in.json"
    doc.write_text(json.dumps({"protocol": 1, "cases": [case]}), encoding="utf-8")
    out = json.loads(julia("julia/conformance/adapter.jl", "run", str(doc), env=env))
    [result] = out["results"]
    assert result["status"] == "ok", result
    assert result["actual"] == {"value": -6.0, "grads": {"a": -2.0, "b": 3.0, "c": 1.0}}
    assert not (tmp_path / "depot" / "registries").exists()  # nothing was fetched
