//! What the bolt and spout runners share over a pipe: the handshake, and the loop that reads a
//! message, hands it to the runner's `step` with an [`Answer`] and flushes (before a read would
//! block, after a `sync`).

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use crate::answer::{Answer, Session};
use crate::codec::{Codec, Json, Smb1};
use crate::frame::{Frame, FrameReader, DEFAULT_MAX_MESSAGE, MAX_MESSAGE_KEY};
use crate::output::{Format, Output};
use crate::{Error, Setup};

/// Output is written early when this much is buffered, so a burst of emits stays bounded.
pub(crate) const FLUSH_AT: usize = 256 << 10;

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
            session: Session::default(),
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
    /// input ends, each given the [`Answer`] to its message. The runners pass their own
    /// `start` and `step`, compiled for `C`.
    pub(crate) fn drive<C: Codec, T>(
        mut self,
        mut component: T,
        setup: &Setup,
        start: impl FnOnce(&mut T, &Setup, Answer<'_, C>) -> Result<(), String>,
        mut step: impl FnMut(&mut T, Answer<'_, C>, Frame<'_>, usize) -> After,
    ) -> Result<(), Error> {
        let answer = Answer::new(&mut self.session, &mut self.out.buf);
        if let Err(msg) = start(&mut component, setup, answer) {
            let _ = self.out.flush_all();
            return Err(Error::Component(msg));
        }
        self.out.flush_all()?;
        let limit = self.reader.limit();
        loop {
            // Before any read that could block, everything pending goes out: Storm may be
            // waiting for it.
            let out = &mut self.out;
            let frame = C::next_frame(&mut self.reader, &mut || out.flush_all())?;
            let Some(frame) = frame else {
                self.out.flush_all()?;
                return Ok(());
            };
            let answer = Answer::new(&mut self.session, &mut self.out.buf);
            match step(&mut component, answer, frame, limit) {
                After::FlushNow => self.out.flush_all()?,
                // A burst of emits is written early, so the buffer stays bounded.
                After::Continue if self.out.buf.len() >= FLUSH_AT => self.out.flush()?,
                After::Continue => {}
            }
        }
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
