"""SGD and Adam with torch.optim's semantics, written out plainly (SPEC §2.6)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from .engine import Number, Value, _div, _is_number


class Optimizer:
    """Holds the parameters it updates; zero_grad() clears their grads."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer got an empty parameter list")
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(f"optimizer parameters must be Values, got {type(p).__name__}")
        _check_non_negative("lr", lr)
        self.lr = lr

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = 0.0


# region: SGD


class SGD(Optimizer):
    """p -= lr·g, with optional weight decay (g += wd·p) and momentum (buf = m·buf + g)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        _check_non_negative("momentum", momentum)
        _check_non_negative("weight_decay", weight_decay)
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.buffers: list[float | None] = [None] * len(self.params)

    def step(self) -> None:
        for i, p in enumerate(self.params):
            g = p.grad
            if self.weight_decay != 0:
                g = g + self.weight_decay * p.data
            if self.momentum != 0:
                buf = self.buffers[i]
                # torch starts the buffer at the first gradient, not at zero.
                g = g if buf is None else self.momentum * buf + g
                self.buffers[i] = g
            p.data = p.data - self.lr * g


# endregion

# region: Adam


class Adam(Optimizer):
    """Adaptive moments with bias correction: p -= lr·m̂ / (√v̂ + eps)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)):
            raise TypeError(f"betas must be a tuple of 2 numbers, got {type(betas).__name__}")
        if len(betas) != 2:
            raise ValueError(f"betas must have 2 values, got {len(betas)}")
        for name, beta in zip(("beta1", "beta2"), betas):
            if not 0.0 <= _check_number(name, beta) < 1.0:
                raise ValueError(f"{name} must be in [0, 1), got {beta}")
        _check_non_negative("eps", eps)
        _check_non_negative("weight_decay", weight_decay)
        self.betas = (betas[0], betas[1])
        self.eps = eps
        self.weight_decay = weight_decay
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        for i, p in enumerate(self.params):
            g = p.grad
            if self.weight_decay != 0:
                g = g + self.weight_decay * p.data
            self.m[i] = b1 * self.m[i] + (1 - b1) * g
            self.v[i] = b2 * self.v[i] + (1 - b2) * g * g
            m_hat = self.m[i] / (1 - b1**self.t)
            v_hat = self.v[i] / (1 - b2**self.t)
            p.data = p.data - _div(self.lr * m_hat, math.sqrt(v_hat) + self.eps)


# endregion


def _check_number(name: str, x: object) -> Number:
    """x, if it is a number (a bool is not); else a TypeError naming its type."""
    if not _is_number(x):
        raise TypeError(f"{name} must be a number, got {type(x).__name__}")
    return x


def _check_non_negative(name: str, x: object) -> None:
    if not _check_number(name, x) >= 0:
        raise ValueError(f"{name} must be >= 0, got {x}")
