//! `count-bolt`: emits [word, running count] for each input word (fields `word`, `count`).

use std::process::ExitCode;

use count_bolt::Counter;
use storm_multilang::cli::{run_bolt_main, App, Args, Opt, Settings};
use storm_multilang::{Bolt, BoltOutput, Setup, Tuple};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

static APP: App = App {
    name: "count-bolt",
    version: env!("CARGO_PKG_VERSION"),
    about: "Apache Storm bolt: keeps a running count per word (tuple field 0) and emits \
            [word, count] anchored to the input.\nDrop-in replacement for the word-count \
            sample's countbolt.py. Output fields: word, count. Wire it with a fields grouping \
            on word so each word is counted by one task.",
    options: &[Opt {
        name: "log-tuples",
        conf_key: Some("wordcount.log.tuples"),
        value: None,
        help: "log every emitted count at info level, like the Python sample",
    }],
};

struct CountBolt {
    args: Args,
    counter: Counter,
    log_tuples: bool,
}

impl Bolt for CountBolt {
    type Error = String;

    fn prepare(&mut self, setup: &Setup, _out: &mut BoltOutput<'_>) -> Result<(), String> {
        self.log_tuples = Settings::new(&APP, &self.args, setup.conf()).bool("log-tuples")?;
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
        Ok(())
    }
}

fn main() -> ExitCode {
    run_bolt_main(&APP, |args| CountBolt {
        args: args.clone(),
        counter: Counter::new(),
        log_tuples: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use storm_multilang::testing::{BoltHarness, TestTuple};

    fn bolt() -> CountBolt {
        CountBolt {
            args: Args::default(),
            counter: Counter::new(),
            log_tuples: false,
        }
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
