"""A scalar Value that remembers how it was made, and backpropagates through it.

Each op computes its forward value and, right beside it, its local derivative
with respect to each parent. backward() multiplies those by the upstream grad.
Storing numbers instead of micrograd's `_backward` closures keeps the graph free
of reference cycles, so CPython frees it by reference counting alone, without
waiting for the cyclic garbage collector.

Every op has at most two parents, so a node keeps them in two fields (`_a`,
`_b`) beside their local derivatives (`_da`, `_db`), as the JavaScript port
does, rather than in two tuples: CPython's cyclic collector still walks every
live node now and then, cycles or not, and one object per node halves its walk.
`_prev` and `_local_grads` give them back as tuples.

The topological sort marks a node visited by writing its walk's number into the
node (`_mark`), as the JavaScript port does, rather than adding it to a set: an
attribute read is cheaper than hashing the node into a set, for every edge.
So one graph takes one walk at a time: like the grads backward() writes, a graph
is not for two threads to backpropagate through at once.
"""

from __future__ import annotations

import itertools
import math
from typing import TypeGuard

Number = int | float

# Each walk over a graph takes the next number; a node keeps the number of the last
# walk that reached it.
_walks = itertools.count(1)

# region: Value


class Value:
    """A scalar in a computation graph: its data, its grad, and where it came from."""

    __slots__ = ("_a", "_b", "_da", "_db", "_mark", "_op", "data", "grad", "label")

    def __init__(self, data: Number, label: str = "") -> None:
        if type(data) is not float:
            data = _as_float(data)
        self.data = data
        self.grad = 0.0
        self.label = label
        self._op = ""  # the op that made this Value; "" for a leaf
        self._a: Value | None = None  # first parent (None for a leaf)
        self._b: Value | None = None  # second parent (None for a leaf or a unary op)
        self._da = 0.0  # d self / d _a
        self._db = 0.0  # d self / d _b
        self._mark = 0  # the number of the last walk that visited this Value

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The parents, in order: gradients accumulate in this order."""
        if self._a is None:
            return ()
        return (self._a,) if self._b is None else (self._a, self._b)

    @property
    def _local_grads(self) -> tuple[float, ...]:
        """d self / d parent, one per parent."""
        if self._a is None:
            return ()
        return (self._da,) if self._b is None else (self._da, self._db)

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"

    # endregion

    # region: add
    def __add__(self, other: Value | Number) -> Value:
        if type(other) is not Value:
            other = _operand(other)
            if other is NotImplemented:
                return NotImplemented
        return _node(self.data + other.data, "+", self, 1.0, other, 1.0)

    # endregion

    # region: sub
    def __sub__(self, other: Value | Number) -> Value:
        if type(other) is not Value:
            other = _operand(other)
            if other is NotImplemented:
                return NotImplemented
        return _node(self.data - other.data, "-", self, 1.0, other, -1.0)

    # endregion

    # region: mul
    def __mul__(self, other: Value | Number) -> Value:
        if type(other) is not Value:
            other = _operand(other)
            if other is NotImplemented:
                return NotImplemented
        return _node(self.data * other.data, "*", self, other.data, other, self.data)

    # endregion

    # region: div
    def __truediv__(self, other: Value | Number) -> Value:
        if type(other) is not Value:
            other = _operand(other)
            if other is NotImplemented:
                return NotImplemented
        out = _div(self.data, other.data)
        # d(a/b)/db = -a/b² written as -out/b: no spurious overflow of b².
        return _node(out, "/", self, _div(1.0, other.data), other, _div(-out, other.data))

    # endregion

    # region: neg
    def __neg__(self) -> Value:
        return _node(-self.data, "neg", self, -1.0)

    # endregion

    # region: pow
    def __pow__(self, k: Number) -> Value:
        if type(k) is not int and type(k) is not float and not _is_number(k):
            if isinstance(k, Value):
                raise TypeError(
                    "Value ** Value is not supported: the exponent must be an int or float"
                )
            return _not_an_operand(k, "the exponent must be an int or float")
        # d(x^k)/dx = k·x^(k-1), pinned to exactly 0 for k = 0 (even where x^-1 is inf).
        local = 0.0 if k == 0 else k * _pow(self.data, k - 1)
        return _node(_pow(self.data, k), f"**{k}", self, local)

    # endregion

    # region: relu
    def relu(self) -> Value:
        x = self.data
        out = x if x > 0 or x != x else 0.0  # NaN passes through
        return _node(out, "relu", self, 1.0 if x > 0 else 0.0)

    # endregion

    # region: tanh
    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return _node(t, "tanh", self, 1.0 - t * t)

    # endregion

    # region: exp
    def exp(self) -> Value:
        e = _exp(self.data)
        return _node(e, "exp", self, e)

    # endregion

    # region: log
    def log(self) -> Value:
        x = self.data
        return _node(_log(x), "log", self, _div(1.0, x))

    # endregion

    # region: sigmoid
    def sigmoid(self) -> Value:
        s = 1.0 / (1.0 + _exp(-self.data))
        return _node(s, "sigmoid", self, s * (1.0 - s))

    # endregion

    # region: backward
    def backward(self) -> None:
        """This call's gradients of self w.r.t. every node; leaves add them to their grads."""
        topo = self._topological_order()
        leaves: list[Value] = []
        leaf_grads_before: list[float] = []
        for v in topo:
            if v._a is None:
                leaves.append(v)
                leaf_grads_before.append(v.grad)
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(topo):
            if v._a is not None:
                v._a.grad += v._da * v.grad  # chain rule: 0 * inf stays NaN
                if v._b is not None:
                    v._b.grad += v._db * v.grad
        for v, before in zip(leaves, leaf_grads_before):
            v.grad = before + v.grad

    def _topological_order(self) -> list[Value]:
        """micrograd's build_topo without recursion: parents before children.

        The walk stands on `v`; `stack` holds the nodes it came down through. It
        goes down to v's first parent not yet visited, else to its second; else v
        is done: it joins the order and the walk goes back up to the node it came
        from. A node is marked visited (its `_mark` set to this walk's number) when
        first reached. (`continue` rather than `elif`: CPython 3.11 specializes a
        loop's attribute reads only once the loop jumps back unconditionally, and
        this loop runs once per backward.)
        """
        walk = next(_walks)
        topo: list[Value] = []
        stack: list[Value] = []
        self._mark = walk
        v = self
        while True:
            a = v._a
            if a is not None and a._mark != walk:
                a._mark = walk
                stack.append(v)
                v = a
                continue
            b = v._b
            if b is not None and b._mark != walk:
                b._mark = walk
                stack.append(v)
                v = b
                continue
            topo.append(v)
            if not stack:
                return topo
            v = stack.pop()

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


def _node(
    data: float, op: str, a: Value, da: float, b: Value | None = None, db: float = 0.0
) -> Value:
    """A new op node: its forward value, and its parents with their local derivatives.

    `Value.__new__` makes the object without running `__init__`: an op's data is
    a float already, so there is nothing to check, and each field is set once.
    """
    out = Value.__new__(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._op = op
    out._a = a
    out._da = da
    out._b = b
    out._db = db
    out._mark = 0
    return out


def _is_number(x: object) -> TypeGuard[Number]:
    """An int or a float. A bool is not a number here (SPEC §2.1), though Python
    counts it as an int: `Value(True)`, `x * True` and `x ** True` are type errors."""
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _as_float(x: object) -> float:
    if _is_number(x):
        return float(x)
    raise TypeError(f"Value data must be an int or float, got {type(x).__name__}")


def _operand(x: object) -> Value:
    """A Value for an operand: Values as they are, numbers as new leaves.

    The two common numbers are tested first by exact type (a bool is neither);
    their subclasses (an IntEnum, numpy.float64) by _is_number.
    """
    if type(x) is float:
        return Value(x)
    if type(x) is int:
        return Value(float(x))
    if isinstance(x, Value):
        return x
    if _is_number(x):
        return Value(float(x))
    return _not_an_operand(x, "a Value's operand must be an int, a float or a Value")


# Types that are never a number or a Value, whatever the other side of the op.
_NEVER_OPERANDS = frozenset(
    {bool, str, bytes, bytearray, list, tuple, dict, set, frozenset, type(None)}
)


def _not_an_operand(x: object, rule: str) -> Value:
    """The failure path of an op whose operand is not a number or a Value.

    NotImplemented for a type the op does not know: Python's protocol then lets the
    other operand's reflected method take the op, and raises its usual TypeError
    naming both types if none does. The types that can never be an operand get a
    TypeError naming the type instead: left to Python, `Value(2) * "ab"` would ask
    the str to repeat itself and say "can't multiply sequence by non-int of type
    'Value'", naming everything but the str.
    """
    if type(x) in _NEVER_OPERANDS:
        raise TypeError(f"{rule}, got {type(x).__name__}")
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
