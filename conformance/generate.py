"""The golden generator: case inputs (casedefs.py) -> conformance/cases/**/*.json.

    python conformance/generate.py            write the case files
    python conformance/generate.py --check    regenerate in memory; fail if the
                                              committed files differ (inputs
                                              exactly, expectations beyond each
                                              case's tolerance)

Expectations come from the Python reference (through its conformance adapter,
the same code path the harness runs) and are checked independently before
anything is written (oracle.py: HIPS autograd, finite differences, numpy
SplitMix64; hand-written values at the pinned edges). A case none of those
checks covers is an error, not a golden.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import casedefs  # noqa: E402
import harness  # noqa: E402
import oracle  # noqa: E402

CASES = HERE / "cases"


class GoldenError(Exception):
    pass


def reference() -> Any:
    """The Python reference's adapter module, from the installed package or python/src."""
    try:
        from rosettagrad import conformance
    except ImportError:
        sys.path.insert(0, str(HERE.parent / "python" / "src"))
        from rosettagrad import conformance
    return conformance


def features_of(case: dict, extra: tuple[str, ...]) -> list[str]:
    """The features a case exercises: what the harness's lint requires, plus `extra`."""
    registry = harness.registered_features()
    probe = {**case, "features": [], "expected": case.get("expected", {})}
    needed = harness.linter_of(case["kind"])(probe, []) | set(extra)
    unknown = needed - set(registry)
    if unknown:
        raise GoldenError(f"{case['id']}: unregistered features {sorted(unknown)}")
    return [f for f in registry if f in needed]


def agree(
    what: str, case_id: str, want: Any, got: Any, rtol: float, atol: float, signed: bool = False
) -> None:
    found = harness.compare(want, got, rtol, atol, signed_zeros=signed)
    if found:
        shown = "; ".join(
            f"{m['path']}: {what} says {m['expected']}, reference {m['actual']}" for m in found[:5]
        )
        raise GoldenError(f"{case_id}: the reference disagrees with {what}: {shown}")


def plain(x: Any) -> Any:
    """Python floats (nan, inf) -> the case-file encoding."""
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [plain(v) for v in x]
    return casedefs.encode(float(x)) if isinstance(x, (int, float)) else x


def all_finite(x: Any) -> bool:
    if isinstance(x, dict):
        return all(all_finite(v) for v in x.values())
    if isinstance(x, list):
        return all(all_finite(v) for v in x)
    return not isinstance(x, str)


def check_expr(d: dict, case: dict, actual: dict, done: Counter) -> None:
    calls = case.get("backward_calls", 1)
    checks = d["checks"]
    if not set(checks) & {"autograd", "fd", "hand"}:
        raise GoldenError(f"{case['id']}: no independent check covers this case")
    rtol, atol = harness.tolerance(harness.Case(case["id"], "expr", case, "", ""))
    signed = harness.signed_zeros(harness.Case(case["id"], "expr", case, "", ""))
    small = len(case["ops"]) <= 200
    if "autograd" in checks or "fd" in checks:
        if not all_finite(actual):
            raise GoldenError(
                f"{case['id']}: non-finite results; check it by hand (checks=EDGE) instead"
            )
    out = case["output"]
    agree("the seed rule", case["id"], {out: oracle.output_seed(case)}, {out: actual["grads"][out]},
          0.0, 0.0)  # fmt: skip
    done["seed"] += 1
    if "autograd" in checks:
        value, grads = oracle.expr_autograd(case, interior=small)
        grads = {n: g * calls if n in case["inputs"] else g for n, g in grads.items()}
        got = {"value": actual["value"], "grads": {n: actual["grads"][n] for n in grads}}
        agree("autograd", case["id"], {"value": value, "grads": grads}, got, **oracle.AUTOGRAD_TOL)
        done["autograd"] += 1
    if "fd" in checks:
        fd = {n: g * calls for n, g in oracle.expr_finite_differences(case).items()}
        got = {n: actual["grads"][n] for n in fd}
        agree("finite differences", case["id"], fd, got, **oracle.FD_TOL)
        done["fd"] += 1
    if "hand" in checks:
        hand = d["hand"]
        if hand is None:
            raise GoldenError(f"{case['id']}: checks say 'hand' but no hand values are written")
        want = {k: plain(v) for k, v in hand.items()}
        got = {"value": actual["value"], "grads": actual["grads"]}
        agree("the hand-written values", case["id"], want, got, rtol, atol, signed)
        done["hand"] += 1
    if signed:  # every zero whose sign the case pins is written by hand, sign included
        hand_grads = (d["hand"] or {}).get("grads", {}) if "hand" in checks else None
        zeros = [n for n, g in actual["grads"].items() if g == 0 and n not in (hand_grads or {})]
        if hand_grads is None or zeros:
            raise GoldenError(f"{case['id']}: signed_zeros needs hand values for {zeros or 'all'}")


def check_model(case: dict, actual: dict, done: Counter) -> None:
    if not all_finite(actual):
        raise GoldenError(f"{case['id']}: non-finite results in an mlp/train case")
    if case["kind"] == "mlp":
        agree("autograd", case["id"], oracle.mlp_autograd(case), actual, **oracle.AUTOGRAD_TOL)
    else:
        agree("autograd + torch-style optimizer", case["id"], oracle.train_reference(case),
              actual, **oracle.TRAIN_TOL)  # fmt: skip
    done["autograd"] += 1


def check_init(case: dict, actual: dict, done: Counter) -> None:
    want = oracle.init_parameters(case["model"], int(case["seed"]))
    agree("numpy SplitMix64", case["id"], {"parameters": want}, actual, 0.0, 0.0)
    done["splitmix64"] += 1


def check_reject(d: dict, case: dict, actual: dict, done: Counter) -> dict:
    """The hand-written error class and words must be what the reference really raises."""
    expected = d["reject"]
    found = harness.compare_reject(expected, actual, "python")
    if found:
        shown = "; ".join(f"{m['path']}: wants {m['expected']}, got {m['actual']}" for m in found)
        raise GoldenError(f"{case['id']}: the reference disagrees with the case: {shown}")
    done["reject"] += 1
    return expected


def build_case(d: dict, ref: Any, done: Counter) -> dict:
    """One case with features and checked expectations, in the case-file key order."""
    import rosettagrad

    case = dict(d["case"])
    result = ref.run_case(rosettagrad, case)
    if result["status"] != "ok":
        raise GoldenError(f"{case['id']}: the reference failed: {result['message']}")
    actual = result["actual"]
    if case["kind"] == "expr":
        check_expr(d, case, actual, done)
        names = d.get("grads_of") or list(actual["grads"])
        expected = {"value": actual["value"], "grads": {n: actual["grads"][n] for n in names}}
    elif case["kind"] == "init":
        check_init(case, actual, done)
        expected = actual
    elif case["kind"] == "reject":
        expected = check_reject(d, case, actual, done)
    else:
        check_model(case, actual, done)
        expected = actual
    case["expected"] = expected
    case["features"] = features_of(case, d.get("extra", ()))
    order = ["id", "kind", "description", "features", "tolerance"]
    return {k: case[k] for k in [*order, *case] if k in case} | {"expected": expected}


def generate() -> tuple[dict[str, dict], Counter]:
    oracle.check_splitmix64()
    ref = reference()
    done: Counter = Counter()
    files = {}
    for path, description, defs in casedefs.FILES:
        files[path] = {
            "description": description,
            "cases": [build_case(d, ref, done) for d in defs],
        }
    return files, done


# ---------------------------------------------------------------- writing


def dump(x: Any, indent: int = 0, width: int = 100) -> str:
    """Readable JSON: short containers on one line, lists of numbers wrapped."""
    flat = json.dumps(x, allow_nan=False)
    if len(flat) + indent <= width or not isinstance(x, (dict, list)) or not x:
        return flat
    pad = " " * (indent + 1)
    if isinstance(x, dict):
        items = [f"{pad}{json.dumps(k)}: {dump(v, indent + 1, width)}" for k, v in x.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    scalars = all(not isinstance(v, (dict, list)) for v in x)
    # Long programs (the generated 10,000-op chains) pack several ops per line.
    packed = len(x) > 200 and all(isinstance(v, list) and len(json.dumps(v)) < 40 for v in x)
    if scalars or packed:
        lines, line = [], ""
        for v in (json.dumps(v, allow_nan=False) for v in x):
            if line and len(pad) + len(line) + len(v) + 2 > width:
                lines.append(line + ",")
                line = ""
            line = f"{line}, {v}" if line else v
        lines.append(line)
        return "[\n" + "\n".join(pad + ln for ln in lines) + "\n" + " " * indent + "]"
    items = [pad + dump(v, indent + 1, width) for v in x]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def write(files: dict[str, dict]) -> None:
    for old in CASES.rglob("*.json"):
        if old.relative_to(CASES).as_posix() not in files:
            old.unlink()
    for path, doc in files.items():
        target = CASES / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dump(doc) + "\n", encoding="utf-8")


def check(files: dict[str, dict]) -> list[str]:
    """Differences between the committed case files and a fresh generation."""
    problems = []
    committed = {p.relative_to(CASES).as_posix() for p in CASES.rglob("*.json")}
    for path in sorted(committed - set(files)):
        problems.append(f"{path}: committed but not generated (stale file)")
    for path, fresh in files.items():
        if path not in committed:
            problems.append(f"{path}: not committed: run python conformance/generate.py")
            continue
        old = json.loads((CASES / path).read_text(encoding="utf-8"))
        if old.get("description") != fresh["description"]:
            problems.append(f"{path}: description differs")
        old_cases = {c.get("id"): c for c in old.get("cases", [])}
        if list(old_cases) != [c["id"] for c in fresh["cases"]]:
            problems.append(f"{path}: the case ids or their order differ")
        for new in fresh["cases"]:
            was = old_cases.get(new["id"])
            if was is None:
                continue
            strip = lambda c: {k: v for k, v in c.items() if k != "expected"}  # noqa: E731
            if strip(was) != strip(new):
                problems.append(f"{path}: {new['id']}: inputs differ from a fresh generation")
                continue
            if new["kind"] == "reject":  # an error class and words: compared exactly
                if was.get("expected") != new["expected"]:
                    problems.append(f"{path}: {new['id']}: expected differs from casedefs.py")
                continue
            tol = harness.tolerance(harness.Case(new["id"], new["kind"], new, path, path))
            signed = harness.signed_zeros(harness.Case(new["id"], new["kind"], new, path, path))
            for m in harness.compare(
                new["expected"], was.get("expected"), *tol, signed_zeros=signed
            ):
                problems.append(
                    f"{path}: {new['id']}: {m['path']}: committed {m['actual']}, "
                    f"fresh {m['expected']} (allowed {m['allowed']})"
                )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    try:
        files, done = generate()
    except GoldenError as e:
        print(f"golden check failed: {e}", file=sys.stderr)
        return 1
    n = sum(len(f["cases"]) for f in files.values())
    checks = ", ".join(f"{k} {v}" for k, v in sorted(done.items()))
    print(f"{n} cases in {len(files)} files, independently checked ({checks})")
    if args.check:
        problems = check(files)
        for p in problems:
            print(p, file=sys.stderr)
        print("goldens are fresh" if not problems else f"{len(problems)} stale goldens")
        return 1 if problems else 0
    write(files)
    print(f"wrote {CASES.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
