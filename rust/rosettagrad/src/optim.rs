//! SGD and Adam with torch.optim's semantics, written out plainly (SPEC §2.6).
//!
//! A step takes the tape's lock once and updates every parameter in place.

use crate::engine::{Build, Value};
use crate::tape::tape;
use crate::Error;

fn check_params(params: &[Value]) -> Result<(), Error> {
    if params.is_empty() {
        return Err(Error::new("optimizer got an empty parameter list".into()));
    }
    Ok(())
}

fn check_non_negative(name: &str, x: f64) -> Result<(), Error> {
    if x >= 0.0 {
        return Ok(());
    }
    Err(Error::new(format!(
        "{name} must be >= 0, got {}",
        crate::dot::py_float(x)
    )))
}

fn zero_grad(params: &[Value]) {
    let mut t = tape();
    for p in params {
        t.set_grad(p.node_id(), 0.0);
    }
}

// region: SGD

/// p -= lr·g, with optional weight decay (g += wd·p) and momentum (buf = m·buf + g).
#[allow(clippy::upper_case_acronyms)] // the name every port shares
pub struct SGD {
    params: Vec<Value>,
    /// The learning rate; change it between steps for a schedule.
    pub lr: f64,
    momentum: f64,
    weight_decay: f64,
    buffers: Vec<Option<f64>>,
}

impl SGD {
    /// Plain SGD. Errors on an empty parameter list or a negative lr.
    pub fn new(params: Vec<Value>, lr: f64) -> Result<SGD, Error> {
        SGD::with_options(params, lr, 0.0, 0.0)
    }

    /// SGD with momentum and weight decay (both ≥ 0).
    pub fn with_options(
        params: Vec<Value>,
        lr: f64,
        momentum: f64,
        weight_decay: f64,
    ) -> Result<SGD, Error> {
        check_params(&params)?;
        check_non_negative("lr", lr)?;
        check_non_negative("momentum", momentum)?;
        check_non_negative("weight_decay", weight_decay)?;
        let buffers = vec![None; params.len()];
        Ok(SGD {
            params,
            lr,
            momentum,
            weight_decay,
            buffers,
        })
    }

    /// The parameters it updates.
    pub fn params(&self) -> &[Value] {
        &self.params
    }

    /// The momentum factor.
    pub fn momentum(&self) -> f64 {
        self.momentum
    }

    /// The weight decay.
    pub fn weight_decay(&self) -> f64 {
        self.weight_decay
    }

    /// One update of every parameter from its grad.
    pub fn step(&mut self) {
        let mut t = tape();
        for (p, buf) in self.params.iter().zip(&mut self.buffers) {
            let id = p.node_id();
            let mut g = t.grad(id);
            if self.weight_decay != 0.0 {
                g += self.weight_decay * t.data(id);
            }
            if self.momentum != 0.0 {
                // torch starts the buffer at the first gradient, not at zero.
                g = match *buf {
                    None => g,
                    Some(b) => self.momentum * b + g,
                };
                *buf = Some(g);
            }
            let data = t.data(id) - self.lr * g;
            t.set_data(id, data);
        }
    }

    /// Set every parameter's grad to 0.
    pub fn zero_grad(&self) {
        zero_grad(&self.params);
    }
}

// endregion

// region: Adam

/// Adaptive moments with bias correction: p -= lr·m̂ / (√v̂ + eps).
pub struct Adam {
    params: Vec<Value>,
    /// The learning rate; change it between steps for a schedule.
    pub lr: f64,
    betas: (f64, f64),
    eps: f64,
    weight_decay: f64,
    t: u64,
    m: Vec<f64>,
    v: Vec<f64>,
}

impl Adam {
    /// torch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay.
    pub fn new(params: Vec<Value>, lr: f64) -> Result<Adam, Error> {
        Adam::with_options(params, lr, (0.9, 0.999), 1e-8, 0.0)
    }

    /// Every option; betas must lie in [0, 1), lr, eps and weight decay be ≥ 0.
    pub fn with_options(
        params: Vec<Value>,
        lr: f64,
        betas: (f64, f64),
        eps: f64,
        weight_decay: f64,
    ) -> Result<Adam, Error> {
        check_params(&params)?;
        check_non_negative("lr", lr)?;
        for (name, beta) in [("beta1", betas.0), ("beta2", betas.1)] {
            if !(0.0..1.0).contains(&beta) {
                let shown = crate::dot::py_float(beta);
                return Err(Error::new(format!("{name} must be in [0, 1), got {shown}")));
            }
        }
        check_non_negative("eps", eps)?;
        check_non_negative("weight_decay", weight_decay)?;
        let n = params.len();
        Ok(Adam {
            params,
            lr,
            betas,
            eps,
            weight_decay,
            t: 0,
            m: vec![0.0; n],
            v: vec![0.0; n],
        })
    }

    /// The parameters it updates.
    pub fn params(&self) -> &[Value] {
        &self.params
    }

    /// (beta1, beta2).
    pub fn betas(&self) -> (f64, f64) {
        self.betas
    }

    /// The denominator's guard.
    pub fn eps(&self) -> f64 {
        self.eps
    }

    /// The weight decay.
    pub fn weight_decay(&self) -> f64 {
        self.weight_decay
    }

    /// How many steps were taken.
    pub fn steps(&self) -> u64 {
        self.t
    }

    /// One update of every parameter from its grad.
    pub fn step(&mut self) {
        self.t += 1;
        let (b1, b2) = self.betas;
        // powf, not powi: the library pow, exactly like the reference's `b1 ** t`.
        let (c1, c2) = (1.0 - b1.powf(self.t as f64), 1.0 - b2.powf(self.t as f64));
        let mut tape = tape();
        for (i, p) in self.params.iter().enumerate() {
            let id = p.node_id();
            let mut g = tape.grad(id);
            if self.weight_decay != 0.0 {
                g += self.weight_decay * tape.data(id);
            }
            self.m[i] = b1 * self.m[i] + (1.0 - b1) * g;
            self.v[i] = b2 * self.v[i] + (1.0 - b2) * g * g;
            let m_hat = self.m[i] / c1;
            let v_hat = self.v[i] / c2;
            let data = tape.data(id) - self.lr * m_hat / (v_hat.sqrt() + self.eps);
            tape.set_data(id, data);
        }
    }

    /// Set every parameter's grad to 0.
    pub fn zero_grad(&self) {
        zero_grad(&self.params);
    }
}

// endregion

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sgd_momentum_and_weight_decay_by_hand() {
        let p = Value::new(1.0);
        let mut opt = SGD::with_options(vec![p.clone()], 0.1, 0.9, 0.5).unwrap();
        p.set_grad(2.0);
        opt.step(); // g = 2 + 0.5 = 2.5, buf = 2.5
        assert_eq!(p.data(), 1.0 - 0.1 * 2.5);
        let d = p.data();
        opt.step(); // g = 2 + 0.5·d, buf = 0.9·2.5 + g
        assert_eq!(p.data(), d - 0.1 * (0.9 * 2.5 + (2.0 + 0.5 * d)));
        opt.zero_grad();
        assert_eq!(p.grad(), 0.0);
    }

    #[test]
    fn adam_first_step_moves_by_lr() {
        let p = Value::new(1.0);
        let mut opt = Adam::new(vec![p.clone()], 0.01).unwrap();
        p.set_grad(3.0);
        opt.step();
        // m̂ = g, v̂ = g², so the step is lr·g/(|g| + eps).
        assert!((p.data() - (1.0 - 0.01 * 3.0 / (3.0 + 1e-8))).abs() < 1e-15);
        assert_eq!(opt.steps(), 1);
    }

    #[test]
    fn bad_hyperparameters_are_errors() {
        assert!(SGD::new(vec![], 0.1).is_err());
        let p = || vec![Value::new(0.0)];
        assert_eq!(
            SGD::new(p(), -1.0).err().unwrap().to_string(),
            "lr must be >= 0, got -1.0"
        );
        assert!(SGD::new(p(), f64::NAN).is_err());
        assert!(SGD::with_options(p(), 0.1, -0.5, 0.0).is_err());
        assert!(Adam::with_options(p(), 0.1, (1.0, 0.9), 1e-8, 0.0).is_err());
        assert!(Adam::with_options(p(), 0.1, (0.9, 0.9), -1.0, 0.0).is_err());
    }
}
