//! What the bolt and spout runners share: the handshake, the loop that reads a message, hands
//! it to the runner's `step` and flushes (before a read would block, after a `sync`), and the
//! error reports.

use std::collections::VecDeque;
use std::fmt::Display;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use crate::codec::{Codec, Json, Smb1};
use crate::frame::{Frame, FrameReader, DEFAULT_MAX_MESSAGE, MAX_MESSAGE_KEY};
use crate::output::{Emitter, Format, Output};
use crate::{EmitToken, Error, Setup};

/// Output is written early when this much is buffered, so a burst of emits stays bounded.
pub(crate) const FLUSH_AT: usize = 256 << 10;

/// The protocol state of one conversation with Storm, apart from the I/O.
#[derive(Debug)]
pub(crate) struct Session {
    /// Emits that asked for task ids, oldest first.
    pub(crate) awaiting_ids: VecDeque<EmitToken>,
    pub(crate) next_token: u64,
    /// Prefix for stderr lines, so they are recognisable in the worker log.
    pub(crate) name: String,
}

impl Session {
    pub(crate) fn new() -> Self {
        Session {
            awaiting_ids: VecDeque::new(),
            next_token: 0,
            name: String::from("multilang"),
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

    /// What a component's code writes through: `buf`, in `format`, with this session's queue
    /// of emits awaiting task ids.
    pub(crate) fn emitter<'o>(&'o mut self, buf: &'o mut Vec<u8>, format: Format) -> Emitter<'o> {
        Emitter {
            buf,
            format,
            awaiting_ids: &mut self.awaiting_ids,
            next_token: &mut self.next_token,
            emit_error: None,
        }
    }

    /// The emit that task ids from Storm answer: the oldest that asked for them. `None` when
    /// no emit asked, after reporting the ids (they are ignored).
    pub(crate) fn answered_emit<C: Codec>(
        &mut self,
        buf: &mut Vec<u8>,
        ids: &[u32],
    ) -> Option<EmitToken> {
        let token = self.awaiting_ids.pop_front();
        if token.is_none() {
            let msg = format!("got task ids {ids:?} that no emit asked for: ignored");
            report::<C>(buf, &self.name, &msg);
        }
        token
    }
}

/// What the loop does with the output after a message was handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum After {
    /// Keep it buffered until the next read would block (or it grows large).
    Continue,
    /// Write it out now: Storm is waiting for it (`sync`).
    FlushNow,
}

/// Both ends of the pipe to Storm.
#[derive(Debug)]
pub(crate) struct Connection<R: Read, W: Write> {
    pub(crate) reader: FrameReader<R>,
    pub(crate) out: Output<W>,
    pub(crate) session: Session,
    /// No limit was given by the caller: the handshake's conf may set one.
    conf_limit: bool,
}

impl<R: Read, W: Write> Connection<R, W> {
    /// `max_message`: the caller's limit, or `None` to take it from the handshake's conf
    /// ([`MAX_MESSAGE_KEY`]) and else [`DEFAULT_MAX_MESSAGE`].
    pub(crate) fn new(input: R, output: W, max_message: Option<usize>) -> Self {
        Connection {
            reader: FrameReader::with_limit(input, max_message.unwrap_or(DEFAULT_MAX_MESSAGE)),
            conf_limit: max_message.is_none(),
            out: Output::new(output),
            session: Session::new(),
        }
    }

    /// Reads the setup message, writes the pid file and answers with our pid.
    pub(crate) fn handshake(&mut self) -> Result<Setup, Error> {
        let first = {
            // Detection happens on the first read; the frame borrows the reader after it.
            let frame = self.reader.next_frame(&mut || Ok(()))?;
            frame.map(|f| match f {
                Frame::Message(bytes) => Ok(bytes.to_vec()),
                Frame::Oversized { len, .. } => Err(len),
            })
        };
        let is_smb1 = self.reader.is_smb1();
        let setup = match first {
            None => {
                return Err(Error::Handshake(
                    "input ended before the setup message (not started by Storm? try --help)"
                        .into(),
                ))
            }
            Some(Err(len)) => {
                return Err(Error::Handshake(format!(
                    "setup message of {len} bytes is over the size limit"
                )))
            }
            Some(Ok(bytes)) => {
                if is_smb1 {
                    self.out.format = Format::Smb1;
                }
                parse_setup(&bytes, is_smb1)?
            }
        };
        if self.conf_limit {
            if let Some(n) = conf_limit(&setup)? {
                self.reader.set_limit(n);
            }
        }
        let pid = std::process::id();
        let path = Path::new(setup.pid_dir()).join(pid.to_string());
        File::create(&path).map_err(|e| {
            Error::Handshake(format!("cannot create pid file {}: {e}", path.display()))
        })?;
        self.session.name_after(&setup);
        match self.out.format {
            Format::Json => Json::pid(&mut self.out.buf, pid),
            Format::Smb1 => Smb1::pid(&mut self.out.buf, pid),
        }
        self.out.flush()?;
        Ok(setup)
    }

    /// Drives a component in codec `C`'s format once the handshake is done: `start` (its
    /// `prepare` or `open`; an error ends the run), then `step` on each message until the
    /// input ends. The runners pass their own `start` and `step`, compiled for `C`.
    pub(crate) fn drive<C: Codec, T>(
        mut self,
        mut component: T,
        setup: &Setup,
        start: impl FnOnce(&mut T, &Setup, &mut Session, &mut Vec<u8>) -> Result<(), String>,
        mut step: impl FnMut(&mut T, &mut Session, &mut Vec<u8>, Frame<'_>, usize) -> After,
    ) -> Result<(), Error> {
        if let Err(msg) = start(&mut component, setup, &mut self.session, &mut self.out.buf) {
            let _ = self.flush_all();
            return Err(Error::Component(msg));
        }
        self.flush_all()?;
        let limit = self.reader.limit();
        loop {
            // Before any read that could block, everything pending (queued log records
            // included) goes out first: Storm may be waiting for it.
            let out = &mut self.out;
            let frame = C::next_frame(&mut self.reader, &mut || {
                crate::output::drain_logs(&mut out.buf, out.format);
                out.flush()
            })?;
            let Some(frame) = frame else {
                return self.flush_all();
            };
            match step(
                &mut component,
                &mut self.session,
                &mut self.out.buf,
                frame,
                limit,
            ) {
                After::FlushNow => self.flush_all()?,
                After::Continue => after_message(&mut self.out)?,
            }
        }
    }

    /// Writes out everything, e.g. at the end of input or after a `sync`.
    pub(crate) fn flush_all(&mut self) -> Result<(), Error> {
        crate::output::drain_logs(&mut self.out.buf, self.out.format);
        self.out.flush()?;
        Ok(())
    }
}

/// Parses the setup message (its frame, in JSON or SMB1).
pub(crate) fn parse_setup(bytes: &[u8], is_smb1: bool) -> Result<Setup, Error> {
    let json = if is_smb1 {
        crate::smb1::setup_json(bytes)
            .map_err(|e| Error::Handshake(e.to_string()))?
            .as_bytes()
    } else {
        bytes
    };
    Setup::parse(json).map_err(|e| Error::Handshake(e.to_string()))
}

/// The message size limit the conf sets ([`MAX_MESSAGE_KEY`]), if it sets one.
pub(crate) fn conf_limit(setup: &Setup) -> Result<Option<usize>, Error> {
    match setup.conf().get_u64(MAX_MESSAGE_KEY) {
        Ok(n) => Ok(n.map(|n| usize::try_from(n).unwrap_or(usize::MAX))),
        Err(e) => Err(Error::Handshake(format!("{MAX_MESSAGE_KEY}: {e}"))),
    }
}

/// Reports a problem to Storm (`error` command, shown in the UI) and on stderr.
pub(crate) fn report<C: Codec>(out: &mut Vec<u8>, name: &str, msg: &str) {
    C::error(out, msg);
    eprintln!("{name}: error: {msg}");
}

/// Reports a start hook's error (`hook`: `prepare` or `open`) and returns the message the run
/// ends with.
pub(crate) fn start_failed<C: Codec>(
    out: &mut Vec<u8>,
    name: &str,
    hook: &str,
    e: impl Display,
) -> String {
    let msg = format!("{hook} failed: {e}");
    report::<C>(out, name, &msg);
    msg
}

/// Reports a message dropped for its size; what else it needs (a `fail`, a `sync`) is the
/// runner's to say.
pub(crate) fn report_oversized<C: Codec>(out: &mut Vec<u8>, name: &str, len: usize, limit: usize) {
    let msg = format!("dropped a message of {len} bytes, over the limit of {limit} bytes");
    report::<C>(out, name, &msg);
}

/// Moves queued log records to the output and writes it out when it has grown large.
fn after_message<W: Write>(out: &mut Output<W>) -> Result<(), Error> {
    crate::output::drain_logs(&mut out.buf, out.format);
    if out.buf.len() >= FLUSH_AT {
        out.flush()?;
    }
    Ok(())
}
