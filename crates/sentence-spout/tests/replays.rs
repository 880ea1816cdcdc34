//! Reliable mode with a sentence that always fails, as a subprocess behind the JVM stand-in.

use std::process::Command;

use serde_json::{json, Value};
use shell_sim::{context, Component, Transcript};

fn spout(conf: Value) -> (Component, Transcript) {
    let mut c = Component::spawn(Command::new(env!("CARGO_BIN_EXE_sentence-spout"))).unwrap();
    c.handshake(conf, context("spout", 1)).unwrap();
    (c, Transcript::default())
}

/// Fails id 1 at every emit, acks the rest; returns the ids emitted, in order.
fn poison_run(c: &mut Component, t: &mut Transcript, nexts: usize) -> Vec<u64> {
    for _ in 0..nexts {
        let before = t.emits.len();
        c.command(t, "next", None).unwrap();
        let new: Vec<Value> = t.emits[before..].iter().map(|e| e["id"].clone()).collect();
        for id in new {
            let verb = if id == json!(1) { "fail" } else { "ack" };
            c.command(t, verb, Some(id)).unwrap();
        }
    }
    t.emits.iter().map(|e| e["id"].as_u64().unwrap()).collect()
}

/// Regression: one sentence failing every time was replayed ahead of everything else forever.
#[test]
fn a_poison_sentence_does_not_starve_new_ones() {
    let (mut c, mut t) =
        spout(json!({"wordcount.spout.reliable": true, "wordcount.spout.seed": 1}));
    let ids = poison_run(&mut c, &mut t, 40);
    assert_eq!(
        &ids[..6],
        [1, 1, 2, 1, 3, 1],
        "replays alternate with new sentences"
    );
    assert_eq!(ids.iter().filter(|&&id| id != 1).count(), 19);
    assert!(t.errors.is_empty(), "unbounded by default: {:?}", t.errors);
    let (status, _) = c.finish(&mut t).unwrap();
    assert!(status.success());
}

#[test]
fn max_replays_gives_a_sentence_up_and_reports_it() {
    let (mut c, mut t) = spout(json!({
        "wordcount.spout.reliable": true,
        "wordcount.spout.seed": 1,
        "wordcount.spout.max.replays": 2,
    }));
    let ids = poison_run(&mut c, &mut t, 10);
    assert_eq!(
        ids.iter().filter(|&&id| id == 1).count(),
        3,
        "emitted once, replayed twice"
    );
    assert_eq!(t.errors.len(), 1, "{:?}", t.errors);
    assert!(
        t.errors[0].starts_with("sentence 1 failed again after 2 replays"),
        "{:?}",
        t.errors
    );
    assert_eq!(ids.len(), 10, "every next emits one sentence");
    let (status, _) = c.finish(&mut t).unwrap();
    assert!(status.success());
}
