//! Encoders of the child's commands. Each writes one whole frame.

use serde::Serialize;

use super::ser::{put_str, Smb1Error, Smb1Serializer};
use super::{ACK, EMIT, ERROR, FAIL, LOG, METRICS, PID, SYNC};
use crate::emit::Anchors;
use crate::smb1_value::{T_INT, T_STR};
use crate::{Emit, NewMessageId, TupleId};

/// Opens a frame: its length is patched in by [`close`].
fn open(out: &mut Vec<u8>, kind: u8) -> usize {
    let start = out.len();
    out.extend_from_slice(&[0, 0, 0, 0, kind]);
    start
}

fn close(out: &mut [u8], start: usize) {
    let len = (out.len() - start - 4) as u32;
    out[start..start + 4].copy_from_slice(&len.to_be_bytes());
}

fn id_value(out: &mut Vec<u8>, id: TupleId<'_>) {
    out.push(T_STR);
    put_str(out, &id.as_str());
}

pub(crate) fn pid(out: &mut Vec<u8>, pid: u32) {
    let s = open(out, PID);
    out.extend_from_slice(&(pid as i32).to_be_bytes());
    close(out, s);
}

pub(crate) fn sync(out: &mut Vec<u8>) {
    let s = open(out, SYNC);
    close(out, s);
}

pub(crate) fn ack(out: &mut Vec<u8>, id: TupleId<'_>) {
    let s = open(out, ACK);
    id_value(out, id);
    close(out, s);
}

pub(crate) fn fail(out: &mut Vec<u8>, id: TupleId<'_>) {
    let s = open(out, FAIL);
    id_value(out, id);
    close(out, s);
}

pub(crate) fn log(out: &mut Vec<u8>, level: u8, msg: &str) {
    let s = open(out, LOG);
    out.push(level.min(4));
    put_str(out, msg);
    close(out, s);
}

pub(crate) fn error(out: &mut Vec<u8>, msg: &str) {
    let s = open(out, ERROR);
    put_str(out, msg);
    close(out, s);
}

pub(crate) fn metrics<P: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    name: &str,
    params: &P,
) -> Result<(), Smb1Error> {
    let s = open(out, METRICS);
    put_str(out, name);
    if let Err(e) = params.serialize(Smb1Serializer { out, top: false }) {
        out.truncate(s);
        return Err(e);
    }
    close(out, s);
    Ok(())
}

pub(crate) fn emit<V: crate::Values + ?Sized>(
    out: &mut Vec<u8>,
    opts: &Emit<'_>,
    input: Option<TupleId<'_>>,
    msg_id: Option<NewMessageId<'_>>,
    values: &V,
) -> Result<(), Smb1Error> {
    let s = open(out, EMIT);
    let direct = opts.direct_task.is_some();
    let flags = u8::from(opts.need_task_ids && !direct)
        | if direct { 2 } else { 0 }
        | if opts.stream.is_some() { 4 } else { 0 }
        | if msg_id.is_some() { 8 } else { 0 };
    out.push(flags);
    if let Some(stream) = opts.stream {
        put_str(out, stream);
    }
    if let Some(task) = opts.direct_task {
        out.extend_from_slice(&(task as i32).to_be_bytes());
    }
    match msg_id {
        Some(NewMessageId::U64(n)) => {
            let _ = Smb1Serializer { out, top: false }.serialize_u64_value(n);
        }
        Some(NewMessageId::I64(n)) => {
            out.push(T_INT);
            out.extend_from_slice(&n.to_be_bytes());
        }
        Some(NewMessageId::Str(id)) => {
            out.push(T_STR);
            put_str(out, id);
        }
        None => {}
    }
    match (opts.anchors, input) {
        (Anchors::Input, Some(id)) => {
            out.extend_from_slice(&1u32.to_be_bytes());
            put_str(out, &id.as_str());
        }
        (Anchors::These(ids), _) => {
            out.extend_from_slice(&(ids.len() as u32).to_be_bytes());
            for id in ids {
                put_str(out, &id.as_str());
            }
        }
        _ => out.extend_from_slice(&0u32.to_be_bytes()),
    }
    if let Err(e) = values.serialize_values(Smb1Serializer {
        out: &mut *out,
        top: true,
    }) {
        out.truncate(s);
        return Err(e);
    }
    close(out, s);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smb1::encode;
    use crate::smb1::ser::values;

    #[test]
    fn emits_and_commands() {
        let mut out = Vec::new();
        encode::emit(
            &mut out,
            &Emit::new(),
            Some(TupleId::smb1("7")),
            None,
            &("w",),
        )
        .unwrap();
        let mut want = vec![EMIT, 0];
        want.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, b'7']);
        want.extend_from_slice(&values(("w",)));
        let mut framed = (want.len() as u32).to_be_bytes().to_vec();
        framed.extend_from_slice(&want);
        assert_eq!(out, framed);

        out.clear();
        encode::emit(
            &mut out,
            &Emit::new().stream("s").direct(3).need_task_ids(),
            None,
            Some(NewMessageId::Str("m")),
            &[1],
        )
        .unwrap();
        assert_eq!(
            &out[4..6],
            &[EMIT, 2 | 4 | 8],
            "direct emits never ask for task ids"
        );

        out.clear();
        encode::ack(&mut out, TupleId::smb1("x"));
        assert_eq!(out, [0, 0, 0, 7, ACK, T_STR, 0, 0, 0, 1, b'x']);
        out.clear();
        encode::sync(&mut out);
        assert_eq!(out, [0, 0, 0, 1, SYNC]);
    }
}
