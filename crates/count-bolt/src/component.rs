//! The count-bolt component: its options, its `Bolt` impl, the binary's `main` and its
//! in-process export.

use std::process::ExitCode;

use std::time::{Duration, Instant};

use crate::{Counter, Every, DISTINCT_WORDS};
use storm_multilang::cli::{run_bolt_main, App, Args, Opt, Settings};
use storm_multilang::{Bolt, BoltOutput, Setup, Tuple};

static APP: App = App {
    name: "count-bolt",
    version: env!("CARGO_PKG_VERSION"),
    about: "Apache Storm bolt: keeps a running count per word (tuple field 0) and emits \
            [word, count] anchored to the input.\nDrop-in replacement for the word-count \
            sample's countbolt.py. Output fields: word, count. Wire it with a fields grouping \
            on word so each word is counted by one task.",
    options: &[
        Opt {
            name: "log-tuples",
            conf_key: Some("wordcount.log.tuples"),
            value: None,
            help: "log every emitted count at info level, like the Python sample",
        },
        Opt {
            name: "metrics-secs",
            conf_key: Some("wordcount.count.metrics.secs"),
            value: Some("N"),
            help:
                "every N seconds at most (checked on each tuple and tick tuple), send the metric \
                   distinct-words: how many distinct words this task holds [0: off; the JVM \
                   side must register an IShellMetric of that name, or Storm kills the worker]",
        },
    ],
};

struct CountBolt {
    args: Args,
    counter: Counter,
    log_tuples: bool,
    /// When `distinct-words` is next due; `None`: metrics off.
    metrics: Option<Every>,
}

impl CountBolt {
    fn new(args: Args) -> Self {
        CountBolt {
            args,
            counter: Counter::new(),
            log_tuples: false,
            metrics: None,
        }
    }

    /// Sends `distinct-words` when metrics are on and a period has passed.
    fn report(&mut self, out: &mut BoltOutput<'_>) -> Result<(), String> {
        let due = self
            .metrics
            .as_mut()
            .is_some_and(|every| every.due(Instant::now()));
        if !due {
            return Ok(());
        }
        out.metric(DISTINCT_WORDS, self.counter.len())
            .map_err(|e| e.to_string())
    }
}

impl Bolt for CountBolt {
    type Error = String;

    fn prepare(&mut self, setup: &Setup, _out: &mut BoltOutput<'_>) -> Result<(), String> {
        let settings = Settings::new(&APP, &self.args, setup.conf());
        self.log_tuples = settings.bool("log-tuples")?;
        self.metrics = match settings.u64("metrics-secs")? {
            None | Some(0) => None,
            Some(secs) => Some(Every::new(Duration::from_secs(secs), Instant::now())),
        };
        log::info!("count-bolt starting");
        Ok(())
    }

    fn process(&mut self, tuple: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
        let word = tuple.str(0).map_err(|e| e.to_string())?;
        let count = self.counter.add(&word);
        if self.log_tuples {
            log::info!("Emitting {word}:{count}");
        }
        out.emit((&*word, count));
        self.report(out)
    }

    fn tick(&mut self, _tuple: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
        self.report(out)
    }
}

/// The component as its flags describe it (the conf is read in `prepare`).
fn new(args: &Args) -> CountBolt {
    CountBolt::new(args.clone())
}

/// The binary's whole `main`.
pub fn main() -> ExitCode {
    run_bolt_main(&APP, new)
}

storm_multilang::export_bolt!("count-bolt", APP, new);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use storm_multilang::testing::{BoltHarness, Sent, TestTuple};

    fn bolt() -> CountBolt {
        CountBolt::new(Args::default())
    }

    /// Moves the bolt's metrics clock back by `secs`, as if that much time had passed.
    fn age(h: &mut BoltHarness<CountBolt>, secs: u64) {
        let every = h.bolt_mut().metrics.as_mut().expect("metrics on");
        *every = Every::new(
            Duration::from_secs(60),
            Instant::now() - Duration::from_secs(secs),
        );
    }

    #[test]
    fn distinct_words_is_off_by_default() {
        let mut h = BoltHarness::new(bolt());
        for w in ["a", "b", "a"] {
            assert_eq!(h.process([w]).metrics(), []);
        }
        assert!(h.bolt().metrics.is_none());
        assert_eq!(h.tick().metrics(), []);
        let mut h = BoltHarness::with_conf(bolt(), json!({"wordcount.count.metrics.secs": 0}));
        assert!(h.bolt().metrics.is_none(), "0 is off");
        assert_eq!(h.tick().metrics(), []);
    }

    #[test]
    fn distinct_words_at_most_once_per_period_on_tuples_and_ticks() {
        let mut h = BoltHarness::with_conf(bolt(), json!({"wordcount.count.metrics.secs": 60}));
        for w in ["cow", "moon", "cow"] {
            assert_eq!(h.process([w]).metrics(), [], "not due yet");
        }
        assert_eq!(h.tick().metrics(), []);
        age(&mut h, 61);
        let r = h.tick();
        assert_eq!(r.metrics(), [(DISTINCT_WORDS, &json!(2))]);
        assert_eq!(r.acks().len(), 1, "the tick is acked");
        assert_eq!(h.tick().metrics(), [], "once per period");
        assert_eq!(h.process(["sky"]).metrics(), []);
        age(&mut h, 60);
        let r = h.process(["cow"]);
        assert!(
            matches!(
                &r.sent[..],
                [Sent::Emit(_), Sent::Metrics { name, params }, Sent::Ack(_)]
                    if name == DISTINCT_WORDS && *params == json!(3)
            ),
            "emit, then the metric, then the ack: {:?}",
            r.sent
        );
    }

    #[test]
    fn the_flag_wins_over_the_conf_key() {
        let args = match APP
            .parse_from(["--metrics-secs".to_owned(), "0".to_owned()])
            .unwrap()
        {
            storm_multilang::cli::Action::Run(args) => args,
            other => panic!("{other:?}"),
        };
        let h = BoltHarness::with_conf(
            CountBolt::new(args),
            json!({"wordcount.count.metrics.secs": 5}),
        );
        assert!(h.bolt().metrics.is_none());
        let bad = BoltHarness::start(
            bolt(),
            &storm_multilang::testing::setup(
                json!({"wordcount.count.metrics.secs": "soon"}),
                "count",
                3,
            ),
        );
        assert_eq!(bad.err().map(|r| r.errors().len()), Some(1));
    }

    #[test]
    fn running_counts_anchored_to_each_word() {
        let mut h = BoltHarness::new(bolt());
        let mut got = Vec::new();
        for (i, w) in ["cow", "moon", "cow", "Cow"].iter().enumerate() {
            let r = h.send(TestTuple::new([w]).id(format!("w{i}")).from("split"));
            assert_eq!(r.emits()[0].anchors, [format!("w{i}")]);
            assert_eq!(r.acks(), [format!("w{i}")]);
            got.extend(r.emitted());
        }
        assert_eq!(
            got,
            [
                vec![json!("cow"), json!(1)],
                vec![json!("moon"), json!(1)],
                vec![json!("cow"), json!(2)],
                vec![json!("Cow"), json!(1)],
            ]
        );
    }

    #[test]
    fn logged_tuples_and_a_bad_word() {
        let mut h = BoltHarness::with_conf(bolt(), json!({"wordcount.log.tuples": true}));
        assert_eq!(h.process(["cow"]).logs()[0].1, "Emitting cow:1");
        let r = h.process([json!(null)]);
        assert_eq!(r.fails(), ["2"]);
        assert!(r.emits().is_empty());
        assert_eq!(h.process(["cow"]).emitted(), [vec![json!("cow"), json!(2)]]);
    }
}
