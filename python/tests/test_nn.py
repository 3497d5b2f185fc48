"""Neuron, Layer, MLP: shapes, parameter order, activations, errors."""

from __future__ import annotations

import math

import pytest


def test_parameter_count_and_canonical_order(rg):
    model = rg.MLP(2, [3, 1], seed=7)
    params = model.parameters()
    assert len(params) == (2 + 1) * 3 + (3 + 1) * 1
    first_layer, second_layer = model.layers
    expected = [p for n in first_layer.neurons for p in [*n.w, n.b]]
    expected += [p for n in second_layer.neurons for p in [*n.w, n.b]]
    assert [p.data for p in params] == [p.data for p in expected]
    biases = [params[2], params[5], params[8], params[12]]
    assert all(b.data == 0.0 for b in biases)


def test_neuron_computes_activation_of_bias_plus_weighted_sum(rg):
    model = rg.MLP(2, [1], activation="tanh", output_activation="tanh", seed=1)
    w0, w1, b = (p.data for p in model.parameters())
    out = model([0.5, -2.0])
    assert out.data == pytest.approx(math.tanh(b + w0 * 0.5 + w1 * -2.0), rel=1e-15)


@pytest.mark.parametrize(
    ("activation", "f"),
    [
        ("tanh", math.tanh),
        ("relu", lambda x: max(x, 0.0)),
        ("sigmoid", lambda x: 1 / (1 + math.exp(-x))),
        ("linear", lambda x: x),
    ],
)
def test_each_activation(rg, activation, f):
    model = rg.MLP(3, [2], output_activation=activation, seed=5)
    xs = [0.3, -1.2, 2.0]
    outs = model(xs)
    params = [p.data for p in model.parameters()]
    for j, out in enumerate(outs):
        w, b = params[4 * j : 4 * j + 3], params[4 * j + 3]
        assert out.data == pytest.approx(f(b + sum(wi * xi for wi, xi in zip(w, xs))), rel=1e-14)


def test_hidden_activation_differs_from_output_activation(rg):
    model = rg.MLP(1, [1, 1], activation="relu", output_activation="linear", seed=0)
    w0, b0, w1, b1 = (p.data for p in model.parameters())
    x = -5.0 if w0 > 0 else 5.0  # makes the hidden pre-activation negative
    assert model([x]).data == pytest.approx(b1 + w1 * max(b0 + w0 * x, 0.0))


def test_layer_of_one_neuron_returns_a_value_and_many_return_a_list(rg):
    one = rg.Layer(2, 1)([1.0, 2.0])
    many = rg.Layer(2, 3)([1.0, 2.0])
    assert isinstance(one, rg.Value)
    assert isinstance(many, list) and len(many) == 3


def test_mlp_with_hidden_layer_of_width_one(rg):
    model = rg.MLP(3, [1, 2], seed=11)
    out = model([1.0, 2.0, 3.0])
    assert isinstance(out, list) and len(out) == 2


def test_mlp_returns_one_value_when_last_layer_has_one_neuron(rg):
    assert isinstance(rg.MLP(2, [4, 1], seed=0)([1.0, 1.0]), rg.Value)


def test_mlp_accepts_values_as_inputs_and_backprops_into_them(rg):
    model = rg.MLP(2, [3, 1], seed=2)
    x = [rg.Value(0.5), rg.Value(-0.25)]
    out = model(x)
    out.backward()
    assert any(v.grad != 0.0 for v in x)


def test_zero_grad_clears_every_parameter(rg):
    model = rg.MLP(2, [3, 1], seed=2)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_parameters_share_state_with_the_model(rg):
    model = rg.MLP(1, [1], seed=0)
    w, b = model.parameters()
    w.data, b.data = 2.0, 0.5
    assert model([3.0]).data == 6.5


@pytest.mark.parametrize(("n_in", "got"), [(3, 2), (2, 4)])
def test_wrong_input_length_names_both_lengths(rg, n_in, got):
    model = rg.MLP(n_in, [2, 1])
    with pytest.raises(ValueError, match=rf"(?s)(?=.*\b{n_in}\b)(?=.*\b{got}\b)"):
        model([0.0] * got)


def test_invalid_shapes_and_activations_are_clear_errors(rg):
    with pytest.raises(ValueError, match=r"nouts|layer"):
        rg.MLP(2, [])
    with pytest.raises(ValueError, match="0"):
        rg.MLP(0, [1])
    with pytest.raises(ValueError, match="0"):
        rg.MLP(2, [3, 0])
    with pytest.raises(ValueError, match="softmax"):
        rg.MLP(2, [1], activation="softmax")
