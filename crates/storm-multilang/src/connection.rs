//! What the bolt and spout runners share: the handshake, reading with flush-before-block,
//! and error reports.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use crate::codec::{Codec, Json, Smb1};
use crate::emit::EmitToken;
use crate::frame::{Frame, FrameReader, DEFAULT_MAX_MESSAGE, MAX_MESSAGE_KEY};
use crate::message::Setup;
use crate::output::{Format, Output};
use crate::Error;

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

/// Moves queued log records to the output and writes it out when it has grown large.
pub(crate) fn after_message<W: Write>(out: &mut Output<W>) -> Result<(), Error> {
    crate::output::drain_logs(&mut out.buf, out.format);
    if out.buf.len() >= FLUSH_AT {
        out.flush()?;
    }
    Ok(())
}

/// Reads the next frame in codec `C`'s framing; before any read that could block,
/// everything pending (queued log records included) goes out first.
macro_rules! read_frame {
    ($conn:expr, $codec:ty) => {{
        let out = &mut $conn.out;
        <$codec as $crate::codec::Codec>::next_frame(&mut $conn.reader, &mut || {
            $crate::output::drain_logs(&mut out.buf, out.format);
            out.flush()
        })
    }};
}
pub(crate) use read_frame;
