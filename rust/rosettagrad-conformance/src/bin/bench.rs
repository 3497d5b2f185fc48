//! The Rust bench runner (protocol: bench/README.md), impl `rust`.
//!
//! ```text
//! rosettagrad-bench WORKLOAD [--moons PATH] [--warmup N] [--repeat N] [--size N] [--steps N]
//! ```
//!
//! Prints one JSON line: `{"times": [...], "nodes": N}` for moons, chain and wide,
//! `{"rss_mb_start": s, "rss_mb_100": x, "rss_mb_1000": y}` for memory (bench/README.md says
//! where each is measured). Any failure: a message on stderr and a non-zero exit.

use std::process::ExitCode;
use std::time::Instant;

use rosettagrad::{hinge_loss, l2_penalty, Activation, Module, Value, MLP};
use serde_json::{json, Value as Json};

const L2: f64 = 1e-4;

struct Args {
    workload: String,
    moons: String,
    warmup: usize,
    repeat: usize,
    size: usize,
    steps: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        workload: String::new(),
        moons: "conformance/data/moons.json".into(),
        warmup: 2,
        repeat: 5,
        size: 1_000_000,
        steps: 1000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        let count = |s: String, name: &str| {
            s.parse::<usize>()
                .map_err(|_| format!("{name}: not a count: {s}"))
        };
        match a.as_str() {
            "--moons" => args.moons = value("--moons")?,
            "--warmup" => args.warmup = count(value("--warmup")?, "--warmup")?,
            "--repeat" => args.repeat = count(value("--repeat")?, "--repeat")?,
            "--size" => args.size = count(value("--size")?, "--size")?,
            "--steps" => args.steps = count(value("--steps")?, "--steps")?,
            w if !w.starts_with("--") && args.workload.is_empty() => args.workload = w.to_string(),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    if !["moons", "chain", "wide", "memory"].contains(&args.workload.as_str()) {
        return Err(
            "usage: rosettagrad-bench moons|chain|wide|memory [--moons PATH] [--warmup N] \
                    [--repeat N] [--size N] [--steps N]"
                .into(),
        );
    }
    Ok(args)
}

fn load_moons(path: &str) -> Result<(Vec<Vec<f64>>, Vec<f64>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let doc: Json = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let floats =
        |v: &Json| -> Option<Vec<f64>> { v.as_array()?.iter().map(Json::as_f64).collect() };
    let x: Option<Vec<Vec<f64>>> = doc["X"]
        .as_array()
        .and_then(|rows| rows.iter().map(floats).collect());
    let y = floats(&doc["y"]);
    match (x, y) {
        (Some(x), Some(y)) if x.len() == y.len() => Ok((x, y)),
        _ => Err(format!(
            "{path}: expected {{\"X\": [[x0, x1], ...], \"y\": [±1, ...]}}"
        )),
    }
}

/// `steps` steps of micrograd's demo; `on_start()` once the data is loaded and the model
/// made, before step 0's graph; `on_step(k, seconds)` after each step; returns the node count.
fn moons_steps(
    args: &Args,
    steps: usize,
    on_start: impl FnOnce() -> Result<(), String>,
    mut on_step: impl FnMut(usize, f64),
) -> Result<usize, String> {
    let (xs, ys) = load_moons(&args.moons)?;
    let model = MLP::with_options(
        2,
        &[16, 16, 1],
        Activation::Relu,
        Activation::Linear,
        Some(1337),
    )
    .map_err(|e| e.to_string())?;
    let params = model.parameters();
    on_start()?;
    let mut nodes = 0;
    for k in 0..steps {
        let t0 = Instant::now();
        let mut scores = Vec::with_capacity(xs.len());
        for x in &xs {
            scores.push(model.forward_f64(x).map_err(|e| e.to_string())?.remove(0));
        }
        let loss = hinge_loss(&scores, &ys).map_err(|e| e.to_string())? + L2 * l2_penalty(&params);
        drop(scores);
        model.zero_grad();
        loss.backward();
        let lr = 1.0 - 0.9 * k as f64 / 100.0;
        for p in &params {
            p.set_data(p.data() - lr * p.grad());
        }
        if k == 0 {
            nodes = loss.topological_order().len(); // step 0 is a warm-up step
        }
        // The step's graph is freed inside the step, so the next one reuses its slots.
        drop(loss);
        on_step(k, t0.elapsed().as_secs_f64());
    }
    Ok(nodes)
}

fn chain(size: usize) -> Value {
    let (x, c) = (Value::new(1.0), Value::new(0.999999));
    let mut y = x;
    for _ in 0..size {
        y = y * &c; // y moves into the op, which drops the old handle under its lock
    }
    y.backward();
    y
}

fn wide(size: usize) -> Value {
    let n = size as f64;
    let mut level: Vec<Value> = (0..size)
        .map(|i| Value::new(i as f64 / n) * Value::new(1.0 - i as f64 / n))
        .collect();
    let mut next = Vec::with_capacity(size / 2 + 1);
    while level.len() > 1 {
        // Neighbours move into their sum (the level's handles go under the op's lock).
        let mut values = level.drain(..);
        while let Some(a) = values.next() {
            next.push(match values.next() {
                Some(b) => a + b,
                None => a, // an odd last element carries over
            });
        }
        drop(values);
        std::mem::swap(&mut level, &mut next);
    }
    let root = level.pop().unwrap_or_else(|| Value::new(0.0));
    root.backward();
    root
}

fn rss_mb() -> Result<f64, String> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .ok_or("no VmRSS in /proc/self/status")?;
    let kb: f64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|k| k.parse().ok())
        .ok_or("bad VmRSS line")?;
    Ok(kb / 1024.0)
}

fn run(args: &Args) -> Result<Json, String> {
    match args.workload.as_str() {
        "memory" => {
            let mut rss_start = None;
            let mut rss_100 = None;
            let mut rss_err = None;
            let start = || {
                rss_start = Some(rss_mb()?);
                Ok(())
            };
            moons_steps(args, args.steps, start, |k, _| {
                if k + 1 == args.steps.min(100) {
                    match rss_mb() {
                        Ok(r) => rss_100 = Some(r),
                        Err(e) => rss_err = Some(e),
                    }
                }
            })?;
            if let Some(e) = rss_err {
                return Err(e);
            }
            Ok(json!({
                "rss_mb_start": rss_start,
                "rss_mb_100": rss_100,
                "rss_mb_1000": rss_mb()?,
            }))
        }
        "moons" => {
            let mut times = Vec::new();
            let nodes = moons_steps(
                args,
                args.warmup + args.repeat,
                || Ok(()),
                |k, t| {
                    if k >= args.warmup {
                        times.push(t);
                    }
                },
            )?;
            Ok(json!({"times": times, "nodes": nodes}))
        }
        workload => {
            let build = if workload == "chain" { chain } else { wide };
            let mut times = Vec::new();
            let mut nodes = 0;
            for run in 0..args.warmup + args.repeat {
                let t0 = Instant::now();
                let root = build(args.size);
                let elapsed = t0.elapsed().as_secs_f64();
                if run >= args.warmup {
                    times.push(elapsed);
                }
                if run == 0 {
                    nodes = root.topological_order().len();
                }
            }
            Ok(json!({"times": times, "nodes": nodes}))
        }
    }
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|args| run(&args));
    match result {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("rosettagrad-bench: {message}");
            ExitCode::FAILURE
        }
    }
}
