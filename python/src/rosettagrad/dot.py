"""Graphviz DOT text of a Value's graph, drawn as in the micrograd lecture."""

from __future__ import annotations

from .engine import Value

# region: to_dot


def to_dot(root: Value) -> str:
    """One record per Value (label | data | grad), one small node per op, left to right."""
    if not isinstance(root, Value):
        raise TypeError(f"to_dot takes a Value, got {type(root).__name__}")
    topo = root._topological_order()
    ids = {v: f"n{i}" for i, v in enumerate(topo)}
    lines = ["digraph {", "  rankdir=LR;", '  node [shape=record, fontname="monospace"];']
    for v in topo:
        label = f"{_escape(v.label)} | data {v.data:.4f} | grad {v.grad:.4f}"
        lines.append(f'  {ids[v]} [label="{{ {label} }}"];')
        if v._op:
            lines.append(f'  {ids[v]}_op [label="{_escape(v._op)}", shape=ellipse];')
            lines.append(f"  {ids[v]}_op -> {ids[v]};")
            lines.extend(f"  {ids[p]} -> {ids[v]}_op;" for p in v._prev)
    lines.append("}")
    return "\n".join(lines) + "\n"


# endregion


def _escape(text: str) -> str:
    """Escape the characters that mean something inside a DOT record label."""
    for ch in '\\"{}|<>':
        text = text.replace(ch, "\\" + ch)
    return text
