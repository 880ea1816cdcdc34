//! The `log` facade becomes Storm `log` commands, filtered before the pipe.
//! (Its own test binary: the logger is process-wide.)

use storm_multilang::{logger, run_bolt_io, Bolt, BoltOutput, Tuple};

struct Chatty;

impl Bolt for Chatty {
    type Error = String;
    fn process(&mut self, _t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
        log::trace!("t");
        log::debug!("d");
        log::info!("i \"quoted\"");
        out.emit(("between",));
        log::warn!("w");
        log::error!("e");
        Ok(())
    }
}

#[test]
fn levels_map_to_storm_numbers_and_the_filter_applies_first() {
    assert_eq!(logger::parse_level("WARN"), Some(log::LevelFilter::Warn));
    assert_eq!(logger::parse_level("0"), Some(log::LevelFilter::Trace));
    assert_eq!(logger::parse_level("loud"), None);
    logger::init(log::LevelFilter::Debug);
    let input = format!(
        "{{\"conf\":{{}},\"context\":{{}},\"pidDir\":{:?}}}\nend\n{{\"id\":\"1\",\"comp\":\"s\",\"stream\":\"default\",\"task\":1,\"tuple\":[]}}\nend\n",
        std::env::temp_dir().to_str().unwrap()
    );
    let mut out = Vec::new();
    run_bolt_io(Chatty, input.as_bytes(), &mut out, 1 << 20).unwrap();
    let text = String::from_utf8(out).unwrap();
    let msgs: Vec<serde_json::Value> = text
        .split_terminator("\nend\n")
        .skip(1)
        .map(|m| serde_json::from_str(m).unwrap())
        .collect();
    let summary: Vec<String> = msgs
        .iter()
        .map(|m| match m["command"].as_str().unwrap() {
            "log" => format!("log {} {}", m["level"], m["msg"].as_str().unwrap()),
            other => other.to_owned(),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "log 1 d",
            "log 2 i \"quoted\"",
            "emit",
            "log 3 w",
            "log 4 e",
            "ack"
        ]
    );

    logger::init(log::LevelFilter::Off);
    let mut out = Vec::new();
    run_bolt_io(Chatty, input.as_bytes(), &mut out, 1 << 20).unwrap();
    assert!(!String::from_utf8(out).unwrap().contains("\"log\""));
}
