//! The sentence-spout component: its options, its `Spout` impl, the binary's `main` and its
//! in-process export.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::{parse_corpus, sample_sentences, Failed, Next, Order, Source};
use storm_multilang::cli::{run_spout_main, App, Args, Opt, Settings};
use storm_multilang::{MessageId, Setup, Spout, SpoutOutput};

static APP: App = App {
    name: "sentence-spout",
    version: env!("CARGO_PKG_VERSION"),
    about: "Apache Storm spout: on each `next`, emits one sentence as a tuple [sentence].\n\
            By default one of the word-count sample's five sentences at random, unreliably: \
            a drop-in replacement for sentencespout.py. Output field: sentence.",
    options: &[
        Opt {
            name: "corpus",
            conf_key: Some("wordcount.spout.corpus"),
            value: Some("FILE"),
            help: "sentences, one per line (relative to the topology's resources dir)",
        },
        Opt {
            name: "order",
            conf_key: Some("wordcount.spout.order"),
            value: Some("ORDER"),
            help: "random [default] or sequential (corpus order, starting over at the end)",
        },
        Opt {
            name: "reliable",
            conf_key: Some("wordcount.spout.reliable"),
            value: None,
            help: "emit with message ids 1, 2, 3...; replay failed sentences",
        },
        Opt {
            name: "max-pending",
            conf_key: Some("wordcount.spout.max.pending"),
            value: Some("N"),
            help: "reliable mode: at most N sentences in flight [1000]",
        },
        Opt {
            name: "max-replays",
            conf_key: Some("wordcount.spout.max.replays"),
            value: Some("N"),
            help: "reliable mode: replay a failed sentence at most N times, then report it \
                   (error) and drop it [unbounded: at-least-once, but a sentence that always \
                   fails replays forever, alternating with new ones]",
        },
        Opt {
            name: "limit",
            conf_key: Some("wordcount.spout.limit"),
            value: Some("N"),
            help: "emit at most N new sentences, then nothing (replays not counted)",
        },
        Opt {
            name: "batch",
            conf_key: Some("wordcount.spout.batch"),
            value: Some("N"),
            help: "emit up to N sentences per `next` [1, like the sample]: fewer JVM round trips",
        },
        Opt {
            name: "seed",
            conf_key: Some("wordcount.spout.seed"),
            value: Some("N"),
            help: "random seed [from the clock]",
        },
        Opt {
            name: "log-tuples",
            conf_key: Some("wordcount.log.tuples"),
            value: None,
            help: "log every emitted sentence at info level, like the Python sample",
        },
    ],
};

struct SentenceSpout {
    args: Args,
    sentences: Vec<String>,
    source: Source,
    log_tuples: bool,
    limit_logged: bool,
    batch: u64,
}

impl Spout for SentenceSpout {
    type Error = String;

    fn open(&mut self, setup: &Setup, _out: &mut SpoutOutput<'_>) -> Result<(), String> {
        let s = Settings::new(&APP, &self.args, setup.conf());
        if let Some(path) = s.str("corpus") {
            let text = std::fs::read_to_string(&*path).map_err(|e| {
                let cwd = std::env::current_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default();
                format!("cannot read corpus {path:?} (cwd {cwd}): {e}")
            })?;
            self.sentences = parse_corpus(&text);
            if self.sentences.is_empty() {
                return Err(format!("corpus {path:?} has no sentences"));
            }
        }
        let order = match s.str("order").as_deref() {
            None | Some("random") => Order::Random,
            Some("sequential") => Order::Sequential,
            Some(other) => return Err(format!("unknown order {other:?} (random or sequential)")),
        };
        let seed = match s.u64("seed")? {
            Some(seed) => seed,
            None => {
                let t = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default();
                (t.as_nanos() as u64) ^ (u64::from(std::process::id()) << 32)
            }
        };
        let mut source = Source::new(self.sentences.len(), order, seed).with_limit(s.u64("limit")?);
        if s.bool("reliable")? {
            let max_pending = s.u64("max-pending")?.unwrap_or(1000);
            let max_replays = s
                .u64("max-replays")?
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
            source = source
                .reliable(usize::try_from(max_pending).unwrap_or(usize::MAX))
                .max_replays(max_replays);
        }
        self.source = source;
        self.log_tuples = s.bool("log-tuples")?;
        self.batch = s.u64("batch")?.unwrap_or(1).max(1);
        log::info!(
            "sentence-spout starting: {} sentences, {order:?} order{}",
            self.sentences.len(),
            if s.bool("reliable")? {
                ", reliable"
            } else {
                ""
            }
        );
        Ok(())
    }

    fn next(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        for _ in 0..self.batch {
            if !self.emit_one(out) {
                break;
            }
        }
        Ok(())
    }

    fn ack(&mut self, id: MessageId<'_>, _out: &mut SpoutOutput<'_>) -> Result<(), String> {
        match id.as_u64() {
            Some(n) if self.source.ack(n) => Ok(()),
            _ => Err(format!("ack for unknown message id {}", id.raw())),
        }
    }

    fn fail(&mut self, id: MessageId<'_>, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        match id.as_u64().map(|n| (n, self.source.fail(n))) {
            Some((n, Failed::Replay(k))) => {
                log::debug!("sentence {n} failed: will be replayed (replay {k})");
                Ok(())
            }
            Some((n, Failed::GaveUp { sentence, replays })) => {
                out.report_error(&format!(
                    "sentence {n} failed again after {replays} replays (max replays): \
                     given up: {:?}",
                    self.sentences[sentence]
                ));
                Ok(())
            }
            Some((_, Failed::Unknown)) | None => {
                Err(format!("fail for unknown message id {}", id.raw()))
            }
        }
    }
}

impl SentenceSpout {
    /// Emits the next sentence, if any; false when there is nothing to emit now.
    fn emit_one(&mut self, out: &mut SpoutOutput<'_>) -> bool {
        match self.source.decide() {
            Next::Unreliable(i) => {
                let sentence = self.sentences[i].as_str();
                if self.log_tuples {
                    log::info!("Emitting {sentence}");
                }
                out.emit((sentence,));
            }
            Next::Reliable(id, i) => {
                let sentence = self.sentences[i].as_str();
                if self.log_tuples {
                    log::info!("Emitting {sentence} (id {id})");
                }
                out.emit_reliable(id, (sentence,));
            }
            Next::Nothing => {
                if !self.limit_logged && self.source.stats().2 == 0 {
                    self.limit_logged = true;
                    log::info!("limit reached: {} sentences emitted", self.source.emitted());
                }
                return false;
            }
        }
        true
    }
}

/// The component as its flags describe it (the conf is read in `open`).
fn new(args: &Args) -> SentenceSpout {
    SentenceSpout {
        args: args.clone(),
        sentences: sample_sentences().into_iter().map(str::to_owned).collect(),
        source: Source::new(sample_sentences().len(), Order::Random, 0),
        log_tuples: false,
        limit_logged: false,
        batch: 1,
    }
}

/// The binary's whole `main`.
pub fn main() -> ExitCode {
    run_spout_main(&APP, new)
}

storm_multilang::export_spout!("sentence-spout", APP, new);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use storm_multilang::testing::SpoutHarness;

    fn spout() -> SentenceSpout {
        SentenceSpout {
            args: Args::default(),
            sentences: sample_sentences().into_iter().map(str::to_owned).collect(),
            source: Source::new(sample_sentences().len(), Order::Random, 0),
            log_tuples: false,
            limit_logged: false,
            batch: 1,
        }
    }

    #[test]
    fn unreliable_sample_sentences_one_per_next() {
        let mut h = SpoutHarness::with_conf(spout(), json!({"wordcount.spout.seed": 3}));
        for _ in 0..20 {
            let r = h.next();
            assert!(r.synced());
            let e = r.emits();
            assert_eq!(e.len(), 1);
            assert_eq!(e[0].message_id, None);
            assert!(sample_sentences().contains(&e[0].values[0].as_str().unwrap()));
        }
    }

    #[test]
    fn sequential_batches_and_the_limit() {
        let conf = json!({
            "wordcount.spout.order": "sequential",
            "wordcount.spout.batch": 2,
            "wordcount.spout.limit": 3,
        });
        let mut h = SpoutHarness::with_conf(spout(), conf);
        let first = h.next().emitted();
        assert_eq!(
            first,
            [
                vec![json!(sample_sentences()[0])],
                vec![json!(sample_sentences()[1])]
            ]
        );
        let r = h.next();
        assert_eq!(r.emitted(), [vec![json!(sample_sentences()[2])]]);
        assert_eq!(
            r.logs(),
            [(log::Level::Info, "limit reached: 3 sentences emitted")]
        );
        let r = h.next();
        assert!(r.emits().is_empty() && r.logs().is_empty() && r.synced());
    }

    #[test]
    fn reliable_replays_then_gives_up_with_an_error() {
        let conf = json!({
            "wordcount.spout.order": "sequential",
            "wordcount.spout.reliable": true,
            "wordcount.spout.max.replays": 1,
        });
        let mut h = SpoutHarness::with_conf(spout(), conf);
        assert_eq!(h.next().emits()[0].message_id, Some(json!(1)));
        assert!(h.fail(1).errors().is_empty());
        let replay = h.next();
        assert_eq!(replay.emits()[0].message_id, Some(json!(1)));
        assert_eq!(replay.emitted(), [vec![json!(sample_sentences()[0])]]);
        let r = h.fail(1);
        assert_eq!(r.errors().len(), 1);
        assert!(r.errors()[0].contains("given up"), "{r:?}");
        assert_eq!(h.next().emits()[0].message_id, Some(json!(2)));
        assert!(h.ack(2).errors().is_empty());
        assert_eq!(
            h.ack(2).errors(),
            ["ack failed: ack for unknown message id 2"]
        );
    }
}
