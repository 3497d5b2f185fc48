"""Independent checks of the goldens: nothing here imports rosettagrad.

The generator computes every expectation with the Python reference, then asks
this module to recompute it another way before writing it:

- expr: HIPS autograd over the same program (gradients of interior names by
  perturbing each result: d out / d name = d out / d eps at eps = 0), and
  central finite differences for the inputs;
- mlp: autograd over a vectorised MLP (matrix products: a different summation
  order, so it agrees to rounding, not to the bit);
- train: the same MLP with SGD / Adam written from torch's documentation;
- init: SplitMix64 in numpy's wrapping uint64 arithmetic, itself checked
  against published test vectors.

Only where a function is finite and differentiable; at the pinned edges the
generator compares with values written out by hand instead (SPEC §2).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable
from typing import Any

import autograd.numpy as anp
import numpy as np
from autograd import grad

SPECIALS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}

# Checked to rounding: the oracles take other routes (numpy's libm, cosh-based
# tanh derivative, matrix products), so bit equality is not expected.
AUTOGRAD_TOL = {"rtol": 1e-9, "atol": 1e-12}
FD_TOL = {"rtol": 1e-5, "atol": 1e-7}
TRAIN_TOL = {"rtol": 1e-7, "atol": 1e-10}


def num(x: Any) -> float:
    return SPECIALS[x] if isinstance(x, str) else float(x)


# ---------------------------------------------------------------- expr

OPS: dict[str, Callable[..., Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "neg": lambda a: -a,
    "pow": lambda a, k: a**k,
    "relu": lambda a: anp.where(a > 0, a, 0.0),
    "tanh": anp.tanh,
    "exp": anp.exp,
    "log": anp.log,
    "sigmoid": lambda a: 1.0 / (1.0 + anp.exp(-a)),
}


def expr_program(case: dict, perturb: list[str]) -> Callable[[Any, Any], Any]:
    """f(inputs, eps) = the output, with eps[i] added to the result named perturb[i]."""
    names = list(case["inputs"])
    where = {name: i for i, name in enumerate(perturb)}

    def f(xs: Any, eps: Any) -> Any:
        env = {name: xs[i] for i, name in enumerate(names)}
        for name, op, *args in case["ops"]:
            vals = [env[a] if isinstance(a, str) else float(a) for a in args]
            if op == "pow":
                vals[1] = float(args[1])
            out = OPS[op](*vals)
            if name in where:
                out = out + eps[where[name]]
            env[name] = out
        return env[case["output"]]

    return f


def expr_autograd(case: dict, interior: bool) -> tuple[float, dict[str, float]]:
    """(value, grads of one backward call) by autograd; interior names only if asked."""
    names = list(case["inputs"])
    results = [op[0] for op in case["ops"]] if interior else []
    f = expr_program(case, results)
    xs = np.array([num(case["inputs"][n]) for n in names])
    eps = np.zeros(len(results))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(f(xs, eps))
        gx = grad(f, 0)(xs, eps) if names else []
        ge = grad(f, 1)(xs, eps) if results else []
    grads = {n: float(g) for n, g in zip(names, gx, strict=True)}
    grads.update({n: float(g) for n, g in zip(results, ge, strict=True)})
    if case["output"] not in grads:  # large programs: no interior names, but d out/d out = 1
        grads[case["output"]] = 1.0
    return value, grads


def output_seed(case: dict) -> float:
    """The output's own gradient after the backward calls (SPEC §2.2): the seed 1, which an
    interior output holds once and an input (a leaf) accumulates once per call."""
    return float(case.get("backward_calls", 1)) if case["output"] in case["inputs"] else 1.0


def expr_finite_differences(case: dict, limit: int = 16) -> dict[str, float]:
    """Central differences d out / d input (the first `limit` inputs: wide cases have
    thousands), h = 1e-7 relative to the input (1e-7 at 0)."""
    names = list(case["inputs"])
    f = expr_program(case, [])
    xs = np.array([num(case["inputs"][n]) for n in names])
    out = {}
    with np.errstate(all="ignore"):
        for i, name in enumerate(names[:limit]):
            h = 1e-7 * (abs(xs[i]) or 1.0)
            up, down = xs.copy(), xs.copy()
            up[i] += h
            down[i] -= h
            out[name] = float((f(up, []) - f(down, [])) / (up[i] - down[i]))
    return out


# ---------------------------------------------------------------- mlp and train

ACT: dict[str, Callable[[Any], Any]] = {
    "tanh": anp.tanh,
    "relu": lambda z: anp.where(z > 0, z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + anp.exp(-z)),
    "linear": lambda z: z,
}


def mlp_outputs(model: dict, params: Any, x: Any) -> Any:
    """N x K outputs of the MLP for inputs x (N x nin); params flat, canonical order."""
    sizes = [model["nin"], *model["nouts"]]
    h, at = x, 0
    for layer, (nin, nout) in enumerate(itertools.pairwise(sizes)):
        block = anp.reshape(params[at : at + nout * (nin + 1)], (nout, nin + 1))
        at += nout * (nin + 1)
        last = layer == len(model["nouts"]) - 1
        act = model["output_activation"] if last else model["activation"]
        h = ACT[act](anp.dot(h, anp.transpose(block[:, :nin])) + block[:, nin])
    return h


def case_loss(case: dict, params: Any) -> Any:
    x = np.array([[num(v) for v in row] for row in case["inputs"]])
    t = np.array([[num(v) for v in row] for row in case["targets"]])
    y = mlp_outputs(case["model"], params, x)
    name = case["loss"]["name"]
    if name == "hinge":
        loss = anp.sum(anp.where(1.0 - t * y > 0, 1.0 - t * y, 0.0)) / t.shape[0]
    else:
        loss = anp.sum((y - t) ** 2)
        if name == "mse":
            loss = loss / t.size
    l2 = case["loss"].get("l2", 0.0)
    return loss + l2 * anp.sum(params**2) if l2 else loss


def mlp_autograd(case: dict) -> dict:
    params = np.array([num(p) for p in case["parameters"]])
    x = np.array([[num(v) for v in row] for row in case["inputs"]])
    return {
        "outputs": mlp_outputs(case["model"], params, x).tolist(),
        "loss": float(case_loss(case, params)),
        "grads": grad(lambda p: case_loss(case, p))(params).tolist(),
    }


def train_reference(case: dict) -> dict:
    """The training run with autograd gradients and torch.optim's update rules."""
    p = np.array([num(v) for v in case["parameters"]])
    opt = case["optimizer"]
    lr, wd = opt["lr"], opt.get("weight_decay", 0.0)
    buf, m, v = None, np.zeros_like(p), np.zeros_like(p)
    b1, b2, eps = opt.get("beta1", 0.9), opt.get("beta2", 0.999), opt.get("eps", 1e-8)
    losses = []
    for t in range(1, case["steps"] + 1):
        losses.append(float(case_loss(case, p)))
        g = grad(lambda q: case_loss(case, q))(p) + wd * p
        if opt["name"] == "sgd":
            mom = opt.get("momentum", 0.0)
            if mom:
                buf = g.copy() if buf is None else mom * buf + g
                g = buf
            p = p - lr * g
        else:
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            p = p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return {"losses": losses, "parameters": p.tolist()}


# ---------------------------------------------------------------- init

# Published SplitMix64 outputs (Vigna's splitmix64.c; Java's SplittableRandom
# with the same seed): they pin the generator below before it pins the goldens.
SPLITMIX64_VECTORS = {
    0: [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F],
    1234567: [6457827717110365317, 3203168211198807973, 9817491932198370423],
}


def splitmix64(seed: int, n: int) -> list[int]:
    """n outputs, in numpy uint64 arithmetic (wraps mod 2^64 by itself)."""
    out = []
    with np.errstate(over="ignore"):
        state = np.uint64(seed)
        for _ in range(n):
            state = state + np.uint64(0x9E3779B97F4A7C15)
            z = state
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            out.append(int(z ^ (z >> np.uint64(31))))
    return out


def check_splitmix64() -> None:
    for seed, want in SPLITMIX64_VECTORS.items():
        got = splitmix64(seed, len(want))
        if got != want:
            raise AssertionError(f"SplitMix64({seed}) gives {got}, the published vector {want}")


def init_parameters(model: dict, seed: int) -> list[float]:
    """Weights -1 + 2·u in canonical order, biases 0 (they draw nothing)."""
    sizes = [model["nin"], *model["nouts"]]
    draws = iter(splitmix64(seed, sum(a * b for a, b in itertools.pairwise(sizes))))
    params = []
    for nin, nout in itertools.pairwise(sizes):
        for _ in range(nout):
            params += [-1.0 + 2.0 * ((next(draws) >> 11) * 2.0**-53) for _ in range(nin)]
            params.append(0.0)
    return params
