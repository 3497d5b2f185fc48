//! `SGD`, `Adam` (python/src/rosettagrad/optim.py).

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyList};

use rosettagrad as rg;

use crate::*;

pub(crate) fn optimizer_params(params: &Bound<'_, PyAny>) -> PyResult<Vec<rg::Value>> {
    let items: Vec<Bound<'_, PyAny>> = params.try_iter()?.collect::<PyResult<_>>()?;
    if items.is_empty() {
        return Err(PyValueError::new_err(
            "optimizer got an empty parameter list",
        ));
    }
    items
        .iter()
        .map(|p| match p.cast::<PyValue>() {
            Ok(v) => Ok(v.get().v.clone()),
            Err(_) => Err(PyTypeError::new_err(format!(
                "optimizer parameters must be Values, got {}",
                type_name(p)
            ))),
        })
        .collect()
}

pub(crate) fn non_negative(name: &str, x: &Bound<'_, PyAny>) -> PyResult<f64> {
    let value = if x.is_instance_of::<PyBool>() {
        None
    } else {
        number(x)?
    };
    let Some(value) = value else {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a number, got {}",
            type_name(x)
        )));
    };
    if value.is_nan() || value < 0.0 {
        return Err(PyValueError::new_err(format!(
            "{name} must be >= 0, got {x}"
        )));
    }
    Ok(value)
}

/// p -= lr·g, with optional weight decay (g += wd·p) and momentum (buf = m·buf + g).
#[pyclass(name = "SGD", module = "rosettagrad_rs")]
pub struct PySGD {
    inner: rg::SGD,
}

#[pymethods]
impl PySGD {
    #[new]
    #[pyo3(signature = (params, lr, momentum = None, weight_decay = None))]
    fn new(
        params: &Bound<'_, PyAny>,
        lr: &Bound<'_, PyAny>,
        momentum: Option<&Bound<'_, PyAny>>,
        weight_decay: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let params = optimizer_params(params)?;
        let lr = non_negative("lr", lr)?;
        let momentum = momentum
            .map(|m| non_negative("momentum", m))
            .transpose()?
            .unwrap_or(0.0);
        let wd = weight_decay
            .map(|w| non_negative("weight_decay", w))
            .transpose()?
            .unwrap_or(0.0);
        let inner = rg::SGD::with_options(params, lr, momentum, wd).map_err(value_error)?;
        Ok(PySGD { inner })
    }

    fn step(&mut self) {
        self.inner.step();
    }

    fn zero_grad(&self) {
        self.inner.zero_grad();
    }

    #[getter]
    fn lr(&self) -> f64 {
        self.inner.lr
    }
    #[setter]
    fn set_lr(&mut self, lr: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inner.lr = non_negative("lr", lr)?;
        Ok(())
    }
    #[getter]
    fn momentum(&self) -> f64 {
        self.inner.momentum()
    }
    #[getter]
    fn weight_decay(&self) -> f64 {
        self.inner.weight_decay()
    }
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        values_list(py, self.inner.params().to_vec())
    }
}

/// Adaptive moments with bias correction: p -= lr·m̂ / (√v̂ + eps).
#[pyclass(name = "Adam", module = "rosettagrad_rs")]
pub struct PyAdam {
    inner: rg::Adam,
}

#[pymethods]
impl PyAdam {
    #[new]
    #[pyo3(signature = (params, lr = None, betas = (0.9, 0.999), eps = None, weight_decay = None))]
    fn new(
        params: &Bound<'_, PyAny>,
        lr: Option<&Bound<'_, PyAny>>,
        betas: (f64, f64),
        eps: Option<&Bound<'_, PyAny>>,
        weight_decay: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let params = optimizer_params(params)?;
        let lr = lr
            .map(|x| non_negative("lr", x))
            .transpose()?
            .unwrap_or(1e-3);
        for (name, beta) in [("beta1", betas.0), ("beta2", betas.1)] {
            if !(0.0..1.0).contains(&beta) {
                return Err(PyValueError::new_err(format!(
                    "{name} must be in [0, 1), got {}",
                    py_float(beta)
                )));
            }
        }
        let eps = eps
            .map(|x| non_negative("eps", x))
            .transpose()?
            .unwrap_or(1e-8);
        let wd = weight_decay
            .map(|x| non_negative("weight_decay", x))
            .transpose()?
            .unwrap_or(0.0);
        let inner = rg::Adam::with_options(params, lr, betas, eps, wd).map_err(value_error)?;
        Ok(PyAdam { inner })
    }

    fn step(&mut self) {
        self.inner.step();
    }

    fn zero_grad(&self) {
        self.inner.zero_grad();
    }

    #[getter]
    fn lr(&self) -> f64 {
        self.inner.lr
    }
    #[setter]
    fn set_lr(&mut self, lr: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inner.lr = non_negative("lr", lr)?;
        Ok(())
    }
    #[getter]
    fn betas(&self) -> (f64, f64) {
        self.inner.betas()
    }
    #[getter]
    fn eps(&self) -> f64 {
        self.inner.eps()
    }
    #[getter]
    fn weight_decay(&self) -> f64 {
        self.inner.weight_decay()
    }
    #[getter]
    fn t(&self) -> u64 {
        self.inner.steps()
    }
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        values_list(py, self.inner.params().to_vec())
    }
}

pub(crate) fn py_float(x: f64) -> String {
    Python::attach(|py| PyFloat::new(py, x).repr().map(|r| r.to_string()))
        .unwrap_or_else(|_| x.to_string())
}
