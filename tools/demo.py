"""Same-seed training in every available port, side by side in the terminal.

    nox -s demo
    nox -s demo -- --impl python --impl js --every 10

Every port trains MLP(2, [16, 16, 1], relu, seed=1337) on the moons for 100
steps through its conformance adapter (tools/same_seed.py). This prints the
loss of each step in one column per port, each port's time per step and the
largest disagreement between the ports. Exits non-zero when a port that should
run did not (its toolchain is there, or it is named with --require), when no
port ran besides the reference, or when one disagrees beyond the train
tolerance (rtol 1e-8).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time

import same_seed

BAR = 30


def progress(done: int, total: int, what: str, elapsed: float) -> str:
    filled = BAR * done // total
    return f"[{'█' * filled}{'·' * (BAR - filled)}] {done}/{total} ports  {what} {elapsed:5.1f} s"


def run_with_progress(names: list[str] | None) -> tuple[dict, list[same_seed.Run]]:
    """Run each port in turn; a live bar on a terminal, one line per port otherwise."""
    case = same_seed.make_case()
    impls = same_seed.impls(names)
    tty = sys.stderr.isatty()
    runs: list[same_seed.Run] = []
    logs: list[str] = []
    for i, impl in enumerate(impls):
        start = time.perf_counter()
        stop = threading.Event()

        def tick(
            i: int = i, name: str = impl.name, start: float = start, stop: threading.Event = stop
        ) -> None:
            while not stop.wait(0.2):
                line = progress(i, len(impls), f"training {name:8}", time.perf_counter() - start)
                sys.stderr.write("\r" + line)
                sys.stderr.flush()

        ticker = threading.Thread(target=tick, daemon=True)
        if tty:
            ticker.start()
        run = same_seed.run_impl(impl, case, log=logs.append)
        stop.set()
        if tty:
            ticker.join()
        runs.append(run)
        state = "ok" if run.ok else ("unavailable" if not run.available else "FAILED")
        line = progress(i + 1, len(impls), f"{impl.name:8} {state:11}", time.perf_counter() - start)
        sys.stderr.write(("\r" if tty else "") + line + "\n")
    return case, runs


def table(case: dict, runs: list[same_seed.Run], every: int) -> str:
    ok = [r for r in runs if r.ok]
    steps = case["steps"]
    head = ["step", *(r.impl for r in ok)]
    rows = []
    for k in range(steps):
        if k % every and k != steps - 1:
            continue
        rows.append([str(k), *(f"{r.losses[k]:.15f}" for r in ok)])
    rows.append(["s/step", *(f"{r.per_step(steps):.4f}" for r in ok)])
    widths = [max(len(row[c]) for row in [head, *rows]) for c in range(len(head))]
    out = ["  ".join(h.rjust(w) for h, w in zip(head, widths))]
    out.append("  ".join("─" * w for w in widths))
    out += ["  ".join(x.rjust(w) for x, w in zip(row, widths)) for row in rows[:-1]]
    out.append(out[1])
    out.append("  ".join(x.rjust(w) for x, w in zip(rows[-1], widths)))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", action="append", metavar="NAME", help="only these (repeatable)")
    parser.add_argument(
        "--require", action="append", default=[], metavar="NAME",
        help="fail when this impl does not run (repeatable; CI requires every one)",
    )  # fmt: skip
    parser.add_argument("--every", type=int, default=1, metavar="N", help="print every Nth step")
    parser.add_argument("--json", metavar="PATH", help="also write the runs as JSON here")
    args = parser.parse_args(argv)

    names = list(dict.fromkeys([*args.impl, *args.require])) if args.impl else None
    case, runs = run_with_progress(names)
    opt = case["optimizer"]
    print(
        f"\nMLP(2, [16, 16, 1], relu, seed={same_seed.SEED}) on moons "
        f"({len(case['inputs'])} points), "
        f"hinge + {case['loss']['l2']:g}·l2, SGD lr {opt['lr']:g}, {case['steps']} steps\n"
    )
    if any(r.ok for r in runs):
        print(table(case, runs, max(args.every, 1)))
    print("\n(s/step = the adapter's wall time / steps: process start and JIT included)")
    for r in runs:
        if not r.ok:
            print(f"  {r.impl}: {'unavailable' if not r.available else 'FAILED'}: {r.reason}")
    agree = same_seed.agreement(runs, required=tuple(args.require))
    for why in agree.missing:
        print(f"  should have run but did not: {why}")
    print(
        f"\nlargest disagreement with the Python reference over {agree.compared} other port(s): "
        f"{agree.worst_rel:.3g} relative ({agree.worst_at}); "
        f"{'within' if agree.within else 'OUTSIDE'} the train tolerance "
        f"(rtol {same_seed.RTOL:g}, atol {same_seed.ATOL:g})"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(same_seed.as_json(case, runs, tuple(args.require)), f)
    print("RESULT: " + ("PASS" if agree.within else "FAIL"))
    return 0 if agree.within else 1


if __name__ == "__main__":
    sys.exit(main())
