//! # rosettagrad
//!
//! micrograd's scalar autograd engine — `Value`, `Neuron`, `Layer`, `MLP` — in
//! Rust, with no dependencies. The same API, graph and numbers as the Python
//! reference (`conformance/SPEC.md` §2), on a tape of nodes addressed by index.
//!
//! ```
//! use rosettagrad::{Value, MLP, Module, SGD, mse_loss};
//!
//! let a = Value::new(-4.0);
//! let b = Value::new(2.0);
//! let c = &a + &b;
//! let d = (&a * &b + b.powi(3)).relu() + 2.0 * &c;
//! d.backward();
//! // a·b + b³ = 0 and relu'(0) = 0, so only 2·c contributes.
//! assert_eq!((d.data(), a.grad(), b.grad()), (-4.0, 2.0, 2.0));
//!
//! let model = MLP::new(3, &[4, 4, 1]);
//! let mut sgd = SGD::new(model.parameters(), 0.05)?;
//! let ys = vec![model.forward_f64(&[2.0, 3.0, -1.0])?];
//! let loss = mse_loss(&ys, &[vec![1.0]])?;
//! sgd.zero_grad();
//! loss.backward();
//! sgd.step();
//! # Ok::<(), rosettagrad::Error>(())
//! ```

#![warn(missing_docs)]

mod dot;
mod engine;
mod losses;
mod nn;
mod optim;
mod rng;
mod tape;

pub use dot::{to_dot, to_dot_with};
pub use engine::{Scalar, Value};
pub use losses::{
    hinge_loss, hinge_loss_rows, l2_penalty, mse_loss, mse_loss_rows, sse_loss, sse_loss_rows,
};
pub use nn::{Activation, Layer, Module, Neuron, MLP};
pub use optim::{Adam, SGD};
pub use rng::{SplitMix64, Uniform};
pub use tape::{tape_stats, try_reserve_nodes, TapeStats};

/// The Rust example of rust/README.md, compiled and run by `cargo test`.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The version of this crate (the same as every port's).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Bad input: a wrong length, an empty list, a bad hyperparameter. The message
/// says which and names the numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    pub(crate) fn new(message: String) -> Error {
        Error { message }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
