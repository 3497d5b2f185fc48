//! `Module`, `Neuron`, `Layer`, `MLP` (python/src/rosettagrad/nn.py), run whole in Rust.

use pyo3::exceptions::{PyMemoryError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyInt, PyList, PySequence, PyString, PyTuple};

use rosettagrad as rg;
use rosettagrad::{Module as _, Scalar};

use crate::*;

/// Anything with parameters.
#[pyclass(subclass, frozen, name = "Module", module = "rosettagrad_rs")]
pub struct PyModuleBase;

#[pymethods]
impl PyModuleBase {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyAny>>) -> Self {
        PyModuleBase
    }

    /// Set every parameter's grad to 0.
    fn zero_grad(slf: &Bound<'_, Self>) -> PyResult<()> {
        for p in slf.call_method0("parameters")?.try_iter()? {
            p?.setattr("grad", 0.0)?;
        }
        Ok(())
    }

    fn parameters<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, Vec::<Py<PyAny>>::new())
    }
}

pub(crate) fn check_size(name: &str, n: &Bound<'_, PyAny>) -> PyResult<usize> {
    if n.is_instance_of::<PyBool>() || !n.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an int, got {}",
            type_name(n)
        )));
    }
    match n.extract::<i64>() {
        Ok(k) if k >= 1 => {
            usize::try_from(k).map_err(|_| PyValueError::new_err(format!("{name} is too large")))
        }
        Ok(k) => Err(PyValueError::new_err(format!(
            "{name} must be at least 1, got {k}"
        ))),
        Err(_) => Err(PyValueError::new_err(format!(
            "{name} must be between 1 and 2**63 - 1, got {n}"
        ))),
    }
}

pub(crate) fn check_activation(a: &Bound<'_, PyAny>) -> PyResult<rg::Activation> {
    if a.cast::<PyString>().is_err() {
        let got = type_name(a);
        return Err(PyTypeError::new_err(format!(
            "activation must be a str, got {got}"
        )));
    }
    let parsed = a
        .extract::<String>()
        .ok()
        .and_then(|s| s.parse::<rg::Activation>().ok());
    parsed.ok_or_else(|| {
        let shown = a
            .repr()
            .map(|r| r.to_string())
            .unwrap_or_else(|_| "?".into());
        PyValueError::new_err(format!(
            "unknown activation {shown}: expected one of {ACTIVATIONS}"
        ))
    })
}

/// An activation argument: one of the four names; anything else (None too) is a
/// ValueError naming it, as in the reference.
pub(crate) struct ActArg(rg::Activation);

impl<'a, 'py> FromPyObject<'a, 'py> for ActArg {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        check_activation(&obj).map(ActArg)
    }
}

pub(crate) const TANH: ActArg = ActArg(rg::Activation::Tanh);
pub(crate) const LINEAR: ActArg = ActArg(rg::Activation::Linear);

/// Weights drawn up front (from a Python rng, a SplitMix64, or fresh entropy),
/// then handed to the crate's constructors in canonical order.
pub(crate) struct Drawn(std::vec::IntoIter<f64>);

impl rg::Uniform for Drawn {
    fn uniform(&mut self, _a: f64, _b: f64) -> f64 {
        self.0.next().unwrap_or(0.0)
    }
}

/// Room for `weights` weights (plus biases) on the tape and in the draw buffer,
/// or a MemoryError: never an allocation failure later, which would abort.
pub(crate) fn reserve(weights: Option<usize>, biases: usize) -> PyResult<Vec<f64>> {
    let no_room = || PyMemoryError::new_err("too many parameters for this machine");
    let weights = weights.ok_or_else(no_room)?;
    rg::try_reserve_nodes(weights.saturating_add(biases))
        .map_err(|e| PyMemoryError::new_err(e.to_string()))?;
    let mut out = Vec::new();
    out.try_reserve(weights).map_err(|_| no_room())?;
    Ok(out)
}

pub(crate) fn draw(rng: Option<&Bound<'_, PyAny>>, count: usize) -> PyResult<Drawn> {
    let mut out = reserve(Some(count), 0)?;
    match rng {
        None => {
            let mut r = rg::SplitMix64::from_entropy();
            out.extend((0..count).map(|_| r.uniform(-1.0, 1.0)));
        }
        Some(r) => {
            if let Ok(sm) = r.cast::<PySplitMix64>() {
                let mut sm = sm.borrow_mut();
                out.extend((0..count).map(|_| sm.inner.uniform(-1.0, 1.0)));
            } else {
                for _ in 0..count {
                    let u = r.call_method1("uniform", (-1, 1))?;
                    out.push(data_number(&u)?);
                }
            }
        }
    }
    Ok(Drawn(out.into_iter()))
}

/// A module's input must be a list: a string or a mapping is not one, though
/// Python can take its length and iterate it (the reference's `_check_inputs`).
pub(crate) fn sequence<'a, 'py>(x: &'a Bound<'py, PyAny>) -> PyResult<&'a Bound<'py, PyAny>> {
    if x.cast::<PyDict>().is_ok() || x.cast::<PyString>().is_ok() || x.cast::<PyBytes>().is_ok() {
        let got = type_name(x);
        return Err(PyTypeError::new_err(format!(
            "inputs must be a list of numbers or Values, got {got}"
        )));
    }
    Ok(x)
}

pub(crate) fn inputs(x: &Bound<'_, PyAny>) -> PyResult<Vec<Scalar>> {
    let mut out = Vec::new();
    for item in sequence(x)?.try_iter()? {
        out.push(scalar(&item?, "inputs")?);
    }
    Ok(out)
}

pub(crate) fn expect_len(expected: usize, got: usize) -> PyResult<()> {
    if expected != got {
        return Err(PyValueError::new_err(format!(
            "Neuron expects {expected} inputs, got {got}"
        )));
    }
    Ok(())
}

pub(crate) fn capitalized(a: rg::Activation) -> String {
    let s = a.as_str();
    s[..1].to_uppercase() + &s[1..]
}

/// act(b + Σ w_i·x_i), weights uniform in [-1, 1), bias 0.
#[pyclass(extends = PyModuleBase, frozen, name = "Neuron", module = "rosettagrad_rs")]
pub struct PyNeuron {
    inner: rg::Neuron,
}

#[pymethods]
impl PyNeuron {
    #[new]
    #[pyo3(signature = (nin, activation = TANH, rng = None))]
    fn new(
        nin: &Bound<'_, PyAny>,
        activation: ActArg,
        rng: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyClassInitializer<Self>> {
        let nin = check_size("nin", nin)?;
        let act = activation.0;
        let rng = rng.filter(|r| !r.is_none());
        reserve(Some(nin), 1)?;
        let inner = rg::Neuron::new(nin, act, &mut draw(rng, nin)?);
        Ok(PyClassInitializer::from(PyModuleBase).add_subclass(PyNeuron { inner }))
    }

    fn __call__(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        expect_len(self.inner.weights().len(), sequence(x)?.len()?)?;
        let out = self
            .inner
            .forward_scalars(&inputs(x)?)
            .map_err(value_error)?;
        wrap(py, out)
    }

    fn parameters<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        values_list(py, self.inner.parameters())
    }

    fn zero_grad(&self) {
        self.inner.zero_grad();
    }

    #[getter]
    fn w<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        values_list(py, self.inner.weights().to_vec())
    }

    #[getter]
    fn b(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        wrap(py, self.inner.bias().clone())
    }

    #[getter]
    fn activation(&self) -> &'static str {
        self.inner.activation().as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "{}Neuron({})",
            capitalized(self.inner.activation()),
            self.inner.weights().len()
        )
    }
}

pub(crate) fn neuron_object(py: Python<'_>, n: &rg::Neuron) -> PyResult<Py<PyAny>> {
    let init = PyClassInitializer::from(PyModuleBase).add_subclass(PyNeuron { inner: n.clone() });
    Ok(Bound::new(py, init)?.into_any().unbind())
}

/// nout neurons reading the same inputs; one neuron gives one Value (micrograd).
#[pyclass(extends = PyModuleBase, frozen, name = "Layer", module = "rosettagrad_rs")]
pub struct PyLayer {
    inner: rg::Layer,
}

#[pymethods]
impl PyLayer {
    #[new]
    #[pyo3(signature = (nin, nout, activation = TANH, rng = None))]
    fn new(
        nin: &Bound<'_, PyAny>,
        nout: &Bound<'_, PyAny>,
        activation: ActArg,
        rng: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyClassInitializer<Self>> {
        let nout = check_size("nout", nout)?;
        let nin = check_size("nin", nin)?;
        let act = activation.0;
        let rng = rng.filter(|r| !r.is_none());
        let weights = nin.checked_mul(nout);
        reserve(weights, nout)?;
        let inner = rg::Layer::new(nin, nout, act, &mut draw(rng, weights.unwrap_or(0))?);
        Ok(PyClassInitializer::from(PyModuleBase).add_subclass(PyLayer { inner }))
    }

    fn __call__(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        expect_len(self.inner.neurons()[0].weights().len(), sequence(x)?.len()?)?;
        let out = self
            .inner
            .forward_scalars(&inputs(x)?)
            .map_err(value_error)?;
        one_or_list(py, out)
    }

    fn parameters<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        values_list(py, self.inner.parameters())
    }

    fn zero_grad(&self) {
        self.inner.zero_grad();
    }

    #[getter]
    fn neurons<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items: PyResult<Vec<Py<PyAny>>> = self
            .inner
            .neurons()
            .iter()
            .map(|n| neuron_object(py, n))
            .collect();
        PyList::new(py, items?)
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }
}

/// Layers nin → nouts[0] → … → nouts[-1]; the last uses output_activation.
#[pyclass(extends = PyModuleBase, frozen, name = "MLP", module = "rosettagrad_rs")]
pub struct PyMLP {
    inner: rg::MLP,
}

pub(crate) fn check_seed(seed: &Bound<'_, PyAny>) -> PyResult<u64> {
    if seed.is_instance_of::<PyBool>() || !seed.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "seed must be an int, got {}",
            type_name(seed)
        )));
    }
    seed.extract::<u64>()
        .map_err(|_| PyValueError::new_err(format!("seed must be in 0 .. 2**64 - 1, got {seed}")))
}

#[pymethods]
impl PyMLP {
    #[new]
    #[pyo3(signature = (nin, nouts, activation = TANH, output_activation = LINEAR, seed = None))]
    fn new(
        nin: &Bound<'_, PyAny>,
        nouts: &Bound<'_, PyAny>,
        activation: ActArg,
        output_activation: ActArg,
        seed: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyClassInitializer<Self>> {
        // The reference's checks, in the reference's order. A str or a dict is not a list
        // of sizes, though Python iterates them (the reference's `Sequence` test).
        if nouts.cast::<PySequence>().is_err()
            || nouts.is_instance_of::<PyString>()
            || nouts.is_instance_of::<PyBytes>()
        {
            return Err(PyTypeError::new_err(format!(
                "nouts must be a list of layer sizes, got {}",
                type_name(nouts)
            )));
        }
        let nouts: Vec<Bound<'_, PyAny>> = nouts.try_iter()?.collect::<PyResult<_>>()?;
        if nouts.is_empty() {
            return Err(PyValueError::new_err(
                "MLP needs at least one layer: nouts is empty",
            ));
        }
        let (act, out_act) = (activation.0, output_activation.0);
        let seed = match seed.filter(|s| !s.is_none()) {
            Some(s) => Some(check_seed(s)?),
            None => None,
        };
        let mut sizes = Vec::with_capacity(nouts.len());
        for (i, nout) in nouts.iter().enumerate() {
            sizes.push(check_size("nout", nout)?);
            if i == 0 {
                check_size("nin", nin)?;
            }
        }
        let nin = check_size("nin", nin)?;
        let mut widths = vec![nin];
        widths.extend(&sizes);
        let weights = widths
            .windows(2)
            .try_fold(0usize, |n, w| n.checked_add(w[0].checked_mul(w[1])?));
        reserve(weights, sizes.iter().sum())?;
        let inner = rg::MLP::with_options(nin, &sizes, act, out_act, seed).map_err(value_error)?;
        Ok(PyClassInitializer::from(PyModuleBase).add_subclass(PyMLP { inner }))
    }

    fn __call__(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let x = inputs(x)?;
        expect_len(self.inner.layers()[0].neurons()[0].weights().len(), x.len())?;
        let out = self.inner.forward_scalars(&x).map_err(value_error)?;
        one_or_list(py, out)
    }

    fn parameters<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        values_list(py, self.inner.parameters())
    }

    fn zero_grad(&self) {
        self.inner.zero_grad();
    }

    #[getter]
    fn layers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let mut items = Vec::new();
        for layer in self.inner.layers() {
            let init = PyClassInitializer::from(PyModuleBase).add_subclass(PyLayer {
                inner: layer.clone(),
            });
            items.push(Bound::new(py, init)?.into_any().unbind());
        }
        PyList::new(py, items)
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }
}
