//! The split-bolt component: its options, its `Bolt` impl, the binary's `main` and its
//! in-process export.

use std::process::ExitCode;

use storm_multilang::cli::{run_bolt_main, App, Args, Opt, Settings};
use storm_multilang::{Bolt, BoltOutput, Setup, Tuple};

static APP: App = App {
    name: "split-bolt",
    version: env!("CARGO_PKG_VERSION"),
    about: "Apache Storm bolt: splits each sentence (tuple field 0) into words and emits each \
            word as a tuple [word], anchored to the sentence.\nDrop-in replacement for the \
            word-count sample's splitbolt.py. Output field: word.",
    options: &[
        Opt {
            name: "mode",
            conf_key: Some("wordcount.split.mode"),
            value: Some("MODE"),
            help:
                "python: exactly Python's str.split() [default]; words: Unicode words, lowercased",
        },
        Opt {
            name: "log-tuples",
            conf_key: Some("wordcount.log.tuples"),
            value: None,
            help: "log every emitted word at info level, like the Python sample",
        },
    ],
};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Python,
    Words,
}

struct SplitBolt {
    args: Args,
    mode: Mode,
    log_tuples: bool,
}

impl Bolt for SplitBolt {
    type Error = String;

    fn prepare(&mut self, setup: &Setup, _out: &mut BoltOutput<'_>) -> Result<(), String> {
        let s = Settings::new(&APP, &self.args, setup.conf());
        self.mode = match s.str("mode").as_deref() {
            None | Some("python") => Mode::Python,
            Some("words") => Mode::Words,
            Some(other) => return Err(format!("unknown split mode {other:?} (python or words)")),
        };
        self.log_tuples = s.bool("log-tuples")?;
        log::info!("split-bolt starting, mode {:?}", self.mode);
        Ok(())
    }

    fn process(&mut self, tuple: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
        let sentence = tuple.str(0).map_err(|e| e.to_string())?;
        match self.mode {
            Mode::Python => {
                for word in crate::python_split(&sentence) {
                    if self.log_tuples {
                        log::info!("Emitting {word}");
                    }
                    out.emit((word,));
                }
            }
            Mode::Words => {
                for word in crate::words(&sentence) {
                    if self.log_tuples {
                        log::info!("Emitting {word}");
                    }
                    out.emit((&*word,));
                }
            }
        }
        Ok(())
    }
}

/// The component as its flags describe it (the conf is read in `prepare`).
fn new(args: &Args) -> SplitBolt {
    SplitBolt {
        args: args.clone(),
        mode: Mode::Python,
        log_tuples: false,
    }
}

/// The binary's whole `main`.
pub fn main() -> ExitCode {
    run_bolt_main(&APP, new)
}

storm_multilang::export_bolt!("split-bolt", APP, new);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use storm_multilang::testing::{setup, BoltHarness, TestTuple};

    fn bolt() -> SplitBolt {
        SplitBolt {
            args: Args::default(),
            mode: Mode::Python,
            log_tuples: false,
        }
    }

    #[test]
    fn words_are_emitted_anchored_and_the_sentence_acked() {
        let mut h = BoltHarness::new(bolt());
        let r = h.send(TestTuple::new(["the cow\u{1c} jumped"]).id("s-1"));
        assert_eq!(
            r.emitted(),
            [
                vec![json!("the")],
                vec![json!("cow")],
                vec![json!("jumped")]
            ]
        );
        assert!(r
            .emits()
            .iter()
            .all(|e| e.anchors == ["s-1"] && e.stream == "default"));
        assert_eq!(r.acks(), ["s-1"]);
        assert!(r.fails().is_empty() && r.errors().is_empty());
    }

    #[test]
    fn words_mode_and_logged_tuples_from_the_conf() {
        let conf = json!({"wordcount.split.mode": "words", "wordcount.log.tuples": "true"});
        let mut h = BoltHarness::with_conf(bolt(), conf);
        assert!(h.prepared().logs()[0].1.contains("mode Words"));
        let r = h.process(["Hello, World!"]);
        assert_eq!(r.emitted(), [vec![json!("hello")], vec![json!("world")]]);
        let logs: Vec<&str> = r.logs().into_iter().map(|(_, m)| m).collect();
        assert_eq!(logs, ["Emitting hello", "Emitting world"]);
    }

    #[test]
    fn a_bad_mode_fails_prepare_and_a_bad_value_fails_its_tuple() {
        let err = BoltHarness::start(
            bolt(),
            &setup(json!({"wordcount.split.mode": "x"}), "split", 3),
        )
        .unwrap_err();
        assert!(
            err.errors()[0].contains("unknown split mode \"x\""),
            "{err:?}"
        );
        let mut h = BoltHarness::new(bolt());
        let r = h.process([7]);
        assert_eq!((r.emits().len(), r.fails()), (0, vec!["1"]));
        assert_eq!(r.errors().len(), 1);
    }
}
