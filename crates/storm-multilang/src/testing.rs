//! An in-process test harness: drive a [`Bolt`] or a [`Spout`] the way Storm would, and
//! assert on what it sends back, without Storm, pipes or pid files.
//!
//! [`BoltHarness`] and [`SpoutHarness`] run the very code the runners run for each message
//! (basic-bolt ack/fail, heartbeats answered with `sync`, ticks to [`Bolt::tick`], task ids
//! matched to the emits that asked for them, a `sync` after every spout command), fed with
//! the JSON messages Storm would write. Each call returns a [`Reply`]: everything the
//! component sent in answer, decoded ([`Sent`]), with shorthands for emits, acks, fails,
//! errors, log records and metrics.
//!
//! ```
//! use storm_multilang::testing::BoltHarness;
//! use storm_multilang::{Bolt, BoltOutput, FieldError, Tuple};
//! use serde_json::json;
//!
//! struct Split;
//!
//! impl Bolt for Split {
//!     type Error = FieldError;
//!     fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), FieldError> {
//!         for word in t.str(0)?.split_whitespace() {
//!             out.emit((word,));
//!         }
//!         Ok(())
//!     }
//! }
//!
//! let mut h = BoltHarness::new(Split);
//! let r = h.process(("the cow",));
//! assert_eq!(r.emitted(), [vec![json!("the")], vec![json!("cow")]]);
//! assert_eq!(r.emits()[0].anchors, ["1"], "anchored to the input");
//! assert_eq!(r.acks(), ["1"]);
//! // A value that is not a string: the tuple is failed, with an error report.
//! let r = h.process((42,));
//! assert_eq!(r.fails(), ["2"]);
//! assert!(r.errors()[0].ends_with("tuple field 0 should be a string, found 42"));
//! ```
//!
//! Log records the component writes through the `log` crate on the harness's thread are
//! captured (at every level, in order with the emits) and show up as [`Sent::Log`]; other
//! tests running in parallel never see them. Records from threads the component starts itself
//! are not captured, and a harness stays on the thread that made it (it is not `Send`).
//! The harness speaks JSON; the SMB1 loop is the same step code behind the other codec.

use std::fmt;

use log::{Level, LevelFilter};
use serde::Serialize;
use serde_json::{json, Value};

use crate::answer::{Answer, Session};
use crate::bolt;
use crate::codec::Json;
use crate::frame::{Frame, DEFAULT_MAX_MESSAGE};
use crate::logger::{self, Capture};
use crate::spout;
use crate::{Bolt, Setup, Spout};

/// One command the component sent, decoded.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Sent {
    /// An `emit`.
    Emit(Emitted),
    /// An `ack` of this tuple id.
    Ack(String),
    /// A `fail` of this tuple id.
    Fail(String),
    /// An `error` report (Storm's UI and worker log).
    Error(String),
    /// A `log` record.
    Log(Level, String),
    /// A `metrics` command.
    Metrics {
        /// The metric's name.
        name: String,
        /// Its parameters.
        params: Value,
    },
    /// A `sync`.
    Sync,
}

/// An emitted tuple as Storm receives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Emitted {
    /// The values.
    pub values: Vec<Value>,
    /// The stream (`"default"` unless the emit named one).
    pub stream: String,
    /// The ids of the tuples it is anchored to (bolts).
    pub anchors: Vec<String>,
    /// The task of a direct emit.
    pub direct_task: Option<u32>,
    /// The spout's message id of a reliable emit.
    pub message_id: Option<Value>,
    /// Whether Storm was asked for the task ids it went to.
    pub need_task_ids: bool,
}

/// Everything a component sent in answer to one call of the harness.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reply {
    /// The commands, in order.
    pub sent: Vec<Sent>,
}

impl Reply {
    /// The emits.
    pub fn emits(&self) -> Vec<&Emitted> {
        self.sent
            .iter()
            .filter_map(|s| match s {
                Sent::Emit(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    /// The values of every emit.
    pub fn emitted(&self) -> Vec<Vec<Value>> {
        self.emits().into_iter().map(|e| e.values.clone()).collect()
    }

    /// The tuple ids acked.
    pub fn acks(&self) -> Vec<&str> {
        self.texts(|s| match s {
            Sent::Ack(id) => Some(id),
            _ => None,
        })
    }

    /// The tuple ids failed.
    pub fn fails(&self) -> Vec<&str> {
        self.texts(|s| match s {
            Sent::Fail(id) => Some(id),
            _ => None,
        })
    }

    /// The error reports.
    pub fn errors(&self) -> Vec<&str> {
        self.texts(|s| match s {
            Sent::Error(m) => Some(m),
            _ => None,
        })
    }

    /// The log records, with their levels.
    pub fn logs(&self) -> Vec<(Level, &str)> {
        self.sent
            .iter()
            .filter_map(|s| match s {
                Sent::Log(l, m) => Some((*l, m.as_str())),
                _ => None,
            })
            .collect()
    }

    /// The `metrics` commands, as (name, params), in order.
    pub fn metrics(&self) -> Vec<(&str, &Value)> {
        self.sent
            .iter()
            .filter_map(|s| match s {
                Sent::Metrics { name, params } => Some((name.as_str(), params)),
                _ => None,
            })
            .collect()
    }

    /// Whether the answer ended with `sync` (every spout command, every heartbeat).
    pub fn synced(&self) -> bool {
        matches!(self.sent.last(), Some(Sent::Sync))
    }

    fn texts(&self, pick: impl Fn(&Sent) -> Option<&String>) -> Vec<&str> {
        self.sent
            .iter()
            .filter_map(pick)
            .map(String::as_str)
            .collect()
    }
}

/// A tuple for [`BoltHarness::send`]: its values plus where it came from.
///
/// ```
/// use storm_multilang::testing::TestTuple;
/// let t = TestTuple::new(("cow", 3)).id("t-7").from("split").stream("words").task(4);
/// # let _ = t;
/// ```
#[derive(Debug, Clone)]
pub struct TestTuple {
    id: Option<String>,
    component: String,
    stream: String,
    task: i64,
    values: Value,
}

impl TestTuple {
    /// A tuple with these values (anything that serializes to a JSON list: a Rust tuple, an
    /// array, a `Vec`), from component `spout`, stream `default`, task 1, with the next id.
    ///
    /// # Panics
    ///
    /// If the values do not serialize to a JSON list.
    pub fn new(values: impl Serialize) -> Self {
        let values = serde_json::to_value(values).expect("tuple values serialize to JSON");
        assert!(
            values.is_array(),
            "tuple values must be a list, not {values}"
        );
        TestTuple {
            id: None,
            component: "spout".into(),
            stream: "default".into(),
            task: 1,
            values,
        }
    }

    /// Its tuple id (the harness numbers tuples `1`, `2`, ... otherwise).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The component that emitted it.
    pub fn from(mut self, component: impl Into<String>) -> Self {
        self.component = component.into();
        self
    }

    /// The stream it was emitted on.
    pub fn stream(mut self, stream: impl Into<String>) -> Self {
        self.stream = stream.into();
        self
    }

    /// The task that emitted it.
    pub fn task(mut self, task: i64) -> Self {
        self.task = task;
        self
    }
}

/// A setup message built by hand: this conf (a JSON object) and a context naming the
/// component and its task, as Storm would send them.
///
/// # Panics
///
/// If `conf` is not a JSON object.
pub fn setup(conf: Value, component: &str, task: i64) -> Setup {
    let Value::Object(conf) = conf else {
        panic!("the conf must be a JSON object, not {conf}");
    };
    let context = json!({
        "taskid": task,
        "componentid": component,
        "task->component": {task.to_string(): component},
    });
    Setup::new(conf, context, "")
}

/// The state both harnesses share: the protocol session and the output buffer.
struct Wire {
    session: Session,
    buf: Vec<u8>,
    // Last: records are captured for as long as the harness lives.
    _capture: Capture,
}

impl Wire {
    fn new(setup: &Setup) -> Self {
        // Every level, so tests can assert on debug records too.
        logger::init(LevelFilter::Trace);
        let mut session = Session::default();
        session.name_after(setup);
        Wire {
            session,
            buf: Vec::new(),
            _capture: Capture::start(),
        }
    }

    /// The answer to one message (or to `prepare` / `open`), as the runner gets it.
    fn answer(&mut self) -> Answer<'_, Json> {
        Answer::new(&mut self.session, &mut self.buf)
    }

    /// Decodes everything sent since the last call: each answer, ended, holds its log records.
    fn reply(&mut self) -> Reply {
        let text = String::from_utf8_lossy(&self.buf).into_owned();
        self.buf.clear();
        let sent = text
            .split_terminator("\nend\n")
            .map(|m| decode(m).unwrap_or_else(|| panic!("the runner sent a bad message: {m}")))
            .collect();
        Reply { sent }
    }
}

impl fmt::Debug for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wire")
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

fn decode(message: &str) -> Option<Sent> {
    let v: Value = serde_json::from_str(message).ok()?;
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Some(match v["command"].as_str()? {
        "emit" => Sent::Emit(Emitted {
            values: v["tuple"].as_array()?.clone(),
            stream: v["stream"].as_str().unwrap_or("default").to_owned(),
            anchors: v["anchors"]
                .as_array()
                .map(|a| a.iter().map(text).collect())
                .unwrap_or_default(),
            direct_task: v["task"].as_u64().and_then(|t| u32::try_from(t).ok()),
            message_id: v.get("id").cloned(),
            need_task_ids: v["need_task_ids"].as_bool().unwrap_or(true),
        }),
        "ack" => Sent::Ack(text(&v["id"])),
        "fail" => Sent::Fail(text(&v["id"])),
        "error" => Sent::Error(v["msg"].as_str()?.to_owned()),
        "log" => Sent::Log(
            match v["level"].as_u64()? {
                0 => Level::Trace,
                1 => Level::Debug,
                2 => Level::Info,
                3 => Level::Warn,
                _ => Level::Error,
            },
            v["msg"].as_str()?.to_owned(),
        ),
        "metrics" => Sent::Metrics {
            name: v["name"].as_str()?.to_owned(),
            params: v["params"].clone(),
        },
        "sync" => Sent::Sync,
        _ => return None,
    })
}

/// Drives a [`Bolt`] in process; see the [module docs](self).
pub struct BoltHarness<B: Bolt> {
    bolt: B,
    wire: Wire,
    next_id: u64,
    prepared: Reply,
}

impl<B: Bolt> BoltHarness<B> {
    /// Prepares the bolt with an empty conf.
    ///
    /// # Panics
    ///
    /// If `prepare` fails; use [`BoltHarness::start`] to test that.
    pub fn new(bolt: B) -> Self {
        Self::with_conf(bolt, json!({}))
    }

    /// Prepares the bolt with this topology conf (a JSON object), as component `bolt`, task 1.
    ///
    /// # Panics
    ///
    /// If `prepare` fails, or `conf` is not an object.
    pub fn with_conf(bolt: B, conf: Value) -> Self {
        match Self::start(bolt, &setup(conf, "bolt", 1)) {
            Ok(h) => h,
            Err(reply) => panic!("prepare failed: {:?}", reply.errors()),
        }
    }

    /// Prepares the bolt with this setup ([`setup`] builds one); on failure, what the runner
    /// sent (the error report).
    pub fn start(mut bolt: B, setup: &Setup) -> Result<Self, Reply> {
        let mut wire = Wire::new(setup);
        let r = bolt::prepare::<B, Json>(&mut bolt, setup, wire.answer());
        let prepared = wire.reply();
        match r {
            Ok(()) => Ok(BoltHarness {
                bolt,
                wire,
                next_id: 0,
                prepared,
            }),
            Err(_) => Err(prepared),
        }
    }

    /// What `prepare` sent (log records, emits).
    pub fn prepared(&self) -> &Reply {
        &self.prepared
    }

    /// Sends a tuple with these values from component `spout`, stream `default`, with the next
    /// tuple id (`1`, `2`, ...).
    pub fn process(&mut self, values: impl Serialize) -> Reply {
        self.send(TestTuple::new(values))
    }

    /// Sends this tuple.
    pub fn send(&mut self, tuple: TestTuple) -> Reply {
        let id = match tuple.id {
            Some(id) => id,
            None => {
                self.next_id += 1;
                self.next_id.to_string()
            }
        };
        self.message(&json!({
            "id": id,
            "comp": tuple.component,
            "stream": tuple.stream,
            "task": tuple.task,
            "tuple": tuple.values,
        }))
    }

    /// Sends a tick tuple (`__system`/`__tick`), as `topology.tick.tuple.freq.secs` does.
    pub fn tick(&mut self) -> Reply {
        self.next_id += 1;
        let id = self.next_id.to_string();
        self.message(&json!({
            "id": id, "comp": "__system", "stream": "__tick", "task": -1, "tuple": [1],
        }))
    }

    /// Sends Storm's heartbeat; the reply is a `sync`.
    pub fn heartbeat(&mut self) -> Reply {
        self.message(&json!({"id": "-1", "stream": "__heartbeat", "task": -1, "tuple": []}))
    }

    /// Sends the task ids of the oldest emit that asked for them.
    pub fn task_ids(&mut self, ids: &[u32]) -> Reply {
        self.message(&json!(ids))
    }

    /// Sends raw bytes as one message (bad input, say).
    pub fn raw(&mut self, message: &[u8]) -> Reply {
        bolt::step::<B, Json>(
            &mut self.bolt,
            self.wire.answer(),
            Frame::Message(message),
            DEFAULT_MAX_MESSAGE,
        );
        self.wire.reply()
    }

    /// The bolt, to look at its state.
    pub fn bolt(&self) -> &B {
        &self.bolt
    }

    /// The bolt, mutable.
    pub fn bolt_mut(&mut self) -> &mut B {
        &mut self.bolt
    }

    /// The bolt back.
    pub fn into_inner(self) -> B {
        self.bolt
    }

    fn message(&mut self, msg: &Value) -> Reply {
        self.raw(msg.to_string().as_bytes())
    }
}

impl<B: Bolt> fmt::Debug for BoltHarness<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoltHarness")
            .field("wire", &self.wire)
            .field("next_id", &self.next_id)
            .finish_non_exhaustive()
    }
}

/// Drives a [`Spout`] in process; see the [module docs](self).
///
/// ```
/// use storm_multilang::testing::SpoutHarness;
/// use storm_multilang::{MessageId, Spout, SpoutOutput};
///
/// #[derive(Default)]
/// struct Count(u64);
///
/// impl Spout for Count {
///     type Error = String;
///     fn next(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), String> {
///         self.0 += 1;
///         out.emit_reliable(self.0, (self.0,));
///         Ok(())
///     }
///     fn fail(&mut self, id: MessageId<'_>, _out: &mut SpoutOutput<'_>) -> Result<(), String> {
///         Err(format!("lost {}", id.raw()))
///     }
/// }
///
/// let mut h = SpoutHarness::new(Count::default());
/// let r = h.next();
/// assert_eq!(r.emits()[0].message_id, Some(serde_json::json!(1)));
/// assert!(r.synced(), "every command is answered with sync");
/// assert_eq!(h.fail(1).errors(), ["fail failed: lost 1"]);
/// ```
pub struct SpoutHarness<S: Spout> {
    spout: S,
    wire: Wire,
    opened: Reply,
}

impl<S: Spout> SpoutHarness<S> {
    /// Opens the spout with an empty conf.
    ///
    /// # Panics
    ///
    /// If `open` fails; use [`SpoutHarness::start`] to test that.
    pub fn new(spout: S) -> Self {
        Self::with_conf(spout, json!({}))
    }

    /// Opens the spout with this topology conf (a JSON object), as component `spout`, task 1.
    ///
    /// # Panics
    ///
    /// If `open` fails, or `conf` is not an object.
    pub fn with_conf(spout: S, conf: Value) -> Self {
        match Self::start(spout, &setup(conf, "spout", 1)) {
            Ok(h) => h,
            Err(reply) => panic!("open failed: {:?}", reply.errors()),
        }
    }

    /// Opens the spout with this setup; on failure, what the runner sent.
    pub fn start(mut spout: S, setup: &Setup) -> Result<Self, Reply> {
        let mut wire = Wire::new(setup);
        let r = spout::open::<S, Json>(&mut spout, setup, wire.answer());
        let opened = wire.reply();
        match r {
            Ok(()) => Ok(SpoutHarness {
                spout,
                wire,
                opened,
            }),
            Err(_) => Err(opened),
        }
    }

    /// What `open` sent.
    pub fn opened(&self) -> &Reply {
        &self.opened
    }

    /// Sends `next`.
    // Named after Storm's command and `Spout::next`; a harness is no iterator.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Reply {
        self.message(&json!({"command": "next"}))
    }

    /// Sends `ack` for this message id (a number or a string, as it was emitted).
    pub fn ack(&mut self, id: impl Serialize) -> Reply {
        self.message(&json!({"command": "ack", "id": id}))
    }

    /// Sends `fail` for this message id.
    pub fn fail(&mut self, id: impl Serialize) -> Reply {
        self.message(&json!({"command": "fail", "id": id}))
    }

    /// Sends `activate`.
    pub fn activate(&mut self) -> Reply {
        self.message(&json!({"command": "activate"}))
    }

    /// Sends `deactivate`.
    pub fn deactivate(&mut self) -> Reply {
        self.message(&json!({"command": "deactivate"}))
    }

    /// Sends the task ids of the oldest emit that asked for them.
    pub fn task_ids(&mut self, ids: &[u32]) -> Reply {
        self.message(&json!(ids))
    }

    /// Sends raw bytes as one message.
    pub fn raw(&mut self, message: &[u8]) -> Reply {
        spout::step::<S, Json>(
            &mut self.spout,
            self.wire.answer(),
            Frame::Message(message),
            DEFAULT_MAX_MESSAGE,
        );
        self.wire.reply()
    }

    /// The spout, to look at its state.
    pub fn spout(&self) -> &S {
        &self.spout
    }

    /// The spout, mutable.
    pub fn spout_mut(&mut self) -> &mut S {
        &mut self.spout
    }

    /// The spout back.
    pub fn into_inner(self) -> S {
        self.spout
    }

    fn message(&mut self, msg: &Value) -> Reply {
        self.raw(msg.to_string().as_bytes())
    }
}

impl<S: Spout> fmt::Debug for SpoutHarness<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpoutHarness")
            .field("wire", &self.wire)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BoltOutput, Emit, EmitToken, SpoutOutput, Tuple};

    struct Echo {
        ticks: u32,
        ids: Vec<(EmitToken, Vec<u32>)>,
    }

    impl Bolt for Echo {
        type Error = String;
        fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
            let word = t.str(0).map_err(|e| e.to_string())?;
            log::debug!("got {word}");
            match &*word {
                "fail" => return Err("asked to".into()),
                "routed" => {
                    out.emit_with(&Emit::new().stream("s").direct(4), (&*word,));
                    out.emit_with(&Emit::new().unanchored().need_task_ids(), (1,));
                }
                _ => out.emit((&*word, t.stream())),
            }
            Ok(())
        }
        fn tick(&mut self, _t: &Tuple<'_>, _out: &mut BoltOutput<'_>) -> Result<(), String> {
            self.ticks += 1;
            Ok(())
        }
        fn task_ids(&mut self, emit: EmitToken, ids: &[u32], _out: &mut BoltOutput<'_>) {
            self.ids.push((emit, ids.to_vec()));
        }
    }

    #[test]
    fn bolt_emits_acks_fails_logs_ticks_heartbeats_and_task_ids() {
        let mut h = BoltHarness::new(Echo {
            ticks: 0,
            ids: Vec::new(),
        });
        let r = h.send(TestTuple::new(["moo"]).id("a").stream("words"));
        assert_eq!(
            r.sent,
            [
                Sent::Log(Level::Debug, "got moo".into()),
                Sent::Emit(Emitted {
                    values: vec![json!("moo"), json!("words")],
                    stream: "default".into(),
                    anchors: vec!["a".into()],
                    direct_task: None,
                    message_id: None,
                    need_task_ids: false,
                }),
                Sent::Ack("a".into()),
            ]
        );
        let r = h.process(["fail"]);
        assert_eq!(r.fails(), ["1"]);
        assert_eq!(r.errors(), ["tuple 1 from spout failed: asked to"]);
        let r = h.process(["routed"]);
        let e = r.emits();
        assert_eq!((e[0].stream.as_str(), e[0].direct_task), ("s", Some(4)));
        assert!(e[1].anchors.is_empty() && e[1].need_task_ids);
        assert_eq!(h.task_ids(&[3, 5]).sent, []);
        assert_eq!(h.bolt().ids, [(EmitToken(1), vec![3, 5])]);
        assert_eq!(h.tick().acks(), ["3"]);
        assert_eq!(h.bolt().ticks, 1);
        assert_eq!(h.heartbeat().sent, [Sent::Sync]);
        let r = h.raw(b"{\"id\":\"9\",\"tuple\":[]}");
        assert_eq!(
            r.fails(),
            ["9"],
            "bad input: failed when the id can be read"
        );
    }

    struct Gauge(u64);

    impl Bolt for Gauge {
        type Error = String;
        fn process(&mut self, _t: &Tuple<'_>, _out: &mut BoltOutput<'_>) -> Result<(), String> {
            self.0 += 1;
            Ok(())
        }
        fn tick(&mut self, _t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
            log::info!("reporting");
            out.metric("seen", self.0).map_err(|e| e.to_string())
        }
    }

    #[test]
    fn metrics_are_recorded_in_order_with_the_logs() {
        let mut h = BoltHarness::new(Gauge(0));
        assert_eq!(h.process(["a"]).metrics(), []);
        h.process(["b"]);
        let r = h.tick();
        assert_eq!(
            r.sent,
            [
                Sent::Log(Level::Info, "reporting".into()),
                Sent::Metrics {
                    name: "seen".into(),
                    params: json!(2)
                },
                Sent::Ack("3".into()),
            ]
        );
        assert_eq!(r.metrics(), [("seen", &json!(2))]);
    }

    struct Failing;

    impl Bolt for Failing {
        type Error = String;
        fn prepare(&mut self, setup: &Setup, _out: &mut BoltOutput<'_>) -> Result<(), String> {
            Err(format!("no {:?}", setup.conf().get_str("need")))
        }
        fn process(&mut self, _t: &Tuple<'_>, _out: &mut BoltOutput<'_>) -> Result<(), String> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_prepare_is_an_error_reply() {
        let err = BoltHarness::start(Failing, &setup(json!({"need": "x"}), "b", 2)).unwrap_err();
        assert_eq!(err.errors(), ["prepare failed: no Some(\"x\")"]);
    }

    struct LogsThenFails;

    impl Bolt for LogsThenFails {
        type Error = String;
        fn prepare(&mut self, _setup: &Setup, _out: &mut BoltOutput<'_>) -> Result<(), String> {
            log::warn!("about to fail");
            Err("no".into())
        }
        fn process(&mut self, _t: &Tuple<'_>, _out: &mut BoltOutput<'_>) -> Result<(), String> {
            Ok(())
        }
    }

    /// Regression: a failing `prepare`'s report went out before the records it had logged,
    /// where a failing tuple's goes out after them.
    #[test]
    fn a_failing_prepare_reports_after_its_log_records() {
        let err = BoltHarness::start(LogsThenFails, &setup(json!({}), "b", 1)).unwrap_err();
        assert_eq!(
            err.sent,
            [
                Sent::Log(Level::Warn, "about to fail".into()),
                Sent::Error("prepare failed: no".into()),
            ]
        );
    }

    struct Ids;

    impl Spout for Ids {
        type Error = String;
        fn next(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), String> {
            out.emit_reliable("m-1", ("x",));
            out.metric("pending", ["m-1"]).map_err(|e| e.to_string())?;
            log::info!("emitted");
            Ok(())
        }
    }

    #[test]
    fn spout_commands_are_synced() {
        let mut h = SpoutHarness::new(Ids);
        let r = h.next();
        assert_eq!(r.emits()[0].message_id, Some(json!("m-1")));
        assert_eq!(r.metrics(), [("pending", &json!(["m-1"]))]);
        assert_eq!(r.logs(), [(Level::Info, "emitted")]);
        assert!(r.synced());
        assert_eq!(h.ack("m-1").sent, [Sent::Sync]);
        assert!(h.activate().synced() && h.deactivate().synced());
        assert_eq!(h.raw(b"{\"command\":\"dance\"}").errors().len(), 1);
    }
}
