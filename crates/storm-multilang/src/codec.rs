//! The wire format, chosen once: the [`Codec`] trait and its two implementations, [`Json`]
//! (Storm's own) and [`Smb1`] (docs/binary-protocol.md).
//!
//! The connection detects the format from the first bytes Storm sends; the bolt and spout
//! loops are then generic over the codec (framing, parsing, the runners' commands), so each
//! format gets its own compiled loop and nothing on the per-message path asks which format
//! it speaks. The frame reader keeps one buffer for both framings (`next_json`,
//! `next_smb1`), since detection must read before the format is known. Emits from a component's
//! code go through [`crate::BoltOutput`] / [`crate::SpoutOutput`], which are not generic
//! (the component's trait methods would otherwise be); they carry the [`Format`] and choose
//! the encoder per emit in one place (`output::encode`).

use crate::json;
use std::io::{self, Read};

use crate::frame::{Frame, FrameReader};
use crate::output::Format;
use crate::{Error, Incoming, MessageError, TupleId};

/// Framing and parsing what Storm sends and encoding what the runners answer, in one wire
/// format.
pub(crate) trait Codec {
    /// The same choice as a value, for the component's output.
    const FORMAT: Format;

    /// Reads the next message's frame (the format is known: no detection, no check).
    fn next_frame<'r, R: Read>(
        reader: &'r mut FrameReader<R>,
        before_read: &mut dyn FnMut() -> io::Result<()>,
    ) -> Result<Option<Frame<'r>>, Error>;

    /// Parses one message (its frame, without framing).
    fn parse(bytes: &[u8]) -> Result<Incoming<'_>, MessageError>;

    /// The tuple id of a message that could not be parsed, in the form `fail_salvaged` takes.
    fn salvage_id(bytes: &[u8]) -> Option<String>;

    /// The start of a bad message, for an error report.
    fn snippet(bytes: &[u8]) -> String;

    /// Appends the handshake's answer.
    fn pid(out: &mut Vec<u8>, pid: u32);
    /// Appends `sync`.
    fn sync(out: &mut Vec<u8>);
    /// Appends an `ack`.
    fn ack(out: &mut Vec<u8>, id: TupleId<'_>);
    /// Appends a `fail`.
    fn fail(out: &mut Vec<u8>, id: TupleId<'_>);
    /// Appends a `fail` for an id from [`Codec::salvage_id`].
    fn fail_salvaged(out: &mut Vec<u8>, id: &str);
    /// Appends an `error` report.
    fn error(out: &mut Vec<u8>, msg: &str);
}

/// Storm's JSON multilang: JSON text, each message followed by a line `end`.
#[derive(Debug)]
pub(crate) struct Json;

/// SMB1: length-prefixed binary frames.
#[derive(Debug)]
pub(crate) struct Smb1;

impl Codec for Json {
    const FORMAT: Format = Format::Json;

    fn next_frame<'r, R: Read>(
        reader: &'r mut FrameReader<R>,
        before_read: &mut dyn FnMut() -> io::Result<()>,
    ) -> Result<Option<Frame<'r>>, Error> {
        reader.next_json(before_read)
    }

    fn parse(bytes: &[u8]) -> Result<Incoming<'_>, MessageError> {
        json::parse(bytes)
    }

    /// Raw JSON, quotes included: echoed as it came.
    fn salvage_id(bytes: &[u8]) -> Option<String> {
        crate::salvage::top_level_id(bytes)
    }

    fn snippet(bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(120)]);
        let text = text.trim();
        if bytes.len() > 120 {
            format!("{text}…")
        } else {
            text.to_owned()
        }
    }

    fn pid(out: &mut Vec<u8>, pid: u32) {
        json::pid(out, pid)
    }
    fn sync(out: &mut Vec<u8>) {
        json::sync(out)
    }
    fn ack(out: &mut Vec<u8>, id: TupleId<'_>) {
        json::ack(out, id)
    }
    fn fail(out: &mut Vec<u8>, id: TupleId<'_>) {
        json::fail(out, id)
    }
    fn fail_salvaged(out: &mut Vec<u8>, id: &str) {
        json::fail_raw(out, id)
    }
    fn error(out: &mut Vec<u8>, msg: &str) {
        json::error(out, msg)
    }
}

impl Codec for Smb1 {
    const FORMAT: Format = Format::Smb1;

    fn next_frame<'r, R: Read>(
        reader: &'r mut FrameReader<R>,
        before_read: &mut dyn FnMut() -> io::Result<()>,
    ) -> Result<Option<Frame<'r>>, Error> {
        reader.next_smb1(before_read)
    }

    fn parse(bytes: &[u8]) -> Result<Incoming<'_>, MessageError> {
        crate::smb1::parse(bytes)
    }

    /// The plain id string.
    fn salvage_id(bytes: &[u8]) -> Option<String> {
        crate::smb1::salvage_id(bytes).map(str::to_owned)
    }

    /// Hex, 32 bytes at most.
    fn snippet(bytes: &[u8]) -> String {
        let hex: Vec<String> = bytes.iter().take(32).map(|b| format!("{b:02x}")).collect();
        let more = if bytes.len() > 32 { " …" } else { "" };
        format!("{}{more}", hex.join(" "))
    }

    fn pid(out: &mut Vec<u8>, pid: u32) {
        crate::smb1::encode::pid(out, pid)
    }
    fn sync(out: &mut Vec<u8>) {
        crate::smb1::encode::sync(out)
    }
    fn ack(out: &mut Vec<u8>, id: TupleId<'_>) {
        crate::smb1::encode::ack(out, id)
    }
    fn fail(out: &mut Vec<u8>, id: TupleId<'_>) {
        crate::smb1::encode::fail(out, id)
    }
    fn fail_salvaged(out: &mut Vec<u8>, id: &str) {
        crate::smb1::encode::fail(out, TupleId::smb1(id))
    }
    fn error(out: &mut Vec<u8>, msg: &str) {
        crate::smb1::encode::error(out, msg)
    }
}
