//! shell-sim never hangs on a child that stops talking: every read and `finish` are bounded.

use std::io::ErrorKind;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;
use shell_sim::{context, Component, Transcript};

const SHORT: Duration = Duration::from_millis(500);
/// Generous: the point is "returns at all", on a loaded machine.
const BOUND: Duration = Duration::from_secs(10);

fn sh(script: &str) -> Component {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", script]);
    let mut c = Component::spawn(cmd).unwrap();
    c.set_timeout(SHORT);
    c
}

fn gone(pid: u32) -> bool {
    // reaped: no /proc entry (a zombie would still have one)
    !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[test]
fn a_silent_child_times_out_in_read_until() {
    // reads everything, answers nothing, keeps its stdout open (as fd 3)
    let mut c = sh("exec 3>&1; exec cat >/dev/null");
    c.send(&json!({"command": "next"})).unwrap();
    let start = Instant::now();
    let err = c
        .read_until(&mut Transcript::default(), SHORT, |_| true)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TimedOut, "{err}");
    assert!(start.elapsed() < BOUND, "{:?}", start.elapsed());
}

#[test]
fn a_message_cut_off_midway_times_out() {
    // half a message, then silence with the pipe open
    let mut c = sh("printf '{\"command\": \"sync\"}\\n'; exec sleep 600");
    let start = Instant::now();
    let err = c.recv_raw().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TimedOut, "{err}");
    assert!(start.elapsed() < BOUND);
}

#[test]
fn a_child_that_never_answers_the_handshake_is_an_error() {
    let mut c = sh("exec 3>&1; exec cat >/dev/null");
    let start = Instant::now();
    let err = c.handshake(json!({}), context("split", 2)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TimedOut, "{err}");
    assert!(start.elapsed() < BOUND);
}

#[test]
fn finish_gives_up_on_a_child_that_keeps_its_output_open_and_kills_it() {
    // ignores the end of its input, keeps stdout open
    let c = sh("exec sleep 600");
    let pid = c.id();
    let start = Instant::now();
    let err = c.finish(&mut Transcript::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TimedOut, "{err}");
    assert!(start.elapsed() < BOUND);
    assert!(gone(pid), "the child {pid} was killed and reaped");
}

#[test]
fn finish_gives_up_on_a_child_that_closes_its_output_but_does_not_exit() {
    let c = sh("exec >&-; exec sleep 600");
    let pid = c.id();
    let start = Instant::now();
    let err = c.finish(&mut Transcript::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TimedOut, "{err}");
    assert!(start.elapsed() < BOUND);
    assert!(gone(pid), "the child {pid} was killed and reaped");
}

#[test]
fn a_slow_but_timely_child_is_fine() {
    // the message arrives in pieces, each well within the timeout
    let mut c =
        sh("printf '{\"command\":'; sleep 0.1; printf ' \"sync\"}\\n'; sleep 0.1; printf 'end\\n'");
    let mut t = Transcript::default();
    c.read_until(&mut t, BOUND, |m| m["command"] == "sync")
        .unwrap();
    assert_eq!(t.syncs, 1);
    let (status, _) = c.finish(&mut t).unwrap();
    assert!(status.success());
}
