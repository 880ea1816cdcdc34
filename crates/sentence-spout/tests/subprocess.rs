//! sentence-spout as Storm runs it: a subprocess behind the JVM stand-in.

use std::collections::{BTreeMap, BTreeSet};
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
}

// ---------------------------------------------------------------------------------------------
// The reliable, sequential and limit modes against the specification, not against another
// implementation. The specification is the README's option table and the binary's --help:
//   --corpus FILE       sentences, one per line
//   --order sequential  corpus order (random: any corpus sentence)
//   --reliable          message ids 1, 2, 3...; failed ones replayed
//   --max-pending N     reliable mode bound: at most N sentences emitted and not yet acked
//   --limit N           emit N sentences, then nothing; replays are not counted
//   --batch N           sentences per `next` (1 by default)
// `Spec` below turns that into a checker for every `next`: what the spout may emit, and when it
// must emit something. Where the text leaves a choice open (a replay before or after a new
// sentence), it accepts either. Both the native spout and sentencespout.py (which reads the
// same conf keys, for the Python variant of the topologies) are held to it.

/// The state the specification implies, driven by what the spout did.
struct Spec {
    corpus: Vec<String>,
    sequential: bool,
    limit: Option<u64>,
    max_pending: usize,
    /// New sentences emitted so far.
    emitted: u64,
    /// Emitted and not yet acked: id -> the sentence emitted with it.
    pending: BTreeMap<u64, String>,
    /// Failed and not yet emitted again.
    owed: BTreeSet<u64>,
    replays: u64,
}

impl Spec {
    fn may_emit_new(&self) -> bool {
        self.limit.is_none_or(|l| self.emitted < l) && self.pending.len() < self.max_pending
    }

    /// Checks one `next` that emitted `emits` (id, sentence).
    fn next(&mut self, emits: &[(u64, String)], step: usize) {
        assert!(
            emits.len() <= 1,
            "step {step}: batch 1 emits at most one sentence per next: {emits:?}"
        );
        let Some((id, sentence)) = emits.first() else {
            assert!(
                self.owed.is_empty(),
                "step {step}: a failed sentence is owed ({:?}) but next emitted nothing",
                self.owed
            );
            assert!(
                !self.may_emit_new(),
                "step {step}: nothing emitted although {} < limit and {} pending < {}",
                self.emitted,
                self.pending.len(),
                self.max_pending
            );
            return;
        };
        if self.owed.remove(id) {
            assert_eq!(
                Some(sentence),
                self.pending.get(id),
                "step {step}: replay of id {id} must carry the sentence that failed"
            );
            self.replays += 1;
            return;
        }
        assert!(
            !self.pending.contains_key(id),
            "step {step}: id {id} emitted again while pending, not failed"
        );
        assert!(self.may_emit_new(), "step {step}: new sentence {id} beyond the limit or the pending bound ({} emitted, {} pending)", self.emitted, self.pending.len());
        assert_eq!(
            *id,
            self.emitted + 1,
            "step {step}: message ids are 1, 2, 3..."
        );
        if self.sequential {
            let want = &self.corpus[(self.emitted % self.corpus.len() as u64) as usize];
            assert_eq!(sentence, want, "step {step}: sequential: corpus order");
        } else {
            assert!(
                self.corpus.contains(sentence),
                "step {step}: {sentence:?} is not a corpus sentence"
            );
        }
        self.emitted += 1;
        self.pending.insert(*id, sentence.clone());
    }
}

/// A tiny deterministic generator for the script of acks and fails.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

const CORPUS: [&str; 4] = [
    "one two",
    "three",
    "four five six",
    "ünïcödé  words\tand a tab",
];

fn corpus_file() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "spout-spec-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("corpus.txt");
    std::fs::write(&file, CORPUS.join("\n") + "\n").unwrap();
    file
}

/// Drives `c` through `steps` random nexts, acks and fails (acks and fails only of ids the
/// spec says are pending and not owed a replay), checking every `next` against the spec; then
/// acks everything and runs it dry. Returns (new sentences, replays).
fn check_against_spec(
    mut c: Component,
    order: &str,
    limit: u64,
    max_pending: usize,
    steps: usize,
    seed: u64,
) -> (u64, u64) {
    let file = corpus_file();
    let conf = json!({
        "wordcount.spout.corpus": file.to_str().unwrap(),
        "wordcount.spout.order": order,
        "wordcount.spout.reliable": true,
        "wordcount.spout.limit": limit,
        "wordcount.spout.max.pending": max_pending,
        "wordcount.spout.seed": 7,
    });
    c.handshake(conf, context("spout", 1)).unwrap();
    let mut spec = Spec {
        corpus: CORPUS.iter().map(|s| s.to_string()).collect(),
        sequential: order == "sequential",
        limit: Some(limit),
        max_pending,
        emitted: 0,
        pending: BTreeMap::new(),
        owed: BTreeSet::new(),
        replays: 0,
    };
    let mut t = Transcript::default();
    let mut rng = Lcg(seed);
    let next = |c: &mut Component, t: &mut Transcript, spec: &mut Spec, step: usize| {
        let before = t.emits.len();
        c.command(t, "next", None).unwrap();
        let emits: Vec<(u64, String)> = t.emits[before..]
            .iter()
            .map(|e| {
                (
                    e["id"].as_u64().expect("reliable: numeric id"),
                    e["tuple"][0].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        spec.next(&emits, step);
    };
    for step in 0..steps {
        let settled: Vec<u64> = spec
            .pending
            .keys()
            .filter(|id| !spec.owed.contains(id))
            .copied()
            .collect();
        match rng.below(10) {
            0..=5 => next(&mut c, &mut t, &mut spec, step),
            r if !settled.is_empty() => {
                let id = settled[rng.below(settled.len())];
                if r <= 7 {
                    c.command(&mut t, "ack", Some(json!(id))).unwrap();
                    spec.pending.remove(&id);
                } else {
                    c.command(&mut t, "fail", Some(json!(id))).unwrap();
                    spec.owed.insert(id);
                }
            }
            _ => next(&mut c, &mut t, &mut spec, step),
        }
    }
    // Run it dry: replay what is owed, ack everything, until the limit is reached.
    for step in steps..steps + 4 * limit as usize + 10 {
        next(&mut c, &mut t, &mut spec, step);
        let ids: Vec<u64> = spec
            .pending
            .keys()
            .filter(|id| !spec.owed.contains(id))
            .copied()
            .collect();
        for id in ids {
            c.command(&mut t, "ack", Some(json!(id))).unwrap();
            spec.pending.remove(&id);
        }
    }
    assert_eq!(spec.emitted, limit, "the limit is reached and held");
    assert!(spec.pending.is_empty() && spec.owed.is_empty());
    assert!(t.errors.is_empty(), "{:?}", t.errors);
    let (status, _) = c.finish(&mut t).unwrap();
    assert!(status.success());
    std::fs::remove_dir_all(file.parent().unwrap()).ok();
    (spec.emitted, spec.replays)
}

#[test]
fn reliable_sequential_limited_follows_the_spec() {
    for seed in [1, 2, 3] {
        let (emitted, replays) = check_against_spec(native(&[]), "sequential", 40, 5, 300, seed);
        assert_eq!(emitted, 40);
        assert!(
            replays >= 10,
            "the script really failed sentences: {replays}"
        );
    }
}

#[test]
fn reliable_random_limited_follows_the_spec() {
    let (_, replays) = check_against_spec(native(&[]), "random", 40, 5, 300, 4);
    assert!(replays >= 10, "{replays}");
}

#[test]
fn python_sentencespout_follows_the_same_spec() {
    // The Python variant of the topologies runs sentencespout.py with these conf keys.
    for order in ["sequential", "random"] {
        let (_, replays) = check_against_spec(
            Component::spawn(python_command("sentencespout.py")).unwrap(),
            order,
            40,
            5,
            300,
            5,
        );
        assert!(replays >= 10, "{replays}");
    }
}

#[test]
fn a_replayed_sentence_is_the_one_that_failed() {
    // Random order: a replay that drew a fresh sentence would differ from the original 3 times
    // in 4 here; 30 replays make that certain to show.
    let file = corpus_file();
    let mut c = native(&[]);
    c.handshake(
        json!({"wordcount.spout.corpus": file.to_str().unwrap(), "wordcount.spout.reliable": true, "wordcount.spout.seed": 11}),
        context("spout", 1),
    )
    .unwrap();
    let mut t = Transcript::default();
    for _ in 0..30 {
        c.command(&mut t, "next", None).unwrap();
    }
    let original: BTreeMap<u64, Value> = t
        .emits
        .iter()
        .map(|e| (e["id"].as_u64().unwrap(), e["tuple"].clone()))
        .collect();
    assert_eq!(original.len(), 30);
    for id in (1..=30).rev() {
        c.command(&mut t, "fail", Some(json!(id))).unwrap();
    }
    // Replays alternate with new sentences (README): at most 60 nexts bring all 30 back.
    let mut replayed = BTreeMap::new();
    for _ in 0..60 {
        let before = t.emits.len();
        c.command(&mut t, "next", None).unwrap();
        for e in &t.emits[before..] {
            let id = e["id"].as_u64().unwrap();
            if id <= 30 {
                replayed.insert(id, e["tuple"].clone());
            }
        }
        if replayed.len() == 30 {
            break;
        }
    }
    assert_eq!(
        replayed, original,
        "every failed id re-emitted with its own sentence"
    );
    let (status, _) = c.finish(&mut t).unwrap();
    assert!(status.success());
    std::fs::remove_dir_all(file.parent().unwrap()).ok();
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
