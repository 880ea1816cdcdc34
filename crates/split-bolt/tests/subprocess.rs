//! split-bolt as Storm runs it: a subprocess behind the JVM stand-in.

use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};
use shell_sim::{context, heartbeat_msg, python_command, tuple_msg, Component, Transcript};

fn native(args: &[&str]) -> Component {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_split-bolt"));
    cmd.args(args);
    Component::spawn(cmd).unwrap()
}

fn sentence(id: &str, s: impl Into<Value>) -> Value {
    tuple_msg(id, "spout", "default", 1, &[s.into()])
}

/// Runs sentences through a component; returns the words emitted for each, in order.
fn words_per_sentence(mut c: Component, conf: Value, sentences: &[&str]) -> Vec<Vec<String>> {
    c.handshake(conf, context("split", 2)).unwrap();
    let mut out = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        let mut t = Transcript::default();
        c.process(&mut t, &sentence(&i.to_string(), *s)).unwrap();
        assert_eq!(t.acks, vec![json!(i.to_string())], "sentence {s:?}: {t:?}");
        out.push(
            t.emitted_values()
                .iter()
                .map(|v| v[0].as_str().unwrap().to_owned())
                .collect(),
        );
    }
    let (status, _) = c.finish(&mut Transcript::default()).unwrap();
    assert!(status.success());
    out
}

/// The spout's five sample sentences (the one file they live in), then the hard cases.
fn sentences() -> Vec<&'static str> {
    let mut all: Vec<&str> = include_str!("../../sentence-spout/sentences.txt")
        .lines()
        .collect();
    all.extend(HARD);
    all
}

const HARD: &[&str] = &[
    "  leading and trailing  ",
    "",
    "tabs\tand\nnewlines\r\nand\x0bvertical\x0cfeeds",
    "separators\x1cfile\x1dgroup\x1erecord\x1funit",
    "no\u{a0}break\u{2003}em\u{3000}ideographic\u{2028}line\u{85}nel",
    "zero\u{200b}width\u{feff}stays together",
    "Ünïcödé café 日本語 テキスト emoji 🐄🌙 mixed",
    "quotes \"inside\" and back\\slashes",
];

#[test]
fn emits_each_word_anchored_then_acks() {
    let mut c = native(&[]);
    c.handshake(json!({}), context("split", 2)).unwrap();
    let mut t = Transcript::default();
    c.process(&mut t, &sentence("-42", "the cow jumped"))
        .unwrap();
    assert_eq!(t.emits.len(), 3);
    for (e, w) in t.emits.iter().zip(["the", "cow", "jumped"]) {
        assert_eq!(
            e,
            &json!({"command":"emit","anchors":["-42"],"need_task_ids":false,"tuple":[w]})
        );
    }
    assert_eq!(t.acks, vec![json!("-42")]);
    assert!(t.fails.is_empty() && t.errors.is_empty());
    assert_eq!(
        c.task_id_requests, 0,
        "native emits never wait for task ids"
    );
    let (status, stderr) = c.finish(&mut t).unwrap();
    assert!(status.success(), "{stderr}");
}

#[test]
fn answers_heartbeats_and_acks_ticks() {
    let mut c = native(&[]);
    c.handshake(json!({}), context("split", 2)).unwrap();
    let mut t = Transcript::default();
    c.send(&heartbeat_msg("-1")).unwrap();
    c.read_until(&mut t, Duration::from_secs(10), |m| m["command"] == "sync")
        .unwrap();
    assert_eq!(
        (t.syncs, t.acks.len()),
        (1, 0),
        "heartbeats are answered, never acked"
    );
    c.process(
        &mut t,
        &tuple_msg("9", "__system", "__tick", -1, &[json!(30)]),
    )
    .unwrap();
    assert_eq!(t.acks, vec![json!("9")]);
    assert!(t.emits.is_empty(), "a tick is not a sentence");
}

#[test]
fn a_number_instead_of_a_sentence_fails_that_tuple_and_goes_on() {
    let mut c = native(&[]);
    c.handshake(json!({}), context("split", 2)).unwrap();
    let mut t = Transcript::default();
    c.process(&mut t, &sentence("1", 42)).unwrap();
    assert_eq!(t.fails, vec![json!("1")]);
    assert!(t.acks.is_empty() && t.emits.is_empty());
    assert_eq!(t.errors.len(), 1);
    assert!(
        t.errors[0].contains("should be a string, found 42"),
        "{:?}",
        t.errors
    );
    c.process(&mut t, &sentence("2", "still alive")).unwrap();
    assert_eq!(t.acks, vec![json!("2")]);
    let (status, stderr) = c.finish(&mut t).unwrap();
    assert!(status.success());
    assert!(
        stderr.contains("should be a string"),
        "errors go to stderr too: {stderr}"
    );
}

#[test]
fn words_mode_and_tuple_logging_from_the_conf_flags_win() {
    let conf = json!({"wordcount.split.mode": "words", "wordcount.log.tuples": "true"});
    let mut c = native(&[]);
    c.handshake(conf.clone(), context("split", 2)).unwrap();
    let mut t = Transcript::default();
    c.process(&mut t, &sentence("1", "The Cow, THE moon!"))
        .unwrap();
    let words: Vec<_> = t.emitted_values().iter().map(|v| v[0].clone()).collect();
    assert_eq!(
        words,
        [json!("the"), json!("cow"), json!("the"), json!("moon")]
    );
    assert!(
        t.logs
            .iter()
            .any(|(lvl, m)| *lvl == 2 && m == "Emitting cow"),
        "{:?}",
        t.logs
    );

    // A flag overrides the conf: python mode, and logging cut off by level.
    let mut c = native(&["--mode", "python", "--log-level", "warn"]);
    c.handshake(conf, context("split", 2)).unwrap();
    let mut t = Transcript::default();
    c.process(&mut t, &sentence("1", "The Cow, THE moon!"))
        .unwrap();
    let words: Vec<_> = t.emitted_values().iter().map(|v| v[0].clone()).collect();
    assert_eq!(
        words,
        [json!("The"), json!("Cow,"), json!("THE"), json!("moon!")]
    );
    assert!(
        t.logs.is_empty(),
        "info records are filtered before the pipe: {:?}",
        t.logs
    );
}

#[test]
fn a_bad_setting_stops_the_bolt_with_a_clear_error() {
    let mut c = native(&[]);
    c.handshake(
        json!({"wordcount.split.mode": "letters"}),
        context("split", 2),
    )
    .unwrap();
    let mut t = Transcript::default();
    let (status, stderr) = c.finish(&mut t).unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(
        t.errors
            .iter()
            .any(|e| e.contains("unknown split mode \"letters\"")),
        "{t:?}"
    );
    assert!(stderr.contains("unknown split mode"), "{stderr}");
}

#[test]
fn no_handshake_is_an_error_exit_not_a_hang() {
    let mut c = native(&[]);
    c.send_raw(b"this is not json\nend\n").unwrap();
    let (status, stderr) = c.finish(&mut Transcript::default()).unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(stderr.contains("handshake failed"), "{stderr}");
}

#[test]
fn parity_with_the_python_sample() {
    let rust = words_per_sentence(native(&[]), json!({}), &sentences());
    let python = words_per_sentence(
        Component::spawn(python_command("splitbolt.py")).unwrap(),
        json!({}),
        &sentences(),
    );
    assert_eq!(rust, python);
    // The comparison is not vacuous: the sentences do split.
    assert_eq!(rust[0].len(), 6);
    assert_eq!(rust[8], ["separators", "file", "group", "record", "unit"]);
}

#[test]
fn help_and_version() {
    let exe = env!("CARGO_BIN_EXE_split-bolt");
    let help = Command::new(exe).arg("--help").output().unwrap();
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    assert!(
        text.contains("str.split()") && text.contains("conf: wordcount.split.mode"),
        "{text}"
    );
    let version = Command::new(exe).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8(version.stdout).unwrap(),
        format!("split-bolt {}\n", env!("CARGO_PKG_VERSION"))
    );
    let bad = Command::new(exe).arg("--frobnicate").output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown option --frobnicate"));
}

#[test]
fn started_on_a_terminal_it_explains_itself_instead_of_waiting() {
    // util-linux `script` gives the binary a terminal as stdin, like a user at a shell.
    let exe = env!("CARGO_BIN_EXE_split-bolt");
    let out = Command::new("script")
        .args(["-qec", exe, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("util-linux script");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("is an Apache Storm multilang component"),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(2), "{text}");
}
