//! SMB1, the binary encoding of the multilang protocol (docs/binary-protocol.md).
//!
//! Storm picks it per topology with `topology.multilang.serializer`; the runners detect it from
//! the magic bytes that open the stream, so one binary speaks both. This module holds the
//! decoder of Storm's messages (borrowing from the frame, like the JSON one), a serde
//! `Serializer` for emitted values, and the encoders of the child's commands.

use std::borrow::Cow;
use std::fmt;

use serde::ser::{self, Serialize};
use smallvec::SmallVec;

use crate::emit::{Anchors, Emit, NewMessageId};
use crate::error::MessageError;
use crate::message::{Command, Incoming, MessageId, TaskIds, Tuple, TupleId, TupleValues};

/// The five bytes that open an SMB1 stream.
pub const MAGIC: [u8; 5] = [0, b'S', b'M', b'B', 1];

pub(crate) const SETUP: u8 = 0x01;
pub(crate) const TUPLE: u8 = 0x02;
pub(crate) const SPOUT_CMD: u8 = 0x03;
pub(crate) const TASK_IDS: u8 = 0x04;
const PID: u8 = 0x10;
const EMIT: u8 = 0x11;
const ACK: u8 = 0x12;
const FAIL: u8 = 0x13;
const SYNC: u8 = 0x14;
const LOG: u8 = 0x15;
const ERROR: u8 = 0x16;
const METRICS: u8 = 0x17;

use crate::smb1_value::{
    T_BYTES, T_FALSE, T_FLOAT, T_INT, T_JSON, T_LIST, T_MAP, T_NULL, T_STR, T_TRUE,
};

/// Deepest nesting of lists and maps accepted in a value.
const MAX_DEPTH: u32 = 128;

/// A cursor over one frame's payload.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

fn short(what: &str) -> MessageError {
    MessageError::new(format!("binary message cut short in {what}"))
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], MessageError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let end = end.ok_or_else(|| short(what))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u8(&mut self, what: &str) -> Result<u8, MessageError> {
        Ok(self.take(1, what)?[0])
    }

    fn u32(&mut self, what: &str) -> Result<u32, MessageError> {
        let b = self.take(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn i32(&mut self, what: &str) -> Result<i32, MessageError> {
        Ok(self.u32(what)? as i32)
    }

    fn str(&mut self, what: &str) -> Result<&'a str, MessageError> {
        let n = self.u32(what)? as usize;
        let b = self.take(n, what)?;
        std::str::from_utf8(b).map_err(|_| MessageError::new(format!("{what} is not UTF-8")))
    }

    fn nstr(&mut self, what: &str) -> Result<Option<&'a str>, MessageError> {
        if self.buf.get(self.pos..self.pos + 4) == Some(&[0xff; 4]) {
            self.pos += 4;
            return Ok(None);
        }
        self.str(what).map(Some)
    }

    /// Skips one value, checking it is well formed; returns its bytes (tag included).
    fn value(&mut self, what: &str) -> Result<&'a [u8], MessageError> {
        let start = self.pos;
        self.skip_value(what, 0)?;
        Ok(&self.buf[start..self.pos])
    }

    fn skip_value(&mut self, what: &str, depth: u32) -> Result<(), MessageError> {
        if depth > MAX_DEPTH {
            return Err(MessageError::new(format!("{what} nests too deep")));
        }
        match self.u8(what)? {
            T_NULL | T_FALSE | T_TRUE => {}
            T_INT | T_FLOAT => {
                self.take(8, what)?;
            }
            T_STR => {
                self.str(what)?;
            }
            T_JSON => {
                let text = self.str(what)?;
                serde_json::from_str::<serde::de::IgnoredAny>(text)
                    .map_err(|e| MessageError::new(format!("{what}: bad JSON value: {e}")))?;
            }
            T_BYTES => {
                let n = self.u32(what)? as usize;
                self.take(n, what)?;
            }
            T_LIST => {
                let n = self.u32(what)?;
                for _ in 0..n {
                    self.skip_value(what, depth + 1)?;
                }
            }
            T_MAP => {
                let n = self.u32(what)?;
                for _ in 0..n {
                    self.str(what)?;
                    self.skip_value(what, depth + 1)?;
                }
            }
            t => {
                return Err(MessageError::new(format!(
                    "{what}: unknown value tag {t:#04x}"
                )))
            }
        }
        Ok(())
    }

    fn end(&self) -> Result<(), MessageError> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(MessageError::new(format!(
                "{} stray bytes after the message",
                self.buf.len() - self.pos
            )))
        }
    }
}

/// Parses one SMB1 message from Storm (the frame's payload).
pub(crate) fn parse(frame: &[u8]) -> Result<Incoming<'_>, MessageError> {
    let mut r = Reader::new(frame);
    let msg = match r.u8("message kind")? {
        TUPLE => {
            let id = r.str("tuple id")?;
            let comp = r.nstr("component")?;
            let stream = r.str("stream")?;
            let task = i64::from(r.i32("task")?);
            let n = r.u32("value count")?;
            let mut items = SmallVec::new();
            for _ in 0..n {
                items.push(crate::message::Item::Smb1(r.value("tuple value")?));
            }
            Incoming::Tuple(Tuple::new(
                TupleId::smb1(id),
                comp.map(Cow::Borrowed),
                Cow::Borrowed(stream),
                task,
                TupleValues::new(items),
            ))
        }
        SPOUT_CMD => {
            let command = r.str("command")?;
            let id = r.value("message id")?;
            let id = (id != [T_NULL]).then_some(MessageId::smb1(id));
            let need_id = || MessageError::new(format!("`{command}` command without an id"));
            Incoming::Command(match command {
                "next" => Command::Next,
                "ack" => Command::Ack(id.ok_or_else(need_id)?),
                "fail" => Command::Fail(id.ok_or_else(need_id)?),
                "activate" => Command::Activate,
                "deactivate" => Command::Deactivate,
                other => Command::Other(Cow::Borrowed(other)),
            })
        }
        TASK_IDS => {
            let n = r.u32("task id count")?;
            let mut ids = TaskIds::new();
            for _ in 0..n {
                let t = r.i32("task id")?;
                ids.push(u32::try_from(t).map_err(|_| MessageError::new("negative task id"))?);
            }
            Incoming::TaskIds(ids)
        }
        SETUP => return Err(MessageError::new("a second setup message")),
        k => return Err(MessageError::new(format!("unknown message kind {k:#04x}"))),
    };
    r.end()?;
    Ok(msg)
}

/// The JSON text of the setup message.
pub(crate) fn setup_json(frame: &[u8]) -> Result<&str, MessageError> {
    let mut r = Reader::new(frame);
    if r.u8("message kind")? != SETUP {
        return Err(MessageError::new(
            "the first message is not a setup message",
        ));
    }
    let json = r.str("setup")?;
    r.end()?;
    Ok(json)
}

/// The tuple id of a binary tuple message that could not be parsed whole, if its head is
/// intact: the id is the first field.
pub(crate) fn salvage_id(frame: &[u8]) -> Option<&str> {
    let mut r = Reader::new(frame);
    if r.u8("").ok()? != TUPLE {
        return None;
    }
    r.str("").ok().filter(|s| !s.is_empty())
}

/// Why a value could not be written in SMB1.
#[derive(Debug)]
pub struct Smb1Error(String);

impl fmt::Display for Smb1Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Smb1Error {}

impl ser::Error for Smb1Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Smb1Error(msg.to_string())
    }
}

fn put_u32(out: &mut Vec<u8>, n: usize) -> Result<(), Smb1Error> {
    let n = u32::try_from(n).map_err(|_| Smb1Error("a value over 4 GiB".into()))?;
    out.extend_from_slice(&n.to_be_bytes());
    Ok(())
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    // Strings over 4 GiB cannot come from a frame whose length is a u32 either.
    out.extend_from_slice(&(s.len().min(u32::MAX as usize) as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// A serde serializer writing SMB1 values. At the top level (`top`), a sequence is written
/// as `values` (count and items, no tag).
pub(crate) struct Smb1Serializer<'o> {
    pub(crate) out: &'o mut Vec<u8>,
    pub(crate) top: bool,
}

/// A list or map being written; its count is patched in at the end.
pub(crate) struct Compound<'o> {
    out: &'o mut Vec<u8>,
    count_at: usize,
    count: usize,
}

impl<'o> Smb1Serializer<'o> {
    fn begin(self, tag: u8) -> Compound<'o> {
        if !self.top || tag == T_MAP {
            self.out.push(tag);
        }
        let count_at = self.out.len();
        self.out.extend_from_slice(&[0; 4]);
        Compound {
            out: self.out,
            count_at,
            count: 0,
        }
    }
}

impl Compound<'_> {
    fn finish(self) -> Result<(), Smb1Error> {
        let n = u32::try_from(self.count).map_err(|_| Smb1Error("too many items".into()))?;
        self.out[self.count_at..self.count_at + 4].copy_from_slice(&n.to_be_bytes());
        Ok(())
    }
}

impl<'o> ser::Serializer for Smb1Serializer<'o> {
    type Ok = ();
    type Error = Smb1Error;
    type SerializeSeq = Compound<'o>;
    type SerializeTuple = Compound<'o>;
    type SerializeTupleStruct = Compound<'o>;
    type SerializeTupleVariant = Compound<'o>;
    type SerializeMap = Compound<'o>;
    type SerializeStruct = Compound<'o>;
    type SerializeStructVariant = Compound<'o>;

    fn serialize_bool(self, v: bool) -> Result<(), Smb1Error> {
        self.out.push(if v { T_TRUE } else { T_FALSE });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Smb1Error> {
        self.out.push(T_INT);
        self.out.extend_from_slice(&v.to_be_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Smb1Error> {
        match i64::try_from(v) {
            Ok(i) => self.serialize_i64(i),
            // Past i64 (Java's long): as JSON text, which json-smart reads as a BigInteger.
            Err(_) => {
                self.out.push(T_JSON);
                put_str(self.out, &v.to_string());
                Ok(())
            }
        }
    }
    fn serialize_f32(self, v: f32) -> Result<(), Smb1Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Smb1Error> {
        self.out.push(T_FLOAT);
        self.out.extend_from_slice(&v.to_be_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Smb1Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Smb1Error> {
        self.out.push(T_STR);
        put_str(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Smb1Error> {
        self.out.push(T_BYTES);
        put_u32(self.out, v.len())?;
        self.out.extend_from_slice(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Smb1Error> {
        self.out.push(T_NULL);
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Smb1Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Smb1Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Smb1Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Smb1Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Smb1Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), Smb1Error> {
        // As serde_json does: {"Variant": value}
        self.out.push(T_MAP);
        self.out.extend_from_slice(&1u32.to_be_bytes());
        put_str(self.out, variant);
        v.serialize(Smb1Serializer {
            out: self.out,
            top: false,
        })
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'o>, Smb1Error> {
        Ok(self.begin(T_LIST))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'o>, Smb1Error> {
        Ok(self.begin(T_LIST))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'o>, Smb1Error> {
        Ok(self.begin(T_LIST))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'o>, Smb1Error> {
        Err(Smb1Error(
            "enum tuple variants are not supported in tuples".into(),
        ))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'o>, Smb1Error> {
        Ok(self.begin(T_MAP))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'o>, Smb1Error> {
        Ok(self.begin(T_MAP))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'o>, Smb1Error> {
        Err(Smb1Error(
            "enum struct variants are not supported in tuples".into(),
        ))
    }
}

impl Compound<'_> {
    fn item<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Smb1Error> {
        self.count += 1;
        v.serialize(Smb1Serializer {
            out: self.out,
            top: false,
        })
    }

    fn key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), Smb1Error> {
        self.count += 1;
        k.serialize(KeySerializer { out: self.out })
    }
}

macro_rules! seq_like {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Smb1Error;
            fn $method<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Smb1Error> {
                self.item(v)
            }
            fn end(self) -> Result<(), Smb1Error> {
                self.finish()
            }
        }
    )*};
}
seq_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Smb1Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), Smb1Error> {
        self.key(k)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Smb1Error> {
        v.serialize(Smb1Serializer {
            out: self.out,
            top: false,
        })
    }
    fn end(self) -> Result<(), Smb1Error> {
        self.finish()
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Smb1Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        k: &'static str,
        v: &T,
    ) -> Result<(), Smb1Error> {
        self.count += 1;
        put_str(self.out, k);
        v.serialize(Smb1Serializer {
            out: self.out,
            top: false,
        })
    }
    fn end(self) -> Result<(), Smb1Error> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Smb1Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        k: &'static str,
        v: &T,
    ) -> Result<(), Smb1Error> {
        ser::SerializeStruct::serialize_field(self, k, v)
    }
    fn end(self) -> Result<(), Smb1Error> {
        self.finish()
    }
}

/// Map keys must be strings (as in JSON); numbers are written as their decimal text.
struct KeySerializer<'o> {
    out: &'o mut Vec<u8>,
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = Smb1Error;
    type SerializeSeq = ser::Impossible<(), Smb1Error>;
    type SerializeTuple = ser::Impossible<(), Smb1Error>;
    type SerializeTupleStruct = ser::Impossible<(), Smb1Error>;
    type SerializeTupleVariant = ser::Impossible<(), Smb1Error>;
    type SerializeMap = ser::Impossible<(), Smb1Error>;
    type SerializeStruct = ser::Impossible<(), Smb1Error>;
    type SerializeStructVariant = ser::Impossible<(), Smb1Error>;

    fn serialize_str(self, v: &str) -> Result<(), Smb1Error> {
        put_str(self.out, v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Smb1Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Smb1Error> {
        self.serialize_str(&v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Smb1Error> {
        self.serialize_str(&v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Smb1Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Smb1Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Smb1Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_bool(self, _: bool) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Smb1Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
    ) -> Result<(), Smb1Error> {
        self.serialize_str(v)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Smb1Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Smb1Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Smb1Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Smb1Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Smb1Error> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Smb1Error> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Smb1Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Smb1Error> {
        Err(key_error())
    }
}

fn key_error() -> Smb1Error {
    Smb1Error("map keys must be strings or integers".into())
}

/// Encoders of the child's commands. Each writes one whole frame.
pub(crate) mod encode {
    use super::*;

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

    pub(crate) fn emit<V: crate::emit::Values + ?Sized>(
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
}

impl Smb1Serializer<'_> {
    fn serialize_u64_value(self, n: u64) -> Result<(), Smb1Error> {
        ser::Serializer::serialize_u64(self, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(v: impl crate::emit::Values) -> Vec<u8> {
        let mut out = Vec::new();
        v.serialize_values(Smb1Serializer {
            out: &mut out,
            top: true,
        })
        .unwrap();
        out
    }

    #[test]
    fn values_are_encoded_as_the_spec_says() {
        assert_eq!(
            values(("ab", 1u8, -2i64, true, 1.5f64)),
            [
                &[0, 0, 0, 5][..],
                &[T_STR, 0, 0, 0, 2, b'a', b'b'],
                &[T_INT, 0, 0, 0, 0, 0, 0, 0, 1],
                &[T_INT, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe],
                &[T_TRUE],
                &[T_FLOAT, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0],
            ]
            .concat()
        );
        assert_eq!(
            values((vec![Some(1u64), None],)),
            [
                &[0, 0, 0, 1][..],
                &[T_LIST, 0, 0, 0, 2],
                &[T_INT, 0, 0, 0, 0, 0, 0, 0, 1],
                &[T_NULL]
            ]
            .concat()
        );
        let mut m = std::collections::BTreeMap::new();
        m.insert("k", "v");
        assert_eq!(
            values((m,)),
            [
                &[0, 0, 0, 1][..],
                &[T_MAP, 0, 0, 0, 1, 0, 0, 0, 1, b'k', T_STR, 0, 0, 0, 1, b'v']
            ]
            .concat()
        );
        assert_eq!(values((u64::MAX,))[4], T_JSON);
    }

    #[test]
    fn decodes_what_it_would_encode() {
        // A tuple frame written by hand, then read back.
        let mut f = vec![TUPLE];
        put_str(&mut f, "-42");
        f.extend_from_slice(&[0xff; 4]);
        put_str(&mut f, "__heartbeat");
        f.extend_from_slice(&(-1i32).to_be_bytes());
        f.extend_from_slice(&values(("caf\u{e9}", 7, 2.5, false)));
        let Incoming::Tuple(t) = parse(&f).unwrap() else {
            panic!()
        };
        assert!(t.is_heartbeat());
        assert_eq!(t.id(), "-42");
        assert_eq!(t.str(0).unwrap(), "café");
        assert_eq!(t.values().i64(1).unwrap(), 7);
        assert_eq!(t.values().f64(2).unwrap(), 2.5);
        assert!(!t.values().bool(3).unwrap());
        assert_eq!(
            t.str(1).unwrap_err().to_string(),
            "tuple field 1 should be a string, found 7"
        );
        // Every strict prefix is cut short, never a panic or a wrong success.
        for n in 0..f.len() {
            assert!(parse(&f[..n]).is_err(), "prefix {n}");
        }
    }

    #[test]
    fn rejects_bad_frames() {
        let cases: &[(&[u8], &str)] = &[
            (&[], "cut short"),
            (&[0x77], "unknown message kind"),
            (
                &[TASK_IDS, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff],
                "negative task id",
            ),
            (&[TASK_IDS, 0, 0, 0, 0, 9], "stray bytes"),
            (
                &[SPOUT_CMD, 0, 0, 0, 3, b'a', b'c', b'k', T_NULL],
                "without an id",
            ),
            (&[TUPLE, 0, 0, 0, 1, 0xc3], "not UTF-8"),
            (
                &[
                    TUPLE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x42,
                ],
                "unknown value tag",
            ),
            (&[SETUP, 0, 0, 0, 0], "second setup"),
        ];
        for (input, want) in cases {
            let e = parse(input).unwrap_err();
            assert!(e.reason().contains(want), "{input:?}: {e}");
        }
        // Deep nesting is refused, not a stack overflow.
        let mut deep = vec![
            TUPLE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        ];
        for _ in 0..10_000 {
            deep.extend_from_slice(&[T_LIST, 0, 0, 0, 1]);
        }
        assert!(parse(&deep)
            .unwrap_err()
            .reason()
            .contains("nests too deep"));
    }

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
