"""The bench harness: every impl, every workload, in one run, against micrograd.

    nox -s bench -- [--impl NAME]... [--workload NAME]... [--report PATH] [--quick]
                    [--runs N] [--record] [--rs-wheel dist/rosettagrad_rs-*.whl]
                    [--skip IMPL:WORKLOAD]...

Each (impl, workload) runs in a fresh process (its runner, bench/README.md) with
the language's default garbage collector on, except `micrograd-nogc` (micrograd
with Python's cyclic GC off while each step is timed). A missing toolchain, a
missing port or a failing runner becomes the row's `error`; no row is dropped.
`--runs N` repeats the whole bench N times, interleaved (run 1 of every impl,
then run 2, ...); a row is then the median of the runs' medians, and the report's
"recorded.spread" gives each figure's lowest and highest run. `--record` also
writes the report to bench/results/latest.json and regenerates README.md's
bench table from it (bench/table.py).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import shlex
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
import table  # noqa: E402  (bench/table.py: README.md's bench table from a report)

PORTS = harness.known_impls()
RUST_BENCH = str(Path(PORTS["rust"].command[0]).with_name("rosettagrad-bench"))
RECORD = ROOT / "bench/results/latest.json"

WORKLOADS = ["moons", "chain", "wide", "memory"]
# What a runner's `memory` workload reports (bench/README.md): VmRSS in MiB once the
# model is made (before step 0), after step 100 and after the last step.
MEMORY_FIELDS = ["rss_mb_start", "rss_mb_100", "rss_mb_1000"]
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
    "micrograd-nogc": python_impl("micrograd-nogc", None, "micrograd"),
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


def use_rs_wheel(wheel: Path) -> None:
    """rust-py and rust-py-ops run on this wheel, installed, instead of a build of rust/."""
    install = [sys.executable, "-m", "pip", "install", "--quiet", "--force-reinstall"]
    PORTS["rust-py"] = dataclasses.replace(
        PORTS["rust-py"], tool=None, present=[], build=[*install, "--no-deps", str(wheel.resolve())]
    )


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
        "ratio_vs_micrograd_nogc",
        *MEMORY_FIELDS,
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
        missing = [k for k in MEMORY_FIELDS if type(out.get(k)) not in (int, float)]
        if missing:  # fail closed: every runner in the tree reports all three
            error = f"runner gave no number for {', '.join(missing)}: {json.dumps(out)}"
            return row(impl.name, workload, error=error)
        return row(impl.name, workload, **{k: out[k] for k in MEMORY_FIELDS})
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


# Each ratio field and the impl it divides by.
BASELINES = {"ratio_vs_micrograd": "micrograd", "ratio_vs_micrograd_nogc": "micrograd-nogc"}


def add_ratios(results: list[dict[str, Any]]) -> None:
    """ratio_vs_X = X's median / this impl's, for both baselines: above 1 is faster."""
    for field, baseline in BASELINES.items():
        base = {r["workload"]: r["median_s"] for r in results if r["impl"] == baseline}
        for r in results:
            if r["median_s"] and base.get(r["workload"]):
                r[field] = base[r["workload"]] / r["median_s"]


SPREAD_FIELDS = ["median_s", *BASELINES]


def combine(runs: list[list[dict[str, Any]]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One row per (impl, workload) from N runs of the same rows, and the spread.

    A row's median_s is the median of the runs' medians (its ratios are computed
    from those), min_s / max_s the extremes of every measured step, the RSS
    figures the median of the runs'. An error in any run is the row's error.
    spread[impl][workload][field] = [lowest, highest] over the runs, for median_s
    and each ratio (every run's ratios against that run's own baselines).
    """
    for results in runs:
        add_ratios(results)
    combined: list[dict[str, Any]] = []
    spread: dict[str, Any] = {}
    for i, first in enumerate(runs[0]):
        rows = [results[i] for results in runs]
        impl, workload = first["impl"], first["workload"]
        failed = [(n, r["error"]) for n, r in enumerate(rows) if r["error"]]
        if failed:
            if len(failed) == len(rows) and len({e for _, e in failed}) == 1:
                error = failed[0][1]  # every run failed alike: say it once
            else:
                n, e = failed[0]
                error = f"run {n + 1} of {len(runs)}: {e}"
            combined.append(row(impl, workload, error=error))
            continue
        if workload == "memory":
            medians = {k: statistics.median(r[k] for r in rows) for k in MEMORY_FIELDS}
            combined.append(row(impl, workload, **medians))
            continue
        median = statistics.median(r["median_s"] for r in rows)
        nodes = first["nodes"]
        combined.append(
            row(
                impl,
                workload,
                median_s=median,
                min_s=min(r["min_s"] for r in rows),
                max_s=max(r["max_s"] for r in rows),
                nodes=nodes,
                ns_per_node=median / nodes * 1e9 if nodes else None,
            )
        )
        spread.setdefault(impl, {})[workload] = {
            field: [min(values), max(values)] if None not in values else None
            for field in SPREAD_FIELDS
            for values in [[r[field] for r in rows]]
        }
    add_ratios(combined)
    return combined, spread


def machine() -> dict[str, Any]:
    """Where the run was measured. Machines of one kind can differ in CPU generation
    and caches (the native moons step took 10.4 ns/node on one 2-core "AMD EPYC" and
    25.7 on another), so the record names the CPU's family, model and caches, not
    only its marketing name."""
    fields = cpuinfo()
    return {
        "platform": platform.platform(),
        "cpu": fields.get("model name") or platform.processor(),
        "cpu_id": " ".join(
            f"{key} {fields[key]}" for key in ("cpu family", "model", "stepping") if key in fields
        ),
        "caches": caches(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }


def cpuinfo() -> dict[str, str]:
    """The first processor's fields of /proc/cpuinfo ({} where there is none)."""
    path = Path("/proc/cpuinfo")
    fields: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text().split("\n\n")[0].splitlines():
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip()] = value.strip()
    return fields


def caches(cpu: Path = Path("/sys/devices/system/cpu/cpu0/cache")) -> str:
    """CPU 0's caches as Linux reports them: "L1d 32K, L1i 64K, L2 512K, L3 8192K"."""
    kinds = {"Data": "d", "Instruction": "i", "Unified": ""}
    found = []
    for index in sorted(cpu.glob("index*")):
        try:
            level, kind, size = (
                (index / name).read_text().strip() for name in ("level", "type", "size")
            )
        except OSError:
            continue
        found.append(f"L{level}{kinds.get(kind, kind)} {size}")
    return ", ".join(found)


def recorded(
    argv: list[str], start: datetime.datetime, loadavg: list[float], code: str
) -> dict[str, Any]:
    """The "recorded" header of bench/results/latest.json (the README and site show it)."""
    via_nox = os.environ.get("NOX_CURRENT_SESSION") == "bench"
    command = ("nox -s bench -- " if via_nox else "python bench/run.py ") + shlex.join(argv)
    return {
        "date": start.strftime("%Y-%m-%dT%H:%MZ"),
        "command": command,
        "commit": code,
        "loadavg": [round(x, 2) for x in loadavg],
    }


def commit() -> str:
    """The code measured: HEAD's short hash, "+changes" when the tree differs from it
    (the report itself aside), or "unknown" outside a git checkout."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            [
                "git",
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                ".",
                ":(exclude)bench/results",
                ":(exclude)README.md",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if status.strip() else "")


def fmt(x: Any, spec: str, unit: str = "") -> str:
    return "-" if x is None else format(x, spec) + unit


def print_table(results: list[dict[str, Any]]) -> None:
    print(
        f"{'workload':8} {'impl':14} {'median':>11} {'ns/node':>9} {'vs micrograd':>13} "
        f"{'vs mg-nogc':>11} {'rss@start':>9} {'rss@100':>8} {'rss@1000':>9}  error"
    )
    for r in results:
        print(
            f"{r['workload']:8} {r['impl']:14} {fmt(r['median_s'], '10.5f', 's'):>11} "
            f"{fmt(r['ns_per_node'], '9.1f')} {fmt(r['ratio_vs_micrograd'], '12.2f', 'x'):>13} "
            f"{fmt(r['ratio_vs_micrograd_nogc'], '10.2f', 'x'):>11} "
            f"{fmt(r['rss_mb_start'], '9.1f')} {fmt(r['rss_mb_100'], '8.1f')} "
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
    ap.add_argument("--runs", type=int, default=1, help="repeat the whole bench N times")
    ap.add_argument(
        "--record",
        action="store_true",
        help="also write bench/results/latest.json and regenerate README.md's bench table",
    )
    ap.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="IMPL:WORKLOAD",
        help="leave this row unmeasured (still listed, its error says so): e.g. micrograd:memory",
    )
    ap.add_argument(
        "--rs-wheel",
        type=Path,
        help="install this rosettagrad_rs wheel (e.g. from dist/) for rust-py, rust-py-ops",
    )
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error(f"--runs must be at least 1, got {args.runs}")
    if args.record and args.quick:
        ap.error("--record keeps a real measurement: it cannot be combined with --quick")
    if args.rs_wheel:
        use_rs_wheel(args.rs_wheel)
    impls = [IMPLS[n] for n in (args.impl or list(IMPLS))]
    workloads = args.workload or WORKLOADS
    skips = set()
    for spec in args.skip:
        impl_name, _, workload_name = spec.partition(":")
        if impl_name not in IMPLS or workload_name not in WORKLOADS:
            ap.error(
                f"--skip wants IMPL:WORKLOAD (impls {list(IMPLS)}, "
                f"workloads {WORKLOADS}), got {spec!r}"
            )
        skips.add((impl_name, workload_name))
    extra = (
        ["--repeat", "1", "--warmup", "0", "--size", "1000", "--steps", "3"] if args.quick else []
    )

    start = datetime.datetime.now(datetime.timezone.utc)
    loadavg = list(os.getloadavg())
    code = commit()
    builds: dict[str, str | None] = {}
    errors = {impl.name: unavailable_reason(impl, builds) for impl in impls}
    runs = []
    for n in range(args.runs):
        results = []
        for impl in impls:
            for workload in workloads:
                print(
                    f"bench: run {n + 1}/{args.runs}: {impl.name} {workload} ...",
                    file=sys.stderr,
                    flush=True,
                )
                error = errors[impl.name] or (
                    f"not measured (--skip {impl.name}:{workload})"
                    if (impl.name, workload) in skips
                    else None
                )
                results.append(
                    row(impl.name, workload, error=error)
                    if error
                    else measure(impl, workload, extra)
                )
        runs.append(results)
    results, spread = combine(runs)
    report = {
        "machine": machine(),
        "recorded": {
            **recorded(argv, start, loadavg, code),
            "loadavg_end": [round(x, 2) for x in os.getloadavg()],
            "runs": args.runs,
            "spread": spread,
        },
        "results": results,
    }
    text = json.dumps(report, indent=2) + "\n"
    args.report.write_text(text)
    print_table(results)
    print(f"report: {args.report}")
    if args.record:
        RECORD.parent.mkdir(parents=True, exist_ok=True)
        RECORD.write_text(text)
        table.write_readme(report)
        print(f"recorded: {RECORD}, and {table.README}'s bench table")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
