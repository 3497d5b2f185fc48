"""Random valid conformance cases (DESIGN §4), without expectations.

Every generator takes a `random.Random` and returns one case dict whose
`expected` and `tolerance` are filled in later from the reference
(`reference.py`) and whose `features` then come from the conformance
harness's own lint (`runner.finish`), so they can never disagree with it. The same seed always
gives the same cases, so a run can be repeated exactly.
"""

from __future__ import annotations

import random

BINARY = ("add", "sub", "mul", "div")
UNARY = ("neg", "relu", "tanh", "exp", "log", "sigmoid")
OPS = (*BINARY, "pow", *UNARY)
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")

# Exponents a learner would write, plus the ones at the edges of SPEC §2.1:
# k = 0 (derivative pinned to 0), negative k (0 ** -1 = inf), fractional k
# (negative base gives NaN), odd integers (sign of -0 ** -1 and of overflow).
EXPONENTS = (0, 1, 2, 3, 4, -1, -2, -3, 0.5, -0.5, 1.5, 2.5, 0.25, 1 / 3, 2.0, -1.0, 10, -7, 100)
# Inputs that reach IEEE edges: overflow of exp and of products, underflow,
# signed zero, tanh saturation, the exp overflow threshold (~709.78).
EDGE_INPUTS = (0.0, -0.0, 1.0, -1.0, 1e300, -1e300, 1e-300, -1e-300)
EDGE_INPUTS += (20.0, -20.0, 709.0, 710.0, -745.5, 5e-324, -2.2250738585072014e-308)
EDGE_INPUTS += (1.7976931348623157e308, -0.0, 0.0)  # the largest double; zeros twice as often
NONFINITE = ("nan", "inf", "-inf")
EDGE_CONSTANTS = (0, 1, -1, 2, 0.5, 1e300, 1e-300, 1e308, 710)


def input_value(rng: random.Random) -> float | int | str:
    """An input: mostly ordinary numbers, sometimes an IEEE edge or a non-finite."""
    r = rng.random()
    if r < 0.65:
        return rng.uniform(-3, 3)
    if r < 0.75:
        return float(rng.randint(-3, 3))
    if r < 0.90:
        return rng.choice(EDGE_INPUTS)
    return rng.choice(NONFINITE)


def constant(rng: random.Random) -> float | int:
    """A constant operand: finite by the case format (DESIGN §4)."""
    r = rng.random()
    if r < 0.5:
        return rng.randint(-3, 4)
    if r < 0.85:
        return round(rng.uniform(-3, 3), rng.randint(1, 17))
    return rng.choice(EDGE_CONSTANTS)


def exponent(rng: random.Random) -> float | int:
    if rng.random() < 0.85:
        return rng.choice(EXPONENTS)
    return round(rng.uniform(-4, 4), rng.randint(0, 3))


def expr_case(rng: random.Random, case_id: str) -> dict:
    """A program of 1-40 ops over 1-5 inputs: reuse, constants on either side, every op."""
    n_inputs = rng.randint(1, 5)
    inputs = {f"x{i}": input_value(rng) for i in range(n_inputs)}
    names = list(inputs)
    results: list[str] = []
    ops = []
    for i in range(rng.randint(1, 40)):
        out = f"v{i}"
        op = rng.choice(OPS)

        def pick() -> str:
            # Prefer recent results: deep graphs, and reuse of what was just made.
            if results and rng.random() < 0.6:
                return rng.choice(results[-3:])
            return rng.choice(names)

        if op in BINARY:
            a, b = pick(), pick()
            r = rng.random()
            if r < 0.15:
                a = constant(rng)
            elif r < 0.30:
                b = constant(rng)
            ops.append([out, op, a, b])
        elif op == "pow":
            ops.append([out, op, pick(), exponent(rng)])
        else:
            ops.append([out, op, pick()])
        names.append(out)
        results.append(out)
    r = rng.random()
    if r < 0.85:
        output = results[-1]
    elif r < 0.95:
        output = rng.choice(results)
    else:
        output = rng.choice(list(inputs))
    case = {
        "id": case_id,
        "kind": "expr",
        "description": f"fuzz: random program of {len(ops)} ops over {n_inputs} inputs",
        "features": [],
        "inputs": inputs,
        "ops": ops,
        "output": output,
    }
    r = rng.random()
    if r < 0.15:
        case["backward_calls"] = 2
    elif r < 0.2:
        case["backward_calls"] = 3
    return case


def _model(rng: random.Random, max_layers: int = 3, max_width: int = 4) -> dict:
    nouts = [rng.randint(1, max_width) for _ in range(rng.randint(1, max_layers))]
    return {
        "nin": rng.randint(1, 4),
        "nouts": nouts,
        "activation": rng.choice(ACTIVATIONS),
        "output_activation": rng.choice(ACTIVATIONS),
    }


def n_parameters(model: dict) -> int:
    sizes = [model["nin"], *model["nouts"]]
    return sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(model["nouts"])))


def _sample(rng: random.Random, scale: float) -> float | str:
    if rng.random() < 0.02:
        return rng.choice(NONFINITE)
    return rng.uniform(-scale, scale)


def mlp_case(rng: random.Random, case_id: str) -> dict:
    """A small random MLP with explicit parameters, a few samples and a loss."""
    model = _model(rng)
    k = model["nouts"][-1]
    scale = 3.0 if rng.random() < 0.1 else 1.0  # sometimes saturate tanh/sigmoid
    parameters = [_sample(rng, scale) for _ in range(n_parameters(model))]
    n = rng.randint(1, 4)
    inputs = [[_sample(rng, 2.0) for _ in range(model["nin"])] for _ in range(n)]
    loss_names = ["mse", "sse"] + (["hinge"] if k == 1 else [])
    loss = {"name": rng.choice(loss_names)}
    if loss["name"] == "hinge":
        targets = [[rng.choice((-1, 1))] for _ in range(n)]
    else:
        targets = [[round(rng.uniform(-1, 1), 6) for _ in range(k)] for _ in range(n)]
    if rng.random() < 0.4:
        loss["l2"] = rng.choice((1e-4, 0.01, 0.5))
    case = {
        "id": case_id,
        "kind": "mlp",
        "description": f"fuzz: MLP({model['nin']}, {model['nouts']}) on {n} samples",
        "features": [],
        "model": model,
        "parameters": parameters,
        "inputs": inputs,
        "targets": targets,
        "loss": loss,
    }
    return case


def train_case(rng: random.Random, case_id: str) -> dict:
    """A short training run of a random MLP with SGD (momentum, weight decay) or Adam."""
    case = mlp_case(rng, case_id)
    case["kind"] = "train"
    if rng.random() < 0.5:
        opt: dict = {"name": "sgd", "lr": round(rng.uniform(0.01, 0.5), 4)}
        if rng.random() < 0.5:
            opt["momentum"] = rng.choice((0.5, 0.9))
    else:
        opt = {
            "name": "adam",
            "lr": round(rng.uniform(0.001, 0.1), 4),
            "beta1": rng.choice((0.9, 0.8, 0.0)),
            "beta2": rng.choice((0.999, 0.99)),
            "eps": rng.choice((1e-8, 1e-6)),
        }
    if rng.random() < 0.3:
        opt["weight_decay"] = rng.choice((0.01, 0.1))
    case["optimizer"] = opt
    case["steps"] = rng.randint(1, 8)
    case["description"] = (
        f"fuzz: {case['steps']} {opt['name']} steps of MLP({case['model']['nin']}, "
        f"{case['model']['nouts']})"
    )
    return case


def init_case(rng: random.Random, case_id: str) -> dict:
    """Seeded SplitMix64 init of a random shape, seeds anywhere in 0 .. 2^64 - 1."""
    model = _model(rng, max_layers=3, max_width=5)
    seed = rng.getrandbits(64) if rng.random() < 0.5 else rng.getrandbits(rng.randint(1, 53))
    return {
        "id": case_id,
        "kind": "init",
        "description": f"fuzz: seeded init of MLP({model['nin']}, {model['nouts']})",
        "features": [],
        "model": model,
        "seed": str(seed),
    }


# The mix of a run: mostly programs (where the bugs hide), then models.
KINDS = (("expr", 0.70, expr_case), ("mlp", 0.12, mlp_case), ("train", 0.12, train_case))
INIT_SHARE = 0.06


def generate(seed: int, budget: int) -> list[dict]:
    """`budget` cases from `seed`; ids are `fuzz.s<seed>.<index>`."""
    rng = random.Random(seed)
    cases = []
    for i in range(budget):
        case_id = f"fuzz.s{seed}.{i}"
        r = rng.random()
        for _, share, make in KINDS:
            if r < share:
                cases.append(make(rng, case_id))
                break
            r -= share
        else:
            cases.append(init_case(rng, case_id))
    return cases
