//! Graphviz DOT text of a Value's graph, drawn as in the micrograd lecture.

use crate::engine::Value;

// region: to_dot

/// One record per Value (label | data | grad), one small node per op, left to right.
///
/// ```
/// use rosettagrad::{to_dot, Value};
/// let y = Value::new(2.0).with_label("x").tanh();
/// assert!(to_dot(&y).contains("tanh"));
/// ```
pub fn to_dot(root: &Value) -> String {
    to_dot_with(root, |v| v.op())
}

/// [`to_dot`] with a custom way to print each node's op (the wheel prints pow
/// exponents the way Python does).
pub fn to_dot_with(root: &Value, op_name: impl Fn(&Value) -> String) -> String {
    let topo = root.topological_order();
    let index = |v: &Value| topo.iter().position(|u| u.same_node(v)).unwrap_or(0);
    let mut lines = vec![
        "digraph {".to_string(),
        "  rankdir=LR;".to_string(),
        "  node [shape=record, fontname=\"monospace\"];".to_string(),
    ];
    let mut ids = std::collections::HashMap::new();
    for (i, v) in topo.iter().enumerate() {
        ids.insert(v.node_id(), i);
    }
    let id_of = |v: &Value| ids.get(&v.node_id()).copied().unwrap_or_else(|| index(v));
    for (i, v) in topo.iter().enumerate() {
        let label = format!(
            "{} | data {} | grad {}",
            escape(&v.label()),
            fixed4(v.data()),
            fixed4(v.grad())
        );
        lines.push(format!("  n{i} [label=\"{{ {label} }}\"];"));
        let op = op_name(v);
        if !op.is_empty() {
            lines.push(format!(
                "  n{i}_op [label=\"{}\", shape=ellipse];",
                escape(&op)
            ));
            lines.push(format!("  n{i}_op -> n{i};"));
            for p in v.prev() {
                lines.push(format!("  n{} -> n{i}_op;", id_of(&p)));
            }
        }
    }
    lines.push("}".to_string());
    lines.join("\n") + "\n"
}

// endregion

/// Python's `f"{x:.4f}"`: `inf`, `-inf` and `nan` spelled as Python does.
fn fixed4(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        format!("{x:.4}")
    }
}

/// Python's `repr(float)` for the common cases (`1.0`, `0.5`, `inf`, `nan`).
pub(crate) fn py_float(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        format!("{x:?}")
    }
}

/// Escape the characters that mean something inside a DOT record label.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if "\\\"{}|<>".contains(ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_of_a_small_graph() {
        let a = Value::new(2.0).with_label("a");
        let b = Value::new(-3.0).with_label("b|c");
        let y = (&a * &b).with_label("y");
        y.backward();
        let dot = to_dot(&y);
        let expected =
            "digraph {\n  rankdir=LR;\n  node [shape=record, fontname=\"monospace\"];\n  \
n0 [label=\"{ a | data 2.0000 | grad -3.0000 }\"];\n  \
n1 [label=\"{ b\\|c | data -3.0000 | grad 2.0000 }\"];\n  \
n2 [label=\"{ y | data -6.0000 | grad 1.0000 }\"];\n  \
n2_op [label=\"*\", shape=ellipse];\n  n2_op -> n2;\n  n0 -> n2_op;\n  n1 -> n2_op;\n}\n";
        assert_eq!(dot, expected);
        assert_eq!(fixed4(f64::NAN), "nan");
        assert_eq!(py_float(-1.0), "-1.0");
    }
}
