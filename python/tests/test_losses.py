"""Losses: values and gradients against the formulas of DESIGN §3, and their errors."""

from __future__ import annotations

import pytest


def test_mse_loss_value_and_grads(rg):
    y = [rg.Value(1.0), rg.Value(-2.0), rg.Value(0.5)]
    t = [0.0, 1.0, 0.5]
    loss = rg.mse_loss(y, t)
    loss.backward()
    assert loss.data == pytest.approx((1 + 9 + 0) / 3)
    assert [v.grad for v in y] == pytest.approx([2 * 1 / 3, 2 * -3 / 3, 0.0])


def test_mse_loss_with_k_outputs_divides_by_n_times_k(rg):
    y = [[rg.Value(1.0), rg.Value(2.0)], [rg.Value(3.0), rg.Value(4.0)]]
    t = [[0.0, 0.0], [0.0, 0.0]]
    assert rg.mse_loss(y, t).data == pytest.approx((1 + 4 + 9 + 16) / 4)
    assert rg.sse_loss(y, t).data == pytest.approx(30.0)


def test_sse_loss_is_the_lectures_sum_of_squares(rg):
    y = [rg.Value(0.5), rg.Value(-0.5)]
    loss = rg.sse_loss(y, [1.0, -1.0])
    loss.backward()
    assert loss.data == 0.5
    assert [v.grad for v in y] == [-1.0, 1.0]


def test_hinge_loss_is_micrograds_max_margin(rg):
    y = [rg.Value(0.5), rg.Value(2.0), rg.Value(-0.25)]
    t = [1.0, 1.0, 1.0]
    loss = rg.hinge_loss(y, t)
    loss.backward()
    assert loss.data == pytest.approx((0.5 + 0.0 + 1.25) / 3)
    assert [v.grad for v in y] == pytest.approx([-1 / 3, 0.0, -1 / 3])


def test_hinge_loss_at_the_margin_has_zero_gradient(rg):
    y = [rg.Value(1.0)]
    rg.hinge_loss(y, [1.0]).backward()
    assert y[0].grad == 0.0  # relu'(0) = 0


def test_l2_penalty_is_sum_of_squares(rg):
    params = [rg.Value(1.0), rg.Value(-2.0)]
    penalty = rg.l2_penalty(params)
    penalty.backward()
    assert penalty.data == 5.0
    assert [p.grad for p in params] == [2.0, -4.0]
    assert rg.l2_penalty([]).data == 0.0


@pytest.mark.parametrize("loss", ["mse_loss", "sse_loss", "hinge_loss"])
def test_mismatched_lengths_name_both(rg, loss):
    with pytest.raises(ValueError, match=r"(?s)(?=.*\b2\b)(?=.*\b3\b)"):
        getattr(rg, loss)([rg.Value(1.0), rg.Value(2.0)], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"\b0\b"):
        getattr(rg, loss)([], [])


def test_output_width_mismatch_names_both(rg):
    with pytest.raises(ValueError, match=r"(?s)(?=.*\b2\b)(?=.*\b3\b)"):
        rg.mse_loss([[rg.Value(1.0), rg.Value(2.0)]], [[1.0, 2.0, 3.0]])
