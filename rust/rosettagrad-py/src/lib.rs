//! `rosettagrad_rs`: the Rust engine with the Python reference's public API.
//!
//! Every class here is a thin handle on the `rosettagrad` crate, one file per
//! module of the Python package (engine, nn, losses, optim, rng, dot); this file
//! holds the shared argument helpers and assembles the module. A Python `Value`
//! owns one count on a node of the crate's tape; when Python drops it, the
//! crate reclaims whatever is no longer reachable, in bulk (rust/README.md,
//! "Design"). The crate's Values are `Send + Sync` (the tape sits behind a
//! lock that is only ever held inside the crate, never while Python code
//! runs), so every class may be used from any Python thread.
//!
//! Bad input raises what the reference raises: TypeError for a wrong type (and
//! NotImplemented from operators, so Python raises its usual TypeError),
//! ValueError for a wrong length or value. Nothing here panics on user input.

mod dot;
mod engine;
mod losses;
mod nn;
mod optim;
mod rng;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyInt, PyList};

use rosettagrad as rg;

pub(crate) use engine::*;
pub(crate) use nn::*;
pub(crate) use optim::*;
pub(crate) use rng::*;

pub(crate) const ACTIVATIONS: &str = "('tanh', 'relu', 'sigmoid', 'linear')";

pub(crate) fn type_name(x: &Bound<'_, PyAny>) -> String {
    x.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// An int or float as f64 (OverflowError for a huge int), `None` for anything else.
pub(crate) fn number(x: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
    if let Ok(f) = x.cast::<PyFloat>() {
        return Ok(Some(f.value()));
    }
    if x.is_instance_of::<PyInt>() {
        return Ok(Some(x.extract::<f64>()?));
    }
    Ok(None)
}

pub(crate) fn value_error(e: rg::Error) -> PyErr {
    PyValueError::new_err(e.to_string())
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
    m.add_function(wrap_pyfunction!(losses::mse_loss, m)?)?;
    m.add_function(wrap_pyfunction!(losses::sse_loss, m)?)?;
    m.add_function(wrap_pyfunction!(losses::hinge_loss, m)?)?;
    m.add_function(wrap_pyfunction!(losses::l2_penalty, m)?)?;
    m.add_function(wrap_pyfunction!(dot::to_dot, m)?)?;
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
