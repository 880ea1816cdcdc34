//! What Storm sends, as the component sees it: borrowed from the read buffer, whichever
//! format it came in (the codecs, `json` and [`crate::smb1`], build these).
//!
//! Every type here borrows from the frame it was parsed from. Strings are `Cow<'a, str>`:
//! borrowed unless a JSON escape forces a copy. Tuple values stay raw JSON until the
//! component asks for one, typed.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use smallvec::SmallVec;

use crate::{FieldError, MessageError};

/// Task ids Storm sends back for an emit that asked for them.
pub type TaskIds = SmallVec<[u32; 4]>;

/// Anything Storm sends after the handshake.
#[derive(Debug)]
pub enum Incoming<'a> {
    /// A tuple for a bolt (heartbeats and ticks included: see [`Tuple::is_heartbeat`]).
    Tuple(Tuple<'a>),
    /// A command for a spout.
    Command(Command<'a>),
    /// The tasks an earlier emit went to.
    TaskIds(TaskIds),
}

/// A command for a spout. Each must be answered with `sync`.
#[derive(Debug)]
pub enum Command<'a> {
    /// Emit the next tuple(s), if any.
    Next,
    /// The tuple tree of this message id completed.
    Ack(MessageId<'a>),
    /// The tuple tree of this message id failed or timed out.
    Fail(MessageId<'a>),
    /// The spout was activated.
    Activate,
    /// The spout was deactivated.
    Deactivate,
    /// A command this library does not know.
    Other(Cow<'a, str>),
}

/// A spout message id as Storm echoes it: whatever value the spout emitted.
#[derive(Clone, Copy)]
pub struct MessageId<'a>(MsgIdRepr<'a>);

#[derive(Clone, Copy)]
enum MsgIdRepr<'a> {
    Json(&'a RawValue),
    Smb1(&'a [u8]),
}

impl<'a> MessageId<'a> {
    pub(crate) fn json(value: &'a RawValue) -> Self {
        MessageId(MsgIdRepr::Json(value))
    }

    pub(crate) fn smb1(value: &'a [u8]) -> Self {
        MessageId(MsgIdRepr::Smb1(value))
    }

    /// The id as JSON text (in SMB1: rendered as JSON where it can be).
    pub fn raw(&self) -> Cow<'a, str> {
        match self.0 {
            MsgIdRepr::Json(r) => Cow::Borrowed(r.get()),
            MsgIdRepr::Smb1(v) => match crate::smb1_value::as_str(v) {
                Some(s) => Cow::Owned(serde_json::to_string(s).unwrap_or_default()),
                None => Cow::Owned(crate::smb1_value::describe(v)),
            },
        }
    }

    /// The id as an unsigned integer, if it is one.
    pub fn as_u64(&self) -> Option<u64> {
        match self.0 {
            MsgIdRepr::Json(r) => r.get().parse().ok(),
            MsgIdRepr::Smb1(v) => crate::smb1_value::as_i64(v)
                .and_then(|i| u64::try_from(i).ok())
                .or_else(|| crate::smb1_value::describe(v).parse().ok()),
        }
    }

    /// The id as a string, if it is one.
    pub fn as_str(&self) -> Option<Cow<'a, str>> {
        match self.0 {
            MsgIdRepr::Json(r) => json_str(r),
            MsgIdRepr::Smb1(v) => crate::smb1_value::as_str(v).map(Cow::Borrowed),
        }
    }
}

impl fmt::Debug for MessageId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MessageId({})", self.raw())
    }
}

/// The id of a tuple given to a bolt, for anchoring emits to it ([`crate::Emit::anchored_to`]).
#[derive(Clone, Copy)]
pub struct TupleId<'a>(IdRepr<'a>);

#[derive(Clone, Copy)]
enum IdRepr<'a> {
    /// Raw JSON, echoed verbatim in acks (a quoted string from Storm).
    Json(&'a RawValue),
    Smb1(&'a str),
}

impl<'a> TupleId<'a> {
    pub(crate) fn json(id: &'a RawValue) -> Self {
        TupleId(IdRepr::Json(id))
    }

    pub(crate) fn smb1(id: &'a str) -> Self {
        TupleId(IdRepr::Smb1(id))
    }

    /// The id as text.
    pub fn as_str(&self) -> Cow<'a, str> {
        match self.0 {
            IdRepr::Json(r) => json_str(r).unwrap_or(Cow::Borrowed(r.get())),
            IdRepr::Smb1(s) => Cow::Borrowed(s),
        }
    }

    /// Appends the id as a JSON value.
    pub(crate) fn write_json(&self, out: &mut Vec<u8>) {
        match self.0 {
            IdRepr::Json(r) => out.extend_from_slice(r.get().as_bytes()),
            // Writing a str into a Vec cannot fail.
            IdRepr::Smb1(s) => {
                let _ = serde_json::to_writer(out, s);
            }
        }
    }
}

impl fmt::Debug for TupleId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TupleId({})", self.as_str())
    }
}

/// A tuple delivered to a bolt.
#[derive(Debug)]
pub struct Tuple<'a> {
    id: TupleId<'a>,
    component: Option<Cow<'a, str>>,
    stream: Cow<'a, str>,
    task: i64,
    values: TupleValues<'a>,
}

impl<'a> Tuple<'a> {
    pub(crate) fn new(
        id: TupleId<'a>,
        component: Option<Cow<'a, str>>,
        stream: Cow<'a, str>,
        task: i64,
        values: TupleValues<'a>,
    ) -> Self {
        Tuple {
            id,
            component,
            stream,
            task,
            values,
        }
    }

    /// The tuple's id as an anchor: what [`crate::Emit::anchored_to`] takes. (For its text,
    /// see [`Tuple::id`].)
    pub fn anchor(&self) -> TupleId<'a> {
        self.id
    }

    /// The tuple id as text.
    pub fn id(&self) -> Cow<'a, str> {
        self.id.as_str()
    }

    /// The component that emitted it (`None` for heartbeats).
    pub fn component(&self) -> &str {
        self.component.as_deref().unwrap_or("")
    }

    /// The stream it was emitted on.
    pub fn stream(&self) -> &str {
        &self.stream
    }

    /// The task that emitted it (-1 for heartbeats).
    pub fn task(&self) -> i64 {
        self.task
    }

    /// The values.
    pub fn values(&self) -> &TupleValues<'a> {
        &self.values
    }

    /// Shorthand for `self.values().str(i)`.
    pub fn str(&self, i: usize) -> Result<Cow<'a, str>, FieldError> {
        self.values.str(i)
    }

    /// True for Storm's heartbeat (stream `__heartbeat`, task -1), answered with `sync`.
    pub fn is_heartbeat(&self) -> bool {
        self.task == -1 && &*self.stream == "__heartbeat"
    }

    /// True for a tick tuple (component `__system`, stream `__tick`).
    pub fn is_tick(&self) -> bool {
        self.component.as_deref() == Some("__system") && &*self.stream == "__tick"
    }
}

/// The values of a tuple, each still encoded (JSON text, or SMB1 bytes) until asked for.
#[derive(Debug)]
pub struct TupleValues<'a> {
    items: SmallVec<[Item<'a>; 4]>,
}

/// One encoded value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Item<'a> {
    Json(&'a RawValue),
    Smb1(&'a [u8]),
}

impl Item<'_> {
    fn describe(&self) -> String {
        match self {
            Item::Json(r) => r.get().to_owned(),
            Item::Smb1(v) => crate::smb1_value::describe(v),
        }
    }
}

impl<'a> TupleValues<'a> {
    pub(crate) fn new(items: SmallVec<[Item<'a>; 4]>) -> Self {
        TupleValues { items }
    }

    /// How many values the tuple has.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when the tuple has no values.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn item(&self, i: usize, expected: &'static str) -> Result<Item<'a>, FieldError> {
        self.items
            .get(i)
            .copied()
            .ok_or_else(|| FieldError::new(i, expected, ""))
    }

    /// Value `i` as raw JSON. In SMB1 only values that travel as JSON text have
    /// one; use the typed getters there.
    pub fn raw(&self, i: usize) -> Result<&'a RawValue, FieldError> {
        match self.item(i, "present")? {
            Item::Json(r) => Ok(r),
            item @ Item::Smb1(_) => Err(FieldError::new(i, "raw JSON", &item.describe())),
        }
    }

    /// Value `i` as a string, borrowed unless it holds escapes.
    pub fn str(&self, i: usize) -> Result<Cow<'a, str>, FieldError> {
        let item = self.item(i, "a string")?;
        let s = match item {
            Item::Json(r) => json_str(r),
            Item::Smb1(v) => crate::smb1_value::as_str(v).map(Cow::Borrowed),
        };
        s.ok_or_else(|| FieldError::new(i, "a string", &item.describe()))
    }

    /// Value `i` as a signed integer.
    pub fn i64(&self, i: usize) -> Result<i64, FieldError> {
        let item = self.item(i, "an integer")?;
        let n = match item {
            Item::Json(r) => r.get().parse().ok(),
            Item::Smb1(v) => crate::smb1_value::as_i64(v),
        };
        n.ok_or_else(|| FieldError::new(i, "an integer", &item.describe()))
    }

    /// Value `i` as a float (integers accepted).
    pub fn f64(&self, i: usize) -> Result<f64, FieldError> {
        let item = self.item(i, "a number")?;
        let n = match item {
            Item::Json(r) => match r.get().as_bytes().first() {
                Some(b'-' | b'0'..=b'9') => r.get().parse().ok(),
                _ => None,
            },
            Item::Smb1(v) => crate::smb1_value::as_f64(v),
        };
        n.ok_or_else(|| FieldError::new(i, "a number", &item.describe()))
    }

    /// Value `i` as a boolean.
    pub fn bool(&self, i: usize) -> Result<bool, FieldError> {
        let item = self.item(i, "a boolean")?;
        let b = match item {
            Item::Json(r) => match r.get() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            Item::Smb1(v) => crate::smb1_value::as_bool(v),
        };
        b.ok_or_else(|| FieldError::new(i, "a boolean", &item.describe()))
    }
}

/// A JSON string's content: borrowed when it holds no escape.
fn json_str(raw: &RawValue) -> Option<Cow<'_, str>> {
    let s = raw.get();
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        // serde_json has validated the string, so without escapes its content is the text.
        return Some(Cow::Borrowed(inner));
    }
    serde_json::from_str::<String>(s).ok().map(Cow::Owned)
}

/// The setup message Storm sends first, owned: it is read once.
#[derive(Debug, Clone)]
pub struct Setup {
    conf: Conf,
    context: Context,
    pid_dir: String,
}

impl Setup {
    /// The topology configuration.
    pub fn conf(&self) -> &Conf {
        &self.conf
    }

    /// This task's place in the topology.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The directory where the pid file was created.
    pub fn pid_dir(&self) -> &str {
        &self.pid_dir
    }

    /// Builds a setup by hand (tests, tools).
    pub fn new(conf: Map<String, Value>, context: Value, pid_dir: impl Into<String>) -> Self {
        Setup {
            conf: Conf(conf),
            context: Context::from_value(context),
            pid_dir: pid_dir.into(),
        }
    }

    /// Parses the setup message.
    pub fn parse(frame: &[u8]) -> Result<Setup, MessageError> {
        #[derive(Deserialize)]
        struct Raw {
            conf: Option<Map<String, Value>>,
            context: Option<Value>,
            #[serde(rename = "pidDir")]
            pid_dir: Option<String>,
        }
        let raw: Raw = serde_json::from_slice(frame)
            .map_err(|e| MessageError::new(format!("setup message is not valid: {e}")))?;
        let pid_dir = raw
            .pid_dir
            .ok_or_else(|| MessageError::new("setup message has no `pidDir`"))?;
        Ok(Setup::new(
            raw.conf.unwrap_or_default(),
            raw.context.unwrap_or(Value::Null),
            pid_dir,
        ))
    }
}

/// The topology configuration, with lenient typed getters: Storm users write settings in YAML,
/// Clojure or Java maps, so `"true"` and `"42"` are accepted where a boolean or number is meant.
#[derive(Debug, Clone, Default)]
pub struct Conf(Map<String, Value>);

impl Conf {
    /// The raw value of a key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    /// A string setting (numbers and booleans are rendered as text).
    pub fn get_str(&self, key: &str) -> Option<Cow<'_, str>> {
        match self.get(key)? {
            Value::String(s) => Some(Cow::Borrowed(s)),
            Value::Number(n) => Some(Cow::Owned(n.to_string())),
            Value::Bool(b) => Some(Cow::Owned(b.to_string())),
            _ => None,
        }
    }

    /// A boolean setting; `Err` names the bad value.
    pub fn get_bool(&self, key: &str) -> Result<Option<bool>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) => parse_bool(s)
                .map(Some)
                .ok_or_else(|| format!("`{key}` should be true or false, not {s:?}")),
            Some(other) => Err(format!("`{key}` should be true or false, not {other}")),
        }
    }

    /// An unsigned integer setting; `Err` names the bad value.
    pub fn get_u64(&self, key: &str) -> Result<Option<u64>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .map(Some)
                .ok_or_else(|| format!("`{key}` should be a whole number >= 0, not {n}")),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| format!("`{key}` should be a whole number >= 0, not {s:?}")),
            Some(other) => Err(format!("`{key}` should be a whole number, not {other}")),
        }
    }

    /// The whole map.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
}

/// Parses `true`/`false` the way users write them.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" => Some(true),
        "false" | "no" | "0" | "off" => Some(false),
        _ => None,
    }
}

/// This task's place in the topology, from the setup message's `context`.
#[derive(Debug, Clone)]
pub struct Context {
    task_id: Option<i64>,
    component_id: Option<String>,
    task_to_component: BTreeMap<i64, String>,
    raw: Value,
}

impl Context {
    fn from_value(raw: Value) -> Self {
        let task_id = raw.get("taskid").and_then(Value::as_i64);
        let component_id = raw
            .get("componentid")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let task_to_component = raw
            .get("task->component")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.parse().ok()?, v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        Context {
            task_id,
            component_id,
            task_to_component,
            raw,
        }
    }

    /// This task's id.
    pub fn task_id(&self) -> Option<i64> {
        self.task_id
    }

    /// This component's id.
    pub fn component_id(&self) -> Option<&str> {
        self.component_id.as_deref()
    }

    /// Every task of the topology and its component.
    pub fn task_to_component(&self) -> &BTreeMap<i64, String> {
        &self.task_to_component
    }

    /// The whole context as Storm sent it (streams, groupings, output fields, ...).
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    #[test]
    fn tuple_fields_borrow_from_the_frame() {
        let frame = br#"{"id":"-1","comp":"spout","stream":"default","task":3,"tuple":["the cow",7,true,2.5,null]}"#;
        let Incoming::Tuple(t) = parse(frame).unwrap() else {
            panic!("not a tuple")
        };
        assert!(matches!(t.str(0).unwrap(), Cow::Borrowed("the cow")));
        assert_eq!(t.values().i64(1).unwrap(), 7);
        assert!(t.values().bool(2).unwrap());
        assert_eq!(t.values().f64(3).unwrap(), 2.5);
        assert_eq!(t.values().len(), 5);
        assert_eq!(t.id(), "-1");
        let mut raw = Vec::new();
        t.anchor().write_json(&mut raw);
        assert_eq!(raw, b"\"-1\"");
        assert_eq!(
            (t.component(), t.stream(), t.task()),
            ("spout", "default", 3)
        );
        assert!(!t.is_heartbeat() && !t.is_tick());
    }

    #[test]
    fn escapes_force_a_copy_and_are_decoded() {
        let frame = br#"{"id":"1","comp":"c","stream":"s","task":1,"tuple":["a\"b\u00e9\n"]}"#;
        let Incoming::Tuple(t) = parse(frame).unwrap() else {
            panic!()
        };
        let s = t.str(0).unwrap();
        assert!(matches!(s, Cow::Owned(_)));
        assert_eq!(s, "a\"bé\n");
    }

    #[test]
    fn field_errors_name_the_field() {
        let frame = br#"{"id":"1","comp":"c","stream":"s","task":1,"tuple":[42]}"#;
        let Incoming::Tuple(t) = parse(frame).unwrap() else {
            panic!()
        };
        let e = t.str(0).unwrap_err();
        assert_eq!(e.to_string(), "tuple field 0 should be a string, found 42");
        assert_eq!(
            t.str(1).unwrap_err().to_string(),
            "tuple field 1 is missing (expected a string)"
        );
    }

    #[test]
    fn heartbeat_tick_commands_and_task_ids() {
        let hb = br#"{"id":"-6","comp":null,"stream":"__heartbeat","task":-1,"tuple":[]}"#;
        let Incoming::Tuple(t) = parse(hb).unwrap() else {
            panic!()
        };
        assert!(t.is_heartbeat());
        let tick = br#"{"id":"5","comp":"__system","stream":"__tick","task":-1,"tuple":[30]}"#;
        let Incoming::Tuple(t) = parse(tick).unwrap() else {
            panic!()
        };
        assert!(t.is_tick() && !t.is_heartbeat());
        assert!(matches!(
            parse(br#"{"command":"next"}"#).unwrap(),
            Incoming::Command(Command::Next)
        ));
        let Incoming::Command(Command::Ack(id)) = parse(br#"{"command":"ack","id":12}"#).unwrap()
        else {
            panic!()
        };
        assert_eq!(id.as_u64(), Some(12));
        let Incoming::Command(Command::Fail(id)) =
            parse(br#"{"command":"fail","id":"m-1"}"#).unwrap()
        else {
            panic!()
        };
        assert_eq!(id.as_str().as_deref(), Some("m-1"));
        let Incoming::TaskIds(ids) = parse(b"[4, 5]\n").unwrap() else {
            panic!()
        };
        assert_eq!(&ids[..], &[4, 5]);
    }

    #[test]
    fn bad_messages_are_errors_not_panics() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "empty message"),
            (b"  \n", "empty message"),
            (b"{", "malformed message"),
            (b"nonsense", "neither"),
            (
                b"{\"id\":\"1\",\"stream\":\"s\",\"task\":1}",
                "without values",
            ),
            (
                b"{\"id\":\"1\",\"stream\":\"s\",\"task\":1,\"tuple\":{}}",
                "not a JSON list",
            ),
            (
                b"{\"id\":\"1\",\"stream\":\"s\",\"task\":\"x\",\"tuple\":[]}",
                "malformed message",
            ),
            (
                b"{\"stream\":\"s\",\"task\":1,\"tuple\":[]}",
                "without an id",
            ),
            (b"{\"command\":\"ack\"}", "without an id"),
            (b"[1,\"a\"]", "task id"),
            (b"[-1]", "task id"),
            (
                b"{\"id\":\"1\",\"stream\":\"s\",\"task\":1,\"tuple\":[\"\xff\"]}",
                "malformed message",
            ),
            (b"{\"command\":7}", "malformed message"),
        ];
        for (input, want) in cases {
            let e = parse(input).expect_err(&String::from_utf8_lossy(input));
            assert!(
                e.reason().contains(want),
                "{:?}: {e}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn setup_and_lenient_conf() {
        let frame = br#"{"conf":{"a":"true","b":false,"n":"42","m":7,"s":"x","bad":"maybe"},
            "context":{"taskid":4,"componentid":"split","task->component":{"4":"split","1":"spout"}},
            "pidDir":"/tmp/p"}"#;
        let s = Setup::parse(frame).unwrap();
        assert_eq!(s.pid_dir(), "/tmp/p");
        assert_eq!(s.context().task_id(), Some(4));
        assert_eq!(s.context().component_id(), Some("split"));
        assert_eq!(s.context().task_to_component()[&1], "spout");
        let c = s.conf();
        assert_eq!(c.get_bool("a"), Ok(Some(true)));
        assert_eq!(c.get_bool("b"), Ok(Some(false)));
        assert_eq!(c.get_bool("none"), Ok(None));
        assert!(c.get_bool("bad").is_err());
        assert_eq!(c.get_u64("n"), Ok(Some(42)));
        assert_eq!(c.get_u64("m"), Ok(Some(7)));
        assert!(c.get_u64("s").is_err());
        assert_eq!(c.get_str("m").as_deref(), Some("7"));
        assert!(Setup::parse(br#"{"conf":{}}"#).is_err());
    }
}
