//! Apache Storm's multilang protocol for native components, without copies.
//!
//! Storm runs a non-JVM spout or bolt as a subprocess and talks to it in JSON messages, each
//! followed by a line `end`, over its stdin and stdout (or, with a matching serializer on the
//! JVM side, in SMB1, a binary encoding of the same protocol, detected from the first bytes).
//! This crate implements the child's side of that protocol: the handshake, heartbeats,
//! task-id replies, acks, logging, and the loops that drive a [`Bolt`] or a [`Spout`]. You
//! write the component's logic; the runner does the rest.
//!
//! It is built for throughput: each message is parsed in place from one reused read buffer
//! (tuple values are borrowed `&str` unless a JSON escape forces a copy), output is encoded
//! straight into one reused buffer and written when there is nothing more to read, and emits
//! do not ask Storm for task ids unless the component wants them, so no emit waits for a JVM
//! round trip.
//!
//! # From nothing to a running component
//!
//! The crate's README walks through a whole project (the repository's `template/`: a bolt, its
//! test, a Maven topology and a LocalCluster run); in short:
//!
//! 1. A binary crate with `storm-multilang = "0.1"` under `[dependencies]` and a `main` like
//!    this one (the crate's `examples/upper_bolt.rs`; `examples/counter_spout.rs` is the spout
//!    counterpart):
//!
//!    ```no_run
//!    use storm_multilang::cli::{self, App};
//!    use storm_multilang::{Bolt, BoltOutput, FieldError, Tuple};
//!
//!    struct Upper;
//!
//!    impl Bolt for Upper {
//!        type Error = FieldError;
//!        fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), FieldError> {
//!            out.emit((t.str(0)?.to_uppercase(),));
//!            Ok(())
//!        }
//!    }
//!
//!    static APP: App = App { name: "upper", version: "1.0", about: "upper-cases", options: &[] };
//!
//!    fn main() -> std::process::ExitCode {
//!        cli::run_bolt_main(&APP, |_args| Upper)
//!    }
//!    ```
//!
//!    Emits are anchored to the input, the input is acked when `process` returns `Ok` and
//!    failed (with an `error` report) when it returns `Err`; [`cli`] adds `--help`,
//!    `--version`, `--log-level` and options that are flags or topology conf keys.
//! 2. Test it in process with [`testing::BoltHarness`] (no Storm, pipes or pid files);
//!    [`serde_json`] is re-exported for `json!`:
//!
//!    ```
//!    # use storm_multilang::{Bolt, BoltOutput, FieldError, Tuple};
//!    # struct Upper;
//!    # impl Bolt for Upper {
//!    #     type Error = FieldError;
//!    #     fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), FieldError> {
//!    #         out.emit((t.str(0)?.to_uppercase(),));
//!    #         Ok(())
//!    #     }
//!    # }
//!    use storm_multilang::serde_json::json;
//!
//!    let mut h = storm_multilang::testing::BoltHarness::new(Upper);
//!    let r = h.process(["moo"]);
//!    assert_eq!(r.emitted(), [vec![json!("MOO")]]);
//!    assert_eq!(r.acks(), ["1"]);
//!    ```
//! 3. Build it statically, so that it needs nothing on the workers:
//!    `RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --target
//!    x86_64-unknown-linux-gnu` (`--target` keeps `crt-static` away from proc macros, which
//!    cannot be built with it), and put `target/x86_64-unknown-linux-gnu/release/upper` into
//!    the topology jar's `resources/` folder, which Storm extracts as the component's working
//!    directory (the template's `pom.xml` does both in `mvn package`).
//! 4. On the JVM side, storm-native's `io.stormnative.MultilangBolt` runs it, given its
//!    command and output fields; it makes the binary executable first (a jar keeps no file
//!    modes). In Java, with a check that every program is in `resources/` before submitting:
//!
//!    ```java
//!    builder.setBolt("upper", new MultilangBolt(new String[] {"upper"}, "upper"), 2).shuffleGrouping("words");
//!    StormTopology topology = builder.createTopology();
//!    TopologyCheck.check(topology);
//!    ```
//!
//!    or in a Flux YAML, no Java at all:
//!
//!    ```yaml
//!    bolts:
//!      - id: "upper"
//!        className: "io.stormnative.MultilangBolt"
//!        constructorArgs:
//!          - ["upper"]      # the command
//!          - ["upper"]      # the output fields
//!    ```
//!
//!    Spouts are the same with [`Spout`], [`cli::run_spout_main`] and `MultilangSpout`.
//!
//! # Metrics
//!
//! [`BoltOutput::metric`] and [`SpoutOutput::metric`] send Storm's `metrics` command: a name
//! and a value (`params`: any serializable value, usually a number), for example
//! `{"command":"metrics","name":"distinct-words","params":42}` in JSON, kind `0x17` in SMB1.
//! Storm hands `params` to the `IShellMetric` registered under that name on the JVM side
//! (`updateMetricFromRPC`); a name nobody registered makes stock Storm throw and the worker
//! die. Put a metric behind an option that is off by default, and send it periodically (on
//! a tick tuple, say), never per tuple. In tests, [`testing::Reply::metrics`] lists them.
//!
//! # Layout
//!
//! Modules in dependency order: each uses only modules above it; the first four use nothing
//! of the crate.
//! - `error`: [`Error`], [`MessageError`], [`FieldError`]: what can go wrong.
//! - [`logger`]: the `log` facade; queues records for the connection, knows no wire format.
//! - `salvage`: recovers the top-level `"id"` of a JSON message that failed to parse.
//! - `smb1_value`: one SMB1-encoded value: type tags and typed accessors.
//! - `message`: what Storm sends, borrowed from the read buffer: [`Tuple`],
//!   [`TupleValues`], [`Command`], [`MessageId`], [`Setup`], [`Conf`], [`Context`].
//! - `emit`: what a component sends, before encoding: [`Values`], [`Emit`],
//!   [`NewMessageId`], [`EmitToken`].
//! - `json`: Storm's JSON multilang: the parser (values kept as raw JSON) and the encoders.
//! - [`smb1`]: SMB1, the optional binary wire format (docs/binary-protocol.md): its decoder,
//!   its serde serializer and its encoders, a private module each (`decode`, `ser`, `encode`).
//! - `output`: the output buffer, the writer it is flushed to, and the `Emitter` that
//!   encodes a component's emits and metrics in the stream's format (the one run-time
//!   format choice); [`MetricError`].
//! - [`frame`]: splitting the input into messages (`end` lines, or SMB1's length prefixes,
//!   detected from the first bytes), flushing before any read that could block.
//! - `codec`: the `Codec` trait (framing, parsing, the runners' commands) with its `Json`
//!   and `Smb1` implementations, chosen once after the handshake; the bolt and spout loops
//!   are compiled per codec.
//! - `answer`: the session state (task-id queue, stderr name) and the `Answer` to one
//!   message: the handle every runner path (pipe, in-process, harness) writes through, which
//!   hands the component its `Emitter`, writes acks, fails, `sync` and error reports, and puts
//!   queued log records ahead of each of them and at the message's end.
//! - `connection`: the one connection to Storm, shared by both runners: reader, writer,
//!   handshake (format detection, pid file), and the loop that drives a runner's `step` per
//!   message with an `Answer` and the flush policy (before any blocking read, after a `sync`,
//!   past 256 KiB).
//! - `bolt`: the [`Bolt`] trait, [`BoltOutput`] and [`run_bolt`] (basic-bolt semantics).
//! - `spout`: the [`Spout`] trait, [`SpoutOutput`] and [`run_spout`] (`sync` after each
//!   command).
//! - [`testing`]: an in-process harness that drives a bolt or spout in unit tests.
//! - [`cli`]: flags and topology-conf settings for component binaries, and their `main`.
//! - `fuzzing` (hidden): the entry point of the `cargo fuzz` target.
//!
//! # Names
//!
//! Incoming things are named for what Storm sends, outgoing ones for what the component
//! hands the runner:
//! - [`TupleValues`] are the values of a tuple received (still encoded, typed on access);
//!   [`Values`] is the trait for values emitted (Rust tuples, arrays, `Vec`s).
//! - [`Tuple::id`] is a tuple's id as text (for messages); [`Tuple::anchor`] is the same id
//!   as a [`TupleId`] to anchor emits to.
//! - [`NewMessageId`] is the id a spout gives a reliable emit; [`MessageId`] is that id as
//!   Storm hands it back in `ack` and `fail`.
//! - [`BoltOutput`] and [`SpoutOutput`] are what a component writes through while its code
//!   runs; inside, an `Emitter` encodes emits into the output buffer of the one `Connection`
//!   that owns the pipes. The runner's own writes to that buffer go through the `Answer` to
//!   the message being handled, which also hands out the `Emitter`.
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

mod answer;
mod bolt;
pub mod cli;
mod codec;
mod connection;
pub mod embed;
mod emit;
mod error;
pub mod frame;
#[doc(hidden)]
pub mod fuzzing;
#[cfg(feature = "jni")]
pub mod inproc;
mod json;
pub mod logger;
mod message;
mod output;
mod salvage;
pub mod smb1;
mod smb1_value;
mod spout;
pub mod testing;

pub use bolt::{run_bolt, run_bolt_io, Bolt, BoltOutput};
pub use emit::{Emit, EmitToken, NewMessageId, Values};
pub use error::{Error, FieldError, MessageError};
pub use message::{
    Command, Conf, Context, Incoming, MessageId, Setup, TaskIds, Tuple, TupleId, TupleValues,
};
pub use output::MetricError;
pub use spout::{run_spout, run_spout_io, Spout, SpoutOutput};

// Without the `jni` feature (a component binary), the in-process exports are nothing, so a
// component crate keeps its one `export_bolt!` line whichever way it is built.
/// Exports a bolt for the in-process mode (a no-op without the `jni` feature).
#[cfg(not(feature = "jni"))]
#[macro_export]
macro_rules! export_bolt {
    ($($any:tt)*) => {};
}

/// Exports a spout for the in-process mode (a no-op without the `jni` feature).
#[cfg(not(feature = "jni"))]
#[macro_export]
macro_rules! export_spout {
    ($($any:tt)*) => {};
}

/// The JSON crate this one is built on: the [`testing`] harness hands out
/// [`serde_json::Value`]s, so tests can write `storm_multilang::serde_json::json!` without a
/// dependency of their own (nor a second version of it).
#[doc(no_inline)]
pub use serde_json;

/// The README's snippets, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// Parses one message; exposed for fuzzing and benchmarks.
pub fn parse_message(frame: &[u8]) -> Result<Incoming<'_>, MessageError> {
    json::parse(frame)
}
