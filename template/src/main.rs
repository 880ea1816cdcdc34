//! lowercase-bolt: lowercases each word and drops stop words.
use std::process::ExitCode;

use storm_multilang::cli::{self, App};
use storm_multilang::{Bolt, BoltOutput, FieldError, Tuple};

const STOP_WORDS: &[&str] = &["a", "an", "and", "of", "the", "to"];

/// Emits each word lowercased, unless it is a stop word.
struct Lowercase;

impl Bolt for Lowercase {
    type Error = FieldError;

    fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), FieldError> {
        let word = t.str(0)?.to_lowercase();
        if !STOP_WORDS.contains(&word.as_str()) {
            out.emit((word,));
        }
        Ok(())
    }
}

static APP: App = App {
    name: "lowercase-bolt",
    version: env!("CARGO_PKG_VERSION"),
    about: "lowercases words, drops stop words (output field: word)",
    options: &[],
};

fn main() -> ExitCode {
    cli::run_bolt_main(&APP, |_args| Lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use storm_multilang::serde_json::json;
    use storm_multilang::testing::BoltHarness;

    #[test]
    fn lowercases_words_and_drops_stop_words() {
        let mut h = BoltHarness::new(Lowercase);
        let r = h.process(["Storm"]);
        assert_eq!(r.emitted(), [vec![json!("storm")]]);
        assert_eq!(r.acks(), ["1"]);
        let r = h.process(["The"]);
        assert!(r.emitted().is_empty());
        assert_eq!(r.acks(), ["2"]);
    }

    #[test]
    fn a_tuple_without_a_string_fails_instead_of_panicking() {
        let mut h = BoltHarness::new(Lowercase);
        let r = h.process([42]);
        assert!(r.emitted().is_empty());
        assert_eq!(r.fails(), ["1"]);
    }
}
