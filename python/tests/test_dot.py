"""to_dot: Graphviz text with one record per Value and one node per op."""

from __future__ import annotations

import re

import pytest


def test_to_dot_draws_records_ops_and_edges(rg):
    a, b = rg.Value(2.0, label="a"), rg.Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    c.backward()
    dot = rg.to_dot(c)
    assert dot.startswith("digraph")
    assert dot.rstrip().endswith("}")
    records = re.findall(r'\[label="\{ (.*?) \}"', dot)
    assert sorted(records) == sorted(
        [
            "a | data 2.0000 | grad -3.0000",
            "b | data -3.0000 | grad 2.0000",
            "c | data -6.0000 | grad 1.0000",
        ]
    )
    assert len(re.findall(r'label="\*"', dot)) == 1
    assert len(re.findall(r"->", dot)) == 3  # a -> *, b -> *, * -> c


def test_to_dot_escapes_record_characters_in_labels(rg):
    dot = rg.to_dot(rg.Value(1.0, label='x|{"y"}'))
    assert r"x\|\{\"y\"\}" in dot


def test_to_dot_handles_a_deep_graph(rg):
    y = rg.Value(1.0)
    for _ in range(50_000):
        y = y + 1
    assert rg.to_dot(y).count("->") == 3 * 50_000


def test_to_dot_rejects_non_values(rg):
    with pytest.raises(TypeError, match="float"):
        rg.to_dot(1.0)
