//! sentence-spout as Storm runs it: a subprocess behind the JVM stand-in.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::{json, Value};
use shell_sim::{context, drive_spout, python_command, Component, Transcript};

const SAMPLE: [&str; 5] = [
    "the cow jumped over the moon",
    "an apple a day keeps the doctor away",
    "four score and seven years ago",
    "snow white and the seven dwarfs",
    "i am at two with nature",
];

fn native(args: &[&str]) -> Component {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sentence-spout"));
    cmd.args(args);
    Component::spawn(cmd).unwrap()
}

fn sentences(kept: &[Vec<Value>]) -> Vec<String> {
    kept.iter()
        .map(|v| v[0].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn default_is_the_sample_one_random_sentence_per_next_unreliable() {
    let mut c = native(&[]);
    c.handshake(json!({}), context("spout", 1)).unwrap();
    let mut t = Transcript::default();
    c.command(&mut t, "activate", None).unwrap();
    for _ in 0..200 {
        c.command(&mut t, "next", None).unwrap();
    }
    c.command(&mut t, "deactivate", None).unwrap();
    assert_eq!(t.emits.len(), 200);
    assert_eq!(t.syncs, 202);
    for e in &t.emits {
        assert!(e.get("id").is_none(), "unreliable: no message id: {e}");
        assert_eq!(e["need_task_ids"], json!(false));
        assert_eq!(e["tuple"].as_array().unwrap().len(), 1);
    }
    let seen: BTreeSet<String> = sentences(&t.emitted_values()).into_iter().collect();
    let sample: BTreeSet<String> = SAMPLE.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        seen, sample,
        "200 draws cover all five sentences and nothing else"
    );
    let (status, _) = c.finish(&mut t).unwrap();
    assert!(status.success());
}

#[test]
fn reliable_sequential_limited_corpus_replays_failures() {
    let dir = std::env::temp_dir().join(format!("spout-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("corpus.txt"),
        "one two\r\n\nthree\nfour five six\n",
    )
    .unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sentence-spout"));
    cmd.current_dir(&dir);
    let mut c = Component::spawn(cmd).unwrap();
    let conf = json!({
        "wordcount.spout.corpus": "corpus.txt",
        "wordcount.spout.order": "sequential",
        "wordcount.spout.reliable": true,
        "wordcount.spout.limit": "4",
        "wordcount.spout.max.pending": 3,
    });
    c.handshake(conf, context("spout", 1)).unwrap();
    let mut t = Transcript::default();
    for _ in 0..4 {
        c.command(&mut t, "next", None).unwrap();
    }
    let ids: Vec<Value> = t.emits.iter().map(|e| e["id"].clone()).collect();
    assert_eq!(
        ids,
        [json!(1), json!(2), json!(3)],
        "max pending 3 holds the 4th back"
    );
    c.command(&mut t, "fail", Some(json!(2))).unwrap();
    c.command(&mut t, "next", None).unwrap();
    assert_eq!(t.emits[3]["id"], json!(2));
    assert_eq!(
        t.emits[3]["tuple"],
        json!(["three"]),
        "replay carries the same sentence"
    );
    for id in [1, 2, 3] {
        c.command(&mut t, "ack", Some(json!(id))).unwrap();
    }
    c.command(&mut t, "next", None).unwrap();
    c.command(&mut t, "next", None).unwrap();
    assert_eq!(t.emits.len(), 5, "the limit of 4 new sentences holds");
    assert_eq!(
        t.emits[4]["tuple"],
        json!(["one two"]),
        "sequential order starts over"
    );
    // An ack for an id it never emitted is reported, and the spout goes on.
    c.command(&mut t, "ack", Some(json!(99))).unwrap();
    assert!(
        t.errors.iter().any(|e| e.contains("unknown message id 99")),
        "{:?}",
        t.errors
    );
    let (status, _) = c.finish(&mut t).unwrap();
    assert!(status.success());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn seeded_runs_repeat() {
    let run = |seed: &str| {
        let mut c = native(&["--seed", seed]);
        c.handshake(json!({}), context("spout", 1)).unwrap();
        sentences(&drive_spout(&mut c, 50, false, true).unwrap().kept)
    };
    assert_eq!(run("3"), run("3"));
    assert_ne!(run("3"), run("4"));
}

#[test]
fn a_missing_corpus_is_a_clear_error() {
    let mut c = native(&["--corpus", "/nonexistent/corpus.txt"]);
    c.handshake(json!({}), context("spout", 1)).unwrap();
    let mut t = Transcript::default();
    let (status, stderr) = c.finish(&mut t).unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(t.errors[0].contains("cannot read corpus"), "{t:?}");
    assert!(stderr.contains("cannot read corpus"));
}

#[test]
fn parity_with_the_python_sample() {
    // Default mode: both draw from the same five sentences, one per next.
    let mut py = Component::spawn(python_command("sentencespout.py")).unwrap();
    py.handshake(json!({}), context("spout", 1)).unwrap();
    let run = drive_spout(&mut py, 200, false, true).unwrap();
    assert_eq!(run.emits, 200);
    let py_set: BTreeSet<String> = sentences(&run.kept).into_iter().collect();
    let mut rs = native(&[]);
    rs.handshake(json!({}), context("spout", 1)).unwrap();
    let rs_set: BTreeSet<String> = sentences(&drive_spout(&mut rs, 200, false, true).unwrap().kept)
        .into_iter()
        .collect();
    assert_eq!(py_set, rs_set);
    assert_eq!(rs_set.len(), 5);

    // Sequential, reliable, limited: the same sentences in the same order with the same ids.
    let conf = json!({"wordcount.spout.order": "sequential", "wordcount.spout.reliable": true, "wordcount.spout.limit": 12});
    let exact = |mut c: Component| {
        c.handshake(conf.clone(), context("spout", 1)).unwrap();
        let mut t = Transcript::default();
        for _ in 0..15 {
            c.command(&mut t, "next", None).unwrap();
        }
        t.emits
            .iter()
            .map(|e| (e["id"].clone(), e["tuple"].clone()))
            .collect::<Vec<_>>()
    };
    let rust = exact(native(&[]));
    let python = exact(Component::spawn(python_command("sentencespout.py")).unwrap());
    assert_eq!(rust.len(), 12);
    assert_eq!(rust, python);
}

#[test]
fn batch_emits_several_sentences_per_next_within_the_limit() {
    let mut c = native(&["--batch", "4"]);
    c.handshake(
        json!({"wordcount.spout.limit": 10, "wordcount.spout.reliable": true}),
        context("spout", 1),
    )
    .unwrap();
    let mut t = Transcript::default();
    let mut per_next = Vec::new();
    for _ in 0..4 {
        let before = t.emits.len();
        c.command(&mut t, "next", None).unwrap();
        per_next.push(t.emits.len() - before);
    }
    assert_eq!(per_next, [4, 4, 2, 0]);
    let ids: Vec<u64> = t.emits.iter().map(|e| e["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, (1..=10).collect::<Vec<_>>());
}
