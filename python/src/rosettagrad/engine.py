"""A scalar Value that remembers how it was made, and backpropagates through it.

Each op computes its forward value and, right beside it, its local derivative
with respect to each parent. backward() multiplies those by the upstream grad.
Storing numbers instead of micrograd's `_backward` closures keeps the graph free
of reference cycles, so CPython frees it by reference counting alone, without
waiting for the cyclic garbage collector.
"""

from __future__ import annotations

import math

Number = int | float

# region: Value


class Value:
    """A scalar in a computation graph: its data, its grad, and where it came from."""

    __slots__ = ("_local_grads", "_op", "_prev", "data", "grad", "label")

    def __init__(
        self,
        data: Number,
        _children: tuple[Value, ...] = (),
        _op: str = "",
        label: str = "",
        _local_grads: tuple[float, ...] = (),
    ) -> None:
        if type(data) is not float:
            data = _as_float(data)
        self.data = data
        self.grad = 0.0
        self._prev = _children  # ordered: gradients accumulate in this order
        self._op = _op
        self.label = label
        self._local_grads = _local_grads  # d self / d parent, one per parent

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"

    # endregion

    # region: add
    def __add__(self, other: Value | Number) -> Value:
        other = _operand(other)
        if other is NotImplemented:
            return NotImplemented
        return Value(self.data + other.data, (self, other), "+", "", (1.0, 1.0))

    # endregion

    # region: sub
    def __sub__(self, other: Value | Number) -> Value:
        other = _operand(other)
        if other is NotImplemented:
            return NotImplemented
        return Value(self.data - other.data, (self, other), "-", "", (1.0, -1.0))

    # endregion

    # region: mul
    def __mul__(self, other: Value | Number) -> Value:
        other = _operand(other)
        if other is NotImplemented:
            return NotImplemented
        return Value(self.data * other.data, (self, other), "*", "", (other.data, self.data))

    # endregion

    # region: div
    def __truediv__(self, other: Value | Number) -> Value:
        other = _operand(other)
        if other is NotImplemented:
            return NotImplemented
        out = _div(self.data, other.data)
        # d(a/b)/db = -a/b² written as -out/b: no spurious overflow of b².
        return Value(out, (self, other), "/", "", (_div(1.0, other.data), _div(-out, other.data)))

    # endregion

    # region: neg
    def __neg__(self) -> Value:
        return Value(-self.data, (self,), "neg", "", (-1.0,))

    # endregion

    # region: pow
    def __pow__(self, k: Number) -> Value:
        if isinstance(k, Value):
            raise TypeError("Value ** Value is not supported: the exponent must be an int or float")
        if not isinstance(k, (int, float)):
            return NotImplemented
        # d(x^k)/dx = k·x^(k-1), pinned to exactly 0 for k = 0 (even where x^-1 is inf).
        local = 0.0 if k == 0 else k * _pow(self.data, k - 1)
        return Value(_pow(self.data, k), (self,), f"**{k}", "", (local,))

    # endregion

    # region: relu
    def relu(self) -> Value:
        x = self.data
        out = x if x > 0 or x != x else 0.0  # NaN passes through
        return Value(out, (self,), "relu", "", (1.0 if x > 0 else 0.0,))

    # endregion

    # region: tanh
    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return Value(t, (self,), "tanh", "", (1.0 - t * t,))

    # endregion

    # region: exp
    def exp(self) -> Value:
        e = _exp(self.data)
        return Value(e, (self,), "exp", "", (e,))

    # endregion

    # region: log
    def log(self) -> Value:
        x = self.data
        return Value(_log(x), (self,), "log", "", (_div(1.0, x),))

    # endregion

    # region: sigmoid
    def sigmoid(self) -> Value:
        s = 1.0 / (1.0 + _exp(-self.data))
        return Value(s, (self,), "sigmoid", "", (s * (1.0 - s),))

    # endregion

    # region: backward
    def backward(self) -> None:
        """This call's gradients of self w.r.t. every node; leaves add them to their grads."""
        topo = self._topological_order()
        leaf_grads_before = [(v, v.grad) for v in topo if not v._prev]
        for v in topo:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(topo):
            for parent, local in zip(v._prev, v._local_grads):
                parent.grad += local * v.grad  # chain rule: 0 * inf stays NaN
        for v, before in leaf_grads_before:
            v.grad = before + v.grad

    def _topological_order(self) -> list[Value]:
        """micrograd's build_topo with an explicit stack: parents before children."""
        topo: list[Value] = []
        visited = {self}
        stack = [(self, iter(self._prev))]
        while stack:
            node, parents = stack[-1]
            for parent in parents:
                if parent not in visited:
                    visited.add(parent)
                    stack.append((parent, iter(parent._prev)))
                    break
            else:
                stack.pop()
                topo.append(node)
        return topo

    # endregion

    # Reflected ops: a plain number on the left (2 * x, 1 - x, 1 / x).
    def __radd__(self, other: Number) -> Value:
        left = _operand(other)
        return NotImplemented if left is NotImplemented else left + self

    def __rsub__(self, other: Number) -> Value:
        left = _operand(other)
        return NotImplemented if left is NotImplemented else left - self

    def __rmul__(self, other: Number) -> Value:
        left = _operand(other)
        return NotImplemented if left is NotImplemented else left * self

    def __rtruediv__(self, other: Number) -> Value:
        left = _operand(other)
        return NotImplemented if left is NotImplemented else left / self

    def __rpow__(self, base: Number) -> Value:
        raise TypeError("number ** Value is not supported: the exponent must be an int or float")


def _as_float(x: object) -> float:
    if isinstance(x, (int, float)):
        return float(x)
    raise TypeError(f"Value data must be an int or float, got {type(x).__name__}")


def _operand(x: object) -> Value:
    """A Value for an operand: Values as they are, numbers as new leaves.

    Any other type gives NotImplemented, so Python raises its usual TypeError
    naming both operand types.
    """
    if isinstance(x, Value):
        return x
    if isinstance(x, (int, float)):
        return Value(float(x))
    return NotImplemented  # type: ignore[no-any-return]  # typeshed types it as Any


# IEEE 754 versions of the library functions: Python's math raises where IEEE
# returns inf or NaN, and the contract (SPEC §2) is IEEE's.


def _div(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0.0 or a != a:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _pow(x: float, k: Number) -> float:
    try:
        return math.pow(x, k)
    except ValueError:  # 0 ** negative, or negative ** non-integer
        if x == 0.0:
            odd = float(k).is_integer() and k % 2 == 1
            return math.copysign(math.inf, x) if odd else math.inf
        return math.nan
    except OverflowError:
        odd = float(k).is_integer() and k % 2 == 1
        return -math.inf if x < 0 and odd else math.inf


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _log(x: float) -> float:
    if x > 0 or x != x:
        return math.log(x)  # log(inf) = inf, log(nan) = nan
    return -math.inf if x == 0.0 else math.nan
