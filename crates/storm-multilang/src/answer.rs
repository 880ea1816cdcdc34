//! The answer to one message from Storm: the handle a runner writes through while it handles
//! the message, and the session state the handle carries from one message to the next.
//!
//! Every path that handles a message (the pipe loop, the in-process driver, the test harness)
//! makes one [`Answer`] for it and hands it to the bolt's or spout's `step` (or to `prepare` /
//! `open`), so they all write the same way. The handle owns the rule that log records go out
//! before whatever is written after them: each of its writes first moves the queued records
//! into the buffer, and so does dropping it at the end of the message (records a component
//! logged after its last emit go out with its answer, not with the next one). The component's
//! own emits and metrics keep the same rule in its [`Emitter`]. No caller drains the log queue.

use std::collections::VecDeque;
use std::fmt::Display;
use std::marker::PhantomData;

use crate::codec::Codec;
use crate::output::{drain_logs, Emitter};
use crate::{EmitToken, Setup, TupleId};

/// The protocol state of one conversation with Storm, kept between messages.
#[derive(Debug)]
pub(crate) struct Session {
    /// Emits that asked for task ids, oldest first.
    pub(crate) awaiting_ids: VecDeque<EmitToken>,
    pub(crate) next_token: u64,
    /// Prefix for stderr lines, so they are recognisable in the worker log.
    pub(crate) name: String,
}

impl Session {
    /// A session whose stderr lines say `name` until [`Session::name_after`] knows better.
    pub(crate) fn named(name: &str) -> Self {
        Session {
            awaiting_ids: VecDeque::new(),
            next_token: 0,
            name: name.to_owned(),
        }
    }

    /// Names the stderr lines after the component and task, once the context is known.
    pub(crate) fn name_after(&mut self, setup: &Setup) {
        if let Some(c) = setup.context().component_id() {
            self.name = match setup.context().task_id() {
                Some(t) => format!("{c}[{t}]"),
                None => c.to_owned(),
            };
        }
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::named("multilang")
    }
}

/// What a runner writes through while it handles one message: the output buffer, the session
/// and the wire format `C`, borrowed together for that message and no longer.
///
/// A component's code writes through [`Answer::emitter`]; the runner's own commands (ack,
/// fail, sync, error reports) are the other methods, each written after the log records
/// queued before it. Dropping the answer moves the records still queued into the buffer.
#[derive(Debug)]
pub(crate) struct Answer<'a, C: Codec> {
    buf: &'a mut Vec<u8>,
    session: &'a mut Session,
    codec: PhantomData<C>,
}

impl<'a, C: Codec> Answer<'a, C> {
    /// The answer to one message, written to `buf`.
    pub(crate) fn new(session: &'a mut Session, buf: &'a mut Vec<u8>) -> Self {
        Answer {
            buf,
            session,
            codec: PhantomData,
        }
    }

    /// What the component's code writes through (its `BoltOutput` or `SpoutOutput` wraps it).
    /// While it lives, the runner cannot write: the borrow keeps the component's writes and
    /// the runner's apart.
    pub(crate) fn emitter(&mut self) -> Emitter<'_> {
        Emitter {
            buf: self.buf,
            format: C::FORMAT,
            awaiting_ids: &mut self.session.awaiting_ids,
            next_token: &mut self.session.next_token,
            emit_error: None,
        }
    }

    pub(crate) fn ack(&mut self, id: TupleId<'_>) {
        self.logs_first();
        C::ack(self.buf, id);
    }

    pub(crate) fn fail(&mut self, id: TupleId<'_>) {
        self.logs_first();
        C::fail(self.buf, id);
    }

    /// Fails a tuple by an id recovered from a message that could not be parsed.
    pub(crate) fn fail_salvaged(&mut self, id: &str) {
        self.logs_first();
        C::fail_salvaged(self.buf, id);
    }

    /// Answers with `sync`, which Storm waits for after a heartbeat or a spout command.
    pub(crate) fn sync(&mut self) {
        self.logs_first();
        C::sync(self.buf);
    }

    /// Reports a problem to Storm (`error` command, shown in the UI) and on stderr.
    pub(crate) fn report(&mut self, msg: &str) {
        self.logs_first();
        C::error(self.buf, msg);
        eprintln!("{}: error: {msg}", self.session.name);
    }

    /// Reports a start hook's error (`hook`: `prepare` or `open`) and returns the message the
    /// run ends with.
    pub(crate) fn start_failed(&mut self, hook: &str, e: impl Display) -> String {
        let msg = format!("{hook} failed: {e}");
        self.report(&msg);
        msg
    }

    /// Reports a message dropped for its size; what else it needs (a `fail`, a `sync`) is the
    /// runner's to say.
    pub(crate) fn report_oversized(&mut self, len: usize, limit: usize) {
        self.report(&format!(
            "dropped a message of {len} bytes, over the limit of {limit} bytes"
        ));
    }

    /// The emit that task ids from Storm answer: the oldest that asked for them. `None` when
    /// no emit asked, after reporting the ids (they are ignored).
    pub(crate) fn answered_emit(&mut self, ids: &[u32]) -> Option<EmitToken> {
        let token = self.session.awaiting_ids.pop_front();
        if token.is_none() {
            self.report(&format!(
                "got task ids {ids:?} that no emit asked for: ignored"
            ));
        }
        token
    }

    /// Moves the queued log records into the buffer, ahead of what is written next.
    fn logs_first(&mut self) {
        drain_logs(self.buf, C::FORMAT);
    }
}

impl<C: Codec> Drop for Answer<'_, C> {
    /// The message's records go out with its answer, also when a panic unwinds through the
    /// runner (the in-process driver then drops what the answer holds).
    fn drop(&mut self) {
        self.logs_first();
    }
}
