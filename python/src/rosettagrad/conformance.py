"""The conformance adapter (protocol 1): evaluate cases, print JSON, judge nothing.

    python -m rosettagrad.conformance describe
    python -m rosettagrad.conformance run IN.json [--engine rosettagrad|rosettagrad_rs]

The harness (conformance/harness.py) strips the expectations, runs this, and
compares. Only the engine's public API is used, so the same code drives the
Rust wheel (`--engine rosettagrad_rs`, impl `rust-py`). See conformance/SPEC.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

PROTOCOL = 1
ENGINES = {"rosettagrad": "python", "rosettagrad_rs": "rust-py"}

# Every feature of conformance/features.json: both engines implement all of them.
FEATURES = [
    *(f"op.{op}" for op in ("add", "sub", "mul", "div", "neg", "pow")),
    *(f"op.{op}" for op in ("relu", "tanh", "exp", "log", "sigmoid")),
    "graph.const",
    "graph.reuse",
    "graph.deep",
    "graph.wide",
    "backward.repeat",
    "ieee.nonfinite",
    "mlp",
    *(f"act.{a}" for a in ("tanh", "relu", "sigmoid", "linear")),
    *(f"loss.{name}" for name in ("mse", "sse", "hinge")),
    "reg.l2",
    "train.sgd",
    "train.sgd.momentum",
    "train.weight_decay",
    "train.adam",
    "init.seed",
    "init.seed.u64",
    "reject",
    *(f"reject.{g}" for g in ("value", "op", "module", "seed", "call", "optimizer", "loss")),
    "reject.memory",
]

Json = dict[str, Any]  # one JSON object: a case, a result, an `actual`
SPECIALS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def number(x: Any) -> float:
    """A case-file number: a JSON number or one of "nan", "inf", "-inf"."""
    if isinstance(x, str) and x in SPECIALS:
        return SPECIALS[x]
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"expected a number or 'nan'/'inf'/'-inf', got {x!r}")
    return float(x)


def encode(x: float) -> float | str:
    """JSON has no NaN or infinities: they travel as strings."""
    if x != x:
        return "nan"
    if x in (math.inf, -math.inf):
        return "inf" if x > 0 else "-inf"
    return x


# ---- expr: a straight-line program over Values ----

BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}
UNARY: dict[str, Callable[[Any], Any]] = {
    "neg": lambda a: -a,
    "relu": lambda a: a.relu(),
    "tanh": lambda a: a.tanh(),
    "exp": lambda a: a.exp(),
    "log": lambda a: a.log(),
    "sigmoid": lambda a: a.sigmoid(),
}


def run_expr(eng: ModuleType, case: Json) -> Json:
    env = {name: eng.Value(number(x), label=name) for name, x in case["inputs"].items()}

    def arg(a: Any) -> Any:
        # A name is a Value defined earlier; a number is a constant the engine wraps.
        if isinstance(a, str):
            if a not in env:
                raise KeyError(f"name {a!r} is used before it is defined")
            return env[a]
        return number(a)

    for op in case["ops"]:
        name, opname, *args = op
        if name in env:
            raise ValueError(f"name {name!r} is defined twice")
        if opname in BINARY:
            a, b = (arg(x) for x in args)
            if not isinstance(a, eng.Value) and not isinstance(b, eng.Value):
                raise TypeError(f"op {name!r}: at least one operand must be a name")
            out = BINARY[opname](a, b)
        elif opname in UNARY:
            (a,) = args
            out = UNARY[opname](env[a])
        elif opname == "pow":
            base, k = args
            out = env[base] ** number(k)
        else:
            raise ValueError(f"unknown op {opname!r}")
        env[name] = out
    output = env[case["output"]]
    for _ in range(case.get("backward_calls", 1)):
        output.backward()
    return {
        "value": encode(output.data),
        "grads": {name: encode(v.grad) for name, v in env.items()},
    }


# ---- mlp, train, init: the nn layer ----


def build_model(eng: ModuleType, case: Json) -> Any:
    m = case["model"]
    # The seed only makes construction deterministic; the case's parameters replace it.
    model = eng.MLP(
        m["nin"],
        m["nouts"],
        activation=m["activation"],
        output_activation=m["output_activation"],
        seed=0,
    )
    params = model.parameters()
    values = case["parameters"]
    if len(values) != len(params):
        raise ValueError(f"model has {len(params)} parameters, case gives {len(values)}")
    for p, x in zip(params, values, strict=True):
        p.data = number(x)
    return model


def forward_loss(eng: ModuleType, model: Any, case: Json) -> tuple[list[list[Any]], Any]:
    """The outputs (rows of K Values) and the case's loss (SPEC §2.5)."""
    outs = [model([number(x) for x in row]) for row in case["inputs"]]
    rows = [out if isinstance(out, list) else [out] for out in outs]
    k = len(rows[0]) if rows else 0
    targets = [[number(t) for t in row] for row in case["targets"]]
    if k == 1:
        preds: list[Any] = [row[0] for row in rows]
        targs: list[Any] = [row[0] for row in targets]
    else:
        preds, targs = rows, targets
    loss_spec = case["loss"]
    loss_fn = {"mse": eng.mse_loss, "sse": eng.sse_loss, "hinge": eng.hinge_loss}
    loss = loss_fn[loss_spec["name"]](preds, targs)
    l2 = loss_spec.get("l2", 0)
    if l2 != 0:
        loss = loss + l2 * eng.l2_penalty(model.parameters())
    return rows, loss


def run_mlp(eng: ModuleType, case: Json) -> Json:
    model = build_model(eng, case)
    rows, loss = forward_loss(eng, model, case)
    loss.backward()
    return {
        "outputs": [[encode(v.data) for v in row] for row in rows],
        "loss": encode(loss.data),
        "grads": [encode(p.grad) for p in model.parameters()],
    }


def make_optimizer(eng: ModuleType, params: list[Any], spec: Json) -> Any:
    wd = spec.get("weight_decay", 0.0)
    if spec["name"] == "sgd":
        return eng.SGD(params, spec["lr"], momentum=spec.get("momentum", 0.0), weight_decay=wd)
    if spec["name"] == "adam":
        betas = (spec.get("beta1", 0.9), spec.get("beta2", 0.999))
        return eng.Adam(params, spec["lr"], betas=betas, eps=spec.get("eps", 1e-8), weight_decay=wd)
    raise ValueError(f"unknown optimizer {spec['name']!r}")


def run_train(eng: ModuleType, case: Json) -> Json:
    model = build_model(eng, case)
    params = model.parameters()
    opt = make_optimizer(eng, params, case["optimizer"])
    losses = []
    for _ in range(case["steps"]):
        opt.zero_grad()
        _, loss = forward_loss(eng, model, case)
        losses.append(encode(loss.data))
        loss.backward()
        opt.step()
    return {"losses": losses, "parameters": [encode(p.data) for p in params]}


def run_init(eng: ModuleType, case: Json) -> Json:
    m = case["model"]
    seed = int(case["seed"])  # a decimal string: exact for every 64-bit seed
    model = eng.MLP(
        m["nin"],
        m["nouts"],
        activation=m["activation"],
        output_activation=m["output_activation"],
        seed=seed,
    )
    return {"parameters": [encode(p.data) for p in model.parameters()]}


# ---- reject: a call that must fail (SPEC §4.5) ----


def reject_arg(eng: ModuleType, x: Any) -> Any:
    """A call's argument as the nearest Python value: JSON as json.load gives it, except
    {"$value": x} (a Value), {"$num": "nan"} (a non-finite float), {"$int": "digits"}."""
    if isinstance(x, dict):
        if list(x) == ["$value"]:
            return eng.Value(number(x["$value"]))
        if list(x) == ["$num"]:
            return number(x["$num"])
        if list(x) == ["$int"]:
            return int(x["$int"])
        return {k: reject_arg(eng, v) for k, v in x.items()}
    if isinstance(x, list):
        return [reject_arg(eng, v) for v in x]
    return x


def reject_call(eng: ModuleType, call: Json) -> Callable[[], Any]:
    """The call under test, built from its description but not yet made."""
    args = {k: reject_arg(eng, v) for k, v in call.items() if k != "api"}
    api = call["api"]
    if api == "value":
        return lambda: eng.Value(args["data"])
    if api == "op":
        left, b = eng.Value(2.0), args["operand"]
        return lambda: BINARY[args["op"]](left, b) if args["op"] != "pow" else left**b
    if api in ("neuron", "layer", "mlp"):
        sizes = [args.pop(k) for k in ("nin", "nout", "nouts") if k in args]
        cls = {"neuron": eng.Neuron, "layer": eng.Layer, "mlp": eng.MLP}[api]
        return lambda: cls(*sizes, **args)
    if api == "call":
        module = reject_call(eng, call["module"])()  # a module the ports build: not under test
        return lambda: module(args["input"])
    if api == "sgd":
        return lambda: eng.SGD(args.pop("params"), args.pop("lr"), **args)
    if api == "adam":
        if "beta1" in args or "beta2" in args:
            args["betas"] = (args.pop("beta1", 0.9), args.pop("beta2", 0.999))
        elif isinstance(args.get("betas"), list):
            args["betas"] = tuple(args["betas"])  # the pair, as Python writes one
        return lambda: eng.Adam(args.pop("params"), **args)
    if api == "loss":
        loss = {"mse": eng.mse_loss, "sse": eng.sse_loss, "hinge": eng.hinge_loss}[args["name"]]
        return lambda: loss(args["predictions"], args["targets"])
    raise ValueError(f"unknown api {api!r}")


def run_reject(eng: ModuleType, case: Json) -> Json:
    """What the call raised (the exception's class name) and its message; raised None if
    the call returned. The harness judges the class (SPEC §4.5)."""
    call = reject_call(eng, case["call"])
    try:
        out = call()
    except Exception as e:  # MemoryError included: the port must raise it before allocating
        return {"raised": type(e).__name__, "message": str(e)}
    return {"raised": None, "message": f"the call returned {type(out).__name__}"}


KINDS = {
    "expr": run_expr,
    "mlp": run_mlp,
    "train": run_train,
    "init": run_init,
    "reject": run_reject,
}


def run_case(eng: ModuleType, case: Any) -> Json:
    """One result; a bad case is an error result, never a crash of the adapter."""
    case_id = case.get("id") if isinstance(case, dict) else None
    try:
        kind = case["kind"]
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        return {"id": case_id, "status": "ok", "actual": KINDS[kind](eng, case)}
    except Exception as e:
        return {"id": case_id, "status": "error", "message": f"{type(e).__name__}: {e}"}


def describe(engine: str) -> Json:
    eng = importlib.import_module(engine)
    return {
        "protocol": PROTOCOL,
        "implementation": {
            "name": ENGINES[engine],
            "language": "python",
            "version": str(getattr(eng, "__version__", "unknown")),
        },
        "features": FEATURES,
    }


class BadInput(Exception):
    """IN.json itself is unusable: the adapter says why and exits 2, no stack trace."""


def read_input(path: str) -> list[Any]:
    """The cases of IN.json, or BadInput naming what is wrong with the document."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e.strerror}") from None
    except ValueError as e:  # JSONDecodeError and invalid UTF-8
        raise BadInput(f"{path} is not valid JSON: {e}") from None
    if not isinstance(doc, dict):
        raise BadInput(f"{path}: expected a JSON object, got {type(doc).__name__}")
    if doc.get("protocol") != PROTOCOL:
        raise BadInput(f"{path}: protocol {doc.get('protocol')!r}, this adapter speaks {PROTOCOL}")
    cases = doc.get("cases")
    if not isinstance(cases, list):
        raise BadInput(f"{path}: field `cases` must be a list of cases")
    return cases


def run(engine: str, path: str) -> Json:
    eng = importlib.import_module(engine)
    return {"protocol": PROTOCOL, "results": [run_case(eng, c) for c in read_input(path)]}


def main(argv: list[str] | None = None) -> int:
    # --engine may come before or after the command: `run IN.json --engine rosettagrad_rs`.
    engine = argparse.ArgumentParser(add_help=False)
    engine.add_argument("--engine", choices=sorted(ENGINES), default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="python -m rosettagrad.conformance", parents=[engine])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("describe", parents=[engine], help="print the implementation and its features")
    run_parser = sub.add_parser("run", parents=[engine], help="evaluate the cases of IN.json")
    run_parser.add_argument("cases", metavar="IN.json")
    args = parser.parse_args(argv)
    name = getattr(args, "engine", "rosettagrad")
    try:
        out = describe(name) if args.command == "describe" else run(name, args.cases)
    except BadInput as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    json.dump(out, sys.stdout, allow_nan=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
