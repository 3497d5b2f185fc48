"""The bench harness: every impl, every workload, in one run, against micrograd.

    nox -s bench -- [--impl NAME]... [--workload NAME]... [--report PATH] [--quick]

Each (impl, workload) runs in a fresh process (its runner, bench/README.md) with
the language's default garbage collector on. A missing toolchain, a missing
port or a failing runner becomes the row's `error`; no row is dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY_RUNNER = ROOT / "bench/runners/python_runner.py"
RUST_BIN = ROOT / "rust/target/release/rosettagrad-bench"

WORKLOADS = ["moons", "chain", "wide", "memory"]
TIMEOUT_S = 1800


@dataclass
class Impl:
    name: str
    command: list[str]
    needs: str  # the tool that must be on PATH (or the module that must import)
    present: Path  # a file that exists once the port is in the tree
    build: list[str] | None = None


def python_impl(name: str, module: str) -> Impl:
    return Impl(name, [sys.executable, str(PY_RUNNER), "--impl", name], module, PY_RUNNER)


IMPLS = {
    "micrograd": python_impl("micrograd", "micrograd"),
    "python": python_impl("python", "rosettagrad"),
    "rust": Impl(
        "rust",
        [str(RUST_BIN)],
        "cargo",
        ROOT / "rust/Cargo.toml",
        [
            "cargo",
            "build",
            "--release",
            "--manifest-path",
            str(ROOT / "rust/Cargo.toml"),
            "-p",
            "rosettagrad-conformance",
            "--bin",
            "rosettagrad-bench",
        ],
    ),
    "rust-py": python_impl("rust-py", "rosettagrad_rs"),
    "rust-py-ops": python_impl("rust-py-ops", "rosettagrad_rs"),
    "js": Impl(
        "js",
        ["node", str(ROOT / "bench/runners/bench.js")],
        "node",
        ROOT / "bench/runners/bench.js",
    ),
    "julia": Impl(
        "julia",
        ["julia", f"--project={ROOT / 'julia/conformance'}", str(ROOT / "bench/runners/bench.jl")],
        "julia",
        ROOT / "bench/runners/bench.jl",
        [
            "julia",
            f"--project={ROOT / 'julia/conformance'}",
            "-e",
            'using Pkg; Pkg.develop(path="julia"); Pkg.instantiate()',
        ],
    ),
}


def unavailable_reason(impl: Impl) -> str | None:
    """Why an impl can't run here, or None when it can."""
    if not impl.present.exists():
        return f"unavailable: port not in this tree ({impl.present} missing)"
    if impl.command[0] == sys.executable:
        probe = [sys.executable, "-c", f"import {impl.needs}"]
        if subprocess.run(probe, capture_output=True).returncode != 0:
            return f"unavailable: Python module `{impl.needs}` is not installed"
        return None
    if shutil.which(impl.needs) is None:
        return f"unavailable: `{impl.needs}` not found on PATH"
    return None


def build(impl: Impl) -> str | None:
    """Build what the impl needs; the error text when the build fails."""
    if impl.build is None:
        return None
    proc = subprocess.run(impl.build, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        return f"build failed: {' '.join(impl.build)}\n{proc.stderr[-2000:]}"
    return None


def run_one(impl: Impl, workload: str, extra: list[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [*impl.command, workload, *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise RuntimeError(f"exit {proc.returncode}: {last}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def row(impl: str, workload: str, **fields: Any) -> dict[str, Any]:
    keys = [
        "median_s",
        "min_s",
        "max_s",
        "nodes",
        "ns_per_node",
        "ratio_vs_micrograd",
        "rss_mb_100",
        "rss_mb_1000",
        "error",
    ]
    return {"impl": impl, "workload": workload, **{k: fields.get(k) for k in keys}}


def measure(impl: Impl, workload: str, extra: list[str]) -> dict[str, Any]:
    try:
        out = run_one(impl, workload, extra)
    except subprocess.TimeoutExpired:
        return row(impl.name, workload, error=f"timed out after {TIMEOUT_S} s")
    except (RuntimeError, json.JSONDecodeError, IndexError) as exc:
        return row(impl.name, workload, error=str(exc))
    if workload == "memory":
        return row(
            impl.name, workload, rss_mb_100=out["rss_mb_100"], rss_mb_1000=out["rss_mb_1000"]
        )
    times, nodes = out["times"], out["nodes"]
    median = statistics.median(times)
    return row(
        impl.name,
        workload,
        median_s=median,
        min_s=min(times),
        max_s=max(times),
        nodes=nodes,
        ns_per_node=median / nodes * 1e9 if nodes else None,
    )


def add_ratios(results: list[dict[str, Any]]) -> None:
    """ratio_vs_micrograd = micrograd's median / this impl's: above 1 is faster."""
    base = {r["workload"]: r["median_s"] for r in results if r["impl"] == "micrograd"}
    for r in results:
        if r["median_s"] and base.get(r["workload"]):
            r["ratio_vs_micrograd"] = base[r["workload"]] / r["median_s"]


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }


def fmt(x: Any, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def print_table(results: list[dict[str, Any]]) -> None:
    print(
        f"{'workload':8} {'impl':12} {'median':>11} {'ns/node':>9} {'vs micrograd':>13} "
        f"{'rss@100':>8} {'rss@1000':>9}  error"
    )
    for r in results:
        ratio = "-" if r["ratio_vs_micrograd"] is None else f"{r['ratio_vs_micrograd']:.1f}x"
        print(
            f"{r['workload']:8} {r['impl']:12} {fmt(r['median_s'], '10.5f')}s "
            f"{fmt(r['ns_per_node'], '9.1f')} {ratio:>13} {fmt(r['rss_mb_100'], '8.1f')} "
            f"{fmt(r['rss_mb_1000'], '9.1f')}  {r['error'] or ''}"
        )


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--impl", action="append", choices=list(IMPLS), help="default: all")
    ap.add_argument("--workload", action="append", choices=WORKLOADS, help="default: all")
    ap.add_argument("--report", type=Path, default=Path("bench-report.json"))
    ap.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes (a smoke test of the harness, not a measurement)",
    )
    args = ap.parse_args(argv)
    impls = [IMPLS[n] for n in (args.impl or list(IMPLS))]
    workloads = args.workload or WORKLOADS
    extra = (
        ["--repeat", "1", "--warmup", "0", "--size", "1000", "--steps", "3"] if args.quick else []
    )

    results = []
    for impl in impls:
        error = unavailable_reason(impl) or build(impl)
        for workload in workloads:
            print(f"bench: {impl.name} {workload} ...", file=sys.stderr, flush=True)
            results.append(
                row(impl.name, workload, error=error) if error else measure(impl, workload, extra)
            )
    add_ratios(results)
    report = {"machine": machine(), "results": results}
    args.report.write_text(json.dumps(report, indent=2) + "\n")
    print_table(results)
    print(f"report: {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
