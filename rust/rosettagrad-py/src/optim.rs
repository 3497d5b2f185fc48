//! `SGD`, `Adam` (python/src/rosettagrad/optim.py).

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

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

/// x as f64 if it is a number (a bool is not); else a TypeError naming its type.
fn a_number(name: &str, x: &Bound<'_, PyAny>) -> PyResult<f64> {
    non_bool_number(x)?.ok_or_else(|| {
        PyTypeError::new_err(format!("{name} must be a number, got {}", type_name(x)))
    })
}

pub(crate) fn non_negative(name: &str, x: &Bound<'_, PyAny>) -> PyResult<f64> {
    let value = a_number(name, x)?;
    if value.is_nan() || value < 0.0 {
        return Err(PyValueError::new_err(format!(
            "{name} must be >= 0, got {x}"
        )));
    }
    Ok(value)
}

/// An argument that may be left out. PyO3's `Option` would read an explicit `None` as
/// left out, where the reference refuses it (`Adam(params, betas=None)` names NoneType).
pub(crate) enum Arg<'py> {
    Missing,
    Given(Bound<'py, PyAny>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Arg<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Arg::Given(obj.to_owned()))
    }
}

impl<'py> Arg<'py> {
    /// The argument as `read` reads it, or `default` when it was left out.
    fn or<T>(
        &self,
        default: T,
        read: impl FnOnce(&Bound<'py, PyAny>) -> PyResult<T>,
    ) -> PyResult<T> {
        match self {
            Arg::Missing => Ok(default),
            Arg::Given(x) => read(x),
        }
    }
}

/// p -= lr·g, with optional weight decay (g += wd·p) and momentum (buf = m·buf + g).
#[pyclass(name = "SGD", module = "rosettagrad_rs")]
pub struct PySGD {
    inner: rg::SGD,
}

#[pymethods]
impl PySGD {
    #[new]
    #[pyo3(signature = (params, lr, momentum = Arg::Missing, weight_decay = Arg::Missing))]
    fn new(
        params: &Bound<'_, PyAny>,
        lr: &Bound<'_, PyAny>,
        momentum: Arg<'_>,
        weight_decay: Arg<'_>,
    ) -> PyResult<Self> {
        let params = optimizer_params(params)?;
        let lr = non_negative("lr", lr)?;
        let momentum = momentum.or(0.0, |m| non_negative("momentum", m))?;
        let wd = weight_decay.or(0.0, |w| non_negative("weight_decay", w))?;
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
    #[pyo3(signature = (
        params, lr = Arg::Missing, betas = Arg::Missing, eps = Arg::Missing,
        weight_decay = Arg::Missing
    ))]
    fn new(
        params: &Bound<'_, PyAny>,
        lr: Arg<'_>,
        betas: Arg<'_>,
        eps: Arg<'_>,
        weight_decay: Arg<'_>,
    ) -> PyResult<Self> {
        let params = optimizer_params(params)?;
        let lr = lr.or(1e-3, |x| non_negative("lr", x))?;
        let betas = betas.or((0.9, 0.999), adam_betas)?;
        let eps = eps.or(1e-8, |x| non_negative("eps", x))?;
        let wd = weight_decay.or(0.0, |x| non_negative("weight_decay", x))?;
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

/// Adam's betas: a tuple (or list) of 2 numbers, each in [0, 1).
fn adam_betas(betas: &Bound<'_, PyAny>) -> PyResult<(f64, f64)> {
    if !(betas.is_instance_of::<PyTuple>() || betas.is_instance_of::<PyList>()) {
        return Err(PyTypeError::new_err(format!(
            "betas must be a tuple of 2 numbers, got {}",
            type_name(betas)
        )));
    }
    let items: Vec<Bound<'_, PyAny>> = betas.try_iter()?.collect::<PyResult<_>>()?;
    if items.len() != 2 {
        return Err(PyValueError::new_err(format!(
            "betas must have 2 values, got {}",
            items.len()
        )));
    }
    let beta = |name: &str, x: &Bound<'_, PyAny>| -> PyResult<f64> {
        let b = a_number(name, x)?;
        if !(0.0..1.0).contains(&b) {
            return Err(PyValueError::new_err(format!(
                "{name} must be in [0, 1), got {x}"
            )));
        }
        Ok(b)
    };
    Ok((beta("beta1", &items[0])?, beta("beta2", &items[1])?))
}
