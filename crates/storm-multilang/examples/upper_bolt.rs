//! A minimal bolt: upper-cases the first field of each tuple.
//!
//! Build it with `cargo build --example upper_bolt` and name the binary in a `ShellBolt`
//! (see the crate docs). `cargo test --workspace` runs the tests below, which drive it once
//! in process and once through the real runner over in-memory pipes.

use std::process::ExitCode;

use storm_multilang::cli::{self, App};
use storm_multilang::{Bolt, BoltOutput, FieldError, Tuple};

struct Upper;

impl Bolt for Upper {
    type Error = FieldError;

    fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), FieldError> {
        out.emit((t.str(0)?.to_uppercase(),));
        Ok(())
    }
}

static APP: App = App {
    name: "upper_bolt",
    version: "1.0",
    about: "upper-cases field 0 (output field: upper)",
    options: &[],
};

fn main() -> ExitCode {
    cli::run_bolt_main(&APP, |_args| Upper)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use storm_multilang::testing::BoltHarness;

    #[test]
    fn in_process() {
        let mut h = BoltHarness::new(Upper);
        let r = h.process(["moo"]);
        assert_eq!(r.emitted(), [vec![json!("MOO")]]);
        assert_eq!(r.acks(), ["1"]);
    }

    #[test]
    fn over_pipes_as_storm_drives_it() {
        let dir = std::env::temp_dir().join(format!("upper-bolt-example-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let input = format!(
            "{{\"conf\":{{}},\"context\":{{}},\"pidDir\":{}}}\nend\n\
             {{\"id\":\"7\",\"comp\":\"spout\",\"stream\":\"default\",\"task\":1,\"tuple\":[\"moo\"]}}\nend\n",
            json!(dir.to_str().unwrap())
        );
        let mut output = Vec::new();
        storm_multilang::run_bolt_io(Upper, input.as_bytes(), &mut output, None).unwrap();
        let text = String::from_utf8(output).unwrap();
        assert!(text.contains(r#""tuple":["MOO"]"#), "{text}");
        assert!(
            text.ends_with("{\"command\":\"ack\",\"id\":\"7\"}\nend\n"),
            "{text}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
