//! SMB1, the binary encoding of the multilang protocol (docs/binary-protocol.md).
//!
//! Storm picks it per topology with `topology.multilang.serializer`; the runners detect it from
//! the magic bytes that open the stream, so one binary speaks both. This module holds the
//! decoder of Storm's messages (borrowing from the frame, like the JSON one), a serde
//! `Serializer` for emitted values, and the encoders of the child's commands.
//!
//! One file a part, imports running one way: `decode` (Storm's messages) stands alone,
//! `ser` (the serde `Serializer` of values) stands alone, and `encode` (the child's commands)
//! writes its values through `ser`. This file holds what all three share: the magic bytes and
//! the message kinds.

mod decode;
pub(crate) mod encode;
mod ser;

pub(crate) use decode::{parse, salvage_id, setup_json};
pub use ser::Smb1Error;

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
