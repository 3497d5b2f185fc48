//! `Value`: a handle on a node of the crate's tape (python/src/rosettagrad/engine.py).

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet, PyString,
    PyTuple,
};

use rosettagrad as rg;
use rosettagrad::Scalar;

use crate::*;

/// A scalar in a computation graph: its data, its grad, and where it came from.
#[pyclass(frozen, name = "Value", module = "rosettagrad_rs")]
pub struct PyValue {
    pub(crate) v: rg::Value,
}

pub(crate) fn wrap(py: Python<'_>, v: rg::Value) -> PyResult<Py<PyAny>> {
    Ok(Bound::new(py, PyValue { v })?.into_any().unbind())
}

/// The right operand of an arithmetic op, or `None` for NotImplemented.
pub(crate) enum Other<'a> {
    Value(&'a rg::Value),
    Number(f64),
}

pub(crate) fn other<'a>(x: &'a Bound<'_, PyAny>) -> PyResult<Option<Other<'a>>> {
    if let Ok(v) = x.cast::<PyValue>() {
        return Ok(Some(Other::Value(&v.get().v)));
    }
    let rule = "a Value's operand must be an int, a float or a Value";
    Ok(operand_number(x, rule)?.map(Other::Number))
}

/// An operand that is a number: an int or a float, and not a bool (SPEC §2.1). `None`
/// for a type the op does not know (NotImplemented: the other operand may still take
/// the op); a TypeError naming the type for one that can never be an operand (left to
/// Python, `Value(2) * "ab"` would ask the str to repeat itself, and name only Value).
fn operand_number(x: &Bound<'_, PyAny>, rule: &str) -> PyResult<Option<f64>> {
    let never = x.is_none()
        || x.is_instance_of::<PyBool>()
        || x.is_exact_instance_of::<PyString>()
        || x.is_exact_instance_of::<PyBytes>()
        || x.is_exact_instance_of::<PyByteArray>()
        || x.is_exact_instance_of::<PyList>()
        || x.is_exact_instance_of::<PyTuple>()
        || x.is_exact_instance_of::<PyDict>()
        || x.is_exact_instance_of::<PySet>()
        || x.is_exact_instance_of::<PyFrozenSet>();
    if never {
        return Err(PyTypeError::new_err(format!(
            "{rule}, got {}",
            type_name(x)
        )));
    }
    number(x)
}

/// `self op other` (or reflected): a Value or a number, else NotImplemented.
pub(crate) fn binop(
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
        match operand_number(k, "the exponent must be an int or float")? {
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

/// An int or a float, and not a bool (SPEC §2.1); `None` for anything else.
pub(crate) fn non_bool_number(x: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
    if x.is_instance_of::<PyBool>() {
        return Ok(None);
    }
    number(x)
}

pub(crate) fn data_number(x: &Bound<'_, PyAny>) -> PyResult<f64> {
    non_bool_number(x)?.ok_or_else(|| {
        PyTypeError::new_err(format!(
            "Value data must be an int or float, got {}",
            type_name(x)
        ))
    })
}

/// `_op` as the reference prints it: pow's exponent in Python's own spelling.
pub(crate) fn op_name(py: Python<'_>, v: &rg::Value) -> PyResult<String> {
    match v.pow_exponent() {
        Some((k, true)) => Ok(format!("**{}", k)),
        Some((k, false)) => Ok(format!("**{}", PyFloat::new(py, k).repr()?)),
        None => Ok(v.op()),
    }
}

pub(crate) fn as_value(x: &Bound<'_, PyAny>, what: &str) -> PyResult<rg::Value> {
    match x.cast::<PyValue>() {
        Ok(v) => Ok(v.get().v.clone()),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{what} must be Values, got {}",
            type_name(x)
        ))),
    }
}

pub(crate) fn scalar(x: &Bound<'_, PyAny>, what: &str) -> PyResult<Scalar> {
    if let Ok(v) = x.cast::<PyValue>() {
        return Ok(Scalar::Value(v.get().v.clone()));
    }
    match non_bool_number(x)? {
        Some(n) => Ok(Scalar::Number(n)),
        None => Err(PyTypeError::new_err(format!(
            "{what} must be Values or numbers, got {}",
            type_name(x)
        ))),
    }
}

pub(crate) fn values_list(py: Python<'_>, values: Vec<rg::Value>) -> PyResult<Bound<'_, PyList>> {
    let items: PyResult<Vec<Py<PyAny>>> = values.into_iter().map(|v| wrap(py, v)).collect();
    PyList::new(py, items?)
}

/// One Value when there is one output (micrograd's Layer), else a list.
pub(crate) fn one_or_list(py: Python<'_>, mut out: Vec<rg::Value>) -> PyResult<Py<PyAny>> {
    if out.len() == 1 {
        return wrap(py, out.remove(0));
    }
    Ok(values_list(py, out)?.into_any().unbind())
}
