"""Losses over N predictions and targets, built from Value ops (SPEC §2.5).

Sums are a left fold from the first term, so every port builds the same graph.
"""

from __future__ import annotations

from collections.abc import Sequence

from .engine import Number, Value

Prediction = Value | Sequence[Value]
Target = Number | Sequence[Number]


# region: mse_loss
def mse_loss(predictions: Sequence[Prediction], targets: Sequence[Target]) -> Value:
    """Mean squared error: Σ (y - t)² / (N·K)."""
    errors = _squared_errors(predictions, targets)
    return _fold_sum(errors) / len(errors)


# endregion


# region: sse_loss
def sse_loss(predictions: Sequence[Prediction], targets: Sequence[Target]) -> Value:
    """Sum of squared errors, the lecture's loss: Σ (y - t)²."""
    return _fold_sum(_squared_errors(predictions, targets))


# endregion


# region: hinge_loss
def hinge_loss(predictions: Sequence[Prediction], targets: Sequence[Target]) -> Value:
    """SVM max-margin loss of micrograd's demo: Σ relu(1 - t·y) / N, targets ±1."""
    rows = _rows(predictions, targets)
    if len(rows[0][0]) != 1:
        raise ValueError(f"hinge_loss takes one output per sample, got {len(rows[0][0])}")
    margins = [(1 - y[0] * t[0]).relu() for y, t in rows]
    return _fold_sum(margins) / len(margins)


# endregion


# region: l2_penalty
def l2_penalty(params: Sequence[Value]) -> Value:
    """Σ p², the weight-decay term a loss adds as `l2 * l2_penalty(params)`."""
    if len(params) == 0:
        return Value(0.0)
    return _fold_sum([p**2 for p in params])


# endregion


def _squared_errors(predictions: Sequence[Prediction], targets: Sequence[Target]) -> list[Value]:
    return [(yk - tk) ** 2 for y, t in _rows(predictions, targets) for yk, tk in zip(y, t)]


def _rows(
    predictions: Sequence[Prediction], targets: Sequence[Target]
) -> list[tuple[Sequence[Value], Sequence[Number]]]:
    """Pair each prediction with its target, both as rows of K entries."""
    if len(predictions) != len(targets):
        raise ValueError(f"got {len(predictions)} predictions but {len(targets)} targets")
    if len(predictions) == 0:
        raise ValueError("a loss needs at least one prediction, got 0")
    rows: list[tuple[Sequence[Value], Sequence[Number]]] = []
    for n, (y, t) in enumerate(zip(predictions, targets)):
        y_row = [y] if isinstance(y, Value) else list(y)
        # A string is one (bad) target, not a row of characters: `y - "ab"` names str.
        t_row = list(t) if isinstance(t, Sequence) and not isinstance(t, str) else [t]
        if len(y_row) != len(t_row):
            raise ValueError(
                f"sample {n}: prediction has {len(y_row)} outputs but target has {len(t_row)}"
            )
        rows.append((y_row, t_row))
    return rows


def _fold_sum(terms: Sequence[Value]) -> Value:
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total
