//! Apache Storm's multilang protocol for native components, without copies.
//!
//! Storm runs a non-JVM spout or bolt as a subprocess and talks to it in JSON messages, each
//! followed by a line `end`, over its stdin and stdout. This crate implements the child's side
//! of that protocol: the handshake, heartbeats, task-id replies, acks, logging, and the loops
//! that drive a [`Bolt`] or a [`Spout`].
//!
//! It is built for throughput: each message is parsed in place from one reused read buffer
//! (tuple values are borrowed `&str` unless a JSON escape forces a copy), output is encoded
//! straight into one reused buffer and written when there is nothing more to read, and emits
//! do not ask Storm for task ids unless the component wants them, so no emit waits for a JVM
//! round trip.
//!
//! # Layout
//! - [`frame`]: splitting the input into messages at `end` lines, flushing before blocking.
//! - [`message`]: the wire types Storm sends: [`Tuple`], [`Command`], [`Setup`], [`Conf`].
//! - [`output`]: the [`Values`] of an emit, [`Emit`] routing options, command encoding.
//! - [`bolt`]: the [`Bolt`] trait and [`run_bolt`] (basic-bolt ack/fail semantics).
//! - [`spout`]: the [`Spout`] trait and [`run_spout`] (a `sync` after every command).
//! - [`binary`]: SMB1, the optional binary encoding (docs/binary-protocol.md), detected from the
//!   first bytes Storm sends.
//! - [`logger`]: the `log` facade, routed to Storm's `log` command.
//! - [`cli`]: flags and topology-conf settings for component binaries.
//! - [`testing`]: an in-process harness that drives a bolt or spout in unit tests.
//! - [`Error`], [`MessageError`], [`FieldError`]: what can go wrong.
//!
//! # Example
//!
//! A bolt that upper-cases its input, driven over in-memory pipes the way Storm would drive it:
//!
//! ```
//! use storm_multilang::{run_bolt_io, Bolt, BoltOutput, FieldError, Tuple};
//!
//! struct Upper;
//!
//! impl Bolt for Upper {
//!     type Error = FieldError;
//!     fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), FieldError> {
//!         out.emit((t.str(0)?.to_uppercase(),));
//!         Ok(())
//!     }
//! }
//!
//! let dir = std::env::temp_dir();
//! let input = format!(
//!     "{{\"conf\":{{}},\"context\":{{}},\"pidDir\":{:?}}}\nend\n\
//!      {{\"id\":\"7\",\"comp\":\"spout\",\"stream\":\"default\",\"task\":1,\"tuple\":[\"moo\"]}}\nend\n",
//!     dir.to_str().unwrap()
//! );
//! let mut output = Vec::new();
//! run_bolt_io(Upper, input.as_bytes(), &mut output, 1 << 20).unwrap();
//! let text = String::from_utf8(output).unwrap();
//! assert!(text.contains(r#"{"command":"emit","anchors":["7"],"need_task_ids":false,"tuple":["MOO"]}"#));
//! assert!(text.ends_with("{\"command\":\"ack\",\"id\":\"7\"}\nend\n"));
//! # std::fs::remove_file(dir.join(std::process::id().to_string())).ok();
//! ```
#![deny(missing_docs)]

pub mod binary;
pub mod bolt;
mod channel;
pub mod cli;
mod error;
pub mod frame;
#[doc(hidden)]
pub mod fuzzing;
pub mod logger;
pub mod message;
pub mod output;
mod salvage;
pub mod spout;
pub mod testing;

pub use bolt::{run_bolt, run_bolt_io, Bolt, BoltOutput};
pub use error::{Error, FieldError, MessageError};
pub use message::{
    Command, Conf, Context, Incoming, MessageId, Setup, TaskIds, Tuple, Values as TupleValues,
};
pub use output::{Emit, EmitToken, NewMessageId, Values};
pub use spout::{run_spout, run_spout_io, Spout, SpoutOutput};

/// Parses one message; exposed for fuzzing and benchmarks.
pub fn parse_message(frame: &[u8]) -> Result<Incoming<'_>, MessageError> {
    message::parse(frame)
}
