//! count-bolt as Storm runs it: a subprocess behind the JVM stand-in.

use std::collections::HashMap;
use std::process::Command;

use serde_json::{json, Value};
use shell_sim::{context, python_command, tuple_msg, Component, Transcript};

fn native() -> Component {
    Component::spawn(Command::new(env!("CARGO_BIN_EXE_count-bolt"))).unwrap()
}

fn word(id: usize, w: impl Into<Value>) -> Value {
    tuple_msg(&id.to_string(), "split", "default", 2, &[w.into()])
}

/// Feeds words one at a time; returns every emitted [word, count].
fn counts(mut c: Component, words: &[&str]) -> Vec<(String, u64)> {
    c.handshake(json!({}), context("count", 3)).unwrap();
    let mut t = Transcript::default();
    for (i, w) in words.iter().enumerate() {
        c.process(&mut t, &word(i, *w)).unwrap();
    }
    assert_eq!(t.acks.len(), words.len());
    assert!(t.fails.is_empty());
    let (status, _) = c.finish(&mut t).unwrap();
    assert!(status.success());
    t.emitted_values()
        .iter()
        .map(|v| (v[0].as_str().unwrap().to_owned(), v[1].as_u64().unwrap()))
        .collect()
}

fn words() -> Vec<&'static str> {
    let text = "the cow jumped over the moon the moon café Café 日本 🐄 the \"q\" back\\slash";
    let mut w: Vec<&str> = text.split(' ').collect();
    w.extend(["x"; 50]);
    w.push("");
    w
}

#[test]
fn running_counts_match_an_independent_count() {
    let input = words();
    let got = counts(native(), &input);
    let mut seen: HashMap<&str, u64> = HashMap::new();
    let want: Vec<(String, u64)> = input
        .iter()
        .map(|w| {
            let n = seen.entry(w).or_default();
            *n += 1;
            (w.to_string(), *n)
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(got.iter().rfind(|(w, _)| w == "x").unwrap().1, 50);
}

#[test]
fn emits_are_anchored_and_a_bad_word_fails_alone() {
    let mut c = native();
    c.handshake(json!({}), context("count", 3)).unwrap();
    let mut t = Transcript::default();
    c.process(&mut t, &word(5, "moo")).unwrap();
    assert_eq!(
        t.emits[0],
        json!({"command":"emit","anchors":["5"],"need_task_ids":false,"tuple":["moo",1]})
    );
    c.process(&mut t, &word(6, json!({"not": "a word"})))
        .unwrap();
    c.process(&mut t, &tuple_msg("7", "split", "default", 2, &[]))
        .unwrap();
    c.process(&mut t, &word(8, "moo")).unwrap();
    assert_eq!(t.fails, vec![json!("6"), json!("7")]);
    assert_eq!(t.acks, vec![json!("5"), json!("8")]);
    assert_eq!(t.emits.last().unwrap()["tuple"], json!(["moo", 2]));
    assert_eq!(t.errors.len(), 2, "{:?}", t.errors);
}

#[test]
fn parity_with_the_python_sample() {
    let input = words();
    let rust = counts(native(), &input);
    let python = counts(
        Component::spawn(python_command("countbolt.py")).unwrap(),
        &input,
    );
    assert_eq!(rust, python);
    assert_eq!(rust.len(), input.len());
}

/// Regression: a typo in a component's own conf key was silently ignored.
#[test]
fn a_misspelt_own_conf_key_is_warned_about_with_the_nearest_key() {
    let mut c = native();
    c.handshake(
        json!({"wordcount.log.tupels": true, "topology.workers": 1}),
        context("count", 3),
    )
    .unwrap();
    let mut t = Transcript::default();
    c.process(&mut t, &word(1, "cow")).unwrap();
    let (status, stderr) = c.finish(&mut t).unwrap();
    assert!(status.success());
    let want =
        r#"unknown conf key "wordcount.log.tupels" ignored: did you mean "wordcount.log.tuples"?"#;
    assert!(
        t.logs.iter().any(|(level, m)| *level == 3 && m == want),
        "{:?}",
        t.logs
    );
    assert!(stderr.contains(want), "{stderr}");
    assert!(!stderr.contains("topology.workers"), "{stderr}");
}
