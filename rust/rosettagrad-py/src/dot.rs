//! `to_dot` (python/src/rosettagrad/dot.py).

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use rosettagrad as rg;

use crate::*;

/// Graphviz DOT text of a Value's graph (label | data | grad records, op nodes).
#[pyfunction]
pub(crate) fn to_dot(py: Python<'_>, root: &Bound<'_, PyAny>) -> PyResult<String> {
    let Ok(v) = root.cast::<PyValue>() else {
        return Err(PyTypeError::new_err(format!(
            "to_dot takes a Value, got {}",
            type_name(root)
        )));
    };
    Ok(rg::to_dot_with(&v.get().v, |n| {
        op_name(py, n).unwrap_or_else(|_| n.op())
    }))
}
