//! Writing commands to Storm: JSON encoded straight into one reused buffer.
//!
//! Nothing here touches the pipe. The runners own the buffer and write it out when there is
//! nothing more to read (or after a `sync`), so a burst of emits costs one `write` call.

use std::io::{self, Write};

use crate::message::TupleId;
use serde::Serialize;

/// The values of an emitted tuple: a Rust tuple, array, slice or `Vec` of anything
/// `serde::Serialize`, written as a JSON list.
///
/// ```
/// use storm_multilang::Values;
/// let mut out = Vec::new();
/// ("cow", 3u64).write_values(&mut out).unwrap();
/// assert_eq!(out, br#"["cow",3]"#);
/// ```
pub trait Values {
    /// Appends the values as a JSON list.
    fn write_values(&self, out: &mut Vec<u8>) -> serde_json::Result<()>;

    /// Appends the values in SMB1 (`values`: a count, then the values).
    fn write_values_smb1(&self, out: &mut Vec<u8>) -> Result<(), crate::smb1::Smb1Error>;
}

impl<V: Values + ?Sized> Values for &V {
    fn write_values(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        (**self).write_values(out)
    }
    fn write_values_smb1(&self, out: &mut Vec<u8>) -> Result<(), crate::smb1::Smb1Error> {
        (**self).write_values_smb1(out)
    }
}

fn smb1_values<T: Serialize + ?Sized>(
    v: &T,
    out: &mut Vec<u8>,
) -> Result<(), crate::smb1::Smb1Error> {
    let start = out.len();
    let r = v.serialize(crate::smb1::Smb1Serializer {
        out: &mut *out,
        top: true,
    });
    if r.is_err() {
        out.truncate(start);
    }
    r
}

impl<T: Serialize> Values for [T] {
    fn write_values(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        serde_json::to_writer(out, self)
    }
    fn write_values_smb1(&self, out: &mut Vec<u8>) -> Result<(), crate::smb1::Smb1Error> {
        smb1_values(self, out)
    }
}

impl<T: Serialize, const N: usize> Values for [T; N] {
    fn write_values(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        serde_json::to_writer(out, &self[..])
    }
    fn write_values_smb1(&self, out: &mut Vec<u8>) -> Result<(), crate::smb1::Smb1Error> {
        smb1_values(&self[..], out)
    }
}

impl<T: Serialize> Values for Vec<T> {
    fn write_values(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        serde_json::to_writer(out, &self[..])
    }
    fn write_values_smb1(&self, out: &mut Vec<u8>) -> Result<(), crate::smb1::Smb1Error> {
        smb1_values(&self[..], out)
    }
}

macro_rules! tuple_values {
    ($($name:ident),+) => {
        impl<$($name: Serialize),+> Values for ($($name,)+) {
            fn write_values(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
                // serde writes Rust tuples as JSON lists.
                serde_json::to_writer(out, self)
            }
            fn write_values_smb1(&self, out: &mut Vec<u8>) -> Result<(), crate::smb1::Smb1Error> {
                smb1_values(self, out)
            }
        }
    };
}
tuple_values!(A);
tuple_values!(A, B);
tuple_values!(A, B, C);
tuple_values!(A, B, C, D);
tuple_values!(A, B, C, D, E);
tuple_values!(A, B, C, D, E, F);
tuple_values!(A, B, C, D, E, F, G);
tuple_values!(A, B, C, D, E, F, G, H);

/// How an emit is routed. The default: the default stream, anchored to the input tuple (in a
/// bolt), and no task ids asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Emit<'e> {
    pub(crate) stream: Option<&'e str>,
    pub(crate) direct_task: Option<u32>,
    pub(crate) need_task_ids: bool,
    pub(crate) anchors: Anchors<'e>,
}

/// Which tuples a bolt's emit is anchored to.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) enum Anchors<'e> {
    /// The tuple being processed.
    #[default]
    Input,
    /// None: the emitted tuple starts no tree of the input's.
    None,
    /// These tuples.
    These(&'e [TupleId<'e>]),
}

impl<'e> Emit<'e> {
    /// The defaults.
    pub fn new() -> Self {
        Emit::default()
    }

    /// Emits on `stream` instead of the default stream.
    pub fn stream(mut self, stream: &'e str) -> Self {
        self.stream = Some(stream);
        self
    }

    /// Sends the tuple to this task only (the stream must be declared direct).
    pub fn direct(mut self, task: u32) -> Self {
        self.direct_task = Some(task);
        self
    }

    /// Asks Storm for the ids of the tasks the tuple went to; they arrive later through the
    /// component's `task_ids` hook, matched by the returned [`EmitToken`]. This costs a round trip
    /// per emit on the JVM side, so it is off unless asked for. Ignored for direct emits, which
    /// never get ids back.
    pub fn need_task_ids(mut self) -> Self {
        self.need_task_ids = true;
        self
    }

    /// Bolts: do not anchor the emitted tuple to the input.
    pub fn unanchored(mut self) -> Self {
        self.anchors = Anchors::None;
        self
    }

    /// Bolts: anchor to these tuples ([`crate::Tuple::id_ref`]).
    pub fn anchored_to(mut self, ids: &'e [TupleId<'e>]) -> Self {
        self.anchors = Anchors::These(ids);
        self
    }
}

/// A spout's message id for a reliable emit: a number or a string. Storm hands it back in the
/// `ack` or `fail` command as [`crate::MessageId`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewMessageId<'a> {
    /// An unsigned integer id.
    U64(u64),
    /// A signed integer id.
    I64(i64),
    /// A string id.
    Str(&'a str),
}

impl From<u64> for NewMessageId<'_> {
    fn from(v: u64) -> Self {
        NewMessageId::U64(v)
    }
}

impl From<u32> for NewMessageId<'_> {
    fn from(v: u32) -> Self {
        NewMessageId::U64(v.into())
    }
}

impl From<i64> for NewMessageId<'_> {
    fn from(v: i64) -> Self {
        NewMessageId::I64(v)
    }
}

impl<'a> From<&'a str> for NewMessageId<'a> {
    fn from(v: &'a str) -> Self {
        NewMessageId::Str(v)
    }
}

impl<'a> From<&'a String> for NewMessageId<'a> {
    fn from(v: &'a String) -> Self {
        NewMessageId::Str(v)
    }
}

impl NewMessageId<'_> {
    fn write(self, out: &mut Vec<u8>) {
        // Writes into a Vec cannot fail.
        let _ = match self {
            NewMessageId::U64(n) => write!(out, "{n}"),
            NewMessageId::I64(n) => write!(out, "{n}"),
            NewMessageId::Str(s) => serde_json::to_writer(&mut *out, s).map_err(io::Error::from),
        };
    }
}

/// Identifies an emit that asked for task ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmitToken(pub(crate) u64);

/// Moves the queued log records into `out` as `log` commands in `format`.
#[inline]
pub(crate) fn drain_logs(out: &mut Vec<u8>, format: Format) {
    crate::logger::drain(|level, msg| encode::log(format, out, level, msg));
}

const END: &[u8] = b"\nend\n";

/// The wire encoding a component was spoken to in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Storm's JSON multilang.
    Json,
    /// SMB1 (docs/binary-protocol.md).
    Smb1,
}

/// Appends commands to a buffer, in either encoding.
pub(crate) mod encode {
    use super::*;
    use crate::smb1::encode as smb1_encode;

    pub(crate) fn sync(f: Format, out: &mut Vec<u8>) {
        match f {
            Format::Json => json::sync(out),
            Format::Smb1 => smb1_encode::sync(out),
        }
    }

    pub(crate) fn pid(f: Format, out: &mut Vec<u8>, pid: u32) {
        match f {
            Format::Json => json::pid(out, pid),
            Format::Smb1 => smb1_encode::pid(out, pid),
        }
    }

    pub(crate) fn ack(f: Format, out: &mut Vec<u8>, id: TupleId<'_>) {
        match f {
            Format::Json => json::ack(out, id),
            Format::Smb1 => smb1_encode::ack(out, id),
        }
    }

    /// Fails a tuple whose id came from a message that could not be parsed: raw JSON in the
    /// JSON encoding, the id string in SMB1.
    pub(crate) fn fail_salvaged(f: Format, out: &mut Vec<u8>, id: &str) {
        match f {
            Format::Json => json::fail_raw(out, id),
            Format::Smb1 => smb1_encode::fail(out, TupleId::smb1(id)),
        }
    }

    pub(crate) fn fail(f: Format, out: &mut Vec<u8>, id: TupleId<'_>) {
        match f {
            Format::Json => json::fail(out, id),
            Format::Smb1 => smb1_encode::fail(out, id),
        }
    }

    pub(crate) fn log(f: Format, out: &mut Vec<u8>, level: u8, msg: &str) {
        match f {
            Format::Json => json::log(out, level, msg),
            Format::Smb1 => smb1_encode::log(out, level, msg),
        }
    }

    pub(crate) fn error(f: Format, out: &mut Vec<u8>, msg: &str) {
        match f {
            Format::Json => json::error(out, msg),
            Format::Smb1 => smb1_encode::error(out, msg),
        }
    }

    pub(crate) fn metrics<P: Serialize + ?Sized>(
        f: Format,
        out: &mut Vec<u8>,
        name: &str,
        params: &P,
    ) -> Result<(), String> {
        match f {
            Format::Json => json::metrics(out, name, params).map_err(|e| e.to_string()),
            Format::Smb1 => smb1_encode::metrics(out, name, params).map_err(|e| e.to_string()),
        }
    }

    pub(crate) fn emit<V: Values + ?Sized>(
        f: Format,
        out: &mut Vec<u8>,
        opts: &Emit<'_>,
        input: Option<TupleId<'_>>,
        msg_id: Option<NewMessageId<'_>>,
        values: &V,
    ) -> Result<(), String> {
        match f {
            Format::Json => json::emit(out, opts, input, msg_id, values).map_err(|e| e.to_string()),
            Format::Smb1 => {
                smb1_encode::emit(out, opts, input, msg_id, values).map_err(|e| e.to_string())
            }
        }
    }
}

/// Appends commands to a buffer as JSON.
pub(crate) mod json {
    use super::*;

    fn string(out: &mut Vec<u8>, s: &str) {
        // Writing a str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }

    pub(crate) fn sync(out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"command\":\"sync\"}");
        out.extend_from_slice(END);
    }

    pub(crate) fn pid(out: &mut Vec<u8>, pid: u32) {
        out.extend_from_slice(b"{\"pid\":");
        out.extend_from_slice(pid.to_string().as_bytes());
        out.push(b'}');
        out.extend_from_slice(END);
    }

    pub(crate) fn ack(out: &mut Vec<u8>, id: TupleId<'_>) {
        out.extend_from_slice(b"{\"command\":\"ack\",\"id\":");
        id.write_json(out);
        out.push(b'}');
        out.extend_from_slice(END);
    }

    pub(crate) fn fail(out: &mut Vec<u8>, id: TupleId<'_>) {
        out.extend_from_slice(b"{\"command\":\"fail\",\"id\":");
        id.write_json(out);
        out.push(b'}');
        out.extend_from_slice(END);
    }

    pub(crate) fn fail_raw(out: &mut Vec<u8>, id: &str) {
        out.extend_from_slice(b"{\"command\":\"fail\",\"id\":");
        out.extend_from_slice(id.as_bytes());
        out.push(b'}');
        out.extend_from_slice(END);
    }

    pub(crate) fn log(out: &mut Vec<u8>, level: u8, msg: &str) {
        out.extend_from_slice(b"{\"command\":\"log\",\"msg\":");
        string(out, msg);
        out.extend_from_slice(b",\"level\":");
        out.push(b'0' + level.min(4));
        out.push(b'}');
        out.extend_from_slice(END);
    }

    pub(crate) fn error(out: &mut Vec<u8>, msg: &str) {
        out.extend_from_slice(b"{\"command\":\"error\",\"msg\":");
        string(out, msg);
        out.push(b'}');
        out.extend_from_slice(END);
    }

    pub(crate) fn metrics<P: Serialize + ?Sized>(
        out: &mut Vec<u8>,
        name: &str,
        params: &P,
    ) -> serde_json::Result<()> {
        let start = out.len();
        out.extend_from_slice(b"{\"command\":\"metrics\",\"name\":");
        string(out, name);
        out.extend_from_slice(b",\"params\":");
        if let Err(e) = serde_json::to_writer(&mut *out, params) {
            out.truncate(start);
            return Err(e);
        }
        out.push(b'}');
        out.extend_from_slice(END);
        Ok(())
    }

    /// An emit. `input` is the bolt's current tuple id (raw JSON), `msg_id` the spout's
    /// message id.
    pub(crate) fn emit<V: Values + ?Sized>(
        out: &mut Vec<u8>,
        opts: &Emit<'_>,
        input: Option<TupleId<'_>>,
        msg_id: Option<NewMessageId<'_>>,
        values: &V,
    ) -> serde_json::Result<()> {
        let start = out.len();
        out.extend_from_slice(b"{\"command\":\"emit\"");
        if let Some(id) = msg_id {
            out.extend_from_slice(b",\"id\":");
            id.write(out);
        }
        match (opts.anchors, input) {
            (Anchors::Input, Some(id)) => {
                out.extend_from_slice(b",\"anchors\":[");
                id.write_json(out);
                out.push(b']');
            }
            (Anchors::These(ids), _) => {
                out.extend_from_slice(b",\"anchors\":[");
                for (i, id) in ids.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    id.write_json(out);
                }
                out.push(b']');
            }
            _ => {}
        }
        if let Some(stream) = opts.stream {
            out.extend_from_slice(b",\"stream\":");
            string(out, stream);
        }
        if let Some(task) = opts.direct_task {
            out.extend_from_slice(b",\"task\":");
            out.extend_from_slice(task.to_string().as_bytes());
        }
        if !opts.need_task_ids || opts.direct_task.is_some() {
            out.extend_from_slice(b",\"need_task_ids\":false");
        }
        out.extend_from_slice(b",\"tuple\":");
        if let Err(e) = values.write_values(out) {
            out.truncate(start);
            return Err(e);
        }
        out.push(b'}');
        out.extend_from_slice(END);
        Ok(())
    }
}

/// What bolts and spouts write through while their code runs: the output buffer in the
/// stream's encoding, the queue of emits awaiting task ids, and the first emit error.
#[derive(Debug)]
pub(crate) struct Sink<'o> {
    pub(crate) buf: &'o mut Vec<u8>,
    pub(crate) format: Format,
    pub(crate) awaiting_ids: &'o mut std::collections::VecDeque<EmitToken>,
    pub(crate) next_token: &'o mut u64,
    pub(crate) emit_error: Option<String>,
}

impl Sink<'_> {
    /// Encodes one emit; a token when it asked for task ids. An encoding error is kept (the
    /// first one) and nothing is written.
    pub(crate) fn emit<V: Values + ?Sized>(
        &mut self,
        opts: &Emit<'_>,
        input: Option<TupleId<'_>>,
        id: Option<NewMessageId<'_>>,
        values: &V,
    ) -> Option<EmitToken> {
        // Log records written before this emit go out before it.
        drain_logs(self.buf, self.format);
        match encode::emit(self.format, self.buf, opts, input, id, values) {
            Ok(()) if opts.need_task_ids && opts.direct_task.is_none() => {
                *self.next_token += 1;
                let token = EmitToken(*self.next_token);
                self.awaiting_ids.push_back(token);
                Some(token)
            }
            Ok(()) => None,
            Err(e) => {
                self.emit_error
                    .get_or_insert_with(|| format!("emit failed: {e}"));
                None
            }
        }
    }
}

/// The output side: one buffer, written to the pipe on [`Output::flush`].
#[derive(Debug)]
pub(crate) struct Output<W: Write> {
    w: W,
    pub(crate) buf: Vec<u8>,
    pub(crate) format: Format,
}

impl<W: Write> Output<W> {
    pub(crate) fn new(w: W) -> Self {
        Output {
            w,
            buf: Vec::with_capacity(64 << 10),
            format: Format::Json,
        }
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.w.write_all(&self.buf)?;
            self.buf.clear();
        }
        self.w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(bytes: &[u8]) -> serde_json::Value {
        let text = std::str::from_utf8(bytes).unwrap();
        let body = text
            .strip_suffix("\nend\n")
            .expect("message ends with an end line");
        serde_json::from_str(body).unwrap()
    }

    #[test]
    fn emits_are_valid_json_with_the_right_keys() {
        let mut out = Vec::new();
        json::emit(
            &mut out,
            &Emit::new(),
            Some(TupleId::smb1("-42")),
            None,
            &("a\"\n\u{1F600}", 3),
        )
        .unwrap();
        assert_eq!(
            json(&out),
            serde_json::json!({"command":"emit","anchors":["-42"],"need_task_ids":false,"tuple":["a\"\n\u{1F600}",3]})
        );
        out.clear();
        json::emit(
            &mut out,
            &Emit::new().stream("s").direct(7).need_task_ids(),
            None,
            Some(NewMessageId::U64(12)),
            &vec!["x"],
        )
        .unwrap();
        assert_eq!(
            json(&out),
            serde_json::json!({"command":"emit","id":12,"stream":"s","task":7,"need_task_ids":false,"tuple":["x"]})
        );
        out.clear();
        json::emit(
            &mut out,
            &Emit::new().need_task_ids().unanchored(),
            Some(TupleId::smb1("1")),
            None,
            &[1.5],
        )
        .unwrap();
        assert_eq!(
            json(&out),
            serde_json::json!({"command":"emit","tuple":[1.5]})
        );
    }

    #[test]
    fn a_failing_value_leaves_nothing_behind() {
        use std::collections::HashMap;
        let mut bad = HashMap::new();
        bad.insert(vec![1u8], 1);
        let mut out = b"before".to_vec();
        assert!(json::emit(&mut out, &Emit::new(), None, None, &(bad,)).is_err());
        assert_eq!(out, b"before");
    }

    #[test]
    fn commands() {
        let mut out = Vec::new();
        json::log(&mut out, 2, "hi \"you\"");
        assert_eq!(
            json(&out),
            serde_json::json!({"command":"log","msg":"hi \"you\"","level":2})
        );
        out.clear();
        json::error(&mut out, "bad\tthing");
        assert_eq!(
            json(&out),
            serde_json::json!({"command":"error","msg":"bad\tthing"})
        );
        out.clear();
        json::metrics(&mut out, "m", &serde_json::json!({"k":1})).unwrap();
        assert_eq!(
            json(&out),
            serde_json::json!({"command":"metrics","name":"m","params":{"k":1}})
        );
        out.clear();
        json::pid(&mut out, 99);
        assert_eq!(out, b"{\"pid\":99}\nend\n");
    }
}
