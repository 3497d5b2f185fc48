//! `rosettagrad_rs`: the Rust engine with the Python reference's public API.
//!
//! Every class here is a thin handle on the `rosettagrad` crate: a Python
//! `Value` owns one counted reference to a node of the crate's tape, so Python's
//! reference counting frees graph nodes as soon as the last Python or graph
//! reference to them goes. The crate's Values are `Send + Sync` (the tape sits
//! behind a mutex that is only ever held inside the crate, never while Python
//! code runs), so every class may be used from any Python thread.
//!
//! Bad input raises what the reference raises: TypeError for a wrong type (and
//! NotImplemented from operators, so Python raises its usual TypeError),
//! ValueError for a wrong length or value. Nothing here panics on user input.

use pyo3::exceptions::{PyMemoryError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use rosettagrad as rg;
use rosettagrad::{Module as _, Scalar};

const ACTIVATIONS: &str = "('tanh', 'relu', 'sigmoid', 'linear')";

fn type_name(x: &Bound<'_, PyAny>) -> String {
    x.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// An int or float as f64 (OverflowError for a huge int), `None` for anything else.
fn number(x: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
    if let Ok(f) = x.cast::<PyFloat>() {
        return Ok(Some(f.value()));
    }
    if x.is_instance_of::<PyInt>() {
        return Ok(Some(x.extract::<f64>()?));
    }
    Ok(None)
}

fn value_error(e: rg::Error) -> PyErr {
    PyValueError::new_err(e.to_string())
}

// ---------------------------------------------------------------- Value

/// A scalar in a computation graph: its data, its grad, and where it came from.
#[pyclass(frozen, name = "Value", module = "rosettagrad_rs")]
pub struct PyValue {
    v: rg::Value,
}

fn wrap(py: Python<'_>, v: rg::Value) -> PyResult<Py<PyAny>> {
    Ok(Bound::new(py, PyValue { v })?.into_any().unbind())
}

/// The right operand of an arithmetic op, or `None` for NotImplemented.
enum Other<'a> {
    Value(&'a rg::Value),
    Number(f64),
}

fn other<'a>(x: &'a Bound<'_, PyAny>) -> PyResult<Option<Other<'a>>> {
    if let Ok(v) = x.cast::<PyValue>() {
        return Ok(Some(Other::Value(&v.get().v)));
    }
    Ok(number(x)?.map(Other::Number))
}

/// `self op other` (or reflected): a Value or a number, else NotImplemented.
fn binop(
    py: Python<'_>,
    other_: &Bound<'_, PyAny>,
    with_value: impl FnOnce(&rg::Value) -> rg::Value,
    with_number: impl FnOnce(f64) -> rg::Value,
) -> PyResult<Py<PyAny>> {
    match other(other_)? {
        Some(Other::Value(o)) => wrap(py, with_value(o)),
        Some(Other::Number(x)) => wrap(py, with_number(x)),
        None => Ok(py.NotImplemented()),
    }
}

#[pymethods]
impl PyValue {
    #[new]
    #[pyo3(signature = (data, label = String::new()))]
    fn new(data: &Bound<'_, PyAny>, label: String) -> PyResult<Self> {
        let v = rg::Value::new(data_number(data)?);
        if !label.is_empty() {
            v.set_label(&label);
        }
        Ok(PyValue { v })
    }

    #[getter]
    fn data(&self) -> f64 {
        self.v.data()
    }
    #[setter]
    fn set_data(&self, x: &Bound<'_, PyAny>) -> PyResult<()> {
        self.v.set_data(data_number(x)?);
        Ok(())
    }
    #[getter]
    fn grad(&self) -> f64 {
        self.v.grad()
    }
    #[setter]
    fn set_grad(&self, x: &Bound<'_, PyAny>) -> PyResult<()> {
        match number(x)? {
            Some(g) => {
                self.v.set_grad(g);
                Ok(())
            }
            None => Err(PyTypeError::new_err(format!(
                "grad must be an int or float, got {}",
                type_name(x)
            ))),
        }
    }
    #[getter]
    fn label(&self) -> String {
        self.v.label()
    }
    #[setter]
    fn set_label(&self, label: String) {
        self.v.set_label(&label);
    }
    #[getter]
    fn _op(&self, py: Python<'_>) -> PyResult<String> {
        op_name(py, &self.v)
    }
    #[getter]
    fn _prev<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let prev: PyResult<Vec<Py<PyAny>>> =
            self.v.prev().into_iter().map(|p| wrap(py, p)).collect();
        PyTuple::new(py, prev?)
    }
    #[getter]
    fn _local_grads<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.v.local_grads())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let data = PyFloat::new(py, self.v.data()).repr()?;
        let grad = PyFloat::new(py, self.v.grad()).repr()?;
        Ok(format!("Value(data={data}, grad={grad})"))
    }

    /// Two Python objects for the same graph node compare equal (and hash alike),
    /// as two references to one reference Value are the same object.
    fn __richcmp__(&self, py: Python<'_>, other_: &Bound<'_, PyAny>, op: CompareOp) -> Py<PyAny> {
        let Ok(o) = other_.cast::<PyValue>() else {
            return py.NotImplemented();
        };
        let same = self.v.same_node(&o.get().v);
        match op {
            CompareOp::Eq => PyBool::new(py, same).to_owned().into_any().unbind(),
            CompareOp::Ne => PyBool::new(py, !same).to_owned().into_any().unbind(),
            _ => py.NotImplemented(),
        }
    }

    fn __hash__(&self) -> u64 {
        u64::from(self.v.node_id())
    }

    fn __add__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(py, o, |o| &self.v + o, |x| &self.v + x)
    }
    fn __radd__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(py, o, |o| o + &self.v, |x| x + &self.v)
    }
    fn __sub__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(py, o, |o| &self.v - o, |x| &self.v - x)
    }
    fn __rsub__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(py, o, |o| o - &self.v, |x| x - &self.v)
    }
    fn __mul__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(py, o, |o| &self.v * o, |x| &self.v * x)
    }
    fn __rmul__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(py, o, |o| o * &self.v, |x| x * &self.v)
    }
    fn __truediv__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(py, o, |o| &self.v / o, |x| &self.v / x)
    }
    fn __rtruediv__(&self, py: Python<'_>, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(py, o, |o| o / &self.v, |x| x / &self.v)
    }

    fn __neg__(&self) -> Self {
        PyValue { v: -&self.v }
    }

    fn __pow__(
        &self,
        py: Python<'_>,
        k: &Bound<'_, PyAny>,
        _modulo: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        if k.cast::<PyValue>().is_ok() {
            return Err(PyTypeError::new_err(
                "Value ** Value is not supported: the exponent must be an int or float",
            ));
        }
        let integer = k.is_instance_of::<PyInt>();
        match number(k)? {
            Some(x) => wrap(py, self.v.pow(x, integer)),
            None => Ok(py.NotImplemented()),
        }
    }

    fn __rpow__(
        &self,
        _base: &Bound<'_, PyAny>,
        _modulo: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        Err(PyTypeError::new_err(
            "number ** Value is not supported: the exponent must be an int or float",
        ))
    }

    fn relu(&self) -> Self {
        PyValue { v: self.v.relu() }
    }
    fn tanh(&self) -> Self {
        PyValue { v: self.v.tanh() }
    }
    fn exp(&self) -> Self {
        PyValue { v: self.v.exp() }
    }
    fn log(&self) -> Self {
        PyValue { v: self.v.log() }
    }
    fn sigmoid(&self) -> Self {
        PyValue {
            v: self.v.sigmoid(),
        }
    }

    /// This call's gradients of self w.r.t. every node; leaves add them to their grads.
    fn backward(&self) {
        self.v.backward();
    }
}

fn data_number(x: &Bound<'_, PyAny>) -> PyResult<f64> {
    number(x)?.ok_or_else(|| {
        PyTypeError::new_err(format!(
            "Value data must be an int or float, got {}",
            type_name(x)
        ))
    })
}

/// `_op` as the reference prints it: pow's exponent in Python's own spelling.
fn op_name(py: Python<'_>, v: &rg::Value) -> PyResult<String> {
    match v.pow_exponent() {
        Some((k, true)) => Ok(format!("**{}", k)),
        Some((k, false)) => Ok(format!("**{}", PyFloat::new(py, k).repr()?)),
        None => Ok(v.op()),
    }
}

fn as_value(x: &Bound<'_, PyAny>, what: &str) -> PyResult<rg::Value> {
    match x.cast::<PyValue>() {
        Ok(v) => Ok(v.get().v.clone()),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{what} must be Values, got {}",
            type_name(x)
        ))),
    }
}

fn scalar(x: &Bound<'_, PyAny>, what: &str) -> PyResult<Scalar> {
    if let Ok(v) = x.cast::<PyValue>() {
        return Ok(Scalar::Value(v.get().v.clone()));
    }
    match number(x)? {
        Some(n) => Ok(Scalar::Number(n)),
        None => Err(PyTypeError::new_err(format!(
            "{what} must be Values or numbers, got {}",
            type_name(x)
        ))),
    }
}

fn values_list(py: Python<'_>, values: Vec<rg::Value>) -> PyResult<Bound<'_, PyList>> {
    let items: PyResult<Vec<Py<PyAny>>> = values.into_iter().map(|v| wrap(py, v)).collect();
    PyList::new(py, items?)
}

/// One Value when there is one output (micrograd's Layer), else a list.
fn one_or_list(py: Python<'_>, mut out: Vec<rg::Value>) -> PyResult<Py<PyAny>> {
    if out.len() == 1 {
        return wrap(py, out.remove(0));
    }
    Ok(values_list(py, out)?.into_any().unbind())
}

// ---------------------------------------------------------------- nn

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

fn check_size(name: &str, n: &Bound<'_, PyAny>) -> PyResult<usize> {
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

fn check_activation(a: &Bound<'_, PyAny>) -> PyResult<rg::Activation> {
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
struct ActArg(rg::Activation);

impl<'a, 'py> FromPyObject<'a, 'py> for ActArg {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        check_activation(&obj).map(ActArg)
    }
}

const TANH: ActArg = ActArg(rg::Activation::Tanh);
const LINEAR: ActArg = ActArg(rg::Activation::Linear);

/// Weights drawn up front (from a Python rng, a SplitMix64, or fresh entropy),
/// then handed to the crate's constructors in canonical order.
struct Drawn(std::vec::IntoIter<f64>);

impl rg::Uniform for Drawn {
    fn uniform(&mut self, _a: f64, _b: f64) -> f64 {
        self.0.next().unwrap_or(0.0)
    }
}

/// Room for `weights` weights (plus biases) on the tape and in the draw buffer,
/// or a MemoryError: never an allocation failure later, which would abort.
fn reserve(weights: Option<usize>, biases: usize) -> PyResult<Vec<f64>> {
    let no_room = || PyMemoryError::new_err("too many parameters for this machine");
    let weights = weights.ok_or_else(no_room)?;
    rg::try_reserve_nodes(weights.saturating_add(biases))
        .map_err(|e| PyMemoryError::new_err(e.to_string()))?;
    let mut out = Vec::new();
    out.try_reserve(weights).map_err(|_| no_room())?;
    Ok(out)
}

fn draw(rng: Option<&Bound<'_, PyAny>>, count: usize) -> PyResult<Drawn> {
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

fn inputs(x: &Bound<'_, PyAny>) -> PyResult<Vec<Scalar>> {
    if x.cast::<PyDict>().is_ok() {
        let got = type_name(x);
        return Err(PyTypeError::new_err(format!(
            "inputs must be a list of numbers or Values, got {got}"
        )));
    }
    let mut out = Vec::new();
    for item in x.try_iter()? {
        out.push(scalar(&item?, "inputs")?);
    }
    Ok(out)
}

fn expect_len(expected: usize, got: usize) -> PyResult<()> {
    if expected != got {
        return Err(PyValueError::new_err(format!(
            "Neuron expects {expected} inputs, got {got}"
        )));
    }
    Ok(())
}

fn capitalized(a: rg::Activation) -> String {
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
        expect_len(self.inner.weights().len(), x.len()?)?;
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

fn neuron_object(py: Python<'_>, n: &rg::Neuron) -> PyResult<Py<PyAny>> {
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
        expect_len(self.inner.neurons()[0].weights().len(), x.len()?)?;
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

fn check_seed(seed: &Bound<'_, PyAny>) -> PyResult<u64> {
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
        // The reference's checks, in the reference's order.
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

// ---------------------------------------------------------------- losses

/// Predictions (Values) and targets (numbers or Values), N rows of K each.
type Rows = (Vec<Vec<rg::Value>>, Vec<Vec<Scalar>>);

/// Predictions and targets as rows of K, checked like the reference's `_rows`.
fn rows(predictions: &Bound<'_, PyAny>, targets: &Bound<'_, PyAny>) -> PyResult<Rows> {
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
        let t_row = if t.cast::<PyValue>().is_ok()
            || t.is_instance_of::<PyInt>()
            || t.is_instance_of::<PyFloat>()
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
fn mse_loss(
    py: Python<'_>,
    predictions: &Bound<'_, PyAny>,
    targets: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let (y, t) = rows(predictions, targets)?;
    wrap(py, rg::mse_loss_rows(&y, &t).map_err(value_error)?)
}

/// Sum of squared errors, the lecture's loss: Σ (y - t)².
#[pyfunction]
fn sse_loss(
    py: Python<'_>,
    predictions: &Bound<'_, PyAny>,
    targets: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let (y, t) = rows(predictions, targets)?;
    wrap(py, rg::sse_loss_rows(&y, &t).map_err(value_error)?)
}

/// SVM max-margin loss of micrograd's demo: Σ relu(1 - t·y) / N, targets ±1.
#[pyfunction]
fn hinge_loss(
    py: Python<'_>,
    predictions: &Bound<'_, PyAny>,
    targets: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let (y, t) = rows(predictions, targets)?;
    wrap(py, rg::hinge_loss_rows(&y, &t).map_err(value_error)?)
}

/// Σ p², the weight-decay term a loss adds as `l2 * l2_penalty(params)`.
#[pyfunction]
fn l2_penalty(py: Python<'_>, params: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let mut ps = Vec::new();
    for p in params.try_iter()? {
        ps.push(as_value(&p?, "l2_penalty parameters")?);
    }
    wrap(py, rg::l2_penalty(&ps))
}

/// Graphviz DOT text of a Value's graph (label | data | grad records, op nodes).
#[pyfunction]
fn to_dot(py: Python<'_>, root: &Bound<'_, PyAny>) -> PyResult<String> {
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

// ---------------------------------------------------------------- optim

fn optimizer_params(params: &Bound<'_, PyAny>) -> PyResult<Vec<rg::Value>> {
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

fn non_negative(name: &str, x: &Bound<'_, PyAny>) -> PyResult<f64> {
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

fn py_float(x: f64) -> String {
    Python::attach(|py| PyFloat::new(py, x).repr().map(|r| r.to_string()))
        .unwrap_or_else(|_| x.to_string())
}

// ---------------------------------------------------------------- rng

/// Steele, Lea and Flood's SplitMix64; all arithmetic mod 2^64 (SPEC §2.4).
#[pyclass(name = "SplitMix64", module = "rosettagrad_rs")]
pub struct PySplitMix64 {
    inner: rg::SplitMix64,
}

#[pymethods]
impl PySplitMix64 {
    #[new]
    fn new(seed: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PySplitMix64 {
            inner: rg::SplitMix64::new(check_seed(seed)?),
        })
    }
    fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }
    /// A float in [0, 1) from the top 53 bits.
    fn random(&mut self) -> f64 {
        self.inner.random()
    }
    /// A float in [a, b); the same formula as Python's random.uniform.
    fn uniform(&mut self, a: f64, b: f64) -> f64 {
        self.inner.uniform(a, b)
    }
    #[getter]
    fn state(&self) -> u64 {
        self.inner.state
    }
}

/// (slots, live): the tape's node slots and how many hold live nodes (for tests).
#[pyfunction]
fn _tape_stats() -> (usize, usize) {
    let stats = rg::tape_stats();
    (stats.slots, stats.live)
}

// ---------------------------------------------------------------- module

/// micrograd's scalar autograd engine in Rust, with the reference's Python API.
#[pymodule]
fn rosettagrad_rs(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyValue>()?;
    m.add_class::<PyModuleBase>()?;
    m.add_class::<PyNeuron>()?;
    m.add_class::<PyLayer>()?;
    m.add_class::<PyMLP>()?;
    m.add_class::<PySGD>()?;
    m.add_class::<PyAdam>()?;
    m.add_class::<PySplitMix64>()?;
    m.add_function(wrap_pyfunction!(mse_loss, m)?)?;
    m.add_function(wrap_pyfunction!(sse_loss, m)?)?;
    m.add_function(wrap_pyfunction!(hinge_loss, m)?)?;
    m.add_function(wrap_pyfunction!(l2_penalty, m)?)?;
    m.add_function(wrap_pyfunction!(to_dot, m)?)?;
    m.add_function(wrap_pyfunction!(_tape_stats, m)?)?;
    m.add("__version__", rg::VERSION)?;
    let names = [
        "MLP",
        "SGD",
        "Adam",
        "Layer",
        "Module",
        "Neuron",
        "SplitMix64",
        "Value",
        "__version__",
        "hinge_loss",
        "l2_penalty",
        "mse_loss",
        "sse_loss",
        "to_dot",
    ];
    m.add("__all__", PyList::new(m.py(), names)?)?;
    add_submodules(m)
}

/// `rosettagrad_rs.engine`, `.nn`, … like the reference's files, so that the
/// micrograd lecture's `from micrograd.engine import Value` becomes
/// `from rosettagrad_rs.engine import Value`.
fn add_submodules(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let sys_modules = py.import("sys")?.getattr("modules")?;
    let package = sys_modules.get_item("rosettagrad_rs").ok();
    let files: [(&str, &[&str]); 6] = [
        ("engine", &["Value"]),
        ("nn", &["Module", "Neuron", "Layer", "MLP"]),
        (
            "losses",
            &["mse_loss", "sse_loss", "hinge_loss", "l2_penalty"],
        ),
        ("optim", &["SGD", "Adam"]),
        ("rng", &["SplitMix64"]),
        ("dot", &["to_dot"]),
    ];
    if let Some(package) = &package {
        // Not in __all__ (a test hook), so the package's `import *` skips it.
        package.setattr("_tape_stats", m.getattr("_tape_stats")?)?;
    }
    for (file, names) in files {
        let sub = PyModule::new(py, file)?;
        for name in names {
            sub.add(*name, m.getattr(*name)?)?;
        }
        sub.setattr("__name__", format!("rosettagrad_rs.{file}"))?;
        m.add(file, &sub)?;
        if let Some(package) = &package {
            package.setattr(file, &sub)?;
        }
        sys_modules.set_item(format!("rosettagrad_rs.{file}"), &sub)?;
    }
    Ok(())
}
