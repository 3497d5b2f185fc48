//! Neuron, Layer and MLP on top of Value, as in micrograd.
//!
//! A forward pass takes the tape's lock once and builds the whole graph with
//! plain indices (SPEC §2.3's exact graph), instead of one lock per op.
//!
//! Bad input that other ports refuse at run time does not compile here; the
//! conformance adapter answers those `reject` cases with `compile-time` (SPEC §4.5):
//!
//! ```compile_fail
//! let _ = rosettagrad::Value::new("2"); // data that is not a number
//! ```
//! ```compile_fail
//! use rosettagrad::Value;
//! let _ = Value::new(2.0).powf(Value::new(3.0)); // a Value exponent
//! ```
//! ```compile_fail
//! let _ = rosettagrad::MLP::new(2, &[-1]); // a negative layer size
//! ```
//! ```compile_fail
//! let _ = rosettagrad::MLP::new(2, &[1]).forward_f64(None); // no list of inputs
//! ```
//! ```compile_fail
//! let _ = rosettagrad::MLP::new(2, &[1]).forward_f64(&["a", "b"]); // inputs that are strings
//! ```
//! ```compile_fail
//! use rosettagrad::{Activation::*, MLP};
//! let _ = MLP::with_options(2, &[1], Tanh, Linear, Some(18446744073709551616)); // seed 2^64
//! ```

use std::fmt;
use std::str::FromStr;

use crate::engine::{Build, Scalar, Value};
use crate::rng::{SplitMix64, Uniform};
use crate::tape::{tape, try_reserve_nodes, Operand, Tape};
use crate::Error;

/// A neuron's nonlinearity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// tanh(x)
    Tanh,
    /// max(0, x)
    Relu,
    /// 1 / (1 + e^-x)
    Sigmoid,
    /// x itself (no extra node)
    Linear,
}

impl Activation {
    /// The name used by every port: `"tanh"`, `"relu"`, `"sigmoid"`, `"linear"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::Sigmoid => "sigmoid",
            Activation::Linear => "linear",
        }
    }

    fn apply(self, g: &mut impl Build, act: u32) -> u32 {
        match self {
            Activation::Linear => act,
            Activation::Tanh => g.tanh(act),
            Activation::Relu => g.relu(act),
            Activation::Sigmoid => g.sigmoid(act),
        }
    }

    /// The nodes `apply` makes: one, or none for Linear.
    fn nodes(self) -> usize {
        usize::from(self != Activation::Linear)
    }
}

impl FromStr for Activation {
    type Err = Error;
    fn from_str(s: &str) -> Result<Activation, Error> {
        match s {
            "tanh" => Ok(Activation::Tanh),
            "relu" => Ok(Activation::Relu),
            "sigmoid" => Ok(Activation::Sigmoid),
            "linear" => Ok(Activation::Linear),
            _ => Err(Error::new(format!(
                "unknown activation '{s}': expected one of ('tanh', 'relu', 'sigmoid', 'linear')"
            ))),
        }
    }
}

/// Anything with parameters.
pub trait Module {
    /// The trainable Values, in canonical order; they share state with the model.
    fn parameters(&self) -> Vec<Value>;

    // region: zero_grad
    /// Set every parameter's grad to 0 (leaves accumulate until this is called).
    fn zero_grad(&self) {
        let params = self.parameters();
        let mut t = tape();
        for p in &params {
            t.set_grad(p.node_id(), 0.0);
        }
    }
    // endregion
}

// region: Neuron

/// act(b + Σ w_i·x_i), weights uniform in [-1, 1), bias 0.
#[derive(Clone)]
pub struct Neuron {
    w: Vec<Value>,
    b: Value,
    activation: Activation,
}

impl Neuron {
    /// A neuron of `nin` inputs drawing its weights from `rng`.
    ///
    /// # Panics
    /// If `nin` is 0 or the neuron cannot fit (see [`Neuron::try_new`]).
    pub fn new(nin: usize, activation: Activation, rng: &mut impl Uniform) -> Neuron {
        Neuron::try_new(nin, activation, rng).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Like [`Neuron::new`]; an error if `nin` is 0 or its `nin + 1` parameters cannot fit.
    pub fn try_new(
        nin: usize,
        activation: Activation,
        rng: &mut impl Uniform,
    ) -> Result<Neuron, Error> {
        check_size("nin", nin)?;
        check_parameter_count(|| format!("Neuron({nin})"), nin as u128 + 1)?;
        Ok(Neuron::build(nin, activation, rng))
    }

    fn build(nin: usize, activation: Activation, rng: &mut impl Uniform) -> Neuron {
        let w = (0..nin)
            .map(|_| Value::new(rng.uniform(-1.0, 1.0)))
            .collect();
        Neuron {
            w,
            b: Value::new(0.0),
            activation,
        }
    }

    /// The weights.
    pub fn weights(&self) -> &[Value] {
        &self.w
    }

    /// The bias.
    pub fn bias(&self) -> &Value {
        &self.b
    }

    /// The nonlinearity.
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// act(b + Σ w_i·x_i); an error naming both lengths if `x` has the wrong length.
    pub fn forward(&self, x: &[Value]) -> Result<Value, Error> {
        let x: Vec<Scalar> = x.iter().cloned().map(Scalar::Value).collect();
        self.forward_scalars(&x)
    }

    /// Like [`Neuron::forward`], for inputs that may mix Values and numbers.
    pub fn forward_scalars(&self, x: &[Scalar]) -> Result<Value, Error> {
        let x: Vec<Operand> = x.iter().map(Scalar::operand).collect();
        self.check(x.len())?;
        Ok(Value::owned(self.forward_raw(&mut tape(), &x)))
    }

    fn check(&self, n: usize) -> Result<(), Error> {
        if n == self.w.len() {
            return Ok(());
        }
        Err(Error::new(format!(
            "Neuron expects {} inputs, got {}",
            self.w.len(),
            n
        )))
    }

    /// act(b + Σ w_i·x_i), counted.
    fn forward_raw(&self, t: &mut Tape, x: &[Operand]) -> u32 {
        t.collect_if_due();
        // A product and a sum per input, a leaf per number and the activation:
        // written through one run of free slots if it has room for them all
        // (tape.rs, `Run`).
        let numbers = x.iter().filter(|xi| matches!(xi, Operand::Const(_)));
        let nodes = 2 * self.w.len() + numbers.count() + self.activation.nodes();
        let in_run = t.free_run(nodes).map(|mut run| {
            let out = self.output(&mut run, x);
            debug_assert_eq!(run.used(), nodes, "a neuron's nodes, counted for its run");
            out
        });
        let out = in_run.unwrap_or_else(|| self.output(t, x));
        // Counted: the caller holds it across the next neuron's collect_if_due.
        t.counted(out)
    }

    /// The same graph as the reference: act = b; act = act + w_i * x_i; then
    /// the activation.
    #[inline(always)] // into each caller, so a run's arrays stay in registers
    fn output(&self, g: &mut impl Build, x: &[Operand]) -> u32 {
        let mut act = self.b.node_id();
        for (wi, &xi) in self.w.iter().zip(x) {
            let term = g.binary(Build::mul, Operand::Node(wi.node_id()), xi);
            act = g.add(act, term);
        }
        self.activation.apply(g, act)
    }
}

impl Module for Neuron {
    fn parameters(&self) -> Vec<Value> {
        let mut p = self.w.clone();
        p.push(self.b.clone());
        p
    }
}

impl fmt::Debug for Neuron {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.activation.as_str();
        let capitalized = name[..1].to_uppercase() + &name[1..];
        write!(f, "{capitalized}Neuron({})", self.w.len())
    }
}

// endregion

// region: Layer

/// `nout` neurons reading the same inputs.
#[derive(Clone)]
pub struct Layer {
    neurons: Vec<Neuron>,
}

impl Layer {
    /// `nout` neurons of `nin` inputs each, drawn neuron by neuron from `rng`.
    ///
    /// # Panics
    /// If a size is 0 or the layer cannot fit (see [`Layer::try_new`]).
    pub fn new(nin: usize, nout: usize, activation: Activation, rng: &mut impl Uniform) -> Layer {
        Layer::try_new(nin, nout, activation, rng).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Like [`Layer::new`]; an error if a size is 0 or its parameters cannot fit.
    pub fn try_new(
        nin: usize,
        nout: usize,
        activation: Activation,
        rng: &mut impl Uniform,
    ) -> Result<Layer, Error> {
        check_size("nin", nin)?;
        check_size("nout", nout)?;
        let count = (nin as u128 + 1) * nout as u128;
        check_parameter_count(|| format!("Layer({nin}, {nout})"), count)?;
        Ok(Layer::build(nin, nout, activation, rng))
    }

    fn build(nin: usize, nout: usize, activation: Activation, rng: &mut impl Uniform) -> Layer {
        Layer {
            neurons: (0..nout)
                .map(|_| Neuron::build(nin, activation, rng))
                .collect(),
        }
    }

    /// The neurons.
    pub fn neurons(&self) -> &[Neuron] {
        &self.neurons
    }

    /// One output per neuron (the Python API unwraps a single one).
    pub fn forward(&self, x: &[Value]) -> Result<Vec<Value>, Error> {
        let x: Vec<Operand> = x.iter().map(|v| Operand::Node(v.node_id())).collect();
        self.forward_operands(&x)
    }

    /// Like [`Layer::forward`], for inputs that may mix Values and numbers.
    pub fn forward_scalars(&self, x: &[Scalar]) -> Result<Vec<Value>, Error> {
        let x: Vec<Operand> = x.iter().map(Scalar::operand).collect();
        self.forward_operands(&x)
    }

    fn forward_operands(&self, x: &[Operand]) -> Result<Vec<Value>, Error> {
        self.neurons[0].check(x.len())?;
        let ids = {
            let mut t = tape();
            self.forward_raw(&mut t, x)
        };
        Ok(ids.into_iter().map(Value::owned).collect())
    }

    fn forward_raw(&self, t: &mut Tape, x: &[Operand]) -> Vec<u32> {
        self.neurons.iter().map(|n| n.forward_raw(t, x)).collect()
    }
}

impl Module for Layer {
    fn parameters(&self) -> Vec<Value> {
        self.neurons.iter().flat_map(Module::parameters).collect()
    }
}

impl fmt::Debug for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self.neurons.iter().map(|n| format!("{n:?}")).collect();
        write!(f, "Layer of [{}]", names.join(", "))
    }
}

// endregion

// region: MLP

/// Layers nin → nouts\[0\] → … → nouts\[-1\]; the last uses the output activation.
///
/// ```
/// use rosettagrad::{hinge_loss, Activation, Module, MLP, SGD};
/// let model = MLP::with_options(2, &[16, 16, 1], Activation::Relu, Activation::Linear, Some(1337))?;
/// let mut sgd = SGD::new(model.parameters(), 0.1)?;
/// let scores = vec![model.forward_f64(&[0.5, -1.0])?[0].clone()];
/// let loss = hinge_loss(&scores, &[1.0])?;
/// sgd.zero_grad();
/// loss.backward();
/// sgd.step();
/// # Ok::<(), rosettagrad::Error>(())
/// ```
#[allow(clippy::upper_case_acronyms)] // the name every port shares
#[derive(Clone)]
pub struct MLP {
    layers: Vec<Layer>,
}

impl MLP {
    /// tanh hidden layers, a linear output, unseeded weights.
    ///
    /// # Panics
    /// If `nin` or a layer size is 0, or `nouts` is empty (see [`MLP::with_options`]).
    pub fn new(nin: usize, nouts: &[usize]) -> MLP {
        match MLP::with_options(nin, nouts, Activation::Tanh, Activation::Linear, None) {
            Ok(mlp) => mlp,
            Err(e) => panic!("{e}"),
        }
    }

    /// Every option; with a `seed`, the weights are bit-identical in every port.
    pub fn with_options(
        nin: usize,
        nouts: &[usize],
        activation: Activation,
        output_activation: Activation,
        seed: Option<u64>,
    ) -> Result<MLP, Error> {
        let mut rng = seed.map_or_else(SplitMix64::from_entropy, SplitMix64::new);
        MLP::with_rng(nin, nouts, activation, output_activation, &mut rng)
    }

    /// Every option, weights drawn from any [`Uniform`] source in canonical order.
    pub fn with_rng(
        nin: usize,
        nouts: &[usize],
        activation: Activation,
        output_activation: Activation,
        rng: &mut impl Uniform,
    ) -> Result<MLP, Error> {
        if nouts.is_empty() {
            return Err(Error::new(
                "MLP needs at least one layer: nouts is empty".into(),
            ));
        }
        let sizes: Vec<usize> = std::iter::once(nin).chain(nouts.iter().copied()).collect();
        check_size("nin", nin)?;
        for &n in nouts {
            check_size("nout", n)?;
        }
        let count: u128 = sizes
            .windows(2)
            .map(|w| (w[0] as u128 + 1) * w[1] as u128)
            .sum();
        check_parameter_count(|| format!("MLP({nin}, {nouts:?})"), count)?;
        let last = nouts.len() - 1;
        let layers = (0..nouts.len())
            .map(|i| {
                let act = if i == last {
                    output_activation
                } else {
                    activation
                };
                Layer::build(sizes[i], sizes[i + 1], act, rng)
            })
            .collect();
        Ok(MLP { layers })
    }

    /// The layers.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The outputs (one per neuron of the last layer) for inputs that are Values.
    pub fn forward(&self, x: &[Value]) -> Result<Vec<Value>, Error> {
        let x: Vec<Operand> = x.iter().map(|v| Operand::Node(v.node_id())).collect();
        self.forward_operands(&x)
    }

    /// The outputs for plain-number inputs (each use becomes a leaf, as `w * 0.5` does).
    pub fn forward_f64(&self, x: &[f64]) -> Result<Vec<Value>, Error> {
        let x: Vec<Operand> = x.iter().map(|&v| Operand::Const(v)).collect();
        self.forward_operands(&x)
    }

    /// The outputs for inputs that may mix Values and numbers.
    pub fn forward_scalars(&self, x: &[Scalar]) -> Result<Vec<Value>, Error> {
        let x: Vec<Operand> = x.iter().map(Scalar::operand).collect();
        self.forward_operands(&x)
    }

    /// One lock for the whole pass; layer outputs are owned ids until wrapped.
    fn forward_operands(&self, x: &[Operand]) -> Result<Vec<Value>, Error> {
        self.layers[0].neurons[0].check(x.len())?;
        let ids = {
            let mut t = tape();
            let mut out = self.layers[0].forward_raw(&mut t, x);
            for layer in &self.layers[1..] {
                let inputs: Vec<Operand> = out.iter().map(|&id| Operand::Node(id)).collect();
                let next = layer.forward_raw(&mut t, &inputs);
                out.into_iter().for_each(|id| t.release(id));
                out = next;
            }
            out
        };
        Ok(ids.into_iter().map(Value::owned).collect())
    }
}

impl Module for MLP {
    fn parameters(&self) -> Vec<Value> {
        self.layers.iter().flat_map(Module::parameters).collect()
    }
}

impl fmt::Debug for MLP {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self.layers.iter().map(|l| format!("{l:?}")).collect();
        write!(f, "MLP of [{}]", names.join(", "))
    }
}

// endregion

/// SPEC §2.3: a model of more parameters than this is refused before it is built
/// (the tape addresses its nodes with `u32`).
pub const MAX_PARAMETERS: u128 = u32::MAX as u128;

fn check_size(name: &str, n: usize) -> Result<(), Error> {
    if n < 1 {
        return Err(Error::new(format!("{name} must be at least 1, got {n}")));
    }
    Ok(())
}

/// Refuse a model that cannot fit before allocating any of it: more than
/// [`MAX_PARAMETERS`], or more than the tape can reserve room for.
fn check_parameter_count(what: impl Fn() -> String, count: u128) -> Result<(), Error> {
    if count > MAX_PARAMETERS {
        return Err(Error::new(format!(
            "{} would have {count} parameters, more than fit here (at most {MAX_PARAMETERS})",
            what()
        )));
    }
    try_reserve_nodes(count as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_init_is_splitmix_in_canonical_order() {
        let model =
            MLP::with_options(2, &[3, 1], Activation::Tanh, Activation::Linear, Some(42)).unwrap();
        let mut rng = SplitMix64::new(42);
        let params = model.parameters();
        assert_eq!(params.len(), 3 * 3 + 4);
        for layer in model.layers() {
            for n in layer.neurons() {
                for w in n.weights() {
                    assert_eq!(w.data(), -1.0 + 2.0 * rng.random());
                }
                assert_eq!(n.bias().data(), 0.0);
            }
        }
    }

    #[test]
    fn forward_matches_hand_computation() {
        let model =
            MLP::with_options(2, &[2, 1], Activation::Relu, Activation::Linear, Some(7)).unwrap();
        let p: Vec<f64> = model.parameters().iter().map(Value::data).collect();
        let x = [0.5, -1.5];
        let h: Vec<f64> = (0..2)
            .map(|j| {
                let base = 3 * j;
                let act = p[base + 2] + p[base] * x[0] + p[base + 1] * x[1];
                if act > 0.0 {
                    act
                } else {
                    0.0
                }
            })
            .collect();
        let y = p[8] + p[6] * h[0] + p[7] * h[1];
        let out = model.forward_f64(&x).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].data(), y);
        assert_eq!(out[0].op(), "+");
    }

    #[test]
    fn wrong_input_length_names_both() {
        let model = MLP::new(3, &[2]);
        let err = model.forward_f64(&[1.0]).unwrap_err();
        assert_eq!(err.to_string(), "Neuron expects 3 inputs, got 1");
        assert!(MLP::with_options(3, &[], Activation::Tanh, Activation::Linear, None).is_err());
        assert!(MLP::with_options(3, &[0], Activation::Tanh, Activation::Linear, None).is_err());
    }

    #[test]
    fn a_model_too_large_is_refused_before_it_is_built_naming_the_count() {
        let (t, l) = (Activation::Tanh, Activation::Linear);
        let err = MLP::with_options(1_000_000, &[1_000_000], t, l, Some(1)).unwrap_err();
        assert!(
            err.to_string().contains("1000001000000 parameters"),
            "{err}"
        );
        let err = MLP::with_options(1 << 16, &[1 << 16], t, l, None).unwrap_err();
        assert!(err.to_string().contains("4295032832"), "{err}");
        let err = Layer::try_new(1_000_000, 1_000_000, t, &mut SplitMix64::new(1)).unwrap_err();
        assert!(err.to_string().contains("1000001000000"), "{err}");
        let err = Neuron::try_new(1 << 32, t, &mut SplitMix64::new(1)).unwrap_err();
        assert!(err.to_string().contains("4294967297"), "{err}");
        let err = Neuron::try_new(0, t, &mut SplitMix64::new(1)).unwrap_err();
        assert_eq!(err.to_string(), "nin must be at least 1, got 0");
        let err = Layer::try_new(2, 0, t, &mut SplitMix64::new(1)).unwrap_err();
        assert_eq!(err.to_string(), "nout must be at least 1, got 0");
        assert_eq!(MLP::new(2, &[3, 1]).parameters().len(), 13);
    }

    #[test]
    fn parameters_share_state_and_zero_grad_clears() {
        let model = MLP::new(1, &[1]);
        let p = model.parameters();
        p[0].set_data(2.0);
        p[1].set_data(0.5);
        let y = model.forward_f64(&[3.0]).unwrap();
        assert_eq!(y[0].data(), 6.5);
        y[0].backward();
        assert_eq!(p[0].grad(), 3.0);
        model.zero_grad();
        assert_eq!(p[0].grad(), 0.0);
        assert_eq!(format!("{model:?}"), "MLP of [Layer of [LinearNeuron(1)]]");
        assert_eq!("relu".parse::<Activation>().unwrap(), Activation::Relu);
        assert!("bogus".parse::<Activation>().is_err());
    }
}
