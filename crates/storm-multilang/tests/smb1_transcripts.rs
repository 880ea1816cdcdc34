//! SMB1 transcripts: the same protocol in the binary encoding, bytes written by hand from
//! docs/binary-protocol.md, answers decoded independently of the library.

use storm_multilang::{
    run_bolt_io, run_spout_io, Bolt, BoltOutput, Emit, Error, MessageId, Spout, SpoutOutput, Tuple,
};

const MAGIC: [u8; 5] = [0, b'S', b'M', b'B', 1];

fn str_(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn frame(payload: Vec<u8>) -> Vec<u8> {
    let mut f = (payload.len() as u32).to_be_bytes().to_vec();
    f.extend_from_slice(&payload);
    f
}

fn setup() -> Vec<u8> {
    let mut p = vec![0x01];
    let json = format!(
        "{{\"conf\":{{}},\"context\":{{\"taskid\":3,\"componentid\":\"b\"}},\"pidDir\":{:?}}}",
        std::env::temp_dir().to_str().unwrap()
    );
    str_(&mut p, &json);
    let mut all = MAGIC.to_vec();
    all.extend_from_slice(&frame(p));
    all
}

/// A tuple frame; `values` are already-encoded values.
fn tuple(id: &str, comp: Option<&str>, stream: &str, task: i32, values: &[Vec<u8>]) -> Vec<u8> {
    let mut p = vec![0x02];
    str_(&mut p, id);
    match comp {
        Some(c) => str_(&mut p, c),
        None => p.extend_from_slice(&[0xff; 4]),
    }
    str_(&mut p, stream);
    p.extend_from_slice(&task.to_be_bytes());
    p.extend_from_slice(&(values.len() as u32).to_be_bytes());
    for v in values {
        p.extend_from_slice(v);
    }
    frame(p)
}

fn s(v: &str) -> Vec<u8> {
    let mut b = vec![0x05];
    str_(&mut b, v);
    b
}

fn int(v: i64) -> Vec<u8> {
    let mut b = vec![0x03];
    b.extend_from_slice(&v.to_be_bytes());
    b
}

/// Decodes the child's frames into readable lines, independently of the library's code.
fn decode(out: &[u8]) -> Vec<String> {
    fn u32_(b: &[u8], p: &mut usize) -> u32 {
        let v = u32::from_be_bytes(b[*p..*p + 4].try_into().unwrap());
        *p += 4;
        v
    }
    fn st(b: &[u8], p: &mut usize) -> String {
        let n = u32_(b, p) as usize;
        let v = String::from_utf8(b[*p..*p + n].to_vec()).unwrap();
        *p += n;
        v
    }
    fn val(b: &[u8], p: &mut usize) -> String {
        let tag = b[*p];
        *p += 1;
        match tag {
            0 => "null".into(),
            1 => "false".into(),
            2 => "true".into(),
            3 => {
                let v = i64::from_be_bytes(b[*p..*p + 8].try_into().unwrap());
                *p += 8;
                v.to_string()
            }
            4 => {
                let v = f64::from_be_bytes(b[*p..*p + 8].try_into().unwrap());
                *p += 8;
                format!("{v:?}")
            }
            5 => format!("{:?}", st(b, p)),
            6 => {
                let n = u32_(b, p);
                let items: Vec<String> = (0..n).map(|_| val(b, p)).collect();
                format!("[{}]", items.join(","))
            }
            7 => {
                let n = u32_(b, p);
                let items: Vec<String> = (0..n)
                    .map(|_| {
                        let k = st(b, p);
                        format!("{k:?}:{}", val(b, p))
                    })
                    .collect();
                format!("{{{}}}", items.join(","))
            }
            t => panic!("tag {t}"),
        }
    }
    let mut msgs = Vec::new();
    let mut pos = 0;
    while pos < out.len() {
        let len = u32_(out, &mut pos) as usize;
        let body = &out[pos..pos + len];
        pos += len;
        let mut p = 1;
        let line = match body[0] {
            0x10 => {
                let pid = i32::from_be_bytes(body[1..5].try_into().unwrap());
                p = 5;
                assert_eq!(pid as u32, std::process::id());
                "pid".to_string()
            }
            0x11 => {
                let flags = body[1];
                p = 2;
                let mut line = format!("emit flags={flags}");
                if flags & 4 != 0 {
                    line += &format!(" stream={}", st(body, &mut p));
                }
                if flags & 2 != 0 {
                    let t = i32::from_be_bytes(body[p..p + 4].try_into().unwrap());
                    p += 4;
                    line += &format!(" task={t}");
                }
                if flags & 8 != 0 {
                    line += &format!(" id={}", val(body, &mut p));
                }
                let n = u32_(body, &mut p);
                let anchors: Vec<String> = (0..n).map(|_| st(body, &mut p)).collect();
                let n = u32_(body, &mut p);
                let values: Vec<String> = (0..n).map(|_| val(body, &mut p)).collect();
                format!("{line} anchors={anchors:?} [{}]", values.join(","))
            }
            0x12 => format!("ack {}", val(body, &mut p)),
            0x13 => format!("fail {}", val(body, &mut p)),
            0x14 => "sync".into(),
            0x15 => {
                let level = body[1];
                p = 2;
                format!("log {level} {}", st(body, &mut p))
            }
            0x16 => format!("error {}", st(body, &mut p)),
            0x17 => {
                let name = st(body, &mut p);
                format!("metrics {name} {}", val(body, &mut p))
            }
            k => panic!("unknown kind {k:#x}"),
        };
        assert_eq!(
            p,
            body.len(),
            "frame fully consumed: {line} (the decoder would otherwise be off)"
        );
        msgs.push(line);
    }
    msgs
}

struct Splitter;

impl Bolt for Splitter {
    type Error = String;
    fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
        let text = t.str(0).map_err(|e| e.to_string())?;
        if text == "route" {
            let anchors = [t.anchor()];
            out.emit_with(
                &Emit::new().stream("side").direct(5).anchored_to(&anchors),
                ("d", 1.5),
            );
            out.emit_with(&Emit::new().need_task_ids().unanchored(), (true, ()));
            return Ok(());
        }
        if text == "metric" {
            out.metric("distinct", 3).map_err(|e| e.to_string())?;
            out.metric("mixed", serde_json::json!({"k": [1.5, "x", null]}))
                .map_err(|e| e.to_string())?;
            return Ok(());
        }
        for w in text.split(' ') {
            out.emit((w, t.values().i64(1).unwrap_or(0)));
        }
        Ok(())
    }
}

#[test]
fn bolt_speaks_smb1_when_spoken_to_in_it() {
    let mut input = setup();
    input.extend_from_slice(&tuple(
        "-7",
        Some("spout"),
        "default",
        1,
        &[s("the cow"), int(42)],
    ));
    input.extend_from_slice(&tuple("-8", None, "__heartbeat", -1, &[]));
    input.extend_from_slice(&tuple("-9", Some("spout"), "default", 1, &[int(3)]));
    input.extend_from_slice(&tuple("10", Some("spout"), "default", 1, &[s("route")]));
    input.extend_from_slice(&frame(vec![0x04, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 6]));
    input.extend_from_slice(&tuple("11", Some("spout"), "default", 1, &[s("café 🐄")]));
    input.extend_from_slice(&tuple("12", Some("spout"), "default", 1, &[s("metric")]));
    let mut out = Vec::new();
    run_bolt_io(Splitter, &input[..], &mut out, 1 << 20).unwrap();
    assert_eq!(
        decode(&out),
        [
            "pid",
            "emit flags=0 anchors=[\"-7\"] [\"the\",42]",
            "emit flags=0 anchors=[\"-7\"] [\"cow\",42]",
            "ack \"-7\"",
            "sync",
            "error tuple -9 from spout failed: tuple field 0 should be a string, found 3",
            "fail \"-9\"",
            "emit flags=6 stream=side task=5 anchors=[\"10\"] [\"d\",1.5]",
            "emit flags=1 anchors=[] [true,null]",
            "ack \"10\"",
            "emit flags=0 anchors=[\"11\"] [\"café\",0]",
            "emit flags=0 anchors=[\"11\"] [\"🐄\",0]",
            "ack \"11\"",
            "metrics distinct 3",
            "metrics mixed {\"k\":[1.5,\"x\",null]}",
            "ack \"12\"",
        ]
    );
}

#[test]
fn smb1_bad_input_is_reported_failed_and_survived() {
    let mut input = setup();
    // A tuple whose value has an unknown tag: its id is still readable, so it is failed.
    let mut bad = vec![0x02];
    str_(&mut bad, "77");
    str_(&mut bad, "spout");
    str_(&mut bad, "default");
    bad.extend_from_slice(&1i32.to_be_bytes());
    bad.extend_from_slice(&[0, 0, 0, 1, 0x42]);
    input.extend_from_slice(&frame(bad));
    // An oversized frame (limit below): skipped whole, its tuple failed.
    let big = "x".repeat(5000);
    input.extend_from_slice(&tuple("78", Some("spout"), "default", 1, &[s(&big)]));
    input.extend_from_slice(&tuple("79", Some("spout"), "default", 1, &[s("ok")]));
    let mut out = Vec::new();
    run_bolt_io(Splitter, &input[..], &mut out, 1024).unwrap();
    let got = decode(&out);
    assert!(
        got[1].starts_with("error bad tuple 77 failed: tuple value: unknown value tag 0x42"),
        "{got:?}"
    );
    assert_eq!(got[2], "fail \"77\"");
    assert!(
        got[3].starts_with("error dropped a message of 5"),
        "{got:?}"
    );
    assert_eq!(got[4], "fail \"78\"");
    assert_eq!(
        &got[5..],
        ["emit flags=0 anchors=[\"79\"] [\"ok\",0]", "ack \"79\""]
    );

    // Cut off inside a frame: an error exit, after answering what came whole.
    let mut input = setup();
    input.extend_from_slice(&tuple("1", Some("spout"), "default", 1, &[s("a")]));
    let partial = tuple("2", Some("spout"), "default", 1, &[s("b")]);
    input.extend_from_slice(&partial[..partial.len() - 3]);
    let mut out = Vec::new();
    let r = run_bolt_io(Splitter, &input[..], &mut out, 1 << 20);
    assert!(matches!(r, Err(Error::Truncated { .. })), "{r:?}");
    assert_eq!(
        decode(&out)[1..],
        ["emit flags=0 anchors=[\"1\"] [\"a\",0]", "ack \"1\""]
    );
}

struct Counter(i64);

impl Spout for Counter {
    type Error = String;
    fn next(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        self.0 += 1;
        out.emit_reliable(self.0 as u64, ("n", self.0));
        Ok(())
    }
    fn ack(&mut self, id: MessageId<'_>, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        out.emit(("acked", id.as_u64().ok_or("not a number")?));
        Ok(())
    }
    fn fail(&mut self, id: MessageId<'_>, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        out.emit(("failed", id.as_str().ok_or("not a string")?.into_owned()));
        out.metric("fails", 1).map_err(|e| e.to_string())?;
        Ok(())
    }
}

fn command(cmd: &str, id: Option<Vec<u8>>) -> Vec<u8> {
    let mut p = vec![0x03];
    str_(&mut p, cmd);
    p.extend_from_slice(&id.unwrap_or(vec![0]));
    frame(p)
}

#[test]
fn spout_speaks_smb1() {
    let mut input = setup();
    input.extend_from_slice(&command("activate", None));
    input.extend_from_slice(&command("next", None));
    input.extend_from_slice(&command("ack", Some(int(1))));
    input.extend_from_slice(&command("fail", Some(s("m-2"))));
    input.extend_from_slice(&command("ack", None));
    let mut out = Vec::new();
    run_spout_io(Counter(0), &input[..], &mut out, 1 << 20).unwrap();
    assert_eq!(
        decode(&out),
        [
            "pid",
            "sync",
            "emit flags=8 id=1 anchors=[] [\"n\",1]",
            "sync",
            "emit flags=0 anchors=[] [\"acked\",1]",
            "sync",
            "emit flags=0 anchors=[] [\"failed\",\"m-2\"]",
            "metrics fails 1",
            "sync",
            "error bad message ignored: `ack` command without an id: 03 00 00 00 03 61 63 6b 00",
            "sync",
        ]
    );
}
