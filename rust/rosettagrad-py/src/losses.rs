//! `mse_loss`, `sse_loss`, `hinge_loss`, `l2_penalty` (python/src/rosettagrad/losses.py), built whole in Rust.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyInt, PyString};

use rosettagrad as rg;
use rosettagrad::Scalar;

use crate::*;

/// Predictions (Values) and targets (numbers or Values), N rows of K each.
pub(crate) type Rows = (Vec<Vec<rg::Value>>, Vec<Vec<Scalar>>);

/// Predictions and targets as rows of K, checked like the reference's `_rows`.
pub(crate) fn rows(predictions: &Bound<'_, PyAny>, targets: &Bound<'_, PyAny>) -> PyResult<Rows> {
    let (n, m) = (predictions.len()?, targets.len()?);
    if n != m {
        return Err(PyValueError::new_err(format!(
            "got {n} predictions but {m} targets"
        )));
    }
    if n == 0 {
        return Err(PyValueError::new_err(
            "a loss needs at least one prediction, got 0",
        ));
    }
    let mut ys = Vec::with_capacity(n);
    let mut ts = Vec::with_capacity(n);
    for (i, (y, t)) in predictions.try_iter()?.zip(targets.try_iter()?).enumerate() {
        let (y, t) = (y?, t?);
        let y_row = if let Ok(v) = y.cast::<PyValue>() {
            vec![v.get().v.clone()]
        } else {
            let mut row = Vec::new();
            for item in y.try_iter()? {
                row.push(as_value(&item?, "predictions")?);
            }
            row
        };
        // A string is one (bad) target, not a row of characters: `scalar` names it.
        let t_row = if t.cast::<PyValue>().is_ok()
            || t.is_instance_of::<PyInt>()
            || t.is_instance_of::<PyFloat>()
            || t.is_instance_of::<PyString>()
        {
            vec![scalar(&t, "targets")?]
        } else {
            let mut row = Vec::new();
            for item in t.try_iter()? {
                row.push(scalar(&item?, "targets")?);
            }
            row
        };
        if y_row.len() != t_row.len() {
            return Err(PyValueError::new_err(format!(
                "sample {i}: prediction has {} outputs but target has {}",
                y_row.len(),
                t_row.len()
            )));
        }
        ys.push(y_row);
        ts.push(t_row);
    }
    Ok((ys, ts))
}

/// Mean squared error: Σ (y - t)² / (N·K).
#[pyfunction]
pub(crate) fn mse_loss(
    py: Python<'_>,
    predictions: &Bound<'_, PyAny>,
    targets: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let (y, t) = rows(predictions, targets)?;
    wrap(py, rg::mse_loss_rows(&y, &t).map_err(value_error)?)
}

/// Sum of squared errors, the lecture's loss: Σ (y - t)².
#[pyfunction]
pub(crate) fn sse_loss(
    py: Python<'_>,
    predictions: &Bound<'_, PyAny>,
    targets: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let (y, t) = rows(predictions, targets)?;
    wrap(py, rg::sse_loss_rows(&y, &t).map_err(value_error)?)
}

/// SVM max-margin loss of micrograd's demo: Σ relu(1 - t·y) / N, targets ±1.
#[pyfunction]
pub(crate) fn hinge_loss(
    py: Python<'_>,
    predictions: &Bound<'_, PyAny>,
    targets: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let (y, t) = rows(predictions, targets)?;
    wrap(py, rg::hinge_loss_rows(&y, &t).map_err(value_error)?)
}

/// Σ p², the weight-decay term a loss adds as `l2 * l2_penalty(params)`.
#[pyfunction]
pub(crate) fn l2_penalty(py: Python<'_>, params: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let mut ps = Vec::new();
    for p in params.try_iter()? {
        ps.push(as_value(&p?, "l2_penalty parameters")?);
    }
    wrap(py, rg::l2_penalty(&ps))
}
