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

use rosettagrad::{self as rg, Activation, Adam, Module, Value, MLP, SGD};
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

/// One result; a bad case is an error result, never a crash of the adapter.
fn run_case(case: &Json) -> Json {
    let id = case.get("id").cloned().unwrap_or(Json::Null);
    let outcome = std::panic::catch_unwind(|| -> Result<Json> {
        match string(case, "kind")? {
            "expr" => run_expr(case),
            "mlp" => run_mlp(case),
            "train" => run_train(case),
            "init" => run_init(case),
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
