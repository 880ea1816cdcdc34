//! Transcript tests: literal bytes in, the exact messages out.
//!
//! Each case feeds a runner the bytes Storm would write after the setup message and lists
//! every message the component must answer with (the `pid` reply left out). The components
//! here are tiny test doubles that exercise one protocol feature each.

use std::io::{self, Write};

use serde_json::{json, Value};
use storm_multilang::{
    run_bolt_io, run_spout_io, Bolt, BoltOutput, Emit, EmitToken, Error, MessageId, Spout,
    SpoutOutput, Tuple,
};

/// A bolt whose behaviour is chosen by the first value of each tuple.
struct TestBolt;

impl Bolt for TestBolt {
    type Error = String;

    fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
        let cmd = t.str(0).map_err(|e| e.to_string())?;
        match &*cmd {
            "fail-me" => {
                out.emit(("partial",));
                Err("asked to fail".into())
            }
            "ids" => {
                out.emit_with(&Emit::new().need_task_ids(), ("a",));
                out.emit_with(&Emit::new().need_task_ids(), ("b",));
                Ok(())
            }
            "route" => {
                let anchors = [t.anchor()];
                out.emit_with(&Emit::new().stream("side").direct(4), ("d",));
                out.emit_with(&Emit::new().unanchored(), ("u",));
                out.emit_with(&Emit::new().anchored_to(&anchors), ("x", 1.5, true));
                Ok(())
            }
            "metric" => {
                out.metric("my-metric", json!({"n": 1}))
                    .map_err(|e| e.to_string())?;
                out.metric("count", 42).map_err(|e| e.to_string())?;
                out.metric("ratio", 0.5).map_err(|e| e.to_string())?;
                let mut bad = std::collections::HashMap::new();
                bad.insert((1, 2), 3);
                let err = out.metric("bad", &bad).unwrap_err();
                assert_eq!(err.name(), "bad");
                out.report_error("just so you know");
                Ok(())
            }
            "bad-value" => {
                let mut m = std::collections::HashMap::new();
                m.insert((1, 2), 3);
                out.emit(("ok-before",));
                out.emit((m,));
                Ok(())
            }
            other => {
                out.emit((other.to_uppercase(), t.values().len()));
                Ok(())
            }
        }
    }

    fn tick(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
        out.emit_with(
            &Emit::new().unanchored(),
            ("tick", t.values().i64(0).unwrap_or(-1)),
        );
        Ok(())
    }

    fn task_ids(&mut self, emit: EmitToken, ids: &[u32], out: &mut BoltOutput<'_>) {
        out.emit(("ids-for", format!("{emit:?}"), ids.to_vec()));
    }
}

/// A spout: `next` emits one numbered sentence reliably and one unreliably.
#[derive(Default)]
struct TestSpout {
    n: u64,
}

impl Spout for TestSpout {
    type Error = String;

    fn next(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        self.n += 1;
        if self.n == 3 {
            return Err("third next fails".into());
        }
        out.emit_reliable(self.n, (format!("s{}", self.n),));
        out.emit(("unreliable",));
        Ok(())
    }

    fn ack(&mut self, id: MessageId<'_>, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        out.emit(("acked", id.raw()));
        out.metric("acked", 1).map_err(|e| e.to_string())?;
        Ok(())
    }

    fn fail(&mut self, id: MessageId<'_>, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        out.emit_with(
            &Emit::new().stream("failed"),
            Some("m-1".into()),
            ("failed", id.raw()),
        );
        Ok(())
    }

    fn activate(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        out.emit(("activated",));
        Ok(())
    }

    fn task_ids(&mut self, emit: EmitToken, ids: &[u32], out: &mut SpoutOutput<'_>) {
        out.emit(("ids-for", format!("{emit:?}"), ids.to_vec()));
    }
}

fn setup() -> String {
    let dir = std::env::temp_dir().join("multilang-transcripts");
    std::fs::create_dir_all(&dir).unwrap();
    format!(
        "{{\"conf\":{{\"topology.name\":\"t\"}},\"context\":{{\"taskid\":5,\"componentid\":\"c\"}},\"pidDir\":{}}}\nend\n",
        json!(dir.to_str().unwrap())
    )
}

/// Splits output into messages; checks each ends with an `end` line and is valid JSON.
fn messages(out: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(out).expect("output is UTF-8");
    assert!(
        text.is_empty() || text.ends_with("\nend\n"),
        "output ends mid-message: {text:?}"
    );
    text.split_terminator("\nend\n")
        .map(|m| serde_json::from_str(m).unwrap_or_else(|e| panic!("bad JSON out ({e}): {m}")))
        .collect()
}

fn run_bolt_case(input: &[u8], limit: usize) -> (Result<(), Error>, Vec<Value>) {
    let mut all = setup().into_bytes();
    all.extend_from_slice(input);
    let mut out = Vec::new();
    let r = run_bolt_io(TestBolt, &all[..], &mut out, limit);
    let mut msgs = messages(&out);
    assert_eq!(msgs.remove(0)["pid"], json!(std::process::id()));
    (r, msgs)
}

fn run_spout_case(input: &[u8]) -> (Result<(), Error>, Vec<Value>) {
    let mut all = setup().into_bytes();
    all.extend_from_slice(input);
    let mut out = Vec::new();
    let r = run_spout_io(TestSpout::default(), &all[..], &mut out, 1 << 20);
    let mut msgs = messages(&out);
    assert_eq!(msgs.remove(0)["pid"], json!(std::process::id()));
    (r, msgs)
}

fn tuple(id: &str, first: &str) -> String {
    format!(
        "{{\"id\":\"{id}\",\"comp\":\"spout\",\"stream\":\"default\",\"task\":1,\"tuple\":[{}]}}\nend\n",
        json!(first)
    )
}

fn emit(anchor: &str, values: Value) -> Value {
    json!({"command":"emit","anchors":[anchor],"need_task_ids":false,"tuple":values})
}

fn ack(id: &str) -> Value {
    json!({"command":"ack","id":id})
}

fn fail(id: &str) -> Value {
    json!({"command":"fail","id":id})
}

fn sync() -> Value {
    json!({"command":"sync"})
}

/// An `error` command whose message contains `part`.
fn error_with(msgs: &[Value], i: usize, part: &str) {
    assert_eq!(msgs[i]["command"], "error", "message {i}: {}", msgs[i]);
    let m = msgs[i]["msg"].as_str().unwrap();
    assert!(m.contains(part), "error {m:?} should contain {part:?}");
}

#[test]
fn bolt_transcripts() {
    struct Case {
        name: &'static str,
        input: String,
        want: Vec<Value>,
    }
    let cases = vec![
        Case {
            name: "a tuple is emitted on, anchored, then acked",
            input: tuple("1", "moo"),
            want: vec![emit("1", json!(["MOO", 1])), ack("1")],
        },
        Case {
            name: "a message may span several lines and use CRLF",
            input: "{\"id\":\"2\",\r\n\"comp\":\"spout\",\n\"stream\":\"default\",\"task\":1,\r\n\"tuple\":[\"a\",\"b\"]}\r\nend\r\n".into(),
            want: vec![emit("2", json!(["A", 2])), ack("2")],
        },
        Case {
            name: "heartbeat answered with sync, never acked",
            input: "{\"id\":\"-9\",\"comp\":null,\"stream\":\"__heartbeat\",\"task\":-1,\"tuple\":[]}\nend\n".into(),
            want: vec![sync()],
        },
        Case {
            name: "tick tuple goes to the tick hook and is acked",
            input: "{\"id\":\"7\",\"comp\":\"__system\",\"stream\":\"__tick\",\"task\":-1,\"tuple\":[30]}\nend\n".into(),
            want: vec![json!({"command":"emit","need_task_ids":false,"tuple":["tick",30]}), ack("7")],
        },
        Case {
            name: "task ids: asked for only when wanted, matched in order, even late",
            input: tuple("3", "ids") + "[4,5]\nend\n" + &tuple("4", "moo") + "[6]\nend\n",
            want: vec![
                json!({"command":"emit","anchors":["3"],"tuple":["a"]}),
                json!({"command":"emit","anchors":["3"],"tuple":["b"]}),
                ack("3"),
                json!({"command":"emit","need_task_ids":false,"tuple":["ids-for","EmitToken(1)",[4,5]]}),
                emit("4", json!(["MOO", 1])),
                ack("4"),
                json!({"command":"emit","need_task_ids":false,"tuple":["ids-for","EmitToken(2)",[6]]}),
            ],
        },
        Case {
            name: "streams, direct tasks, unanchored and explicit anchors",
            input: tuple("5", "route"),
            want: vec![
                json!({"command":"emit","anchors":["5"],"stream":"side","task":4,"need_task_ids":false,"tuple":["d"]}),
                json!({"command":"emit","need_task_ids":false,"tuple":["u"]}),
                json!({"command":"emit","anchors":["5"],"need_task_ids":false,"tuple":["x",1.5,true]}),
                ack("5"),
            ],
        },
        Case {
            name: "metrics (a bad value sends nothing) and an error do not fail the tuple",
            input: tuple("6", "metric"),
            want: vec![
                json!({"command":"metrics","name":"my-metric","params":{"n":1}}),
                json!({"command":"metrics","name":"count","params":42}),
                json!({"command":"metrics","name":"ratio","params":0.5}),
                json!({"command":"error","msg":"just so you know"}),
                ack("6"),
            ],
        },
        Case {
            name: "task ids nobody asked for are reported, not fatal",
            input: "[1]\nend\n".to_owned() + &tuple("8", "ok"),
            want: vec![
                json!({"command":"error","msg":"got task ids [1] that no emit asked for: ignored"}),
                emit("8", json!(["OK", 1])),
                ack("8"),
            ],
        },
        Case {
            name: "a spout command sent to a bolt is reported",
            input: "{\"command\":\"next\"}\nend\n".into(),
            want: vec![json!({"command":"error","msg":"a bolt got a spout command (Next): ignored"})],
        },
        Case {
            name: "end of input between messages: clean exit, nothing more",
            input: String::new(),
            want: vec![],
        },
    ];
    for c in cases {
        let (r, got) = run_bolt_case(c.input.as_bytes(), 1 << 20);
        assert!(r.is_ok(), "{}: {r:?}", c.name);
        assert_eq!(got, c.want, "{}", c.name);
    }
}

#[test]
fn bolt_failures_fail_exactly_once_and_go_on() {
    // Component error: emits already made stay (anchored), the tuple is failed, not acked.
    let (r, got) = run_bolt_case(
        (tuple("1", "fail-me") + &tuple("2", "next")).as_bytes(),
        1 << 20,
    );
    assert!(r.is_ok());
    assert_eq!(got[0], emit("1", json!(["partial"])));
    error_with(&got, 1, "tuple 1 from spout failed: asked to fail");
    assert_eq!(got[2], fail("1"));
    assert_eq!(&got[3..], &[emit("2", json!(["NEXT", 1])), ack("2")]);

    // A value that cannot be written as JSON: nothing half-written, the tuple failed.
    let (_, got) = run_bolt_case(tuple("3", "bad-value").as_bytes(), 1 << 20);
    assert_eq!(got[0], emit("3", json!(["ok-before"])));
    error_with(&got, 1, "emit failed");
    assert_eq!(got[2], fail("3"));
    assert_eq!(got.len(), 3);
}

#[test]
fn bad_input_classes() {
    let ok_after = tuple("99", "after");
    let after = [emit("99", json!(["AFTER", 1])), ack("99")];
    let cases: Vec<(&str, Vec<u8>, Option<&str>, &str)> = vec![
        ("malformed JSON with an id", b"{\"id\":\"10\",\"comp\":\"s\",\"tuple\":[\"x\"\nend\n".to_vec(), Some("10"), "malformed message"),
        ("malformed JSON without an id", b"{{{\nend\n".to_vec(), None, "bad message ignored"),
        ("not JSON at all", b"hello\nend\n".to_vec(), None, "neither a JSON object"),
        ("empty message", b"\nend\n".to_vec(), None, "empty message"),
        ("missing tuple field", b"{\"id\":\"11\",\"comp\":\"s\",\"stream\":\"default\",\"task\":1}\nend\n".to_vec(), Some("11"), "without values"),
        ("tuple is not a list", b"{\"id\":\"12\",\"comp\":\"s\",\"stream\":\"default\",\"task\":1,\"tuple\":\"x\"}\nend\n".to_vec(), Some("12"), "not a JSON list"),
        ("mistyped task", b"{\"id\":\"13\",\"comp\":\"s\",\"stream\":\"default\",\"task\":\"one\",\"tuple\":[]}\nend\n".to_vec(), Some("13"), "invalid type"),
        ("number where a sentence should be", b"{\"id\":\"14\",\"comp\":\"s\",\"stream\":\"default\",\"task\":1,\"tuple\":[42]}\nend\n".to_vec(), Some("14"), "should be a string, found 42"),
        ("no values at all", b"{\"id\":\"15\",\"comp\":\"s\",\"stream\":\"default\",\"task\":1,\"tuple\":[]}\nend\n".to_vec(), Some("15"), "field 0 is missing"),
        ("invalid UTF-8 inside a string", b"{\"id\":\"16\",\"comp\":\"s\",\"stream\":\"default\",\"task\":1,\"tuple\":[\"\xc3\x28\"]}\nend\n".to_vec(), Some("16"), "malformed message"),
        ("bad task id list", b"[1,\"x\"]\nend\n".to_vec(), None, "bad task id list"),
    ];
    for (name, input, failed_id, reason) in cases {
        let mut all = input.clone();
        all.extend_from_slice(ok_after.as_bytes());
        let (r, got) = run_bolt_case(&all, 1 << 20);
        assert!(r.is_ok(), "{name}: {r:?}");
        error_with(&got, 0, reason);
        let rest = match failed_id {
            Some(id) => {
                assert_eq!(got[1], fail(id), "{name}");
                &got[2..]
            }
            None => &got[1..],
        };
        assert_eq!(
            rest, &after,
            "{name}: the stream goes on after the bad message"
        );
        let fails = got.iter().filter(|m| m["command"] == "fail").count();
        let acks = got.iter().filter(|m| m["command"] == "ack").count();
        assert_eq!(
            (fails, acks),
            (usize::from(failed_id.is_some()), 1),
            "{name}: exactly once"
        );
    }
}

#[test]
fn an_enormous_tuple_is_handled_and_one_over_the_limit_is_failed() {
    // 8 MiB sentence under a 64 MiB limit: processed like any other.
    let big = "w ".repeat(4 << 20);
    let (r, got) = run_bolt_case(tuple("1", &big).as_bytes(), 64 << 20);
    assert!(r.is_ok());
    assert_eq!(got.len(), 2);
    assert_eq!(got[1], ack("1"));
    // Over the limit: dropped without holding it whole, the tuple failed, the stream goes on.
    let input = tuple("2", &big) + &tuple("3", "small");
    let (r, got) = run_bolt_case(input.as_bytes(), 1 << 20);
    assert!(r.is_ok());
    error_with(&got, 0, "over the limit of 1048576 bytes");
    assert_eq!(got[1], fail("2"));
    assert_eq!(&got[2..], &[emit("3", json!(["SMALL", 1])), ack("3")]);
}

/// Regression: `multilang.max.message.bytes` was documented but only the flag was read.
#[test]
fn max_message_bytes_is_read_from_the_handshake_conf() {
    let dir = std::env::temp_dir().join("multilang-transcripts");
    std::fs::create_dir_all(&dir).unwrap();
    let setup_with = |limit: Value| {
        format!(
            "{{\"conf\":{{\"multilang.max.message.bytes\":{limit}}},\"context\":{{}},\"pidDir\":{}}}\nend\n",
            json!(dir.to_str().unwrap())
        )
    };
    let big = "w ".repeat(2048);
    let run = |setup: String, limit: Option<usize>| {
        let input = setup + &tuple("1", &big) + &tuple("2", "small");
        let mut out = Vec::new();
        let r = run_bolt_io(TestBolt, input.as_bytes(), &mut out, limit);
        let mut msgs = messages(&out);
        if r.is_ok() {
            msgs.remove(0);
        }
        (r, msgs)
    };
    // No limit given: the conf's 1024 bytes (a number or a numeric string, as Storm confs go).
    for limit in [json!(1024), json!("1024")] {
        let (r, got) = run(setup_with(limit), None);
        assert!(r.is_ok(), "{r:?}");
        error_with(&got, 0, "over the limit of 1024 bytes");
        assert_eq!(
            &got[1..],
            &[fail("1"), emit("2", json!(["SMALL", 1])), ack("2")]
        );
    }
    // A limit given by the caller (the flag) wins over the conf.
    let (r, got) = run(setup_with(json!(1024)), Some(1 << 20));
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(got[1], ack("1"));
    // A value that is not a size is a handshake error, not a silent default.
    let (r, _) = run(setup_with(json!("lots")), None);
    assert!(
        matches!(&r, Err(Error::Handshake(m)) if m.contains("multilang.max.message.bytes")),
        "{r:?}"
    );
}

#[test]
fn input_cut_off_mid_message_is_an_error_after_answering_what_came_whole() {
    let input = tuple("1", "moo") + "{\"id\":\"2\",\"comp\":\"spout\",\"str";
    let (r, got) = run_bolt_case(input.as_bytes(), 1 << 20);
    assert!(matches!(r, Err(Error::Truncated { read: 29 })), "{r:?}");
    assert_eq!(got, [emit("1", json!(["MOO", 1])), ack("1")]);
}

#[test]
fn handshake_problems_are_errors() {
    let mut out = Vec::new();
    let r = run_bolt_io(TestBolt, &b""[..], &mut out, 1024);
    assert!(matches!(&r, Err(Error::Handshake(m)) if m.contains("before the setup message")));
    let r = run_bolt_io(TestBolt, &b"{\"conf\":{}}\nend\n"[..], &mut out, 1024);
    assert!(matches!(&r, Err(Error::Handshake(m)) if m.contains("pidDir")));
    let r = run_bolt_io(
        TestBolt,
        &b"{\"conf\":{},\"context\":{},\"pidDir\":\"/nonexistent/dir\"}\nend\n"[..],
        &mut out,
        1024,
    );
    assert!(matches!(&r, Err(Error::Handshake(m)) if m.contains("cannot create pid file")));
    assert!(out.is_empty(), "no pid reply without a pid file");
}

/// A writer whose reader went away after `room` bytes.
struct ClosedAfter {
    room: usize,
}

impl Write for ClosedAfter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.room == 0 {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "reader gone"));
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn stdout_closed_under_us_is_an_io_error_not_a_panic() {
    let input = setup() + &tuple("1", "moo").repeat(1000);
    let r = run_bolt_io(
        TestBolt,
        input.as_bytes(),
        ClosedAfter { room: 100 },
        1 << 20,
    );
    assert!(
        matches!(&r, Err(Error::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe),
        "{r:?}"
    );
    let r = run_spout_io(
        TestSpout::default(),
        (setup() + "{\"command\":\"next\"}\nend\n").as_bytes(),
        ClosedAfter { room: 10 },
        1 << 20,
    );
    assert!(matches!(r, Err(Error::Io(_))));
}

#[test]
fn spout_transcript() {
    let input = [
        "{\"command\":\"activate\"}",
        "{\"command\":\"next\"}",
        "{\"command\":\"ack\",\"id\":1}",
        "{\"command\":\"next\"}",
        "{\"command\":\"fail\",\"id\":2}",
        "{\"command\":\"next\"}",
        "{\"command\":\"deactivate\"}",
        "{\"command\":\"dance\"}",
        "{\"id\":\"1\",\"comp\":\"x\",\"stream\":\"default\",\"task\":1,\"tuple\":[]}",
        "{\"command\":",
        "{\"command\":\"ack\"}",
        "[9]",
    ]
    .map(|m| format!("{m}\nend\n"))
    .concat();
    let (r, got) = run_spout_case(input.as_bytes());
    assert!(r.is_ok(), "{r:?}");
    let unreliable = json!({"command":"emit","need_task_ids":false,"tuple":["unreliable"]});
    let want_prefix = vec![
        json!({"command":"emit","need_task_ids":false,"tuple":["activated"]}),
        sync(),
        json!({"command":"emit","id":1,"need_task_ids":false,"tuple":["s1"]}),
        unreliable.clone(),
        sync(),
        json!({"command":"emit","need_task_ids":false,"tuple":["acked","1"]}),
        json!({"command":"metrics","name":"acked","params":1}),
        sync(),
        json!({"command":"emit","id":2,"need_task_ids":false,"tuple":["s2"]}),
        unreliable,
        sync(),
        json!({"command":"emit","id":"m-1","stream":"failed","need_task_ids":false,"tuple":["failed","2"]}),
        sync(),
    ];
    assert_eq!(&got[..want_prefix.len()], &want_prefix[..]);
    let rest = &got[want_prefix.len()..];
    // The third next fails in the component: reported, and still answered with sync.
    error_with(rest, 0, "next failed: third next fails");
    assert_eq!(rest[1], sync());
    assert_eq!(rest[2], sync(), "deactivate");
    error_with(rest, 3, "unknown command \"dance\"");
    assert_eq!(rest[4], sync());
    error_with(rest, 5, "a spout got a tuple");
    assert_eq!(rest[6], sync());
    error_with(rest, 7, "bad message ignored");
    assert_eq!(rest[8], sync());
    error_with(rest, 9, "`ack` command without an id");
    assert_eq!(rest[10], sync());
    // Task ids are no command: no sync for them.
    error_with(rest, 11, "no emit asked for");
    assert_eq!(rest.len(), 12);
}

#[test]
fn spout_task_ids_are_matched_to_emits() {
    struct Asker;
    impl Spout for Asker {
        type Error = String;
        fn next(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), String> {
            out.emit_with(&Emit::new().need_task_ids(), None, ("q",));
            Ok(())
        }
        fn task_ids(&mut self, emit: EmitToken, ids: &[u32], out: &mut SpoutOutput<'_>) {
            out.emit(("got", format!("{emit:?}"), ids.to_vec()));
        }
    }
    let input = setup()
        + "{\"command\":\"next\"}\nend\n[3,4]\nend\n{\"command\":\"next\"}\nend\n[5]\nend\n";
    let mut out = Vec::new();
    run_spout_io(Asker, input.as_bytes(), &mut out, 1 << 20).unwrap();
    let got = messages(&out);
    let q = json!({"command":"emit","tuple":["q"]});
    assert_eq!(
        &got[1..],
        &[
            q.clone(),
            sync(),
            json!({"command":"emit","need_task_ids":false,"tuple":["got","EmitToken(1)",[3,4]]}),
            q,
            sync(),
            json!({"command":"emit","need_task_ids":false,"tuple":["got","EmitToken(2)",[5]]}),
        ]
    );
}
