//! Storm's JSON multilang: parsing what Storm sends (borrowing from the frame, values kept
//! as raw JSON) and appending commands to the output buffer, each followed by a line `end`.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use smallvec::SmallVec;

use crate::emit::Anchors;
use crate::message::Item;
use crate::{
    Command, Emit, Incoming, MessageError, MessageId, NewMessageId, TaskIds, Tuple, TupleId,
    TupleValues, Values,
};

const END: &[u8] = b"\nend\n";

/// Every key Storm may put in a message after the handshake. Unknown keys are ignored.
#[derive(Deserialize)]
struct Wire<'a> {
    #[serde(borrow)]
    command: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    comp: Option<Cow<'a, str>>,
    #[serde(borrow)]
    stream: Option<Cow<'a, str>>,
    task: Option<i64>,
    #[serde(borrow)]
    tuple: Option<&'a RawValue>,
}

/// Parses one message (a frame's bytes).
pub fn parse(frame: &[u8]) -> Result<Incoming<'_>, MessageError> {
    let first = frame.iter().find(|b| !b.is_ascii_whitespace());
    match first {
        None => Err(MessageError::new("empty message")),
        Some(b'[') => {
            let ids: TaskIds = serde_json::from_slice(frame)
                .map_err(|e| MessageError::new(format!("bad task id list: {e}")))?;
            Ok(Incoming::TaskIds(ids))
        }
        Some(b'{') => {
            let w: Wire<'_> = serde_json::from_slice(frame)
                .map_err(|e| MessageError::new(format!("malformed message: {e}")))?;
            from_wire(w)
        }
        Some(_) => Err(MessageError::new(
            "message is neither a JSON object nor a list of task ids",
        )),
    }
}

fn from_wire(w: Wire<'_>) -> Result<Incoming<'_>, MessageError> {
    if let Some(command) = w.command {
        let id = w.id.map(MessageId::json);
        let need_id = || MessageError::new(format!("`{command}` command without an id"));
        let c = match &*command {
            "next" => Command::Next,
            "ack" => Command::Ack(id.ok_or_else(need_id)?),
            "fail" => Command::Fail(id.ok_or_else(need_id)?),
            "activate" => Command::Activate,
            "deactivate" => Command::Deactivate,
            _ => Command::Other(command),
        };
        return Ok(Incoming::Command(c));
    }
    let id =
        w.id.ok_or_else(|| MessageError::new("tuple without an id"))?;
    let stream = w
        .stream
        .ok_or_else(|| MessageError::new("tuple without a stream"))?;
    let task = w
        .task
        .ok_or_else(|| MessageError::new("tuple without a task"))?;
    let raw = w
        .tuple
        .ok_or_else(|| MessageError::new("tuple without values (`tuple`)"))?;
    let items: SmallVec<[&RawValue; 4]> = serde_json::from_str(raw.get())
        .map_err(|_| MessageError::new("tuple values (`tuple`) are not a JSON list"))?;
    Ok(Incoming::Tuple(Tuple::new(
        TupleId::json(id),
        w.comp,
        stream,
        task,
        TupleValues::new(items.into_iter().map(Item::Json).collect()),
    )))
}

fn string(out: &mut Vec<u8>, s: &str) {
    // Writing a str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

fn message_id(out: &mut Vec<u8>, id: NewMessageId<'_>) {
    // Writes into a Vec cannot fail.
    let _ = match id {
        NewMessageId::U64(n) => write!(out, "{n}"),
        NewMessageId::I64(n) => write!(out, "{n}"),
        NewMessageId::Str(s) => serde_json::to_writer(&mut *out, s).map_err(io::Error::from),
    };
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
        message_id(out, id);
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
    if let Err(e) = values.serialize_values(&mut serde_json::Serializer::new(&mut *out)) {
        out.truncate(start);
        return Err(e);
    }
    out.push(b'}');
    out.extend_from_slice(END);
    Ok(())
}
