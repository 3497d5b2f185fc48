//! `SplitMix64` (python/src/rosettagrad/rng.py).

use pyo3::prelude::*;

use rosettagrad as rg;

use crate::*;

/// Steele, Lea and Flood's SplitMix64; all arithmetic mod 2^64 (SPEC §2.4).
#[pyclass(name = "SplitMix64", module = "rosettagrad_rs")]
pub struct PySplitMix64 {
    pub(crate) inner: rg::SplitMix64,
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
