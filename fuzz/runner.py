"""Run generated cases through every available port and shrink what disagrees.

The adapter plumbing and the comparison are the conformance harness's own
(`conformance/harness.py`: `known_impls`, `prepare`, `run_group`, `compare`);
this module only adds batching, finding the one case that killed an adapter,
and the shrinking loop.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import gen, reference, shrink
from .reference import harness

BAD = ("fail", "error", "crash")
BATCH = 2000  # cases per adapter process
NOT_BISECTED = "not bisected: one"
MAX_SPLITS = 100  # extra adapter processes one run may spend finding crashing cases


@dataclass
class Port:
    impl: harness.Impl
    status: harness.Status
    timeout: float = 300.0

    @property
    def name(self) -> str:
        return self.impl.name

    def run(self, cases: list[dict]) -> list[dict]:
        """One harness result per case, in order; a crash is pinned to its own case."""
        self._splits = MAX_SPLITS
        out: list[dict] = []
        for i in range(0, len(cases), BATCH):
            out.extend(self._run(cases[i : i + BATCH]))
        return out

    def _run(self, cases: list[dict]) -> list[dict]:
        if not cases:
            return []
        wrapped = [harness.Case(c["id"], c["kind"], c, "fuzz", c["kind"]) for c in cases]
        results = harness.run_group(self.impl, self.status, wrapped, self.timeout)
        by_id = {r["id"]: r for r in results}
        results = [by_id[c["id"]] for c in cases]
        # A dead adapter takes its whole batch down: split until the culprit is alone,
        # within a budget of extra processes (a port that dies on everything would
        # otherwise cost two processes per case).
        if len(cases) > 1 and all(r["status"] == "crash" for r in results):
            if self._splits <= 0:
                for r in results:
                    r["message"] = f"{r['message']} ({NOT_BISECTED} of {len(cases)} cases)"
                return results
            self._splits -= 1
            half = len(cases) // 2
            return self._run(cases[:half]) + self._run(cases[half:])
        return results

    def run_to_first_bad(self, cases: list[dict]) -> dict[str, dict]:
        """Results up to the first case that disagrees, in order (for the shrinker).

        When the adapter dies, only the half holding the first culprit is
        searched: log2(n) processes instead of two per crashing case.
        """
        if not cases:
            return {}
        wrapped = [harness.Case(c["id"], c["kind"], c, "fuzz", c["kind"]) for c in cases]
        results = harness.run_group(self.impl, self.status, wrapped, self.timeout)
        if len(cases) == 1 or not all(r["status"] == "crash" for r in results):
            return {r["id"]: r for r in results}
        half = len(cases) // 2
        first = self.run_to_first_bad(cases[:half])
        if any(r["status"] in BAD for r in first.values()):
            return first
        return {**first, **self.run_to_first_bad(cases[half:])}


def finish(case: dict, strict: bool = False) -> dict | None:
    """The reference's expectations, then the features the harness's lint asks for.

    None when the case is ill-conditioned, or (unless `strict`) invalid: a
    shrink step can make a program the lint or the reference rejects, and it
    is then simply not a candidate. A generated case must be valid: with
    `strict`, the reference's exception or the lint's complaint is raised.
    """
    try:
        case = reference.expect(case)
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        if strict:
            raise
        return None
    if case is None:
        return None
    problems: list[tuple[str, str]] = []
    needed = harness.linter_of(case["kind"])(case, problems)
    if problems:
        if strict:
            raise ValueError(f"generated case {case['id']} is invalid: {problems}")
        return None
    case["features"] = sorted(needed)
    return case


def ports(
    names: list[str],
    timeout: float,
    log,
    required: tuple[str, ...] = (),
    extra: dict[str, harness.Impl] | None = None,
) -> tuple[list[Port], dict[str, str], dict[str, str]]:
    """The selected impls that run; why the others are unavailable; which are broken.

    A `required` impl may not skip: a case it lacks a feature for is a failure.
    `extra`: impls given on the command line (`--adapter NAME=COMMAND`), beside the known ones.
    """
    impls = {**harness.known_impls(), **(extra or {})}
    unknown = [n for n in names if n not in impls]
    if unknown:
        raise SystemExit(f"unknown impl(s) {unknown}: known are {list(impls)}")
    out: list[Port] = []
    missing: dict[str, str] = {}
    broken: dict[str, str] = {}
    for name in names or list(impls):
        status = harness.prepare(impls[name], timeout, 1800.0, log)
        status.required = name in required
        if not status.available:
            missing[name] = status.reason or "unavailable"
        elif status.broken:
            broken[name] = status.reason or "broken"
        else:
            out.append(Port(impls[name], status, timeout))
    return out, missing, broken


@dataclass
class Finding:
    port: str
    original: dict
    result: dict
    shrunk: dict | None = None
    shrunk_result: dict | None = None


@dataclass
class Outcome:
    generated: int = 0
    ill_conditioned: int = 0
    counts: dict[str, Counter] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)
    unpinned: dict[str, int] = field(default_factory=dict)  # crashes left in a dead batch
    reference_errors: list[str] = field(default_factory=list)  # generated cases it rejected
    seconds: float = 0.0


def oracle_for(port: Port):
    """Which candidates still disagree on `port`: valid, and fail/error/crash there."""

    def oracle(candidates: list[dict]) -> list[bool]:
        ready = [finish(c) for c in candidates]
        valid = [c for c in ready if c is not None]
        verdict = {i: r["status"] in BAD for i, r in port.run_to_first_bad(valid).items()}
        return [c is not None and verdict.get(c["id"], False) for c in ready]

    return oracle


def fuzz(
    seed: int,
    budget: int,
    selected: list[Port],
    max_shrinks: int = 3,
    log=print,
) -> Outcome:
    start = time.monotonic()
    outcome = Outcome(generated=budget)
    cases = []
    for case in gen.generate(seed, budget):
        try:
            ready = finish(case, strict=True)
        except Exception as e:  # the reference or the generator is wrong: say so, go on
            outcome.reference_errors.append(f"{case['id']}: {type(e).__name__}: {e}")
            continue
        if ready is None:
            outcome.ill_conditioned += 1
        else:
            cases.append(ready)
    dropped = outcome.ill_conditioned
    log(f"{len(cases)} cases with expectations ({dropped} ill-conditioned, dropped)")
    by_id = {c["id"]: c for c in cases}
    for port in selected:
        t = time.monotonic()
        results = port.run(cases)
        outcome.counts[port.name] = Counter(r["status"] for r in results)
        bad = [r for r in results if r["status"] in BAD]
        unpinned = [r for r in bad if NOT_BISECTED in (r["message"] or "")]
        if unpinned:
            outcome.unpinned[port.name] = len(unpinned)
            bad = [r for r in bad if r not in unpinned]
        log(
            f"[{port.name}] {len(results)} cases in {time.monotonic() - t:.1f} s: "
            + ", ".join(f"{n} {s}" for s, n in sorted(outcome.counts[port.name].items()))
        )
        # Shrink the smallest programs first: they shrink fastest and read best.
        bad.sort(key=lambda r: (by_id[r["id"]]["kind"] != "expr", shrink.size(by_id[r["id"]])))
        for k, r in enumerate(bad):
            finding = Finding(port.name, by_id[r["id"]], r)
            outcome.findings.append(finding)
            if k < max_shrinks:
                log(f"[{port.name}] shrinking {r['id']} ({r['status']})")
                small = shrink.shrink(finding.original, oracle_for(port), log=log)
                finding.shrunk = finish(small)
                if finding.shrunk is not None:
                    finding.shrunk_result = port.run([finding.shrunk])[0]
    outcome.seconds = time.monotonic() - start
    return outcome


def findings_file(outcome: Outcome, seed: int) -> dict:
    """The shrunk disagreements as a case file: `nox -s conformance -- THIS_FILE` replays them."""
    cases, seen = [], set()
    for f in outcome.findings:
        if f.shrunk is None or f.shrunk["id"] in seen:
            continue
        seen.add(f.shrunk["id"])
        case = dict(f.shrunk)
        case["description"] = (
            f"fuzz (seed {seed}) found {f.port} disagreeing with the reference; shrunk from "
            f"{shrink.size(f.original)} to {shrink.size(case)} (ops, inputs, ...): "
            f"{(f.shrunk_result or f.result).get('message') or _first_mismatch(f)}"
        )
        cases.append(case)
    return {"description": f"disagreements found by `nox -s fuzz -- --seed {seed}`", "cases": cases}


def _first_mismatch(f: Finding) -> str:
    r = f.shrunk_result or f.result
    if not r["mismatches"]:
        return r["status"]
    m = r["mismatches"][0]
    return f"at {m['path']} expected {m['expected']}, got {m['actual']}"


def report(outcome: Outcome, seed: int, budget: int) -> dict:
    return {
        "seed": seed,
        "budget": budget,
        "ill_conditioned": outcome.ill_conditioned,
        "seconds": round(outcome.seconds, 1),
        "unavailable": outcome.unavailable,
        "broken": outcome.broken,
        "unpinned_crashes": outcome.unpinned,
        "reference_errors": outcome.reference_errors,
        "summary": {n: dict(c) for n, c in outcome.counts.items()},
        "findings": [
            {
                "impl": f.port,
                "id": f.original["id"],
                "status": f.result["status"],
                "message": f.result["message"],
                "mismatches": f.result["mismatches"][:5],
                "case": f.original,
                "shrunk": f.shrunk,
                "shrunk_result": f.shrunk_result,
            }
            for f in outcome.findings
        ],
    }


def write_json(path: Path, doc: dict) -> None:
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
