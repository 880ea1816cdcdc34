//! The bolt side: the [`Bolt`] trait and the loop that drives it.

use std::fmt::Display;
use std::io::{self, Read, Write};

use serde::Serialize;

use crate::answer::Answer;
use crate::codec::{Codec, Json, Smb1};
use crate::connection::{After, Connection};
use crate::frame::Frame;
use crate::output::{encode, Emitter, Format};
use crate::{Emit, EmitToken, Error, Incoming, MetricError, Setup, Tuple, TupleId, Values};

/// A bolt: code that turns input tuples into output tuples.
///
/// Only [`Bolt::process`] is required. The runner ([`run_bolt`]) gives it basic-bolt semantics:
/// every emit is anchored to the input tuple unless asked otherwise, the input is acked once
/// `process` returns `Ok`, and failed (with an `error` report naming the tuple) when it returns
/// `Err`. Every input tuple is acked or failed exactly once, by the runner.
pub trait Bolt {
    /// What `process` returns when a tuple cannot be handled; shown in Storm's UI and log.
    type Error: Display;

    /// Called once, after the handshake and before the first tuple. An error stops the
    /// process (exit status 1) after reporting it.
    fn prepare(&mut self, setup: &Setup, out: &mut BoltOutput<'_>) -> Result<(), Self::Error> {
        let _ = (setup, out);
        Ok(())
    }

    /// Handles one input tuple.
    fn process(&mut self, tuple: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), Self::Error>;

    /// Handles a tick tuple (`__system`/`__tick`, sent when `topology.tick.tuple.freq.secs` is
    /// set). Acked or failed like any tuple. The default does nothing.
    fn tick(&mut self, tuple: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), Self::Error> {
        let _ = (tuple, out);
        Ok(())
    }

    /// Receives the task ids of an emit that asked for them with [`Emit::need_task_ids`].
    /// `out` here emits unanchored.
    fn task_ids(&mut self, emit: EmitToken, ids: &[u32], out: &mut BoltOutput<'_>) {
        let _ = (emit, ids, out);
    }
}

/// What a bolt can send while handling a tuple.
#[derive(Debug)]
pub struct BoltOutput<'o> {
    emitter: Emitter<'o>,
    input: Option<TupleId<'o>>,
}

impl<'o> BoltOutput<'o> {
    /// Emits a tuple on the default stream, anchored to the input tuple.
    ///
    /// ```no_run
    /// # fn f(out: &mut storm_multilang::BoltOutput<'_>) {
    /// out.emit(("cow", 3));
    /// # }
    /// ```
    pub fn emit(&mut self, values: impl Values) {
        self.emit_with(&Emit::new(), values);
    }

    /// Emits with explicit routing; returns a token when task ids were asked for.
    ///
    /// If the values cannot be written in the stream's format (a map with non-string keys, say), nothing is
    /// emitted and the input tuple is failed when `process` returns.
    pub fn emit_with(&mut self, opts: &Emit<'_>, values: impl Values) -> Option<EmitToken> {
        self.emitter.emit(opts, self.input, None, &values)
    }

    /// Reports an error to Storm (UI and worker log) without failing anything.
    pub fn report_error(&mut self, msg: &str) {
        encode::error(self.emitter.format, self.emitter.buf, msg);
    }

    /// Sends a value for the metric `name`: Storm's `metrics` command, in the stream's encoding
    /// (JSON `{"command":"metrics","name":...,"params":...}`, SMB1 kind `0x17`). `params` is
    /// any serializable value, usually a number; it is sent as it is, after the log records
    /// written before this call.
    ///
    /// ```no_run
    /// # fn f(out: &mut storm_multilang::BoltOutput<'_>) -> Result<(), storm_multilang::MetricError> {
    /// out.metric("distinct-words", 42)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// **The JVM side must have registered `name`**: ShellBolt looks it up with
    /// `context.getRegisteredMetricByName(name)`, which must be an `IShellMetric`, and calls
    /// its `updateMetricFromRPC(params)`. For a name nobody registered stock Storm throws and
    /// the worker dies, so send a metric only when the topology says it is registered (a
    /// component option that is off by default). Send periodically, not per tuple: each one
    /// is a message the JVM parses.
    ///
    /// A value that cannot be encoded is an `Err` and nothing is sent; the input tuple is
    /// not failed for it.
    pub fn metric(&mut self, name: &str, params: impl Serialize) -> Result<(), MetricError> {
        self.emitter.metric(name, &params)
    }
}

/// Runs a bolt on stdin and stdout until Storm closes stdin.
///
/// The message size limit comes from the conf key `multilang.max.message.bytes`, else 64 MiB.
///
/// Returns `Ok(())` at a clean end of input, an [`Error`] when the process should exit
/// non-zero (pipe broken, input cut off mid-message, handshake failed).
pub fn run_bolt<B: Bolt>(bolt: B) -> Result<(), Error> {
    let stdin = io::stdin();
    let stdout = io::stdout();
    run_bolt_io(bolt, stdin.lock(), stdout.lock(), None)
}

/// Runs a bolt on any byte streams: the transcript tests and benchmarks use this.
///
/// Messages larger than `max_message` bytes are dropped, reported and their tuple failed.
/// `None` takes the limit from the handshake's conf key `multilang.max.message.bytes`
/// ([`MAX_MESSAGE_KEY`](crate::frame::MAX_MESSAGE_KEY)), else 64 MiB; a number given here wins
/// over the conf, the way a command-line flag does.
pub fn run_bolt_io<B: Bolt, R: Read, W: Write>(
    bolt: B,
    input: R,
    output: W,
    max_message: impl Into<Option<usize>>,
) -> Result<(), Error> {
    let mut conn = Connection::new(input, output, max_message.into());
    let setup = conn.handshake()?;
    // The format is known now: from here on each has its own compiled loop.
    match conn.out.format {
        Format::Json => conn.drive::<Json, _>(bolt, &setup, prepare::<B, Json>, step::<B, Json>),
        Format::Smb1 => conn.drive::<Smb1, _>(bolt, &setup, prepare::<B, Smb1>, step::<B, Smb1>),
    }
}

/// Calls the bolt's `prepare`; on error the message has been reported (to the answer and
/// stderr).
pub(crate) fn prepare<B: Bolt, C: Codec>(
    bolt: &mut B,
    setup: &Setup,
    mut answer: Answer<'_, C>,
) -> Result<(), String> {
    let mut out = BoltOutput {
        emitter: answer.emitter(),
        input: None,
    };
    bolt.prepare(setup, &mut out)
        .map_err(|e| answer.start_failed("prepare", e))
}

/// Handles one message from Storm, answering through `answer`. The in-process driver
/// ([`crate::embed`]) and the test harness ([`crate::testing`]) call this too, so they see
/// exactly what Storm would.
pub(crate) fn step<B: Bolt, C: Codec>(
    bolt: &mut B,
    mut answer: Answer<'_, C>,
    frame: Frame<'_>,
    limit: usize,
) -> After {
    match frame {
        Frame::Oversized { len, id } => {
            answer.report_oversized(len, limit);
            if let Some(id) = id {
                answer.fail_salvaged(&id);
            }
        }
        Frame::Message(bytes) => match C::parse(bytes) {
            Ok(Incoming::Tuple(t)) if t.is_heartbeat() => {
                answer.sync();
                return After::FlushNow;
            }
            Ok(Incoming::Tuple(t)) => {
                let id = t.anchor();
                let mut out = BoltOutput {
                    emitter: answer.emitter(),
                    input: Some(id),
                };
                let result = if t.is_tick() {
                    bolt.tick(&t, &mut out)
                } else {
                    bolt.process(&t, &mut out)
                };
                let problem = match (result, out.emitter.emit_error.take()) {
                    (Ok(()), None) => None,
                    (Err(e), _) => Some(e.to_string()),
                    (Ok(()), Some(e)) => Some(e),
                };
                match problem {
                    None => answer.ack(id),
                    Some(e) => {
                        answer.report(&format!(
                            "tuple {} from {} failed: {e}",
                            t.id(),
                            t.component()
                        ));
                        answer.fail(id);
                    }
                }
            }
            Ok(Incoming::TaskIds(ids)) => {
                if let Some(token) = answer.answered_emit(&ids) {
                    let mut out = BoltOutput {
                        emitter: answer.emitter(),
                        input: None,
                    };
                    bolt.task_ids(token, &ids, &mut out);
                }
            }
            Ok(Incoming::Command(c)) => {
                answer.report(&format!("a bolt got a spout command ({c:?}): ignored"));
            }
            Err(e) => {
                let id = C::salvage_id(bytes);
                let msg = match &id {
                    Some(id) => {
                        format!("bad tuple {id} failed: {e}: {}", C::snippet(bytes))
                    }
                    None => format!("bad message ignored: {e}: {}", C::snippet(bytes)),
                };
                answer.report(&msg);
                if let Some(id) = id {
                    answer.fail_salvaged(&id);
                }
            }
        },
    }
    After::Continue
}
