"""SGD and Adam against torch.optim's update rules, worked by hand."""

from __future__ import annotations

import math

import pytest


def param(rg, data: float, grad: float):
    p = rg.Value(data)
    p.grad = grad
    return p


def test_plain_sgd(rg):
    p = param(rg, 1.0, 0.5)
    opt = rg.SGD([p], lr=0.1)
    opt.step()
    assert p.data == 1.0 - 0.1 * 0.5


def test_sgd_lr_can_change_between_steps(rg):
    p = param(rg, 1.0, 1.0)
    opt = rg.SGD([p], lr=0.1)
    opt.step()
    opt.lr = 0.5
    opt.step()
    assert p.data == pytest.approx(1.0 - 0.1 - 0.5)


def test_sgd_weight_decay_adds_wd_times_p_to_the_gradient(rg):
    p = param(rg, 2.0, 0.5)
    rg.SGD([p], lr=0.1, weight_decay=0.01).step()
    assert p.data == 2.0 - 0.1 * (0.5 + 0.01 * 2.0)


def test_sgd_momentum_buffer_starts_at_the_first_gradient(rg):
    p = param(rg, 1.0, 1.0)
    opt = rg.SGD([p], lr=0.1, momentum=0.9)
    opt.step()  # buf = g = 1.0
    assert p.data == 1.0 - 0.1 * 1.0
    p.grad = 0.5
    opt.step()  # buf = 0.9 * 1.0 + 0.5 = 1.4
    assert p.data == pytest.approx(0.9 - 0.1 * 1.4, rel=1e-15)
    p.grad = 0.0
    opt.step()  # buf = 0.9 * 1.4 = 1.26
    assert p.data == pytest.approx(0.9 - 0.14 - 0.126, rel=1e-15)


def test_adam_first_steps_by_hand(rg):
    p = param(rg, 1.0, 0.5)
    opt = rg.Adam([p], lr=0.01)
    opt.step()
    # t=1: m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25; step = 0.01·0.5/(0.5 + 1e-8)
    assert p.data == pytest.approx(1.0 - 0.01 * 0.5 / (0.5 + 1e-8), rel=1e-15)
    p.grad = -1.0
    before = p.data
    opt.step()
    m = 0.9 * 0.05 + 0.1 * -1.0
    v = 0.999 * 0.00025 + 0.001 * 1.0
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    assert p.data == pytest.approx(before - 0.01 * m_hat / (math.sqrt(v_hat) + 1e-8), rel=1e-14)


def test_adam_weight_decay_is_l2_added_to_the_gradient(rg):
    p = param(rg, 2.0, 0.0)
    rg.Adam([p], lr=0.1, weight_decay=0.5).step()
    g = 0.5 * 2.0  # m̂ = g, v̂ = g²: the first step moves by lr·g/(|g| + eps)
    assert p.data == pytest.approx(2.0 - 0.1 * g / (g + 1e-8), rel=1e-15)


def test_adam_custom_betas_and_eps(rg):
    p = param(rg, 0.0, 2.0)
    rg.Adam([p], lr=1.0, betas=(0.5, 0.75), eps=0.5).step()
    assert p.data == pytest.approx(-2.0 / (2.0 + 0.5), rel=1e-15)


def test_optimizer_zero_grad(rg):
    ps = [param(rg, 1.0, 3.0), param(rg, 2.0, -1.0)]
    opt = rg.SGD(ps, lr=0.1)
    opt.zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


def test_training_a_model_reduces_its_loss(rg):
    model = rg.MLP(2, [8, 1], seed=3)
    xs, ys = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]], [1.0, 1.0, -1.0, -1.0]
    opt = rg.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(60):
        opt.zero_grad()
        loss = rg.mse_loss([model(x) for x in xs], ys)
        loss.backward()
        opt.step()
        losses.append(loss.data)
    assert losses[-1] < 0.1 * losses[0]


def test_bad_optimizer_arguments_are_clear_errors(rg):
    p = rg.Value(1.0)
    with pytest.raises(ValueError, match="empty"):
        rg.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        rg.SGD([p], lr=-1.0)
    with pytest.raises(ValueError, match="momentum"):
        rg.SGD([p], lr=0.1, momentum=-0.5)
    with pytest.raises(ValueError, match="beta"):
        rg.Adam([p], betas=(1.0, 0.999))
    with pytest.raises(ValueError, match="empty"):
        rg.Adam([])
