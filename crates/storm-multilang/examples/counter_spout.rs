//! A minimal reliable spout: emits 1, 2, 3, ... with the number as its message id, and emits
//! a failed number again.
//!
//! Build it with `cargo build --example counter_spout` and name the binary in a `ShellSpout`.
//! `cargo test --workspace` runs the tests below.

use std::collections::VecDeque;
use std::process::ExitCode;

use storm_multilang::cli::{self, App, Opt, Settings};
use storm_multilang::{MessageId, Setup, Spout, SpoutOutput};

#[derive(Default)]
struct Counter {
    args: cli::Args,
    next: u64,
    limit: Option<u64>,
    failed: VecDeque<u64>,
}

impl Spout for Counter {
    type Error = String;

    fn open(&mut self, setup: &Setup, _out: &mut SpoutOutput<'_>) -> Result<(), String> {
        self.limit = Settings::new(&APP, &self.args, setup.conf()).u64("limit")?;
        Ok(())
    }

    fn next(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        let n = match self.failed.pop_front() {
            Some(n) => n,
            None if self.limit.is_some_and(|l| self.next >= l) => return Ok(()),
            None => {
                self.next += 1;
                self.next
            }
        };
        out.emit_reliable(n, (n,));
        Ok(())
    }

    fn fail(&mut self, id: MessageId<'_>, _out: &mut SpoutOutput<'_>) -> Result<(), String> {
        let n = id
            .as_u64()
            .ok_or_else(|| format!("not one of ours: {}", id.raw()))?;
        self.failed.push_back(n);
        Ok(())
    }
}

static APP: App = App {
    name: "counter_spout",
    version: "1.0",
    about: "emits 1, 2, 3, ... reliably (output field: n)",
    options: &[Opt {
        name: "limit",
        conf_key: Some("counter.limit"),
        value: Some("N"),
        help: "stop after N numbers",
    }],
};

fn main() -> ExitCode {
    cli::run_spout_main(&APP, |args| Counter {
        args: args.clone(),
        ..Counter::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use storm_multilang::testing::SpoutHarness;

    #[test]
    fn counts_replays_and_stops_at_the_limit() {
        let mut h = SpoutHarness::with_conf(Counter::default(), json!({"counter.limit": 2}));
        assert_eq!(h.next().emitted(), [vec![json!(1)]]);
        assert!(h.fail(1).synced());
        let r = h.next();
        assert_eq!(
            r.emits()[0].message_id,
            Some(json!(1)),
            "replayed with its id"
        );
        assert_eq!(h.next().emitted(), [vec![json!(2)]]);
        assert!(h.next().emits().is_empty(), "limit reached");
        assert_eq!(
            h.fail("x").errors(),
            ["fail failed: not one of ours: \"x\""]
        );
    }
}
