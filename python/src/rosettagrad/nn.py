"""Neuron, Layer and MLP on top of Value, as in micrograd."""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Sequence
from typing import Protocol

from .engine import Number, Value
from .rng import SplitMix64

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
# SPEC §2.3: a model of more parameters than this is refused before it is built.
MAX_PARAMETERS = 2**32 - 1
# What one parameter takes: its Value (with __slots__), its float and its list slot,
# measured on this interpreter (136 bytes on CPython 3.11).
BYTES_PER_PARAMETER = sys.getsizeof(Value(0.0)) + sys.getsizeof(0.5) + 8


class Uniform(Protocol):
    """Where weights come from: Python's `random` module or a seeded SplitMix64."""

    def uniform(self, a: float, b: float) -> float: ...


class Module:
    """Anything with parameters."""

    # region: zero_grad
    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0

    # endregion

    def parameters(self) -> list[Value]:
        return []


# region: Neuron


class Neuron(Module):
    """act(b + Σ w_i·x_i), weights uniform in [-1, 1), bias 0."""

    def __init__(self, nin: int, activation: str = "tanh", rng: Uniform | None = None) -> None:
        _check_size("nin", nin)
        _check_activation(activation)
        _check_parameter_count(f"Neuron({nin})", nin + 1)
        rng = random if rng is None else rng
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.activation = activation

    def __call__(self, x: Sequence[Value | Number]) -> Value:
        _check_inputs("Neuron", x, len(self.w))
        act = self.b
        try:
            for wi, xi in zip(self.w, x):
                act = act + wi * xi
        except TypeError:  # an input that is not a number: say which, not what `*` said
            raise _input_type_error("Neuron", x) from None
        if self.activation == "tanh":
            return act.tanh()
        if self.activation == "relu":
            return act.relu()
        if self.activation == "sigmoid":
            return act.sigmoid()
        return act  # linear

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"{self.activation.capitalize()}Neuron({len(self.w)})"


# endregion

# region: Layer


class Layer(Module):
    """nout neurons reading the same inputs; one neuron gives one Value (micrograd)."""

    def __init__(
        self, nin: int, nout: int, activation: str = "tanh", rng: Uniform | None = None
    ) -> None:
        _check_size("nin", nin)
        _check_size("nout", nout)
        _check_parameter_count(f"Layer({nin}, {nout})", (nin + 1) * nout)
        self.neurons = [Neuron(nin, activation, rng) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        _check_inputs("Layer", x, len(self.neurons[0].w))
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


# endregion

# region: MLP


class MLP(Module):
    """Layers nin → nouts[0] → … → nouts[-1]; the last uses output_activation."""

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "tanh",
        output_activation: str = "linear",
        seed: int | None = None,
    ) -> None:
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence):
            raise TypeError(f"nouts must be a list of layer sizes, got {type(nouts).__name__}")
        if len(nouts) == 0:
            raise ValueError("MLP needs at least one layer: nouts is empty")
        _check_activation(activation)
        _check_activation(output_activation)
        sizes = [nin, *nouts]
        for name, n in zip(["nin", *["nout"] * len(nouts)], sizes):
            _check_size(name, n)
        count = sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(nouts)))
        _check_parameter_count(f"MLP({nin}, {list(nouts)})", count)
        rng: Uniform = random if seed is None else SplitMix64(seed)
        acts = [activation] * (len(nouts) - 1) + [output_activation]
        self.layers = [Layer(sizes[i], sizes[i + 1], acts[i], rng) for i in range(len(nouts))]

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        _check_inputs("MLP", x, len(self.layers[0].neurons[0].w))
        layer_input: Sequence[Value | Number] = x
        for layer in self.layers:
            out = layer(layer_input)
            layer_input = out if isinstance(out, list) else [out]
        return out

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


# endregion


def _check_size(name: str, n: object) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{name} must be an int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"{name} must be at least 1, got {n}")


def _check_activation(activation: object) -> None:
    if not isinstance(activation, str):
        raise TypeError(f"activation must be a str, got {type(activation).__name__}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}: expected one of {ACTIVATIONS}")


def _check_inputs(who: str, x: object, nin: int) -> None:
    """A list (or any sequence) of nin inputs; a string or a mapping is not one."""
    if isinstance(x, (str, bytes, dict)) or not hasattr(x, "__len__"):
        raise TypeError(f"{who} expects a list of {nin} numbers or Values, got {type(x).__name__}")
    if len(x) != nin:
        raise ValueError(f"{who} expects {nin} inputs, got {len(x)}")


def _input_type_error(who: str, x: Sequence[object]) -> TypeError:
    """The first input that is not a number or a Value, named."""
    for i, xi in enumerate(x):
        if isinstance(xi, bool) or not isinstance(xi, (Value, int, float)):
            return TypeError(
                f"{who} inputs must be numbers or Values, got {type(xi).__name__} at index {i}"
            )
    return TypeError(f"{who} inputs must be numbers or Values")


def parameter_limit() -> int:
    """The most parameters a model may have here: 2^32 - 1 (SPEC §2.3), or fewer when the
    machine's physical memory cannot hold that many Values."""
    try:
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): the fixed limit
        return MAX_PARAMETERS
    return min(MAX_PARAMETERS, memory // BYTES_PER_PARAMETER)


def _check_parameter_count(what: str, count: int) -> None:
    """Refuse a model that cannot fit before allocating any of it (SPEC §2.3)."""
    limit = parameter_limit()
    if count > limit:
        raise MemoryError(
            f"{what} would have {count} parameters, more than fit here (at most {limit})"
        )
