//! A stand-in for Storm's JVM side, for tests and benchmarks.
//!
//! [`Component`] starts a multilang component as a subprocess and plays what Storm's
//! `ShellBolt` / `ShellSpout` do: the setup message with a real pid directory, tuples,
//! heartbeats, spout commands, and task-id answers for every emit that asks for them
//! (`need_task_ids` absent or true, as `storm.py` always does). It speaks the same bytes as
//! Storm's `JsonSerializer`: one line of JSON, a line `end`, a flush per message.
//!
//! It is a stand-in for unit tests and component benchmarks only; the real JVM side is tested
//! on a LocalCluster by the topology projects.
//!
//! Nothing it does can hang: the child's stdout is read by a thread of its own and handed over
//! through a channel, so every read has a deadline ([`Component::set_timeout`], 30 s by
//! default, per message), and [`Component::finish`] bounds the wait for the child's exit too.
//! A child that never answers is a `TimedOut` error, not a stalled `cargo test`.

use std::collections::VecDeque;
use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The task id the stand-in hands back for every emit that asks.
pub const FAKE_TASK: u64 = 7;

/// How long a read waits for the child by default (see [`Component::set_timeout`]).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The child's stdout as a reader with a deadline: a thread reads the pipe and sends the chunks
/// over a channel; `read` waits for the next chunk no later than `deadline`.
#[derive(Debug)]
struct ChanReader {
    rx: mpsc::Receiver<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    pos: usize,
    eof: bool,
    /// A read that would wait past this instant fails with `TimedOut`.
    deadline: Option<Instant>,
}

impl ChanReader {
    fn new(mut out: ChildStdout) -> ChanReader {
        let (tx, rx) = mpsc::sync_channel::<io::Result<Vec<u8>>>(64);
        thread::spawn(move || loop {
            let mut buf = vec![0; 1 << 16];
            match out.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    buf.truncate(n);
                    if tx.send(Ok(buf)).is_err() {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let _ = tx.send(Err(e));
                    break;
                }
            }
        });
        ChanReader {
            rx,
            chunk: Vec::new(),
            pos: 0,
            eof: false,
            deadline: None,
        }
    }
}

impl BufRead for ChanReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos == self.chunk.len() && !self.eof {
            let next = match self.deadline {
                None => self
                    .rx
                    .recv()
                    .map_err(|_| mpsc::RecvTimeoutError::Disconnected),
                Some(d) => self
                    .rx
                    .recv_timeout(d.saturating_duration_since(Instant::now())),
            };
            match next {
                Ok(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(mpsc::RecvTimeoutError::Disconnected) => self.eof = true,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "component did not answer in time",
                    ))
                }
            }
        }
        Ok(&self.chunk[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.chunk.len());
    }
}

impl Read for ChanReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = buf.len().min(avail.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// A running component subprocess.
#[derive(Debug)]
pub struct Component {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChanReader,
    stderr: Option<thread::JoinHandle<String>>,
    timeout: Duration,
    pid_dir: PathBuf,
    /// Messages read while looking for something else.
    backlog: VecDeque<Value>,
    /// Task-id requests answered so far.
    pub task_id_requests: u64,
}

/// What a component said back.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Transcript {
    /// Every `emit` command, whole.
    pub emits: Vec<Value>,
    /// Ids acked, in order (raw JSON values).
    pub acks: Vec<Value>,
    /// Ids failed, in order.
    pub fails: Vec<Value>,
    /// `log` commands as (level, msg).
    pub logs: Vec<(u64, String)>,
    /// `error` command messages.
    pub errors: Vec<String>,
    /// How many `sync` commands.
    pub syncs: usize,
}

impl Transcript {
    /// The values (`tuple`) of every emit.
    pub fn emitted_values(&self) -> Vec<Vec<Value>> {
        self.emits
            .iter()
            .map(|e| e["tuple"].as_array().cloned().unwrap_or_default())
            .collect()
    }

    fn record(&mut self, msg: &Value) {
        match msg["command"].as_str() {
            Some("emit") => self.emits.push(msg.clone()),
            Some("ack") => self.acks.push(msg["id"].clone()),
            Some("fail") => self.fails.push(msg["id"].clone()),
            Some("log") => self.logs.push((
                msg["level"].as_u64().unwrap_or(99),
                msg["msg"].as_str().unwrap_or_default().to_owned(),
            )),
            Some("error") => self
                .errors
                .push(msg["msg"].as_str().unwrap_or_default().to_owned()),
            Some("sync") => self.syncs += 1,
            _ => {}
        }
    }
}

fn new_pid_dir() -> io::Result<PathBuf> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "shell-sim-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Encodes one message the way Storm's JsonSerializer does.
pub fn frame(msg: &Value) -> Vec<u8> {
    let mut b = serde_json::to_vec(msg).expect("a Value always serializes");
    b.extend_from_slice(b"\nend\n");
    b
}

/// A tuple message as ShellBolt sends it.
pub fn tuple_msg(id: &str, comp: &str, stream: &str, task: i64, values: &[Value]) -> Value {
    json!({"id": id, "comp": comp, "stream": stream, "task": task, "tuple": values})
}

/// ShellBolt's heartbeat tuple.
pub fn heartbeat_msg(id: &str) -> Value {
    json!({"id": id, "comp": null, "stream": "__heartbeat", "task": -1, "tuple": []})
}

/// True when an emit asks Storm for task ids (the key absent means yes).
pub fn wants_task_ids(emit: &Value) -> bool {
    emit.get("task").is_none_or(Value::is_null) && emit["need_task_ids"].as_bool().unwrap_or(true)
}

impl Component {
    /// Starts `cmd` with piped stdin, stdout and stderr.
    pub fn spawn(mut cmd: Command) -> io::Result<Component> {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take();
        let stdout = ChanReader::new(child.stdout.take().expect("piped"));
        let mut err: ChildStderr = child.stderr.take().expect("piped");
        // Drain stderr all along so the child never blocks on it.
        let stderr = thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        Ok(Component {
            child,
            stdin,
            stdout,
            stderr: Some(stderr),
            timeout: DEFAULT_TIMEOUT,
            pid_dir: new_pid_dir()?,
            backlog: VecDeque::new(),
            task_id_requests: 0,
        })
    }

    /// The pid directory given in the setup message.
    pub fn pid_dir(&self) -> &Path {
        &self.pid_dir
    }

    /// How long any one read waits for the child ([`DEFAULT_TIMEOUT`] unless set), and
    /// [`Component::finish`] for its exit.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Sends raw bytes and flushes.
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        let w = self
            .stdin
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "stdin closed"))?;
        w.write_all(bytes)?;
        w.flush()
    }

    /// Sends one message.
    pub fn send(&mut self, msg: &Value) -> io::Result<()> {
        self.send_raw(&frame(msg))
    }

    /// Sends the setup message and reads the `pid` answer; checks the pid file exists.
    pub fn handshake(&mut self, conf: Value, context: Value) -> io::Result<u64> {
        let setup = json!({"conf": conf, "context": context, "pidDir": self.pid_dir.to_str()});
        self.send(&setup)?;
        let reply = self
            .recv_raw()?
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "no pid reply"))?;
        let pid = reply["pid"].as_u64().ok_or_else(|| {
            io::Error::other(format!("first message is not a pid reply: {reply}"))
        })?;
        // storm.py answers first and creates the file after, so give it a moment.
        let file = self.pid_dir.join(pid.to_string());
        let start = Instant::now();
        while !file.exists() {
            if start.elapsed() > Duration::from_secs(5) {
                return Err(io::Error::other("component did not create its pid file"));
            }
            thread::sleep(Duration::from_millis(5));
        }
        Ok(pid)
    }

    /// Reads one message from the child (`None` at end of output), skipping the backlog; a
    /// `TimedOut` error when the message is not complete within the timeout.
    pub fn recv_raw(&mut self) -> io::Result<Option<Value>> {
        let deadline = Instant::now() + self.timeout;
        self.recv_raw_by(deadline)
    }

    fn recv_raw_by(&mut self, deadline: Instant) -> io::Result<Option<Value>> {
        self.stdout.deadline = Some(deadline);
        let mut text = String::new();
        let mut line = String::new();
        loop {
            line.clear();
            if self.stdout.read_line(&mut line)? == 0 {
                return if text.trim().is_empty() {
                    Ok(None)
                } else {
                    Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("cut off: {text}"),
                    ))
                };
            }
            if line.trim_end_matches(['\n', '\r']) == "end" {
                break;
            }
            text.push_str(&line);
        }
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| io::Error::other(format!("child sent bad JSON ({e}): {text}")))
    }

    /// Reads the next message, answering task-id requests on the way as Storm would.
    pub fn recv(&mut self) -> io::Result<Option<Value>> {
        let deadline = Instant::now() + self.timeout;
        self.recv_by(deadline)
    }

    fn recv_by(&mut self, deadline: Instant) -> io::Result<Option<Value>> {
        if let Some(m) = self.backlog.pop_front() {
            return Ok(Some(m));
        }
        let msg = self.recv_raw_by(deadline)?;
        if let Some(m) = &msg {
            if m["command"] == "emit" && wants_task_ids(m) {
                self.task_id_requests += 1;
                self.send(&json!([FAKE_TASK]))?;
            }
        }
        Ok(msg)
    }

    /// Reads messages into `t` until `done` says stop (inclusive), or `timeout` passes (a
    /// `TimedOut` error, also while the child is silent).
    pub fn read_until(
        &mut self,
        t: &mut Transcript,
        timeout: Duration,
        mut done: impl FnMut(&Value) -> bool,
    ) -> io::Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.recv_by(deadline)? {
                None => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "component closed its output",
                    ))
                }
                Some(m) => {
                    t.record(&m);
                    if done(&m) {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Sends one tuple and collects everything up to its ack or fail.
    pub fn process(&mut self, t: &mut Transcript, tuple: &Value) -> io::Result<()> {
        self.send(tuple)?;
        let id = tuple["id"].clone();
        self.read_until(t, Duration::from_secs(30), |m| {
            matches!(m["command"].as_str(), Some("ack" | "fail")) && m["id"] == id
        })
    }

    /// Sends a spout command and collects everything up to its `sync`.
    pub fn command(
        &mut self,
        t: &mut Transcript,
        command: &str,
        id: Option<Value>,
    ) -> io::Result<()> {
        let msg = match id {
            Some(id) => json!({"command": command, "id": id}),
            None => json!({"command": command}),
        };
        self.send(&msg)?;
        self.read_until(t, Duration::from_secs(30), |m| m["command"] == "sync")
    }

    /// Closes stdin (Storm going away) and waits for the exit; returns the status and stderr,
    /// with everything the child still wrote recorded into `t`. A child that neither closes
    /// its output nor exits within the timeout is killed, and that is a `TimedOut` error.
    pub fn finish(mut self, t: &mut Transcript) -> io::Result<(ExitStatus, String)> {
        drop(self.stdin.take());
        let deadline = Instant::now() + self.timeout;
        while let Some(m) = self.recv_raw_by(deadline)? {
            t.record(&m);
        }
        let status = loop {
            if let Some(status) = self.child.try_wait()? {
                break status;
            }
            if Instant::now() >= deadline {
                // Drop kills and reaps it.
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "component closed its output but did not exit in time",
                ));
            }
            thread::sleep(Duration::from_millis(5));
        };
        let stderr = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        let _ = std::fs::remove_dir_all(&self.pid_dir);
        Ok((status, stderr))
    }
}

impl Drop for Component {
    fn drop(&mut self) {
        drop(self.stdin.take());
        // Still running (dropped early, or `finish` gave up on it): kill and reap it.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.pid_dir);
    }
}

/// Result of [`drive_bolt`].
#[derive(Debug, Clone)]
pub struct BoltRun {
    /// Wall time from the first tuple sent to the last ack or fail.
    pub elapsed: Duration,
    /// Emits seen.
    pub emits: u64,
    /// Bytes of the emitted values' JSON (a checksum of the output volume).
    pub emit_bytes: u64,
    /// Acks and fails seen.
    pub acks: u64,
    /// Fails seen.
    pub fails: u64,
    /// Task-id requests answered.
    pub task_id_requests: u64,
    /// Every emit's values, when asked to keep them.
    pub kept: Vec<Vec<Value>>,
}

/// Drives a bolt the way ShellBolt does under load: up to `window` tuples in flight
/// (`topology.shellbolt.max.pending`, 100 by default), a writer thread that flushes after
/// every message, and an answer for every emit that waits for task ids.
///
/// `tuples` are pre-encoded messages (see [`frame`] and [`tuple_msg`]) whose ids are
/// `"0"`, `"1"`, ... in order.
pub fn drive_bolt(
    comp: &mut Component,
    tuples: &[Vec<u8>],
    window: usize,
    keep: bool,
) -> io::Result<BoltRun> {
    let mut stdin = comp
        .stdin
        .take()
        .ok_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "stdin closed"))?;
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let writer = thread::spawn(move || -> io::Result<ChildStdin> {
        for msg in rx {
            stdin.write_all(&msg)?;
            stdin.flush()?;
        }
        Ok(stdin)
    });
    let start = Instant::now();
    let mut sent = 0;
    let window = window.max(1);
    while sent < tuples.len().min(window) {
        tx.send(tuples[sent].clone()).map_err(io::Error::other)?;
        sent += 1;
    }
    let mut run = BoltRun {
        elapsed: Duration::ZERO,
        emits: 0,
        emit_bytes: 0,
        acks: 0,
        fails: 0,
        task_id_requests: 0,
        kept: Vec::new(),
    };
    let task_ids = frame(&json!([FAKE_TASK]));
    let mut done = 0;
    while done < tuples.len() {
        let Some(m) = comp.recv_raw()? else {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "bolt exited early",
            ));
        };
        match m["command"].as_str() {
            Some("emit") => {
                run.emits += 1;
                run.emit_bytes += m["tuple"].to_string().len() as u64;
                if wants_task_ids(&m) {
                    run.task_id_requests += 1;
                    tx.send(task_ids.clone()).map_err(io::Error::other)?;
                }
                if keep {
                    run.kept
                        .push(m["tuple"].as_array().cloned().unwrap_or_default());
                }
            }
            Some(c @ ("ack" | "fail")) => {
                run.acks += u64::from(c == "ack");
                run.fails += u64::from(c == "fail");
                done += 1;
                if sent < tuples.len() {
                    tx.send(tuples[sent].clone()).map_err(io::Error::other)?;
                    sent += 1;
                }
            }
            _ => {}
        }
    }
    run.elapsed = start.elapsed();
    drop(tx);
    comp.stdin = Some(
        writer
            .join()
            .map_err(|_| io::Error::other("writer panicked"))??,
    );
    Ok(run)
}

/// Result of [`drive_spout`].
#[derive(Debug, Clone)]
pub struct SpoutRun {
    /// Wall time for all the `next` commands.
    pub elapsed: Duration,
    /// Tuples emitted.
    pub emits: u64,
    /// Task-id requests answered.
    pub task_id_requests: u64,
    /// Every emit's values, when asked to keep them.
    pub kept: Vec<Vec<Value>>,
}

/// Sends `n` `next` commands the way ShellSpout does (each waits for `sync`), acking every
/// reliable emit right away when `ack` is set.
pub fn drive_spout(comp: &mut Component, n: usize, ack: bool, keep: bool) -> io::Result<SpoutRun> {
    let next = frame(&json!({"command": "next"}));
    let task_ids = frame(&json!([FAKE_TASK]));
    let start = Instant::now();
    let mut run = SpoutRun {
        elapsed: Duration::ZERO,
        emits: 0,
        task_id_requests: 0,
        kept: Vec::new(),
    };
    let mut to_ack = Vec::new();
    for _ in 0..n {
        comp.send_raw(&next)?;
        loop {
            let Some(m) = comp.recv_raw()? else {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "spout exited early",
                ));
            };
            match m["command"].as_str() {
                Some("emit") => {
                    run.emits += 1;
                    if wants_task_ids(&m) {
                        run.task_id_requests += 1;
                        comp.send_raw(&task_ids)?;
                    }
                    if ack && !m["id"].is_null() {
                        to_ack.push(m["id"].clone());
                    }
                    if keep {
                        run.kept
                            .push(m["tuple"].as_array().cloned().unwrap_or_default());
                    }
                }
                Some("sync") => break,
                _ => {}
            }
        }
        for id in to_ack.drain(..) {
            comp.send(&json!({"command": "ack", "id": id}))?;
            loop {
                match comp.recv_raw()? {
                    Some(m) if m["command"] == "sync" => break,
                    Some(_) => {}
                    None => {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "spout exited early",
                        ))
                    }
                }
            }
        }
    }
    run.elapsed = start.elapsed();
    Ok(run)
}

/// The repository's `multilang/resources/` folder (binaries, Python equivalents, storm.py).
pub fn resources_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../multilang/resources")
}

/// A command running one of the Python equivalents (`splitbolt.py`, ...) over Storm's own
/// `storm.py`, as Storm would start it: `python3 script` in the resources folder.
///
/// # Panics
/// When `storm.py` is missing: `cargo xtask storm-py` fetches it.
pub fn python_command(script: &str) -> Command {
    let dir = resources_dir();
    assert!(
        dir.join("storm.py").exists(),
        "{}/storm.py is missing: run `cargo xtask storm-py` (the test command does)",
        dir.display()
    );
    let mut cmd = Command::new("python3");
    cmd.arg(script).current_dir(dir);
    cmd
}

/// A context like the one Storm sends, for a task of `component`.
pub fn context(component: &str, task: i64) -> Value {
    json!({
        "taskid": task,
        "componentid": component,
        "task->component": {"1": "spout", "2": "split", "3": "count", task.to_string(): component},
        "streams": ["default"],
    })
}
