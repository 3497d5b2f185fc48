"""Random conformance cases: valid ones (DESIGN §4) without expectations, and
bad calls (SPEC §4.5 `reject`) with the error class and words the SPEC decides.

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


# ---------------------------------------------------------------- reject
#
# A bad call (SPEC §4.5) with exactly one thing wrong, so the SPEC decides its outcome:
# the error class, and words the generator knows from what it broke (the offending
# type's SPEC spellings, both lengths, the argument's name, the parameter count),
# never taken from any port's message. The reference must then raise that class with
# those words (reference.py); a call with two faults (a wrong length *and* a string
# inside) has no single right answer in the SPEC and is never made.

# How each language names a JSON kind when it says what it got (SPEC §4.5; casedefs.py).
STR = "str"
NULL = ["none", "null", "nothing"]
BOOL = "bool"
LIST = ["list", "array", "vector", "vec"]
DICT = ["dict", "object", "map"]
INT = ["int", "number"]
FLOAT = ["float", "number", "f64"]
VALUE = "value"
NAMES = ("bogus", "Tanh", "RELU", "gelu", "softmax", "relu6", "lin", "tanh ", "identity")
MAX_PARAMETERS = 2**32 - 1  # SPEC §2.3: a larger model is a memory error everywhere
LOSSES = ("mse", "sse", "hinge")


def _word(x: float) -> str:
    """A number as every language prints it: integral ones without ".0" (JS, Rust)."""
    return str(int(x)) if float(x).is_integer() else repr(x)


def _not_integral(rng: random.Random) -> float:
    """A number where an integer is needed: x.5 or x.25, printed alike everywhere."""
    return rng.randint(0, 9) + rng.choice((0.5, 0.25, 0.75))


def _bad_kind(rng: random.Random, kinds: str) -> tuple[object, object]:
    """A JSON value of one of `kinds` (s str, n null, b bool, l list, o object, f
    non-integral float, i integer, v Value) where something else goes, and its words."""
    k = rng.choice(kinds)
    if k == "s":
        return rng.choice(("1", "2", "ab", "x", "0.5", "")), STR
    if k == "n":
        return None, NULL
    if k == "b":
        return rng.random() < 0.5, BOOL
    if k == "l":
        return [round(rng.uniform(-2, 2), 2) for _ in range(rng.randint(0, 2))], LIST
    if k == "o":
        return rng.choice(({}, {"x": 1.0}, {"data": 2})), DICT
    if k == "f":
        return _not_integral(rng), FLOAT
    if k == "i":
        return rng.randint(0, 9), INT
    return {"$value": round(rng.uniform(-2, 2), 2)}, VALUE


def _values(rng: random.Random, n: int) -> list[dict]:
    return [{"$value": round(rng.uniform(-2, 2), 2)} for _ in range(n)]


def _inputs(rng: random.Random, n: int) -> list:
    """Good model inputs: numbers and Values."""
    return [
        round(rng.uniform(-2, 2), 2) if rng.random() < 0.8 else {"$value": 0.5} for _ in range(n)
    ]


def _small_module(rng: random.Random) -> tuple[dict, int]:
    """A module the ports build (not under test), and its nin."""
    nin = rng.randint(1, 4)
    api = rng.choice(("neuron", "layer", "mlp", "mlp"))
    if api == "neuron":
        return {"api": "neuron", "nin": nin}, nin
    if api == "layer":
        return {"api": "layer", "nin": nin, "nout": rng.randint(1, 3)}, nin
    nouts = [rng.randint(1, 3) for _ in range(rng.randint(1, 3))]
    return {"api": "mlp", "nin": nin, "nouts": nouts}, nin


def _reject_value(rng: random.Random) -> tuple[dict, str, list]:
    data, word = _bad_kind(rng, "snblov")
    return {"api": "value", "data": data}, "type", [word]


def _reject_op(rng: random.Random) -> tuple[dict, str, list]:
    op = rng.choice(("add", "sub", "mul", "div", "pow"))
    operand, word = _bad_kind(rng, "snblov" if op == "pow" else "snblo")
    return {"api": "op", "op": op, "operand": operand}, "type", [word]


def _reject_module(rng: random.Random) -> tuple[dict, str, list]:
    """Neuron / Layer / MLP with one bad size, activation or seed."""
    api = rng.choice(("neuron", "layer", "mlp", "mlp"))
    call: dict = {"api": api, "nin": rng.randint(1, 4)}
    sizes = ["nin"]
    if api == "layer":
        call["nout"] = rng.randint(1, 4)
        sizes.append("nout")
    if api == "mlp":
        call["nouts"] = [rng.randint(1, 4) for _ in range(rng.randint(1, 3))]
        sizes += [f"nouts.{i}" for i in range(len(call["nouts"]))]
    r = rng.random()
    if api == "mlp" and r < 0.25:
        return _reject_seed(rng, call)
    if api == "mlp" and r < 0.35:
        bad, word = _bad_kind(rng, "snfbo")  # nouts that is not a list
        if word == FLOAT:
            bad, word = rng.randint(1, 4), INT
        call["nouts"] = bad
        return call, "type", [word]
    if api == "mlp" and r < 0.4:
        call["nouts"] = []
        return call, "value", ["empty"]
    if r < 0.6:  # an activation: an unknown name, or not a string
        key = "output_activation" if api == "mlp" and rng.random() < 0.5 else "activation"
        if rng.random() < 0.6:
            call[key] = rng.choice(NAMES)
            return call, "value", [call[key]]
        call[key], word = _bad_kind(rng, "inlfbo")
        return call, "type", [word]
    where = rng.choice(sizes)
    name = "nin" if where == "nin" else "nout"
    r = rng.random()
    if r < 0.35:
        bad: object = rng.choice((0, -1, -rng.randint(2, 10**6)))
        error, words = "value", [name, "0"] if bad == 0 else [str(bad)]
    elif r < 0.55:
        bad = _not_integral(rng)
        error, words = "type", [["float", _word(bad)]]
    else:
        bad, word = _bad_kind(rng, "snblo")
        error, words = "type", [word]
    if where.startswith("nouts."):
        call["nouts"][int(where[6:])] = bad
    else:
        call[where] = bad
    return call, error, words


def _reject_seed(rng: random.Random, call: dict) -> tuple[dict, str, list]:
    """A seed outside 0 .. 2^64 - 1, or not an integer (SPEC §2.4)."""
    r = rng.random()
    if r < 0.3:
        call["seed"] = -rng.choice((1, rng.randint(2, 1000), rng.getrandbits(52) + 1))
        return call, "value", ["seed", str(call["seed"])]
    if r < 0.55:
        call["seed"] = {"$int": str(2**64 + rng.choice((0, 1, rng.getrandbits(64))))}
        return call, "value", ["seed"]
    if r < 0.7:
        call["seed"] = _not_integral(rng)
        return call, "type", [["float", _word(call["seed"])]]
    call["seed"], word = _bad_kind(rng, "sblo")
    return call, "type", [word]


def _reject_memory(rng: random.Random) -> tuple[dict, str, list]:
    """A model of more than 2^32 - 1 parameters: refused before it is built (SPEC §2.3)."""
    while True:
        api = rng.choice(("neuron", "layer", "mlp", "mlp", "mlp"))
        nin = rng.choice((rng.randint(1, 16), rng.randint(1, 2**20), rng.randint(1, 2**40)))
        if api == "neuron":
            call: dict = {"api": api, "nin": nin}
            count = nin + 1
        elif api == "layer":
            nout = rng.choice((rng.randint(1, 16), rng.randint(1, 2**24)))
            call, count = {"api": api, "nin": nin, "nout": nout}, (nin + 1) * nout
        else:
            nouts = [rng.choice((1, rng.randint(1, 2**20))) for _ in range(rng.randint(1, 3))]
            call = {"api": api, "nin": nin, "nouts": nouts}
            count = n_parameters(call)
        if count > MAX_PARAMETERS:
            return call, "memory", [str(count)]


def _reject_call(rng: random.Random) -> tuple[dict, str, list]:
    """A small module called on inputs of a wrong length, kind or nesting."""
    module, nin = _small_module(rng)
    call: dict = {"api": "call", "module": module}
    r = rng.random()
    if r < 0.35:
        n = rng.choice([k for k in range(0, nin + 4) if k != nin])
        call["input"] = _inputs(rng, n)
        return call, "value", [str(nin), str(n)]
    if r < 0.55:  # not a list at all
        call["input"], word = _bad_kind(rng, "snofbi")
        return call, "type", [word]
    x = _inputs(rng, nin)  # the right length, one item that is not a number
    i = rng.randrange(nin)
    x[i], word = _bad_kind(rng, "snblo")
    if word == LIST:  # nested wrongly: a list in place of a number
        x[i] = [round(rng.uniform(-2, 2), 2)]
    call["input"] = x
    return call, "type", [word]


def _reject_optimizer(rng: random.Random) -> tuple[dict, str, list]:
    """SGD or Adam with one bad argument (SPEC §2.6, §4.5 "Numbers")."""
    name = rng.choice(("sgd", "adam"))
    call: dict = {"api": name, "params": _values(rng, rng.randint(1, 3))}
    if name == "sgd":
        call["lr"] = round(rng.uniform(0.01, 1), 2)
    r = rng.random()
    if r < 0.08:
        call["params"] = []
        return call, "value", ["empty"]
    if r < 0.14:
        call["params"] = [_not_integral(rng) for _ in call["params"]]
        return call, "type", [FLOAT]
    if r < 0.2:  # one parameter that is not a Value, or no list at all
        if rng.random() < 0.5:
            call["params"], word = _bad_kind(rng, "nf")
        else:
            call["params"][rng.randrange(len(call["params"]))], word = _bad_kind(rng, "snb")
        return call, "type", [word]
    if name == "adam" and r < 0.45:  # betas: the wrong length, or not a pair of numbers
        s = rng.random()
        if s < 0.5:
            n = rng.choice((0, 1, 3, 4))
            call["betas"] = [rng.choice((0.9, 0.999, 0.5)) for _ in range(n)]
            return call, "value", ["betas", "2", str(n)]
        if s < 0.75:
            call["betas"], word = _bad_kind(rng, "snfo")
            return call, "type", [word]
        call["betas"] = [0.9, 0.999]
        call["betas"][rng.randrange(2)] = rng.random() < 0.5
        return call, "type", [BOOL]
    keys = ["lr", "momentum", "weight_decay"]
    if name == "adam":
        keys = ["lr", "beta1", "beta2", "eps", "weight_decay"]
    key = rng.choice(keys)
    word = ["weight_decay", "weightdecay"] if key == "weight_decay" else key
    if rng.random() < 0.55:  # out of range
        if key.startswith("beta") and rng.random() < 0.5:
            call[key] = rng.choice((1, 1.0, 1.5, 2, 10, {"$num": "inf"}))  # at or above 1
            return call, "value", [word]
        small = 1e-8 if key == "eps" else 0.5
        call[key] = -rng.choice((round(rng.uniform(0.01, 10), 2), 1, small))
        if rng.random() < 0.1:
            call[key] = {"$num": "-inf"}
        return call, "value", [word]
    call[key], kind = _bad_kind(rng, "snblo")
    return call, "type", [kind]


def _reject_loss(rng: random.Random) -> tuple[dict, str, list]:
    """A loss whose predictions and targets do not line up, or a target that is not a number."""
    name = rng.choice(LOSSES)
    n = rng.randint(1, 4)
    k = 1 if name == "hinge" or rng.random() < 0.6 else rng.randint(2, 3)
    preds: list = _values(rng, n) if k == 1 else [_values(rng, k) for _ in range(n)]

    def target() -> float:
        return float(rng.choice((-1, 1))) if name == "hinge" else round(rng.uniform(-1, 1), 2)

    targets: list = (
        [target() for _ in range(n)] if k == 1 else [[target() for _ in range(k)] for _ in range(n)]
    )
    call = {"api": "loss", "name": name, "predictions": preds, "targets": targets}
    r = rng.random()
    if r < 0.4:
        m = rng.choice([j for j in range(0, n + 3) if j != n])
        call["targets"] = [targets[j % n] for j in range(m)]
        return call, "value", [str(n), str(m)]
    if r < 0.5:
        call["predictions"], call["targets"] = [], []
        return call, "value", ["0"]
    if r < 0.55:  # predictions or targets not a list, or a prediction that is not a Value
        s = rng.random()
        if s < 0.3:
            call["predictions"], word = _bad_kind(rng, "nf")
        elif s < 0.5:
            call["targets"], word = _bad_kind(rng, "nf")
        else:
            call["predictions"][rng.randrange(n)], word = _bad_kind(rng, "nf")
        return call, "type", [word]
    if r < 0.6:  # hinge takes one output per sample
        k = rng.randint(2, 3)
        call["name"] = "hinge"
        call["predictions"] = [_values(rng, k) for _ in range(n)]
        call["targets"] = [[float(rng.choice((-1, 1))) for _ in range(k)] for _ in range(n)]
        return call, "value", ["hinge", str(k)]
    bad, word = _bad_kind(rng, "sbn")
    i = rng.randrange(n)
    if k == 1:
        call["targets"][i] = bad
    else:
        call["targets"][i][rng.randrange(k)] = bad
    return call, "type", [word]


REJECTS = (
    ("value", 0.10, _reject_value),
    ("op", 0.15, _reject_op),
    ("module", 0.25, _reject_module),
    ("memory", 0.05, _reject_memory),
    ("call", 0.20, _reject_call),
    ("optimizer", 0.15, _reject_optimizer),
    ("loss", 0.10, _reject_loss),
)


def reject_case(rng: random.Random, case_id: str) -> dict:
    """A bad call the SPEC says every port refuses, with the class and words it decides."""
    r = rng.random()
    for group, share, make in REJECTS:
        if r < share or group == REJECTS[-1][0]:
            call, error, words = make(rng)
            break
        r -= share
    return {
        "id": case_id,
        "kind": "reject",
        "description": f"fuzz: a bad {call['api']} call ({group})",
        "features": [],
        "call": call,
        "expected": {"error": error, "words": words},
    }


# The mix of a run: mostly programs (where the bugs hide), then models, then bad calls.
KINDS = (("expr", 0.70, expr_case), ("mlp", 0.12, mlp_case), ("train", 0.12, train_case))
INIT_SHARE = 0.06
REJECT_SHARE = 0.12  # of the budget; drawn from a stream of their own


def generate(seed: int, budget: int) -> list[dict]:
    """`budget` cases from `seed`: valid ones with ids `fuzz.s<seed>.<index>`, and about
    REJECT_SHARE of bad calls `fuzz.s<seed>.r<index>` among them. The bad calls have their
    own random stream, so the valid cases are those of a run without them."""
    rng = random.Random(seed)
    bad = random.Random(f"reject {seed}")
    rejects = round(budget * REJECT_SHARE)
    at = {round((j + 0.5) * budget / rejects) for j in range(rejects)} if rejects else set()
    cases = []
    for i in range(budget - len(at)):
        case_id = f"fuzz.s{seed}.{i}"
        r = rng.random()
        for _, share, make in KINDS:
            if r < share:
                cases.append(make(rng, case_id))
                break
            r -= share
        else:
            cases.append(init_case(rng, case_id))
        while len(cases) in at:
            cases.append(reject_case(bad, f"fuzz.s{seed}.r{len(cases) - i - 1}"))
    return cases
