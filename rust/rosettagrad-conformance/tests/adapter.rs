//! The adapter binary speaks protocol 1: describe, and run with one good and one bad case.

use std::process::Command;

fn adapter(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_rosettagrad-conformance"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn describe_names_the_rust_implementation() {
    let d = adapter(&["describe"]);
    assert_eq!(d["protocol"], 1);
    assert_eq!(d["implementation"]["name"], "rust");
    assert!(d["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "op.tanh"));
}

#[test]
fn run_evaluates_cases_and_reports_bad_ones_as_errors() {
    let cases = serde_json::json!({"protocol": 1, "cases": [
        {"id": "t.ok", "kind": "expr", "inputs": {"x": 2.0, "z": 0.0},
         "ops": [["y", "mul", 3, "x"], ["w", "log", "z"], ["v", "pow", "x", 2]], "output": "y"},
        {"id": "t.bad", "kind": "expr", "inputs": {}, "ops": [["y", "relu", "nope"]], "output": "y"},
        {"id": "t.init", "kind": "init", "seed": "18446744073709551615",
         "model": {"nin": 1, "nouts": [1], "activation": "tanh", "output_activation": "linear"}}
    ]});
    let path = std::env::temp_dir().join(format!("rg-adapter-{}.json", std::process::id()));
    std::fs::write(&path, cases.to_string()).unwrap();
    let r = adapter(&["run", path.to_str().unwrap()]);
    std::fs::remove_file(&path).ok();
    let results = r["results"].as_array().unwrap();
    assert_eq!(results[0]["status"], "ok");
    assert_eq!(results[0]["actual"]["value"], 6.0);
    assert_eq!(results[0]["actual"]["grads"]["x"], 3.0);
    assert_eq!(results[0]["actual"]["grads"]["y"], 1.0);
    assert_eq!(results[0]["actual"]["grads"]["w"], 0.0);
    assert_eq!(results[1]["status"], "error");
    assert!(results[1]["message"].as_str().unwrap().contains("nope"));
    assert_eq!(
        results[2]["actual"]["parameters"].as_array().unwrap().len(),
        2
    );
}

#[test]
fn numbers_parse_to_the_nearest_double_and_print_back_unchanged() {
    // Seeded weights that serde_json's default fast float parser reads one ulp off;
    // every port must start from bit-identical inputs.
    let digits = [
        "0.9543972271488157",
        "0.21041097763800254",
        "0.9009514491226345",
    ];
    let cases: Vec<String> = digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            format!(r#"{{"id": "t{i}", "kind": "expr", "inputs": {{"x": {d}}}, "ops": [], "output": "x"}}"#)
        })
        .collect();
    let path = std::env::temp_dir().join(format!("rg-parse-{}.json", std::process::id()));
    std::fs::write(
        &path,
        format!(r#"{{"protocol": 1, "cases": [{}]}}"#, cases.join(",")),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rosettagrad-conformance"))
        .args(["run", path.to_str().unwrap()])
        .output()
        .unwrap();
    std::fs::remove_file(&path).ok();
    let text = String::from_utf8(out.stdout).unwrap();
    for d in digits {
        assert!(
            text.contains(&format!(r#""value":{d}"#)),
            "{d} did not round-trip: {text}"
        );
    }
}

#[test]
fn adam_betas_are_a_pair_and_no_other_length_compiles() {
    // SPEC §4.5: a reject call's `betas` list is the crate's `(f64, f64)` when it has two
    // numbers; any other length is a program rustc refuses, naming both lengths.
    let call = |betas: serde_json::Value| {
        serde_json::json!({"id": "t.adam", "kind": "reject",
            "call": {"api": "adam", "params": [{"$value": 1.0}], "betas": betas}})
    };
    let cases = serde_json::json!({"protocol": 1, "cases": [
        call(serde_json::json!([0.5, 0.75])), call(serde_json::json!([0.9])),
        call(serde_json::json!(0.9)), call(serde_json::json!([0.5, 1.0]))
    ]});
    let path = std::env::temp_dir().join(format!("rg-betas-{}.json", std::process::id()));
    std::fs::write(&path, cases.to_string()).unwrap();
    let r = adapter(&["run", path.to_str().unwrap()]);
    std::fs::remove_file(&path).ok();
    let actual: Vec<&serde_json::Value> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| &x["actual"])
        .collect();
    assert_eq!(
        actual[0]["raised"],
        serde_json::Value::Null,
        "{}",
        actual[0]
    );
    assert_eq!(actual[1]["raised"], "compile-time");
    let message = actual[1]["message"].as_str().unwrap();
    assert!(message.contains("with 2 elements") && message.contains("with 1 elements"));
    assert_eq!(actual[2]["raised"], "compile-time");
    assert!(actual[2]["message"]
        .as_str()
        .unwrap()
        .contains("(f64, f64)"));
    assert_eq!(
        actual[3]["raised"], "Error",
        "a pair out of range is the crate's error"
    );
}
