//! count-bolt's `distinct-words` metric as Storm receives it: a subprocess spoken to in JSON
//! (through the JVM stand-in) and in SMB1 (bytes written by hand from docs/binary-protocol.md).
//! The period is a whole number of seconds, so each test waits a little over one.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use serde_json::{json, Value};
use shell_sim::{context, tuple_msg, Component, Transcript};

const BIN: &str = env!("CARGO_BIN_EXE_count-bolt");
const PERIOD: Duration = Duration::from_millis(1100);

fn word(id: &str, w: &str) -> Value {
    tuple_msg(id, "split", "default", 2, &[json!(w)])
}

fn tick(id: &str) -> Value {
    tuple_msg(id, "__system", "__tick", -1, &[json!(1)])
}

/// Sends one tuple; returns every message up to its ack (which must come), in order.
fn exchange(c: &mut Component, t: &mut Transcript, tuple: &Value) -> Vec<Value> {
    let id = tuple["id"].clone();
    let mut got = Vec::new();
    c.send(tuple).unwrap();
    c.read_until(t, Duration::from_secs(30), |m| {
        got.push(m.clone());
        matches!(m["command"].as_str(), Some("ack" | "fail")) && m["id"] == id
    })
    .unwrap();
    assert_eq!(got.last().unwrap()["command"], "ack", "{got:?}");
    got
}

fn metrics(msgs: &[Value]) -> Vec<&Value> {
    msgs.iter().filter(|m| m["command"] == "metrics").collect()
}

#[test]
fn json_conf_key_on_one_metric_per_period_on_a_tuple_or_a_tick() {
    let mut c = Component::spawn(Command::new(BIN)).unwrap();
    c.handshake(
        json!({"wordcount.count.metrics.secs": 1}),
        context("count", 3),
    )
    .unwrap();
    let mut t = Transcript::default();
    for (i, w) in ["the", "cow", "the"].iter().enumerate() {
        assert!(metrics(&exchange(&mut c, &mut t, &word(&i.to_string(), w))).is_empty());
    }
    assert!(metrics(&exchange(&mut c, &mut t, &tick("t1"))).is_empty());
    sleep(PERIOD);
    let got = exchange(&mut c, &mut t, &word("3", "moon"));
    assert_eq!(
        got,
        [
            json!({"command":"emit","anchors":["3"],"need_task_ids":false,"tuple":["moon",1]}),
            json!({"command":"metrics","name":"distinct-words","params":3}),
            json!({"command":"ack","id":"3"}),
        ]
    );
    assert!(metrics(&exchange(&mut c, &mut t, &tick("t2"))).is_empty());
    sleep(PERIOD);
    let got = exchange(&mut c, &mut t, &tick("t3"));
    assert_eq!(
        metrics(&got),
        [&json!({"command":"metrics","name":"distinct-words","params":3})]
    );
    let (status, stderr) = c.finish(&mut t).unwrap();
    assert!(status.success(), "{stderr}");
    assert!(!stderr.contains("unknown conf key"), "{stderr}");
}

#[test]
fn json_default_is_off() {
    let mut c = Component::spawn(Command::new(BIN)).unwrap();
    c.handshake(json!({}), context("count", 3)).unwrap();
    let mut t = Transcript::default();
    let mut all = exchange(&mut c, &mut t, &word("1", "cow"));
    sleep(PERIOD);
    all.extend(exchange(&mut c, &mut t, &word("2", "moon")));
    all.extend(exchange(&mut c, &mut t, &tick("t")));
    assert!(metrics(&all).is_empty(), "{all:?}");
    let (status, _) = c.finish(&mut t).unwrap();
    assert!(status.success());
}

// SMB1, by hand.

fn str_(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn frame(payload: Vec<u8>) -> Vec<u8> {
    let mut f = (payload.len() as u32).to_be_bytes().to_vec();
    f.extend_from_slice(&payload);
    f
}

fn smb1_tuple(id: &str, comp: &str, stream: &str, value: Vec<u8>) -> Vec<u8> {
    let mut p = vec![0x02];
    str_(&mut p, id);
    str_(&mut p, comp);
    str_(&mut p, stream);
    p.extend_from_slice(&(-1i32).to_be_bytes());
    p.extend_from_slice(&1u32.to_be_bytes());
    p.extend_from_slice(&value);
    frame(p)
}

fn smb1_word(id: &str, w: &str) -> Vec<u8> {
    let mut v = vec![0x05];
    str_(&mut v, w);
    smb1_tuple(id, "split", "default", v)
}

fn smb1_tick(id: &str) -> Vec<u8> {
    let mut v = vec![0x03];
    v.extend_from_slice(&1i64.to_be_bytes());
    smb1_tuple(id, "__system", "__tick", v)
}

/// The child's frames as (kind, payload).
fn frames(mut out: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut got = Vec::new();
    while !out.is_empty() {
        let len = u32::from_be_bytes(out[..4].try_into().unwrap()) as usize;
        got.push((out[4], out[5..4 + len].to_vec()));
        out = &out[4 + len..];
    }
    got
}

#[test]
fn smb1_flag_on_sends_kind_0x17_with_an_integer() {
    let dir = std::env::temp_dir().join(format!("count-bolt-metrics-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(BIN)
        .args(["--metrics-secs", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut first = vec![0, b'S', b'M', b'B', 1];
    let mut setup = vec![0x01];
    str_(
        &mut setup,
        &json!({"conf": {}, "context": {"taskid": 3, "componentid": "count"},
                "pidDir": dir.to_str().unwrap()})
        .to_string(),
    );
    first.extend_from_slice(&frame(setup));
    first.extend_from_slice(&smb1_word("1", "cow"));
    first.extend_from_slice(&smb1_word("2", "moon"));
    first.extend_from_slice(&smb1_tick("3"));
    stdin.write_all(&first).unwrap();
    stdin.flush().unwrap();
    sleep(PERIOD);
    stdin.write_all(&smb1_tick("4")).unwrap();
    drop(stdin);
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success());
    std::fs::remove_dir_all(&dir).ok();

    let got = frames(&out);
    let kinds: Vec<u8> = got.iter().map(|(k, _)| *k).collect();
    // pid, log (starting), emit+ack per word, ack of the first tick, metric + ack of the second.
    let metric_at = kinds.iter().position(|&k| k == 0x17).expect("a metric");
    assert_eq!(
        kinds.iter().filter(|&&k| k == 0x17).count(),
        1,
        "{kinds:x?}"
    );
    assert_eq!(
        kinds.iter().filter(|&&k| k == 0x12).count(),
        4,
        "{kinds:x?}"
    );
    assert_eq!(
        &kinds[metric_at..],
        [0x17, 0x12],
        "the metric, then the tick's ack"
    );
    let mut want = Vec::new();
    str_(&mut want, "distinct-words");
    want.push(0x03);
    want.extend_from_slice(&2i64.to_be_bytes());
    assert_eq!(got[metric_at].1, want);
}
