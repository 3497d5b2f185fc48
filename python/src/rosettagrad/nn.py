"""Neuron, Layer and MLP on top of Value, as in micrograd."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Protocol

from .engine import Number, Value
from .rng import SplitMix64

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")


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
        rng = random if rng is None else rng
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.activation = activation

    def __call__(self, x: Sequence[Value | Number]) -> Value:
        if len(x) != len(self.w):
            raise ValueError(f"Neuron expects {len(self.w)} inputs, got {len(x)}")
        act = self.b
        for wi, xi in zip(self.w, x):
            act = act + wi * xi
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
        _check_size("nout", nout)
        self.neurons = [Neuron(nin, activation, rng) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
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
        if len(nouts) == 0:
            raise ValueError("MLP needs at least one layer: nouts is empty")
        _check_activation(activation)
        _check_activation(output_activation)
        rng: Uniform = random if seed is None else SplitMix64(seed)
        sizes = [nin, *nouts]
        acts = [activation] * (len(nouts) - 1) + [output_activation]
        self.layers = [Layer(sizes[i], sizes[i + 1], acts[i], rng) for i in range(len(nouts))]

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
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
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}: expected one of {ACTIVATIONS}")
