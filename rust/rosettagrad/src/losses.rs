//! Losses over N predictions and targets, built from Value ops (SPEC §2.5).
//!
//! Sums are a left fold from the first term, so every port builds the same graph.
//! Each loss takes the tape's lock once for its whole graph.

use crate::engine::{Build, Scalar, Value};
use crate::tape::{tape, Operand, Tape};
use crate::Error;

// region: mse_loss
/// Mean squared error: Σ (y - t)² / (N·K), for N rows of K outputs.
pub fn mse_loss(predictions: &[Vec<Value>], targets: &[Vec<f64>]) -> Result<Value, Error> {
    mse_loss_rows(predictions, &numbers(targets))
}
// endregion

// region: sse_loss
/// Sum of squared errors, the lecture's loss: Σ (y - t)².
pub fn sse_loss(predictions: &[Vec<Value>], targets: &[Vec<f64>]) -> Result<Value, Error> {
    sse_loss_rows(predictions, &numbers(targets))
}
// endregion

// region: hinge_loss
/// SVM max-margin loss of micrograd's demo: Σ relu(1 - t·y) / N, one output per sample.
pub fn hinge_loss(predictions: &[Value], targets: &[f64]) -> Result<Value, Error> {
    check_counts(predictions.len(), targets.len())?;
    let ys: Vec<u32> = predictions.iter().map(Value::node_id).collect();
    let ts: Vec<Operand> = targets.iter().map(|&t| Operand::Const(t)).collect();
    Ok(hinge(&ys, &ts))
}
// endregion

/// [`mse_loss`] with targets that may be Values.
pub fn mse_loss_rows(predictions: &[Vec<Value>], targets: &[Vec<Scalar>]) -> Result<Value, Error> {
    check_rows(predictions, targets)?;
    let count: usize = predictions.iter().map(Vec::len).sum();
    let id = {
        let mut t = tape();
        t.collect_if_due();
        let total = squared_error_sum(&mut t, predictions, targets);
        let out = t.binary(
            Tape::div,
            Operand::Node(total),
            Operand::Const(count as f64),
        );
        t.counted(out)
    };
    Ok(Value::owned(id))
}

/// [`sse_loss`] with targets that may be Values.
pub fn sse_loss_rows(predictions: &[Vec<Value>], targets: &[Vec<Scalar>]) -> Result<Value, Error> {
    check_rows(predictions, targets)?;
    let mut t = tape();
    t.collect_if_due();
    let id = squared_error_sum(&mut t, predictions, targets);
    Ok(Value::owned(t.counted(id)))
}

/// [`hinge_loss`] with rows of one prediction and targets that may be Values.
pub fn hinge_loss_rows(
    predictions: &[Vec<Value>],
    targets: &[Vec<Scalar>],
) -> Result<Value, Error> {
    check_rows(predictions, targets)?;
    if predictions[0].len() != 1 {
        let k = predictions[0].len();
        return Err(Error::new(format!(
            "hinge_loss takes one output per sample, got {k}"
        )));
    }
    let ys: Vec<u32> = predictions.iter().map(|y| y[0].node_id()).collect();
    let ts: Vec<Operand> = targets.iter().map(|t| t[0].operand()).collect();
    Ok(hinge(&ys, &ts))
}

/// Σ relu(1 - t·y) / N over node ids (held by the caller's Values) and targets.
fn hinge(ys: &[u32], ts: &[Operand]) -> Value {
    let mut t = tape();
    t.collect_if_due();
    let margins: Vec<u32> = ys
        .iter()
        .zip(ts)
        .map(|(&y, &tg)| {
            let yt = t.binary(Tape::mul, Operand::Node(y), tg);
            let m = t.binary(Tape::sub, Operand::Const(1.0), Operand::Node(yt));
            t.relu(m)
        })
        .collect();
    let total = fold_sum(&mut t, margins);
    let out = t.binary(
        Tape::div,
        Operand::Node(total),
        Operand::Const(ys.len() as f64),
    );
    Value::owned(t.counted(out))
}

// region: l2_penalty
/// Σ p², the weight-decay term a loss adds as `l2 * l2_penalty(params)`.
pub fn l2_penalty(params: &[Value]) -> Value {
    if params.is_empty() {
        return Value::new(0.0);
    }
    let id = {
        let mut t = tape();
        t.collect_if_due();
        let squares = params
            .iter()
            .map(|p| t.pow(p.node_id(), 2.0, true))
            .collect();
        let total = fold_sum(&mut t, squares);
        t.counted(total)
    };
    Value::owned(id)
}
// endregion

fn numbers(targets: &[Vec<f64>]) -> Vec<Vec<Scalar>> {
    targets
        .iter()
        .map(|row| row.iter().map(|&x| Scalar::Number(x)).collect())
        .collect()
}

/// Same number of predictions and targets, at least one.
fn check_counts(n: usize, m: usize) -> Result<(), Error> {
    if n != m {
        return Err(Error::new(format!("got {n} predictions but {m} targets")));
    }
    if n == 0 {
        return Err(Error::new(
            "a loss needs at least one prediction, got 0".into(),
        ));
    }
    Ok(())
}

/// Same number of samples, at least one, and K outputs matching K targets in each.
fn check_rows(predictions: &[Vec<Value>], targets: &[Vec<Scalar>]) -> Result<(), Error> {
    check_counts(predictions.len(), targets.len())?;
    for (i, (y, t)) in predictions.iter().zip(targets).enumerate() {
        if y.len() != t.len() {
            let (a, b) = (y.len(), t.len());
            return Err(Error::new(format!(
                "sample {i}: prediction has {a} outputs but target has {b}"
            )));
        }
    }
    Ok(())
}

/// Σ (y - t)² in sample-major order.
fn squared_error_sum(t: &mut Tape, predictions: &[Vec<Value>], targets: &[Vec<Scalar>]) -> u32 {
    let mut terms = Vec::new();
    for (y, tg) in predictions.iter().zip(targets) {
        for (yk, tk) in y.iter().zip(tg) {
            let diff = t.binary(Tape::sub, Operand::Node(yk.node_id()), tk.operand());
            terms.push(t.pow(diff, 2.0, true));
        }
    }
    fold_sum(t, terms)
}

/// total = terms[0]; total = total + terms[i].
fn fold_sum(t: &mut Tape, terms: Vec<u32>) -> u32 {
    let mut total = terms[0];
    for &term in &terms[1..] {
        total = t.add(total, term);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn losses_by_hand() {
        let y = vec![
            vec![Value::new(1.0), Value::new(2.0)],
            vec![Value::new(0.0), Value::new(-1.0)],
        ];
        let t = vec![vec![0.0, 2.0], vec![1.0, 1.0]];
        // squared errors 1, 0, 1, 4
        assert_eq!(sse_loss(&y, &t).unwrap().data(), 6.0);
        let mse = mse_loss(&y, &t).unwrap();
        assert_eq!(mse.data(), 1.5);
        assert_eq!(mse.op(), "/");
        mse.backward();
        assert_eq!(y[1][1].grad(), 2.0 * (-1.0 - 1.0) / 4.0);
    }

    #[test]
    fn hinge_and_l2() {
        let s = vec![Value::new(0.5), Value::new(-2.0)];
        let loss = hinge_loss(&s, &[1.0, -1.0]).unwrap();
        assert_eq!(loss.data(), (0.5 + 0.0) / 2.0);
        loss.backward();
        assert_eq!((s[0].grad(), s[1].grad()), (-0.5, 0.0));
        let p = vec![Value::new(3.0), Value::new(-4.0)];
        assert_eq!(l2_penalty(&p).data(), 25.0);
        assert_eq!(l2_penalty(&[]).data(), 0.0);
    }

    #[test]
    fn shape_errors_name_lengths() {
        let y = vec![vec![Value::new(1.0)]];
        assert_eq!(
            sse_loss(&y, &[]).unwrap_err().to_string(),
            "got 1 predictions but 0 targets"
        );
        assert_eq!(
            sse_loss(&[], &[]).unwrap_err().to_string(),
            "a loss needs at least one prediction, got 0"
        );
        assert_eq!(
            mse_loss(&y, &[vec![1.0, 2.0]]).unwrap_err().to_string(),
            "sample 0: prediction has 1 outputs but target has 2"
        );
        let y2 = vec![vec![Value::new(1.0), Value::new(2.0)]];
        let t2 = vec![vec![Scalar::Number(1.0), Scalar::Number(1.0)]];
        assert!(hinge_loss_rows(&y2, &t2).is_err());
    }
}
