//! The spout side: the [`Spout`] trait and the loop that drives it.

use std::fmt::Display;
use std::io::{self, Read, Write};

use serde::Serialize;

use crate::answer::Answer;
use crate::codec::{Codec, Json, Smb1};
use crate::connection::{After, Connection};
use crate::frame::Frame;
use crate::output::{encode, Emitter, Format};
use crate::{
    Command, Emit, EmitToken, Error, Incoming, MessageId, MetricError, NewMessageId, Setup, Values,
};

/// A spout: the source of a topology's tuples.
///
/// Storm's ShellSpout is synchronous: it sends one command and waits for `sync`. The runner
/// ([`run_spout`]) answers every command with the spout's emits followed by `sync`, also when
/// the spout's code returns an error (reported to Storm, never fatal) or the command is unknown.
pub trait Spout {
    /// What the hooks return when something goes wrong; shown in Storm's UI and log.
    type Error: Display;

    /// Called once, after the handshake. An error stops the process (exit status 1).
    fn open(&mut self, setup: &Setup, out: &mut SpoutOutput<'_>) -> Result<(), Self::Error> {
        let _ = (setup, out);
        Ok(())
    }

    /// Emits the next tuple(s), or nothing. Must not block for long: Storm's subprocess
    /// timeout applies.
    fn next(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), Self::Error>;

    /// The tuple tree of a reliable emit completed.
    fn ack(&mut self, id: MessageId<'_>, out: &mut SpoutOutput<'_>) -> Result<(), Self::Error> {
        let _ = (id, out);
        Ok(())
    }

    /// The tuple tree of a reliable emit failed or timed out.
    fn fail(&mut self, id: MessageId<'_>, out: &mut SpoutOutput<'_>) -> Result<(), Self::Error> {
        let _ = (id, out);
        Ok(())
    }

    /// The topology was activated.
    fn activate(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), Self::Error> {
        let _ = out;
        Ok(())
    }

    /// The topology was deactivated.
    fn deactivate(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), Self::Error> {
        let _ = out;
        Ok(())
    }

    /// Receives the task ids of an emit that asked for them with [`Emit::need_task_ids`].
    fn task_ids(&mut self, emit: EmitToken, ids: &[u32], out: &mut SpoutOutput<'_>) {
        let _ = (emit, ids, out);
    }
}

/// What a spout can send while handling a command.
#[derive(Debug)]
pub struct SpoutOutput<'o> {
    emitter: Emitter<'o>,
}

impl<'o> SpoutOutput<'o> {
    /// Emits an unreliable tuple on the default stream (no message id: never acked or failed).
    pub fn emit(&mut self, values: impl Values) {
        self.emit_with(&Emit::new(), None, values);
    }

    /// Emits a reliable tuple: Storm later sends `ack` or `fail` with this id.
    pub fn emit_reliable<'i>(&mut self, id: impl Into<NewMessageId<'i>>, values: impl Values) {
        self.emit_with(&Emit::new(), Some(id.into()), values);
    }

    /// Emits with explicit routing; returns a token when task ids were asked for.
    /// If the values cannot be written in the stream's format, nothing is emitted and an error
    /// is reported.
    pub fn emit_with(
        &mut self,
        opts: &Emit<'_>,
        id: Option<NewMessageId<'_>>,
        values: impl Values,
    ) -> Option<EmitToken> {
        self.emitter.emit(opts, None, id, &values)
    }

    /// Reports an error to Storm (UI and worker log).
    pub fn report_error(&mut self, msg: &str) {
        encode::error(self.emitter.format, self.emitter.buf, msg);
    }

    /// Sends a value for the metric `name`; see [`BoltOutput::metric`](crate::BoltOutput::metric):
    /// ShellSpout, too, needs an `IShellMetric` registered under `name`, or the worker dies.
    pub fn metric(&mut self, name: &str, params: impl Serialize) -> Result<(), MetricError> {
        self.emitter.metric(name, &params)
    }
}

/// Runs a spout on stdin and stdout until Storm closes stdin.
pub fn run_spout<S: Spout>(spout: S) -> Result<(), Error> {
    let stdin = io::stdin();
    let stdout = io::stdout();
    run_spout_io(spout, stdin.lock(), stdout.lock(), None)
}

/// Runs a spout on any byte streams; `max_message` as in [`run_bolt_io`](crate::run_bolt_io).
pub fn run_spout_io<S: Spout, R: Read, W: Write>(
    spout: S,
    input: R,
    output: W,
    max_message: impl Into<Option<usize>>,
) -> Result<(), Error> {
    let mut conn = Connection::new(input, output, max_message.into());
    let setup = conn.handshake()?;
    // The format is known now: from here on each has its own compiled loop.
    match conn.out.format {
        Format::Json => conn.drive::<Json, _>(spout, &setup, open::<S, Json>, step::<S, Json>),
        Format::Smb1 => conn.drive::<Smb1, _>(spout, &setup, open::<S, Smb1>, step::<S, Smb1>),
    }
}

/// Calls the spout's `open`; on error the message has been reported (to the answer and
/// stderr).
pub(crate) fn open<S: Spout, C: Codec>(
    spout: &mut S,
    setup: &Setup,
    mut answer: Answer<'_, C>,
) -> Result<(), String> {
    let mut out = SpoutOutput {
        emitter: answer.emitter(),
    };
    spout
        .open(setup, &mut out)
        .map_err(|e| answer.start_failed("open", e))
}

/// Handles one message from Storm, answering through `answer`, and [`After::FlushNow`] once
/// the answer ends with the `sync` Storm waits for. The in-process driver ([`crate::embed`])
/// and the test harness ([`crate::testing`]) call this too.
pub(crate) fn step<S: Spout, C: Codec>(
    spout: &mut S,
    mut answer: Answer<'_, C>,
    frame: Frame<'_>,
    limit: usize,
) -> After {
    let bytes = match frame {
        Frame::Oversized { len, .. } => {
            answer.report_oversized(len, limit);
            // Storm waits for an answer to whatever it sent.
            answer.sync();
            return After::FlushNow;
        }
        Frame::Message(bytes) => bytes,
    };
    let hook = |what: &str, r: Result<(), S::Error>| r.map_err(|e| format!("{what} failed: {e}"));
    let (result, emit_error) = match C::parse(bytes) {
        Ok(Incoming::TaskIds(ids)) => {
            // Task ids answer an emit; Storm waits for nothing here, so no sync.
            if let Some(token) = answer.answered_emit(&ids) {
                let mut out = SpoutOutput {
                    emitter: answer.emitter(),
                };
                spout.task_ids(token, &ids, &mut out);
            }
            return After::Continue;
        }
        Ok(Incoming::Command(c)) => {
            let mut out = SpoutOutput {
                emitter: answer.emitter(),
            };
            let result = match c {
                Command::Next => hook("next", spout.next(&mut out)),
                Command::Ack(id) => hook("ack", spout.ack(id, &mut out)),
                Command::Fail(id) => hook("fail", spout.fail(id, &mut out)),
                Command::Activate => hook("activate", spout.activate(&mut out)),
                Command::Deactivate => hook("deactivate", spout.deactivate(&mut out)),
                Command::Other(name) => Err(format!("unknown command {name:?}: ignored")),
            };
            (result, out.emitter.emit_error.take())
        }
        Ok(Incoming::Tuple(t)) => {
            let e = format!("a spout got a tuple (id {}): ignored", t.id());
            (Err(e), None)
        }
        Err(e) => {
            let e = format!("bad message ignored: {e}: {}", C::snippet(bytes));
            (Err(e), None)
        }
    };
    if let Err(e) = result {
        answer.report(&e);
    }
    if let Some(e) = emit_error {
        answer.report(&e);
    }
    answer.sync();
    After::FlushNow
}
