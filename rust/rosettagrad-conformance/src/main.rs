//! The conformance adapter (protocol 1) of the Rust crate: evaluate cases, print JSON, judge nothing.
//!
//! ```text
//! rosettagrad-conformance describe
//! rosettagrad-conformance run IN.json
//! ```
//!
//! The harness (conformance/harness.py) strips the expectations, runs this, and
//! compares (conformance/SPEC.md). It mirrors the Python adapter
//! (`python -m rosettagrad.conformance`) step by step, so both build the same graphs.

use std::collections::HashMap;
use std::process::ExitCode;

use rosettagrad::{
    self as rg, Activation, Adam, Layer, Module, Neuron, Scalar, SplitMix64, Value, MLP, SGD,
};
use serde_json::{json, Map, Value as Json};

const PROTOCOL: u64 = 1;

/// Every feature of conformance/features.json: the crate implements all of them.
const FEATURES: &[&str] = &[
    "op.add",
    "op.sub",
    "op.mul",
    "op.div",
    "op.neg",
    "op.pow",
    "op.relu",
    "op.tanh",
    "op.exp",
    "op.log",
    "op.sigmoid",
    "graph.const",
    "graph.reuse",
    "graph.deep",
    "graph.wide",
    "backward.repeat",
    "ieee.nonfinite",
    "mlp",
    "act.tanh",
    "act.relu",
    "act.sigmoid",
    "act.linear",
    "loss.mse",
    "loss.sse",
    "loss.hinge",
    "reg.l2",
    "train.sgd",
    "train.sgd.momentum",
    "train.weight_decay",
    "train.adam",
    "init.seed",
    "init.seed.u64",
    "reject",
    "reject.value",
    "reject.op",
    "reject.module",
    "reject.seed",
    "reject.call",
    "reject.optimizer",
    "reject.loss",
    "reject.memory",
];

type Result<T> = std::result::Result<T, String>;

/// A case-file number: a JSON number or one of "nan", "inf", "-inf".
fn number(x: &Json) -> Result<f64> {
    match x {
        Json::Number(n) => n.as_f64().ok_or_else(|| format!("not a double: {n}")),
        Json::String(s) if s == "nan" => Ok(f64::NAN),
        Json::String(s) if s == "inf" => Ok(f64::INFINITY),
        Json::String(s) if s == "-inf" => Ok(f64::NEG_INFINITY),
        other => Err(format!(
            "expected a number or 'nan'/'inf'/'-inf', got {other}"
        )),
    }
}

/// JSON has no NaN or infinities: they travel as strings.
fn encode(x: f64) -> Json {
    if x.is_nan() {
        json!("nan")
    } else if x.is_infinite() {
        json!(if x > 0.0 { "inf" } else { "-inf" })
    } else {
        json!(x)
    }
}

fn field<'a>(obj: &'a Json, key: &str) -> Result<&'a Json> {
    obj.get(key).ok_or_else(|| format!("missing field {key:?}"))
}

fn array<'a>(obj: &'a Json, key: &str) -> Result<&'a Vec<Json>> {
    field(obj, key)?
        .as_array()
        .ok_or_else(|| format!("field {key:?} is not an array"))
}

fn numbers(x: &Json) -> Result<Vec<f64>> {
    x.as_array()
        .ok_or_else(|| format!("expected an array, got {x}"))?
        .iter()
        .map(number)
        .collect()
}

fn usize_of(x: &Json) -> Result<usize> {
    x.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| format!("expected a size, got {x}"))
}

fn string<'a>(obj: &'a Json, key: &str) -> Result<&'a str> {
    field(obj, key)?
        .as_str()
        .ok_or_else(|| format!("field {key:?} is not a string"))
}

fn err(e: rg::Error) -> String {
    e.to_string()
}

// ---- expr: a straight-line program over Values ----

enum Arg {
    Value(Value),
    Number(f64),
}

fn binary(op: &str, a: Arg, b: Arg) -> Result<Value> {
    use Arg::{Number as N, Value as V};
    Ok(match (op, a, b) {
        ("add", V(a), V(b)) => &a + &b,
        ("add", V(a), N(b)) => &a + b,
        ("add", N(a), V(b)) => a + &b,
        ("sub", V(a), V(b)) => &a - &b,
        ("sub", V(a), N(b)) => &a - b,
        ("sub", N(a), V(b)) => a - &b,
        ("mul", V(a), V(b)) => &a * &b,
        ("mul", V(a), N(b)) => &a * b,
        ("mul", N(a), V(b)) => a * &b,
        ("div", V(a), V(b)) => &a / &b,
        ("div", V(a), N(b)) => &a / b,
        ("div", N(a), V(b)) => a / &b,
        (op, N(_), N(_)) => return Err(format!("op {op:?}: at least one operand must be a name")),
        (op, _, _) => return Err(format!("unknown op {op:?}")),
    })
}

fn run_expr(case: &Json) -> Result<Json> {
    let mut names: Vec<String> = Vec::new();
    let mut env: HashMap<String, Value> = HashMap::new();
    let inputs = field(case, "inputs")?
        .as_object()
        .ok_or("inputs is not an object")?;
    for (name, x) in inputs {
        env.insert(name.clone(), Value::new(number(x)?).with_label(name));
        names.push(name.clone());
    }
    let get = |env: &HashMap<String, Value>, name: &Json| -> Result<Value> {
        let name = name
            .as_str()
            .ok_or_else(|| format!("expected a name, got {name}"))?;
        env.get(name)
            .cloned()
            .ok_or_else(|| format!("name {name:?} is used before it is defined"))
    };
    for op in array(case, "ops")? {
        let op = op.as_array().ok_or("an op is not an array")?;
        let (name, opname) = match (
            op.first().and_then(Json::as_str),
            op.get(1).and_then(Json::as_str),
        ) {
            (Some(n), Some(o)) => (n.to_string(), o),
            _ => return Err(format!("bad op {op:?}")),
        };
        if env.contains_key(&name) {
            return Err(format!("name {name:?} is defined twice"));
        }
        let arg = |i: usize| -> Result<Arg> {
            let a = op
                .get(i)
                .ok_or_else(|| format!("op {name:?} lacks argument {i}"))?;
            // A name is a Value defined earlier; a number is a constant the engine wraps.
            if a.is_string() {
                return Ok(Arg::Value(get(&env, a)?));
            }
            Ok(Arg::Number(number(a)?))
        };
        let out = match opname {
            "add" | "sub" | "mul" | "div" => binary(opname, arg(2)?, arg(3)?)?,
            "neg" => -get(&env, &op[2])?,
            "relu" => get(&env, &op[2])?.relu(),
            "tanh" => get(&env, &op[2])?.tanh(),
            "exp" => get(&env, &op[2])?.exp(),
            "log" => get(&env, &op[2])?.log(),
            "sigmoid" => get(&env, &op[2])?.sigmoid(),
            "pow" => {
                let k = number(op.get(3).ok_or("pow lacks its exponent")?)?;
                get(&env, &op[2])?.powf(k)
            }
            other => return Err(format!("unknown op {other:?}")),
        };
        env.insert(name.clone(), out);
        names.push(name);
    }
    let output = get(&env, field(case, "output")?)?;
    let calls = case
        .get("backward_calls")
        .map(usize_of)
        .transpose()?
        .unwrap_or(1);
    for _ in 0..calls {
        output.backward();
    }
    let grads: Map<String, Json> = names
        .iter()
        .map(|n| (n.clone(), encode(env[n].grad())))
        .collect();
    Ok(json!({"value": encode(output.data()), "grads": grads}))
}

// ---- mlp, train, init: the nn layer ----

fn activation(model: &Json, key: &str) -> Result<Activation> {
    string(model, key)?.parse().map_err(err)
}

fn new_mlp(case: &Json, seed: u64) -> Result<MLP> {
    let m = field(case, "model")?;
    let nin = usize_of(field(m, "nin")?)?;
    let nouts: Vec<usize> = array(m, "nouts")?
        .iter()
        .map(usize_of)
        .collect::<Result<_>>()?;
    let (act, out_act) = (
        activation(m, "activation")?,
        activation(m, "output_activation")?,
    );
    MLP::with_options(nin, &nouts, act, out_act, Some(seed)).map_err(err)
}

/// The case's model with its explicit parameters.
fn build_model(case: &Json) -> Result<MLP> {
    // The seed only makes construction deterministic; the case's parameters replace it.
    let model = new_mlp(case, 0)?;
    let params = model.parameters();
    let values = numbers(field(case, "parameters")?)?;
    if values.len() != params.len() {
        return Err(format!(
            "model has {} parameters, case gives {}",
            params.len(),
            values.len()
        ));
    }
    params.iter().zip(values).for_each(|(p, x)| p.set_data(x));
    Ok(model)
}

/// The outputs (rows of K Values) and the case's loss (SPEC §2.5).
fn forward_loss(model: &MLP, case: &Json) -> Result<(Vec<Vec<Value>>, Value)> {
    let mut rows = Vec::new();
    for row in array(case, "inputs")? {
        rows.push(model.forward_f64(&numbers(row)?).map_err(err)?);
    }
    let targets: Vec<Vec<f64>> = array(case, "targets")?
        .iter()
        .map(numbers)
        .collect::<Result<_>>()?;
    let spec = field(case, "loss")?;
    let loss = match string(spec, "name")? {
        "mse" => rg::mse_loss(&rows, &targets),
        "sse" => rg::sse_loss(&rows, &targets),
        "hinge" => {
            let ts: Vec<Vec<rg::Scalar>> = targets
                .iter()
                .map(|t| t.iter().map(|&x| rg::Scalar::Number(x)).collect())
                .collect();
            rg::hinge_loss_rows(&rows, &ts)
        }
        other => return Err(format!("unknown loss {other:?}")),
    }
    .map_err(err)?;
    let l2 = spec.get("l2").map(number).transpose()?.unwrap_or(0.0);
    let loss = if l2 != 0.0 {
        loss + l2 * rg::l2_penalty(&model.parameters())
    } else {
        loss
    };
    Ok((rows, loss))
}

fn run_mlp(case: &Json) -> Result<Json> {
    let model = build_model(case)?;
    let (rows, loss) = forward_loss(&model, case)?;
    loss.backward();
    let outputs: Vec<Vec<Json>> = rows
        .iter()
        .map(|r| r.iter().map(|v| encode(v.data())).collect())
        .collect();
    let grads: Vec<Json> = model
        .parameters()
        .iter()
        .map(|p| encode(p.grad()))
        .collect();
    Ok(json!({"outputs": outputs, "loss": encode(loss.data()), "grads": grads}))
}

enum Optimizer {
    Sgd(SGD),
    Adam(Adam),
}

impl Optimizer {
    fn new(params: Vec<Value>, spec: &Json) -> Result<Optimizer> {
        let get = |key: &str, default: f64| {
            spec.get(key)
                .map(number)
                .transpose()
                .map(|x| x.unwrap_or(default))
        };
        let lr = number(field(spec, "lr")?)?;
        let wd = get("weight_decay", 0.0)?;
        match string(spec, "name")? {
            "sgd" => Ok(Optimizer::Sgd(
                SGD::with_options(params, lr, get("momentum", 0.0)?, wd).map_err(err)?,
            )),
            "adam" => {
                let betas = (get("beta1", 0.9)?, get("beta2", 0.999)?);
                let adam =
                    Adam::with_options(params, lr, betas, get("eps", 1e-8)?, wd).map_err(err)?;
                Ok(Optimizer::Adam(adam))
            }
            other => Err(format!("unknown optimizer {other:?}")),
        }
    }

    fn zero_grad(&self) {
        match self {
            Optimizer::Sgd(o) => o.zero_grad(),
            Optimizer::Adam(o) => o.zero_grad(),
        }
    }

    fn step(&mut self) {
        match self {
            Optimizer::Sgd(o) => o.step(),
            Optimizer::Adam(o) => o.step(),
        }
    }
}

fn run_train(case: &Json) -> Result<Json> {
    let model = build_model(case)?;
    let params = model.parameters();
    let mut opt = Optimizer::new(params.clone(), field(case, "optimizer")?)?;
    let mut losses = Vec::new();
    for _ in 0..usize_of(field(case, "steps")?)? {
        opt.zero_grad();
        let (_, loss) = forward_loss(&model, case)?;
        losses.push(encode(loss.data()));
        loss.backward();
        opt.step();
    }
    let parameters: Vec<Json> = params.iter().map(|p| encode(p.data())).collect();
    Ok(json!({"losses": losses, "parameters": parameters}))
}

fn run_init(case: &Json) -> Result<Json> {
    // A decimal string: exact for every 64-bit seed.
    let seed = string(case, "seed")?;
    let seed: u64 = seed
        .parse()
        .map_err(|_| format!("seed {seed:?} is not an integer in 0 .. 2^64 - 1"))?;
    let model = new_mlp(case, seed)?;
    let parameters: Vec<Json> = model
        .parameters()
        .iter()
        .map(|p| encode(p.data()))
        .collect();
    Ok(json!({"parameters": parameters}))
}

// ---- reject: a call that must fail (SPEC §4.5) ----
//
// Rust's types turn many of these calls into programs that do not compile: a string
// where `f64` is expected, a negative `usize`, a Value exponent. Each argument is
// converted to the type the crate's parameter has, exactly as far as a Rust caller
// could write it; where no Rust program could, the case is answered with what the
// compiler says, `raised: "compile-time"` (the crate's doc tests `compile_fail` show
// the compiler refusing each kind). Everything else is a real call to the crate.

/// Why the call under test failed: the compiler, or the crate's `Error` at run time.
enum Refused {
    CompileTime(String),
    Error(rg::Error),
}

type Call<T> = std::result::Result<T, Refused>;

/// A JSON argument as a Rust programmer would see it, for the compiler's message.
fn kind_of(x: &Json) -> String {
    match x {
        Json::Null => "null (no `None` where a value is required)".into(),
        Json::Bool(b) => format!("bool `{b}`"),
        Json::Number(n) if n.is_f64() => format!("floating-point number `{n}`"),
        Json::Number(n) => format!("integer `{n}`"),
        Json::String(s) => format!("string {s:?}"),
        Json::Array(_) => "list (a `Vec`)".into(),
        Json::Object(o) if o.contains_key("$value") => "Value".into(),
        Json::Object(o) if o.contains_key("$num") => {
            format!("floating-point number `{}`", o["$num"])
        }
        Json::Object(o) if o.contains_key("$int") => format!("integer `{}`", o["$int"]),
        Json::Object(_) => "object (a map)".into(),
    }
}

fn compile_error<T>(param: &str, expected: &str, x: &Json) -> Call<T> {
    Err(Refused::CompileTime(format!(
        "{param}: expected `{expected}`, found {}",
        kind_of(x)
    )))
}

fn tagged<'a>(x: &'a Json, tag: &str) -> Option<&'a Json> {
    x.as_object()
        .filter(|o| o.len() == 1)
        .and_then(|o| o.get(tag))
}

fn arg_f64(param: &str, x: &Json) -> Call<f64> {
    match (x, tagged(x, "$num")) {
        (Json::Number(n), _) => Ok(n.as_f64().unwrap_or(f64::NAN)),
        (_, Some(special)) => number(special).map_err(Refused::CompileTime),
        _ => compile_error(param, "f64", x),
    }
}

/// A `(f64, f64)`: a list of two numbers is one; a list of any other length does not compile.
fn arg_pair(param: &str, x: &Json) -> Call<(f64, f64)> {
    match x.as_array().map(Vec::as_slice) {
        Some([a, b]) => Ok((arg_f64(param, a)?, arg_f64(param, b)?)),
        Some(items) => Err(Refused::CompileTime(format!(
            "{param}: expected a tuple with 2 elements `(f64, f64)`, found one with {} elements",
            items.len()
        ))),
        None => compile_error(param, "(f64, f64)", x),
    }
}

fn arg_value(param: &str, x: &Json) -> Call<Value> {
    match tagged(x, "$value") {
        Some(v) => Ok(Value::new(number(v).map_err(Refused::CompileTime)?)),
        None => compile_error(param, "Value", x),
    }
}

fn arg_scalar(param: &str, x: &Json) -> Call<Scalar> {
    if tagged(x, "$value").is_some() {
        return Ok(Scalar::Value(arg_value(param, x)?));
    }
    match arg_f64(param, x) {
        Ok(n) => Ok(Scalar::Number(n)),
        Err(_) => compile_error(param, "f64 or Value (a Scalar)", x),
    }
}

/// An unsigned integer parameter: a negative or too large literal does not compile either.
fn arg_unsigned(param: &str, ty: &str, max: u128, x: &Json) -> Call<u128> {
    let digits = match (x, tagged(x, "$int")) {
        (Json::Number(n), _) if !n.is_f64() => n.to_string(),
        (_, Some(Json::String(d))) => d.clone(),
        _ => return compile_error(param, ty, x),
    };
    match digits.parse::<u128>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(Refused::CompileTime(format!(
            "{param}: the literal {digits} is out of range for `{ty}` (0 ..= {max})"
        ))),
    }
}

fn arg_usize(param: &str, x: &Json) -> Call<usize> {
    // A size the platform cannot address is as far out of range as a negative one.
    arg_unsigned(param, "usize", usize::MAX as u128, x).map(|n| n as usize)
}

fn arg_list<T>(param: &str, x: &Json, each: impl Fn(&str, &Json) -> Call<T>) -> Call<Vec<T>> {
    match x.as_array() {
        Some(items) => items.iter().map(|v| each(param, v)).collect(),
        None => compile_error(param, "&[_] (a slice)", x),
    }
}

fn arg_activation(call: &Json, key: &str) -> Call<Activation> {
    match call.get(key) {
        None => Ok(if key == "output_activation" {
            Activation::Linear
        } else {
            Activation::Tanh
        }),
        Some(Json::String(s)) => s.parse().map_err(Refused::Error),
        Some(x) => compile_error(key, "Activation (or a &str to parse)", x),
    }
}

fn arg<'a>(call: &'a Json, key: &str) -> Call<&'a Json> {
    call.get(key)
        .ok_or_else(|| Refused::CompileTime(format!("missing argument {key}")))
}

/// A Neuron, Layer or MLP, called on `input` when there is one.
fn reject_module(call: &Json, input: Option<&Json>) -> Call<()> {
    let nin = arg_usize("nin", arg(call, "nin")?)?;
    let act = arg_activation(call, "activation")?;
    let mut rng = SplitMix64::new(1);
    let xs = |x: &Json| arg_list("input", x, arg_scalar);
    match string(call, "api").map_err(Refused::CompileTime)? {
        "neuron" => {
            let n = Neuron::try_new(nin, act, &mut rng).map_err(Refused::Error)?;
            if let Some(x) = input {
                n.forward_scalars(&xs(x)?).map_err(Refused::Error)?;
            }
        }
        "layer" => {
            let nout = arg_usize("nout", arg(call, "nout")?)?;
            let l = Layer::try_new(nin, nout, act, &mut rng).map_err(Refused::Error)?;
            if let Some(x) = input {
                l.forward_scalars(&xs(x)?).map_err(Refused::Error)?;
            }
        }
        _ => {
            let nouts = arg_list("nouts", arg(call, "nouts")?, arg_usize)?;
            let out_act = arg_activation(call, "output_activation")?;
            let seed = match call.get("seed") {
                None | Some(Json::Null) => None,
                Some(s) => Some(arg_unsigned("seed", "u64", u64::MAX as u128, s)? as u64),
            };
            let m = MLP::with_options(nin, &nouts, act, out_act, seed).map_err(Refused::Error)?;
            if let Some(x) = input {
                m.forward_scalars(&xs(x)?).map_err(Refused::Error)?;
            }
        }
    }
    Ok(())
}

fn reject_call(call: &Json) -> Call<()> {
    let f = |key: &str| arg(call, key).and_then(|x| arg_f64(key, x));
    let opt = |key: &str, default: f64| call.get(key).map_or(Ok(default), |x| arg_f64(key, x));
    let params = || arg_list("params", arg(call, "params")?, arg_value);
    match string(call, "api").map_err(Refused::CompileTime)? {
        "value" => {
            Value::new(f("data")?);
        }
        "op" => {
            let left = Value::new(2.0);
            let operand = arg(call, "operand")?;
            let _ = match string(call, "op").map_err(Refused::CompileTime)? {
                "pow" => left.powf(arg_f64("operand", operand)?),
                op => match arg_scalar("operand", operand)? {
                    Scalar::Value(b) => binary(op, Arg::Value(left), Arg::Value(b)),
                    Scalar::Number(b) => binary(op, Arg::Value(left), Arg::Number(b)),
                }
                .map_err(Refused::CompileTime)?,
            };
        }
        "neuron" | "layer" | "mlp" => reject_module(call, None)?,
        "call" => reject_module(arg(call, "module")?, Some(arg(call, "input")?))?,
        "sgd" => {
            let (lr, m, wd) = (f("lr")?, opt("momentum", 0.0)?, opt("weight_decay", 0.0)?);
            SGD::with_options(params()?, lr, m, wd).map_err(Refused::Error)?;
        }
        "adam" => {
            let betas = match call.get("betas") {
                Some(pair) => arg_pair("betas", pair)?,
                None => (opt("beta1", 0.9)?, opt("beta2", 0.999)?),
            };
            let (lr, eps, wd) = (
                opt("lr", 1e-3)?,
                opt("eps", 1e-8)?,
                opt("weight_decay", 0.0)?,
            );
            Adam::with_options(params()?, lr, betas, eps, wd).map_err(Refused::Error)?;
        }
        "loss" => {
            // Rows of Values against rows of numbers; a bare Value or number is a row of one.
            let row = |param: &str, x: &Json| -> Call<Vec<Value>> {
                match x {
                    Json::Array(_) => arg_list(param, x, arg_value),
                    _ => Ok(vec![arg_value(param, x)?]),
                }
            };
            let target = |param: &str, x: &Json| -> Call<Vec<f64>> {
                match x {
                    Json::Array(_) => arg_list(param, x, arg_f64),
                    _ => Ok(vec![arg_f64(param, x)?]),
                }
            };
            let ys = arg_list("predictions", arg(call, "predictions")?, row)?;
            let ts = arg_list("targets", arg(call, "targets")?, target)?;
            match string(call, "name").map_err(Refused::CompileTime)? {
                "mse" => rg::mse_loss(&ys, &ts),
                "sse" => rg::sse_loss(&ys, &ts),
                _ => {
                    let ts: Vec<Vec<Scalar>> = ts
                        .iter()
                        .map(|t| t.iter().map(|&x| Scalar::Number(x)).collect())
                        .collect();
                    rg::hinge_loss_rows(&ys, &ts)
                }
            }
            .map_err(Refused::Error)?;
        }
        other => return Err(Refused::CompileTime(format!("unknown api {other:?}"))),
    }
    Ok(())
}

/// What refused the call (`compile-time` or the crate's `Error`) and the message.
fn run_reject(case: &Json) -> Result<Json> {
    let call = field(case, "call")?;
    if string(call, "api")? == "call" && reject_module(field(call, "module")?, None).is_err() {
        // The module is one the ports build: an error there is the case's, not the call's.
        return Err("the case's module does not build".into());
    }
    Ok(match reject_call(call) {
        Ok(()) => json!({"raised": null, "message": "the call returned normally"}),
        Err(Refused::CompileTime(m)) => {
            json!({"raised": "compile-time", "message": format!("does not compile: {m}")})
        }
        Err(Refused::Error(e)) => json!({"raised": "Error", "message": e.to_string()}),
    })
}

/// One result; a bad case is an error result, never a crash of the adapter.
fn run_case(case: &Json) -> Json {
    let id = case.get("id").cloned().unwrap_or(Json::Null);
    let outcome = std::panic::catch_unwind(|| -> Result<Json> {
        match string(case, "kind")? {
            "expr" => run_expr(case),
            "mlp" => run_mlp(case),
            "train" => run_train(case),
            "init" => run_init(case),
            "reject" => run_reject(case),
            other => Err(format!("unknown kind {other:?}")),
        }
    });
    match outcome {
        Ok(Ok(actual)) => json!({"id": id, "status": "ok", "actual": actual}),
        Ok(Err(message)) => json!({"id": id, "status": "error", "message": message}),
        Err(_) => {
            json!({"id": id, "status": "error", "message": "panic while evaluating the case"})
        }
    }
}

fn describe() -> Json {
    json!({
        "protocol": PROTOCOL,
        "implementation": {"name": "rust", "language": "rust", "version": rg::VERSION},
        "features": FEATURES,
    })
}

fn run(path: &str) -> Result<Json> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let doc: Json = serde_json::from_str(&text).map_err(|e| format!("{path} is not JSON: {e}"))?;
    if doc.get("protocol").and_then(Json::as_u64) != Some(PROTOCOL) {
        let got = doc.get("protocol").cloned().unwrap_or(Json::Null);
        return Err(format!(
            "unsupported protocol {got}: this adapter speaks {PROTOCOL}"
        ));
    }
    let results: Vec<Json> = array(&doc, "cases")?.iter().map(run_case).collect();
    Ok(json!({"protocol": PROTOCOL, "results": results}))
}

fn main() -> ExitCode {
    // A panic is reported as that case's error; keep stderr quiet about it.
    std::panic::set_hook(Box::new(|_| {}));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["describe"] => Ok(describe()),
        ["run", path] => run(path),
        _ => Err("usage: rosettagrad-conformance describe | run IN.json".to_string()),
    };
    match out {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("rosettagrad-conformance: {message}");
            ExitCode::from(2)
        }
    }
}
