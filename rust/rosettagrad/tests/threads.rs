//! Values are `Send + Sync`: every thread shares one tape behind its lock. These
//! tests run graph building, collection and backward in several threads at once
//! and check the numbers, not only that nothing crashed.

use std::sync::Mutex;
use std::thread;

use rosettagrad::{hinge_loss, l2_penalty, tape_stats, Activation, Module, Value, MLP, SGD};

/// The tape is the process's: these tests take turns, so one's live nodes
/// never show in another's `tape_stats`.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A few SGD steps of a small model, written both ways a user would: the MLP's
/// own forward and op-by-op arithmetic on Values (moved and borrowed).
fn train(seed: u64, steps: usize) -> Vec<f64> {
    let model = MLP::with_options(
        2,
        &[8, 8, 1],
        Activation::Relu,
        Activation::Linear,
        Some(seed),
    )
    .expect("a valid model");
    let params = model.parameters();
    let mut sgd = SGD::with_options(params.clone(), 0.05, 0.9, 0.0).expect("valid options");
    let xs: Vec<[f64; 2]> = (0..10)
        .map(|i| [0.1 * f64::from(i), 1.0 - 0.2 * f64::from(i)])
        .collect();
    let ys: Vec<f64> = (0..10)
        .map(|i| if i % 2 == 1 { 1.0 } else { -1.0 })
        .collect();
    let mut losses = Vec::new();
    for _ in 0..steps {
        sgd.zero_grad();
        let scores: Vec<Value> = xs
            .iter()
            .map(|x| model.forward_f64(x).expect("two inputs").remove(0))
            .collect();
        // An op-by-op penalty too, so ops on Values interleave across threads.
        let mut squares = Value::new(0.0);
        for p in &params {
            squares = squares + p * p;
        }
        let loss = hinge_loss(&scores, &ys).expect("equal lengths")
            + 1e-3 * l2_penalty(&params)
            + 1e-4 * squares;
        loss.backward();
        sgd.step();
        losses.push(loss.data());
    }
    losses
}

#[test]
fn independent_training_in_threads_matches_serial_bit_for_bit() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let serial: Vec<Vec<f64>> = (0..4).map(|seed| train(seed, 20)).collect();
    let threads: Vec<_> = (0..4)
        .map(|seed| thread::spawn(move || train(seed, 20)))
        .collect();
    let threaded: Vec<Vec<f64>> = threads
        .into_iter()
        .map(|t| t.join().expect("no panic"))
        .collect();
    assert_eq!(threaded, serial, "each thread's graph is its own");
}

#[test]
fn values_are_shared_and_freed_across_threads() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let x = Value::new(0.5);
    let before = tape_stats().live;
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let x = x.clone(); // a handle moves to the thread; the node is shared
            thread::spawn(move || {
                let mut y = x.clone();
                for _ in 0..50_000 {
                    y = y * &x + f64::from(i); // made, moved and collected while others run
                }
                y.backward();
                (y.data(), x.grad())
            })
        })
        .collect();
    for (i, t) in threads.into_iter().enumerate() {
        let (data, _) = t.join().expect("no panic");
        // y -> y·x + i converges to i / (1 - x) = 2i
        assert!((data - 2.0 * i as f64).abs() < 1e-9, "thread {i}: {data}");
    }
    assert_eq!(tape_stats().live, before, "every thread's chain was freed");
}
