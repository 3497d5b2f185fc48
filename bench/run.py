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
PY_RUNNER = str(ROOT / "bench/runners/python_runner.py")

sys.path.insert(0, str(ROOT / "conformance"))
import harness  # noqa: E402  (the one place that knows each port's toolchain and build)

PORTS = harness.known_impls()
RUST_BENCH = str(Path(PORTS["rust"].command[0]).with_name("rosettagrad-bench"))

WORKLOADS = ["moons", "chain", "wide", "memory"]
TIMEOUT_S = 1800
BUILD_TIMEOUT_S = 1800


@dataclass
class Impl:
    name: str
    command: list[str]
    port: str | None  # the conformance impl whose toolchain, sources and build it shares
    module: str | None = None  # a Python module the runner imports


def python_impl(name: str, port: str | None, module: str) -> Impl:
    return Impl(name, [sys.executable, PY_RUNNER, "--impl", name], port, module)


IMPLS = {
    "micrograd": python_impl("micrograd", None, "micrograd"),
    "python": python_impl("python", "python", "rosettagrad"),
    "rust": Impl("rust", [RUST_BENCH], "rust"),
    "rust-py": python_impl("rust-py", "rust-py", "rosettagrad_rs"),
    "rust-py-ops": python_impl("rust-py-ops", "rust-py", "rosettagrad_rs"),
    "js": Impl("js", ["node", "bench/runners/bench.js"], "js"),
    "julia": Impl("julia", ["julia", "--startup-file=no", "bench/runners/bench.jl"], "julia"),
}


def unavailable_reason(impl: Impl, builds: dict[str, str | None]) -> str | None:
    """Why an impl can't run here (toolchain, port, build, module), or None when it can.

    `builds` remembers each port's build result, so rust-py and rust-py-ops build once.
    """
    port = PORTS.get(impl.port) if impl.port else None
    if port is not None:
        if port.tool and shutil.which(port.tool) is None:
            return f"unavailable: `{port.tool}` not found on PATH"
        missing = [f for f in port.present if not (ROOT / f).exists()]
        if missing:
            return f"unavailable: port not in this tree (no {missing[0]})"
        if port.build and port.name not in builds:
            print(f"bench: building {port.name}: {' '.join(port.build)}", file=sys.stderr)
            code, out, err = harness.run_process(port.build, BUILD_TIMEOUT_S, {})
            builds[port.name] = None if code == 0 else f"build failed: {harness.tail(err or out)}"
        if builds.get(port.name):
            return builds[port.name]
    if impl.module:
        probe = [sys.executable, "-c", f"import {impl.module}"]
        if subprocess.run(probe, capture_output=True).returncode != 0:
            return f"unavailable: Python module `{impl.module}` is not installed"
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


def fmt(x: Any, spec: str, unit: str = "") -> str:
    return "-" if x is None else format(x, spec) + unit


def print_table(results: list[dict[str, Any]]) -> None:
    print(
        f"{'workload':8} {'impl':12} {'median':>11} {'ns/node':>9} {'vs micrograd':>13} "
        f"{'rss@100':>8} {'rss@1000':>9}  error"
    )
    for r in results:
        ratio = "-" if r["ratio_vs_micrograd"] is None else f"{r['ratio_vs_micrograd']:.1f}x"
        print(
            f"{r['workload']:8} {r['impl']:12} {fmt(r['median_s'], '10.5f', 's'):>11} "
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
    builds: dict[str, str | None] = {}
    for impl in impls:
        error = unavailable_reason(impl, builds)
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
