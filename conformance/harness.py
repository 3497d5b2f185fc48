"""The conformance harness: validate the cases, run every port's adapter, compare, report.

    python conformance/harness.py [--impl NAME]... [--require NAME]... [--report PATH]
                                  [--timeout S] [--adapter NAME=COMMAND]... [CASES_PATH ...]

(`nox -s conformance -- ...` installs the tooling and runs this.) Adapters only
evaluate; everything that judges lives here: the schema and the lints, the
tolerances, expected failures, feature skips, the matrix and the JSON report.
The rules are conformance/SPEC.md §3-§8.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CASES = HERE / "cases"
XFAIL_DIR = HERE / "expected-failures"
PROTOCOL = 1
STATUSES = ("pass", "fail", "error", "crash", "skip", "xfail", "xpass")
BAD = ("fail", "error", "crash", "xpass")  # any of these fails the run
DEFAULT_TOLERANCE = {
    "expr": {"rtol": 1e-12, "atol": 1e-12},
    "mlp": {"rtol": 1e-10, "atol": 1e-12},
    "train": {"rtol": 1e-8, "atol": 1e-10},
    "init": {"rtol": 0.0, "atol": 0.0},
    "reject": {"rtol": 0.0, "atol": 0.0},
}
SPECIALS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
UNARY = ("neg", "relu", "tanh", "exp", "log", "sigmoid")
BINARY = ("add", "sub", "mul", "div")
MAX_SEED = 2**64 - 1
# SPEC §4.5: what each language raises for each error class of a reject case. The adapter
# reports the name of what it caught (`raised`); the harness judges it with this table.
ERROR_CLASSES: dict[str, dict[str, tuple[str, ...]]] = {
    "python": {"type": ("TypeError",), "value": ("ValueError",), "memory": ("MemoryError",)},
    "javascript": {"type": ("TypeError",), "value": ("RangeError",), "memory": ("RangeError",)},
    "julia": {
        "type": ("MethodError", "TypeError"),
        "value": ("ArgumentError", "DomainError", "DimensionMismatch"),
        "memory": ("OutOfMemoryError", "ArgumentError"),
    },
    "rust": {"type": ("compile-time",), "value": ("Error", "compile-time"), "memory": ("Error",)},
}
# Which feature each reject call exercises (SPEC §3.4).
REJECT_FEATURES = {
    "value": "reject.value",
    "op": "reject.op",
    "neuron": "reject.module",
    "layer": "reject.module",
    "mlp": "reject.module",
    "call": "reject.call",
    "sgd": "reject.optimizer",
    "adam": "reject.optimizer",
    "loss": "reject.loss",
}


def suite_version() -> str:
    return (HERE / "VERSION").read_text(encoding="utf-8").strip()


def registered_features() -> dict[str, str]:
    return json.loads((HERE / "features.json").read_text(encoding="utf-8"))["features"]


# ---------------------------------------------------------------- loading and linting


@dataclass
class Case:
    id: str
    kind: str
    data: dict
    file: str  # as shown in messages
    group: str  # matrix row


@dataclass
class Problem:
    """A case file or case that is invalid: reported as an `error`, never run."""

    file: str
    case_id: str | None
    field: str | None
    message: str

    def text(self) -> str:
        where = self.file
        if self.case_id is not None:
            where += f": case {self.case_id!r}"
        if self.field:
            where += f": field {self.field!r}"
        return f"{where}: {self.message}"


@dataclass
class Suite:
    cases: list[Case] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)  # in file order
    all_ids: set[str] = field(default_factory=set)  # every id seen, valid or not
    group_of: dict[str, str] = field(default_factory=dict)  # shown file -> matrix group


def field_name(path: list[Any]) -> str:
    """['ops', 2, 1] -> 'ops[2][1]'; ['expected', 'grads', 'x'] -> 'expected.grads.x'."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def schema_validator() -> Any:
    import jsonschema  # test tooling, installed by the nox session

    schema = json.loads((HERE / "schema" / "cases.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _reject_constant(name: str) -> float:
    raise ValueError(f'bare {name} is not JSON: write the string "nan", "inf" or "-inf"')


def schema_problem(file: str, case_id: str | None, error: Any, skip: int) -> Problem:
    """A readable Problem from a jsonschema error; `skip` path items are the case's prefix."""
    path = list(error.absolute_path)[skip:]
    message = error.message
    if error.validator == "required":
        missing = re.match(r"'(.+?)' is a required property", message)
        if missing:
            path = [*path, missing.group(1)]
            message = "missing required field"
    elif error.validator == "enum" and path[-2:-1] and path[-1] == 1 and "ops" in path:
        message = f"unknown op {error.instance!r}"
    return Problem(file, case_id, field_name(path) or None, message)


def load_suite(paths: list[Path], features: dict[str, str]) -> Suite:
    """Read every case file under `paths`; invalid files and cases become Problems."""
    from jsonschema.exceptions import best_match

    validator = schema_validator()
    suite = Suite()
    seen: dict[str, str] = {}
    for file, group in case_files(paths, suite):
        shown = display(file)
        suite.groups.append(group)
        suite.group_of[shown] = group
        try:
            doc = json.loads(file.read_text(encoding="utf-8"), parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError) as e:
            suite.problems.append(Problem(shown, None, None, f"not valid JSON: {e}"))
            continue
        errors = list(validator.iter_errors(doc))
        top = [e for e in errors if len(e.absolute_path) < 2 or e.absolute_path[0] != "cases"]
        if top:
            suite.problems.append(schema_problem(shown, None, best_match(top), 0))
        if not isinstance(doc, dict) or not isinstance(doc.get("cases"), list):
            continue
        for i, raw in enumerate(doc["cases"]):
            case_id = raw.get("id") if isinstance(raw, dict) else None
            label = case_id if isinstance(case_id, str) else f"cases[{i}]"
            if isinstance(case_id, str):
                suite.all_ids.add(case_id)
            mine = [e for e in errors if list(e.absolute_path)[:2] == ["cases", i]]
            if mine:
                suite.problems.append(schema_problem(shown, label, best_match(mine), 2))
                continue
            found = lint_case(raw, features)
            if case_id in seen:
                found.append(("id", f"duplicate id: already used in {seen[case_id]}"))
            if found:
                suite.problems.extend(Problem(shown, label, f, m) for f, m in found)
                continue
            seen[case_id] = shown
            suite.cases.append(Case(case_id, raw["kind"], raw, shown, group))
    return suite


def case_files(paths: list[Path], suite: Suite) -> list[tuple[Path, str]]:
    """(file, matrix group) for each path: a directory means every *.json below it."""
    out = []
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*.json")):
                out.append((file, file.relative_to(path).with_suffix("").as_posix()))
        elif path.is_file():
            out.append((path, path.stem))
        else:
            suite.problems.append(Problem(display(path), None, None, "no such file or directory"))
    return out


def display(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def is_special(x: Any) -> bool:
    return isinstance(x, str) and x in SPECIALS


def has_nonfinite(x: Any) -> bool:
    """Any "nan"/"inf"/"-inf" in a JSON value (bounded depth: rows of numbers at most)."""
    if isinstance(x, dict):
        return any(has_nonfinite(v) for v in x.values())
    if isinstance(x, list):
        return any(has_nonfinite(v) for v in x)
    return is_special(x)


def lint_case(case: dict, features: dict[str, str]) -> list[tuple[str, str]]:
    """Rules the schema cannot say. Returns (field, message) pairs; empty when valid."""
    found: list[tuple[str, str]] = []
    for k, name in enumerate(case["features"]):
        if name not in features:
            found.append((f"features[{k}]", f"unknown feature {name!r} (not in features.json)"))
    needed = linter_of(case["kind"])(case, found)
    missing = sorted(needed - set(case["features"]))
    if missing and not found:
        found.append(("features", f"the case uses features it does not declare: {missing}"))
    return found


def linter_of(kind: str) -> Any:
    """The lint for one kind: it appends (field, message) problems, returns the needed features."""
    linters = {"expr": lint_expr, "init": lint_init, "reject": lint_reject}
    return linters.get(kind, lint_model_case)


def lint_expr(case: dict, found: list[tuple[str, str]]) -> set[str]:
    needed = {"ieee.nonfinite"} if has_nonfinite(case["inputs"]) else set()
    defined = set(case["inputs"])
    uses: Counter[str] = Counter()
    for j, op in enumerate(case["ops"]):
        name, opname, args = op[0], op[1], op[2:]
        where = f"ops[{j}]"
        needed.add(f"op.{opname}")
        arity = 1 if opname in UNARY else 2
        if len(args) != arity:
            found.append((where, f"{opname} takes {arity} argument(s), got {len(args)}"))
            continue
        for k, a in enumerate(args):
            if isinstance(a, str):
                uses[a] += 1
                if a not in defined:
                    found.append((f"{where}[{k + 2}]", f"name {a!r} is used before it is defined"))
            else:
                needed.add("graph.const")
        if opname == "pow":
            if not isinstance(args[0], str):
                found.append((f"{where}[2]", "pow's base must be a name, not a number"))
            if not isinstance(args[1], (int, float)):
                found.append((f"{where}[3]", "pow's exponent must be a number, not a name"))
        elif opname in UNARY and not isinstance(args[0], str):
            found.append((f"{where}[2]", f"{opname}'s argument must be a name"))
        elif opname in BINARY and not any(isinstance(a, str) for a in args):
            found.append((where, f"{opname} needs at least one name among its arguments"))
        if name in defined:
            found.append((f"{where}[0]", f"name {name!r} is defined twice"))
        defined.add(name)
    if case["output"] not in defined:
        found.append(("output", f"output {case['output']!r} is not an input or a result"))
    for name in case["expected"]["grads"]:
        if name not in defined:
            found.append((f"expected.grads.{name}", f"{name!r} is not a name of the program"))
    if any(n > 1 for n in uses.values()):
        needed.add("graph.reuse")
    if len(case["ops"]) >= 10_000:
        needed.add("graph.deep")
    if case.get("backward_calls", 1) > 1:
        needed.add("backward.repeat")
    if has_nonfinite(case["expected"]):
        needed.add("ieee.nonfinite")
    return needed


def parameter_count(model: dict) -> int:
    sizes = [model["nin"], *model["nouts"]]
    return sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(model["nouts"])))


def model_features(model: dict) -> set[str]:
    acts = {model["output_activation"]}
    if len(model["nouts"]) > 1:
        acts.add(model["activation"])
    return {f"act.{a}" for a in acts}


def lint_model_case(case: dict, found: list[tuple[str, str]]) -> set[str]:
    """mlp and train cases: shapes must match the model."""
    model, expected = case["model"], case["expected"]
    count, nin, k = parameter_count(model), model["nin"], model["nouts"][-1]
    n = len(case["inputs"])
    if len(case["parameters"]) != count:
        found.append(
            ("parameters", f"the model has {count} parameters, got {len(case['parameters'])}")
        )
    if n == 0:
        found.append(("inputs", "at least one input row is needed"))
    for i, row in enumerate(case["inputs"]):
        if len(row) != nin:
            found.append((f"inputs[{i}]", f"nin is {nin}, the row has {len(row)} numbers"))
    if len(case["targets"]) != n:
        found.append(("targets", f"{n} input rows but {len(case['targets'])} target rows"))
    for i, row in enumerate(case["targets"]):
        if len(row) != k:
            found.append((f"targets[{i}]", f"the model has {k} outputs, the row has {len(row)}"))
    if case["loss"]["name"] == "hinge" and k != 1:
        found.append(("loss.name", f"hinge needs one output, the model has {k}"))
    needed = {"mlp", f"loss.{case['loss']['name']}"} | model_features(model)
    if case["loss"].get("l2", 0) != 0:
        needed.add("reg.l2")
    if has_nonfinite([case["parameters"], case["inputs"], case["targets"], expected]):
        needed.add("ieee.nonfinite")
    if case["kind"] == "mlp":
        if len(expected["grads"]) != count:
            found.append(("expected.grads", f"{count} parameters, {len(expected['grads'])} grads"))
        if len(expected["outputs"]) != n or any(len(r) != k for r in expected["outputs"]):
            found.append(("expected.outputs", f"must be {n} rows of {k} numbers"))
        return needed
    opt = case["optimizer"]
    if opt["name"] == "sgd":
        needed.add("train.sgd")
        if opt.get("momentum", 0) != 0:
            needed.add("train.sgd.momentum")
    else:
        needed.add("train.adam")
    if opt.get("weight_decay", 0) != 0:
        needed.add("train.weight_decay")
    if len(expected["losses"]) != case["steps"]:
        found.append(
            ("expected.losses", f"{case['steps']} steps, {len(expected['losses'])} losses")
        )
    if len(expected["parameters"]) != count:
        found.append(("expected.parameters", f"{count} parameters expected"))
    return needed


def lint_init(case: dict, found: list[tuple[str, str]]) -> set[str]:
    count = parameter_count(case["model"])
    seed = int(case["seed"])
    if seed > MAX_SEED:
        found.append(("seed", f"seeds are 0 .. 2^64 - 1, got {seed}"))
    if len(case["expected"]["parameters"]) != count:
        found.append(("expected.parameters", f"the model has {count} parameters"))
    needed = {"init.seed"} | model_features(case["model"])
    if seed >= 2**53:
        needed.add("init.seed.u64")
    return needed


def lint_reject(case: dict, found: list[tuple[str, str]]) -> set[str]:
    """reject cases: the module a `call` runs must itself be a call the ports accept."""
    call = case["call"]
    needed = {"reject", REJECT_FEATURES[call["api"]]}
    if "seed" in call:
        needed.add("reject.seed")
    if case["expected"]["error"] == "memory":
        needed.add("reject.memory")
    if call["api"] == "call":
        module = call["module"]
        sizes = [module.get("nin"), *module.get("nouts", [module.get("nout", 1)])]
        if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in sizes):
            found.append(("call.module", "the module must be one the ports build: sizes >= 1"))
        elif math.prod(sizes) > 10_000:
            found.append(("call.module", "keep the module small: it is built for real"))
    return needed


def read_expected_failures(path: Path) -> dict[str, tuple[int, str]]:
    """`id  # reason` per line -> {id: (line number, reason)}; blank lines and comments skipped."""
    out: dict[str, tuple[int, str]] = {}
    if not path.is_file():
        return out
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        entry, _, reason = line.partition("#")
        entry = entry.strip()
        if entry:
            out[entry] = (lineno, reason.strip())
    return out


# ---------------------------------------------------------------- comparison


def decode(x: Any) -> float | None:
    """A case-file number as a float; None when it is not a number at all."""
    if isinstance(x, str):
        return SPECIALS.get(x)
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x)


def allowed(e: float, rtol: float, atol: float) -> float:
    return atol + rtol * abs(e)


def matches(
    expected: Any, actual: Any, rtol: float, atol: float, signed_zeros: bool = False
) -> bool:
    """|a - e| <= atol + rtol·|e|; "nan" matches any NaN; infinities match by sign.

    With `signed_zeros` (a case's `tolerance.signed_zeros`), an expected 0.0 or -0.0
    matches only that same zero.
    """
    e, a = decode(expected), decode(actual)
    if e is None or a is None:
        return False
    if math.isnan(e):
        return math.isnan(a)
    if math.isinf(e) or not math.isfinite(a):
        return a == e
    if signed_zeros and e == 0:
        return a == 0 and math.copysign(1.0, a) == math.copysign(1.0, e)
    return abs(a - e) <= allowed(e, rtol, atol)


def compare(
    expected: Any,
    actual: Any,
    rtol: float,
    atol: float,
    path: str = "",
    signed_zeros: bool = False,
) -> list[dict]:
    """Every place where `actual` differs from `expected` (JSON of depth 3 at most)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [mismatch(path, "an object", actual)]
        out = []
        for key, e in expected.items():
            sub = f"{path}.{key}" if path else key
            if key not in actual:
                out.append(mismatch(sub, e, "missing"))
            else:
                out.extend(compare(e, actual[key], rtol, atol, sub, signed_zeros))
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            what = f"a list of {len(actual)}" if isinstance(actual, list) else actual
            return [mismatch(path, f"a list of {len(expected)}", what)]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out.extend(compare(e, a, rtol, atol, f"{path}[{i}]", signed_zeros))
        return out
    if matches(expected, actual, rtol, atol, signed_zeros):
        return []
    e = decode(expected)
    exact = e is None or not math.isfinite(e) or (signed_zeros and e == 0)
    tol = "exact" if exact else allowed(e, rtol, atol)
    return [mismatch(path, expected, actual, tol)]


def mismatch(path: str, expected: Any, actual: Any, tol: Any = "exact") -> dict:
    return {"path": path, "expected": expected, "actual": actual, "allowed": tol}


def word_found(word: str | list[str], message: str) -> bool:
    """A required word (or any of its alternatives) in the message, ignoring case."""
    options = [word] if isinstance(word, str) else word
    return any(w.lower() in message.lower() for w in options)


def compare_reject(expected: dict, actual: dict, language: str | None) -> list[dict]:
    """SPEC §5: the error class, through the language's table, then each required word."""
    raised, message = actual.get("raised"), actual.get("message")
    if not isinstance(message, str) or not (raised is None or isinstance(raised, str)):
        return [mismatch("", "an object {raised, message}", actual)]
    want = expected["error"]
    table = ERROR_CLASSES.get(language or "")
    if raised is None:
        return [mismatch("error", want, f"no error: the call was accepted ({message})")]
    if table is None:
        return [
            mismatch("error", want, f"{raised}: no error-class table for language {language!r}")
        ]
    if raised not in table[want]:
        allowed_names = " or ".join(table[want])
        return [mismatch("error", f"{want} ({allowed_names})", f"{raised}: {message}")]
    return [
        mismatch(f"words[{i}]", w, f"{raised}: {message}")
        for i, w in enumerate(expected["words"])
        if not word_found(w, message)
    ]


def tolerance(case: Case) -> tuple[float, float]:
    tol = {**DEFAULT_TOLERANCE[case.kind], **case.data.get("tolerance", {})}
    return tol["rtol"], tol["atol"]


def signed_zeros(case: Case) -> bool:
    """The case pins which zero it expects (`tolerance.signed_zeros`): -0.0 != 0.0."""
    return bool(case.data.get("tolerance", {}).get("signed_zeros", False))


def parse_int(text: str) -> int | float:
    """JSON integers as Python ints, except `-0`, which keeps its sign as -0.0."""
    return -0.0 if text == "-0" else int(text)


# ---------------------------------------------------------------- implementations


@dataclass
class Impl:
    """How to find, build and run one port's adapter (paths relative to the repo root)."""

    name: str
    command: list[str]
    tool: str | None = None  # the toolchain; missing -> unavailable
    present: list[str] = field(default_factory=list)  # files that mean the port is in the tree
    build: list[str] | None = None
    env: dict[str, str] = field(default_factory=dict)


def python_env() -> dict[str, str]:
    """Run the tree's reference when the harness's Python has no rosettagrad installed."""
    if importlib.util.find_spec("rosettagrad") is not None:
        return {}
    src = str(ROOT / "python" / "src")
    return {"PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)}


def known_impls() -> dict[str, Impl]:
    py = sys.executable
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "rust" / "target"))
    adapter = ["-m", "rosettagrad.conformance"]
    return {
        "python": Impl(
            "python", [py, *adapter], present=["python/src/rosettagrad/conformance.py"]
        ),
        "rust-py": Impl(
            "rust-py",
            [py, *adapter, "--engine", "rosettagrad_rs"],
            tool="cargo",
            present=["rust/pyproject.toml"],
            build=[py, "-m", "pip", "install", "--quiet", "./rust"],
        ),
        "rust": Impl(
            "rust",
            [str(target / "release" / "rosettagrad-conformance")],
            tool="cargo",
            present=["rust/Cargo.toml"],
            build=[
                "cargo", "build", "--release", "--manifest-path", "rust/Cargo.toml",
                "-p", "rosettagrad-conformance",
            ],
        ),
        "js": Impl("js", ["node", "js/conformance.js"], tool="node", present=["js/conformance.js"]),
        "julia": Impl(  # Base Julia only: no Pkg environment, nothing to build
            "julia",
            ["julia", "--startup-file=no", "julia/conformance/adapter.jl"],
            tool="julia",
            present=["julia/conformance/adapter.jl"],
        ),
    }  # fmt: skip


@dataclass
class Status:
    available: bool
    reason: str | None = None  # why unavailable, or why every case crashed
    version: str | None = None
    features: set[str] = field(default_factory=set)
    broken: bool = False  # available, but the build or `describe` failed
    required: bool = False  # --require: a case it would skip fails instead
    language: str | None = None  # from `describe`: picks the error-class table (§4.5)


def run_process(cmd: list[str], timeout: float, env: dict[str, str]) -> tuple[int | None, str, str]:
    """(exit code or None on timeout, stdout, stderr). The whole process group dies on timeout."""
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return None, out, err


def tail(text: str, lines: int = 6) -> str:
    return " | ".join(text.strip().splitlines()[-lines:])


def prepare(impl: Impl, timeout: float, build_timeout: float, log: Any) -> Status:
    """Find the toolchain, build, and ask the adapter to describe itself."""
    if impl.tool and shutil.which(impl.tool) is None:
        return Status(False, f"`{impl.tool}` not found on PATH")
    for f in impl.present:
        if not (ROOT / f).exists():
            return Status(False, f"port not in this tree (no {f})")
    env = python_env() if impl.name in ("python", "rust-py") else {}
    impl.env = {**env, **impl.env}
    if impl.build:
        log(f"[{impl.name}] building: {shlex.join(impl.build)}")
        code, out, err = run_process(impl.build, build_timeout, impl.env)
        if code != 0:
            how = "timed out" if code is None else f"exit {code}"
            return Status(True, f"build failed ({how}): {tail(err or out)}", broken=True)
    try:
        code, out, err = run_process([*impl.command, "describe"], timeout, impl.env)
    except OSError as e:
        return Status(True, f"adapter did not start: {e}", broken=True)
    if code != 0:
        how = f"timed out after {timeout:g} s" if code is None else f"exited with code {code}"
        return Status(True, f"`describe` {how}: {tail(err)}", broken=True)
    try:
        info = json.loads(out)
        if info.get("protocol") != PROTOCOL:
            raise ValueError(f"protocol {info.get('protocol')!r}, the harness speaks {PROTOCOL}")
        implementation = info["implementation"]
        version, language = str(implementation["version"]), implementation.get("language")
        return Status(True, None, version, set(info["features"]), language=language)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        return Status(True, f"`describe` printed no valid description: {e}", broken=True)


def strip(case: Case) -> dict:
    return {k: v for k, v in case.data.items() if k not in ("expected", "tolerance")}


def run_group(impl: Impl, status: Status, cases: list[Case], timeout: float) -> list[dict]:
    """Run one file's cases through the adapter in one process; one result per case."""
    results = []
    runnable = []
    for case in cases:
        missing = sorted(set(case.data["features"]) - status.features)
        if status.broken:
            results.append(result(case, impl, "crash", status.reason))
        elif missing and status.required:
            why = f"adapter lacks features {missing}, and a required impl may not skip"
            results.append(result(case, impl, "fail", why))
        elif missing:
            results.append(result(case, impl, "skip", f"adapter lacks features {missing}"))
        else:
            runnable.append(case)
    if not runnable:
        return results
    with tempfile.TemporaryDirectory(prefix="rosettagrad-conformance-") as tmp:
        path = Path(tmp) / "IN.json"
        doc = {"protocol": PROTOCOL, "cases": [strip(c) for c in runnable]}
        path.write_text(json.dumps(doc), encoding="utf-8")
        try:
            code, out, err = run_process([*impl.command, "run", str(path)], timeout, impl.env)
        except OSError as e:
            code, out, err = -1, "", f"adapter did not start: {e}"
    crashed = None
    if code is None:
        crashed = f"adapter timed out after {timeout:g} s"
    elif code != 0:
        crashed = f"adapter exited with code {code}: {tail(err)}"
    else:
        try:
            doc = json.loads(out, parse_int=parse_int)
            if doc.get("protocol") != PROTOCOL:
                raise ValueError(f"protocol {doc.get('protocol')!r}, expected {PROTOCOL}")
            by_id = {r["id"]: r for r in doc["results"]}
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            crashed = f"adapter printed no valid results: {e}"
    for case in runnable:
        if crashed:
            results.append(result(case, impl, "crash", crashed))
            continue
        r = by_id.get(case.id)
        if not isinstance(r, dict):
            results.append(result(case, impl, "crash", "adapter returned no result for this case"))
        elif r.get("status") == "error":
            results.append(result(case, impl, "error", str(r.get("message", "no message"))))
        elif r.get("status") != "ok" or not isinstance(r.get("actual"), dict):
            results.append(result(case, impl, "crash", f"malformed result: {str(r)[:200]}"))
        else:
            if case.kind == "reject":
                found = compare_reject(case.data["expected"], r["actual"], status.language)
            else:
                found = compare(
                    case.data["expected"], r["actual"], *tolerance(case),
                    signed_zeros=signed_zeros(case),
                )  # fmt: skip
            results.append(result(case, impl, "fail" if found else "pass", None, found))
    return results


def result(
    case: Case, impl: Impl, status: str, message: str | None, found: list | None = None
) -> dict:
    return {
        "id": case.id,
        "impl": impl.name,
        "status": status,
        "message": message,
        "mismatches": found or [],
        "file": case.file,
        "group": case.group,
    }


def apply_expected_failures(results: list[dict], xfail: dict[str, tuple[int, str]]) -> None:
    """A listed case that fails is xfail; one that passes is xpass (and fails the run)."""
    for r in results:
        if r["id"] not in xfail:
            continue
        reason = xfail[r["id"]][1]
        if r["status"] in ("fail", "error", "crash"):
            r["message"] = f"expected failure ({reason}): {r['message'] or 'mismatch'}"
            r["status"] = "xfail"
        elif r["status"] == "pass":
            r["status"] = "xpass"
            r["message"] = f"listed as an expected failure ({reason}) but passes: remove the entry"


# ---------------------------------------------------------------- report


def matrix(suite: Suite, impls: list[str], statuses: dict[str, Status], results: list[dict]) -> str:
    """Rows = case groups, columns = impls; cells `42/42` or `40/42 (2 fail)`."""
    columns = [*impls, *(["harness"] if suite.problems else [])]
    cells: dict[tuple[str, str], Counter] = {}
    for r in results:
        cells.setdefault((r["group"], r["impl"]), Counter())[r["status"]] += 1
    groups = list(dict.fromkeys(suite.groups + [r["group"] for r in results]))

    def cell(group: str | None, impl: str) -> str:
        if impl in statuses and not statuses[impl].available:
            return "unavailable"
        counts: Counter = Counter()
        for (g, i), c in cells.items():
            if i == impl and (group is None or g == group):
                counts.update(c)
        total = sum(counts.values())
        if total == 0:
            return "-"
        ok = counts["pass"] + counts["xfail"]
        rest = ", ".join(f"{counts[s]} {s}" for s in STATUSES[1:] if counts[s])
        return f"{ok}/{total}" + (f" ({rest})" if rest else "")

    rows = [["case group", *columns]]
    rows += [[g, *(cell(g, i) for i in columns)] for g in groups]
    rows.append(["total", *(cell(None, i) for i in columns)])
    widths = [max(len(r[c]) for r in rows) for c in range(len(columns) + 1)]
    lines = ["  ".join(x.ljust(w) for x, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(len(lines) - 1, lines[1])
    return "\n".join(line.rstrip() for line in lines)


def summarize(results: list[dict]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r in results:
        counts = out.setdefault(r["impl"], {})
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return out


def describe_failure(r: dict, limit: int = 3) -> list[str]:
    lines = [f"  {r['status'].upper()}  {r['impl']}  {r['id']}  ({r['file']})"]
    if r["message"]:
        lines.append(f"      {r['message']}")
    for m in r["mismatches"][:limit]:
        lines.append(
            f"      at {m['path'] or '(top)'}: expected {m['expected']}, got {m['actual']}"
            f" (allowed error {m['allowed']})"
        )
    if len(r["mismatches"]) > limit:
        lines.append(f"      ... and {len(r['mismatches']) - limit} more mismatches")
    return lines


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None, names: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="nox -s conformance --",
        description="Run every port's adapter over the conformance cases and compare.",
    )
    p.add_argument(
        "--impl",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run only these impls (repeatable; known: {', '.join(names)})",
    )
    p.add_argument(
        "--require",
        action="append",
        default=[],
        metavar="NAME",
        help="fail when this impl is unavailable or skips a case (repeatable)",
    )
    p.add_argument(
        "--report",
        default="conformance-report.json",
        metavar="PATH",
        help="where to write the JSON report (default: %(default)s)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        metavar="S",
        help="seconds one adapter run may take (default: %(default)s)",
    )
    p.add_argument(
        "--build-timeout",
        type=float,
        default=1800.0,
        metavar="S",
        help="seconds one build may take (default: %(default)s)",
    )
    p.add_argument(
        "--adapter",
        action="append",
        default=[],
        metavar="NAME=COMMAND",
        help="an extra impl: your own adapter command (repeatable)",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="CASES_PATH",
        help="case files or directories (default: conformance/cases)",
    )
    return p.parse_args(argv)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    impls = known_impls()
    args = parse_args(argv, list(impls))
    if importlib.util.find_spec("jsonschema") is None:
        need = "the harness validates case files with the `jsonschema` package"
        print(f"{need}: pip install jsonschema, or run `nox -s conformance`", file=sys.stderr)
        return 2
    for spec in args.adapter:
        name, sep, command = spec.partition("=")
        if not sep or not name or not command.strip():
            print(f"--adapter wants NAME=COMMAND, got {spec!r}", file=sys.stderr)
            return 2
        impls[name] = Impl(name, shlex.split(command))
    # --impl narrows the run; required impls and your own --adapter ones always run.
    extra = [*args.require, *(a.split("=")[0] for a in args.adapter)]
    selected = list(dict.fromkeys([*args.impl, *extra] if args.impl else [*impls, *extra]))
    unknown = [n for n in selected if n not in impls]
    if unknown:
        print(f"unknown impl(s) {unknown}: known are {list(impls)}", file=sys.stderr)
        return 2

    default_suite = not args.paths
    paths = [Path(p) for p in args.paths] or [DEFAULT_CASES]
    suite = load_suite(paths, registered_features())

    def log(msg: str) -> None:
        print(msg, flush=True)

    statuses: dict[str, Status] = {}
    results: list[dict] = []
    for name in selected:
        impl = impls[name]
        status = statuses[name] = prepare(impl, args.timeout, args.build_timeout, log)
        status.required = name in args.require
        xfail_path = XFAIL_DIR / f"{name}.txt"
        xfail = read_expected_failures(xfail_path)
        if default_suite:
            for entry, (lineno, _) in xfail.items():
                if entry not in suite.all_ids:
                    suite.problems.append(
                        Problem(display(xfail_path), entry, f"line {lineno}", "matches no case")
                    )
        if not status.available:
            continue
        log(f"[{name}] running {len(suite.cases)} cases")
        impl_results: list[dict] = []
        for group in dict.fromkeys(c.file for c in suite.cases):
            cases = [c for c in suite.cases if c.file == group]
            impl_results.extend(run_group(impl, status, cases, args.timeout))
        apply_expected_failures(impl_results, xfail)
        results.extend(impl_results)

    for p in suite.problems:
        results.append(
            {
                "id": p.case_id,
                "impl": "harness",
                "status": "error",
                "message": p.text(),
                "mismatches": [],
                "file": p.file,
                "field": p.field,
                "group": suite.group_of.get(p.file, p.file),
            }
        )

    report = {
        "suite_version": suite_version(),
        "protocol": PROTOCOL,
        "implementations": {
            n: {"available": s.available, "version": s.version, "reason": s.reason}
            for n, s in statuses.items()
        },
        "results": results,
        "summary": summarize(results),
    }
    Path(args.report).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")

    print()
    print(
        f"rosettagrad conformance suite {report['suite_version']} (protocol {PROTOCOL}): "
        f"{len(suite.cases)} valid cases in {len(suite.groups)} files"
    )
    print()
    print(matrix(suite, selected, statuses, results))
    print()
    for n, s in statuses.items():
        if not s.available:
            print(f"  {n}: unavailable: {s.reason}")
        elif s.broken:
            print(f"  {n}: BROKEN (every case crashes): {s.reason}")
        else:
            print(f"  {n}: version {s.version}")
    bad = [r for r in results if r["status"] in BAD]
    # A broken impl's cases all crash for the one reason printed above: list them once.
    shown = [r for r in bad if not (r["impl"] in statuses and statuses[r["impl"]].broken)]
    if shown:
        print(f"\nFirst problems ({min(len(shown), 10)} of {len(shown)}):")
        for r in shown[:10]:
            print("\n".join(describe_failure(r)))
    missing = [n for n in args.require if not statuses[n].available]
    for n in missing:
        print(f"\n{n} is required (--require) but unavailable: {statuses[n].reason}")
    print(f"\nreport written to {args.report}")
    failed = bool(bad or missing)
    print("RESULT: " + ("FAIL" if failed else "PASS"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
