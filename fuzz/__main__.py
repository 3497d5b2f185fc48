"""Differential fuzzing: random cases, the reference's answers, every port's.

    python -m fuzz [--seed S] [--budget N] [--impl NAME]... [--adapter NAME=COMMAND]...
    nox -s fuzz -- [--seed S] [--budget N] [--impl NAME]... [--adapter NAME=COMMAND]...

Exit status 0 when every available port agrees on every case, 1 when some
port disagrees (each shown shrunk, and written as a case file that
`nox -s conformance -- PATH` replays), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from . import runner
from .runner import harness


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="nox -s fuzz --", description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", type=int, default=0, help="generator seed (default: %(default)s)")
    p.add_argument(
        "--budget", type=int, default=1000, help="cases to generate (default: %(default)s)"
    )
    p.add_argument(
        "--impl",
        action="append",
        default=[],
        metavar="NAME",
        help="fuzz only these impls (repeatable; default: every available one)",
    )
    p.add_argument(
        "--adapter",
        action="append",
        default=[],
        metavar="NAME=COMMAND",
        help="also fuzz your own adapter, as the conformance harness runs it (repeatable)",
    )
    p.add_argument(
        "--require",
        action="append",
        default=[],
        metavar="NAME",
        help="fail when this impl is unavailable or skips a case (repeatable)",
    )
    p.add_argument(
        "--shrink",
        type=int,
        default=3,
        metavar="N",
        help="shrink at most N disagreements per impl (default: %(default)s)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        metavar="S",
        help="seconds one adapter run may take (default: %(default)s)",
    )
    p.add_argument(
        "--report",
        default="fuzz-report.json",
        metavar="PATH",
        help="the JSON report (default: %(default)s)",
    )
    p.add_argument(
        "--findings",
        default="fuzz-findings.json",
        metavar="PATH",
        help="the shrunk disagreements as a case file (default: %(default)s)",
    )
    return p.parse_args(argv)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.budget < 1:
        print("--budget must be at least 1", file=sys.stderr)
        return 2
    extra = {}
    for spec in args.adapter:
        name, sep, command = spec.partition("=")
        if not sep or not name or not command.strip():
            print(f"--adapter wants NAME=COMMAND, got {spec!r}", file=sys.stderr)
            return 2
        extra[name] = harness.Impl(name, shlex.split(command))
    # As in the harness: --impl narrows the run; your own --adapter ones always run.
    names = list(dict.fromkeys(args.impl + args.require))
    names += [n for n in extra if names and n not in names]
    selected, unavailable, broken = runner.ports(
        names, args.timeout, print, tuple(args.require), extra
    )
    for name, why in unavailable.items():
        print(f"  {name}: unavailable: {why}")
    for name, why in broken.items():
        print(f"  {name}: BROKEN: {why}")
    print(f"fuzzing {[p.name for p in selected]} with seed {args.seed}, budget {args.budget}")
    outcome = runner.fuzz(args.seed, args.budget, selected, args.shrink)
    outcome.unavailable, outcome.broken = unavailable, broken
    runner.write_json(Path(args.report), runner.report(outcome, args.seed, args.budget))

    for f in outcome.findings[:10]:
        r = f.shrunk_result or f.result
        print(f"\nDISAGREEMENT  {f.port}  {f.original['id']}  ({f.result['status']})")
        if r["message"]:
            print(f"    {r['message']}")
        for m in r["mismatches"][:3]:
            print(
                f"    at {m['path']}: reference {m['expected']}, {f.port} {m['actual']}"
                f" (allowed error {m['allowed']})"
            )
        if f.shrunk is not None:
            shown = {
                k: f.shrunk[k]
                for k in (
                    "inputs",
                    "ops",
                    "output",
                    "backward_calls",
                    "model",
                    "parameters",
                    "inputs",
                    "targets",
                    "loss",
                    "optimizer",
                    "steps",
                    "call",
                )
                if k in f.shrunk
            }
            if f.shrunk["kind"] == "reject":  # what the SPEC wants: a bad call's whole point
                shown["expected"] = f.shrunk["expected"]
            print(f"    shrunk: {shown}")
    if len(outcome.findings) > 10:
        print(f"\n... and {len(outcome.findings) - 10} more disagreements (see {args.report})")
    if any(f.shrunk for f in outcome.findings):
        runner.write_json(Path(args.findings), runner.findings_file(outcome, args.seed))
        print(
            f"\nshrunk cases written to {args.findings} "
            f"(replay: nox -s conformance -- {args.findings})"
        )
    for name, n in outcome.unpinned.items():
        print(f"\n{name}: {n} more cases were in adapter runs that crashed and were not bisected")
    missing = [n for n in args.require if n in unavailable]
    for n in missing:
        print(f"{n} is required (--require) but unavailable: {unavailable[n]}")
    print(
        f"\n{outcome.generated} generated, {outcome.ill_conditioned} ill-conditioned (dropped), "
        f"{outcome.seconds:.1f} s; report written to {args.report}"
    )
    for line in outcome.reference_errors[:10]:
        print(f"\nREFERENCE ERROR on a generated case: {line}")
    failed = bool(
        outcome.findings or outcome.unpinned or outcome.reference_errors or broken or missing
    )
    print("RESULT: " + ("FAIL" if failed else "PASS"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
