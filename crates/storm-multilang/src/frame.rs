//! Framing: splitting the input into messages: JSON messages that end at a line `end`, or
//! SMB1's length-prefixed frames, told apart by the first bytes of the stream.
//!
//! [`FrameReader`] reads into one buffer that it reuses for the whole life of the process and
//! hands out each message as a slice of that buffer: nothing is copied between the pipe and the
//! parser. A JSON message may span several lines; `\r\n` line ends are accepted. Before every
//! read that could block it calls back, which is where the runners flush their output, so a
//! tuple is never left unsent while we wait for Storm.

use std::io::{self, Read};

use crate::salvage::IdScanner;
use crate::Error;

/// Default largest message held in memory: 64 MiB.
pub const DEFAULT_MAX_MESSAGE: usize = 64 << 20;

/// The topology conf key that sets the limit for the messages after the handshake, when the
/// runner was not given one (the `--max-message-bytes` flag wins over it).
pub const MAX_MESSAGE_KEY: &str = "multilang.max.message.bytes";

const INITIAL_CAPACITY: usize = 64 << 10;

/// One message, as read from the input.
#[derive(Debug)]
pub enum Frame<'a> {
    /// The message's bytes, without its `end` line.
    Message(&'a [u8]),
    /// A message larger than the limit: its bytes were dropped as they arrived.
    Oversized {
        /// The message's size in bytes.
        len: usize,
        /// Its top-level `"id"` as raw JSON, if one could be recovered.
        id: Option<String>,
    },
}

/// Splits a byte stream into multilang messages.
#[derive(Debug)]
pub struct FrameReader<R> {
    inner: R,
    buf: Vec<u8>,
    /// Start of the first byte not yet handed out.
    start: usize,
    /// End of the valid bytes in `buf`.
    end: usize,
    /// Start of the line being searched for its newline.
    line_start: usize,
    /// Where the next frame begins once the current one is released.
    next_start: usize,
    eof: bool,
    max_message: usize,
    /// Length-prefixed SMB1 frames instead of `end` lines, once the magic was seen.
    smb1: bool,
    /// The encoding has been looked at (first call).
    detected: bool,
}

impl<R: Read> FrameReader<R> {
    /// Reads messages from `inner` with the default size limit.
    pub fn new(inner: R) -> Self {
        Self::with_limit(inner, DEFAULT_MAX_MESSAGE)
    }

    /// Reads messages from `inner`, dropping (and reporting) any larger than `max_message` bytes.
    pub fn with_limit(inner: R, max_message: usize) -> Self {
        FrameReader {
            inner,
            buf: vec![0; INITIAL_CAPACITY],
            start: 0,
            end: 0,
            line_start: 0,
            next_start: 0,
            eof: false,
            max_message: max_message.max(16),
            smb1: false,
            detected: false,
        }
    }

    /// Changes the size limit for the messages still to come (the handshake's conf may set it).
    pub fn set_limit(&mut self, max_message: usize) {
        self.max_message = max_message.max(16);
    }

    /// The current size limit in bytes.
    pub fn limit(&self) -> usize {
        self.max_message
    }

    /// True once the stream has shown itself to be SMB1.
    pub fn is_smb1(&self) -> bool {
        self.smb1
    }

    /// Makes sure at least `n` unconsumed bytes are buffered, unless the input ends first.
    fn want(
        &mut self,
        n: usize,
        before_read: &mut dyn FnMut() -> io::Result<()>,
    ) -> io::Result<bool> {
        while self.end - self.start < n {
            if self.eof {
                return Ok(false);
            }
            self.make_room_for(n);
            before_read()?;
            self.fill()?;
        }
        Ok(true)
    }

    /// Looks at the first bytes: SMB1's magic, or JSON.
    fn detect(&mut self, before_read: &mut dyn FnMut() -> io::Result<()>) -> io::Result<()> {
        self.detected = true;
        if !self.want(1, before_read)? || self.buf[self.start] != crate::smb1::MAGIC[0] {
            return Ok(());
        }
        let n = crate::smb1::MAGIC.len();
        if self.want(n, before_read)? && self.buf[self.start..self.start + n] == crate::smb1::MAGIC
        {
            self.smb1 = true;
            self.start += n;
            self.next_start = self.start;
            self.line_start = self.start;
        }
        Ok(())
    }

    /// Length-prefixed SMB1 frames.
    fn next_smb1_frame(
        &mut self,
        before_read: &mut dyn FnMut() -> io::Result<()>,
    ) -> Result<Option<Frame<'_>>, Error> {
        if !self.want(4, before_read)? {
            if self.start == self.end {
                return Ok(None);
            }
            return Err(Error::Truncated {
                read: self.end - self.start,
            });
        }
        let h = &self.buf[self.start..self.start + 4];
        let len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
        if len > self.max_message {
            // Keep the head (where a tuple's id is) and skip the rest as it arrives.
            self.want(4 + len.min(4096), before_read)?;
            let head_end = (self.start + 4 + len).min(self.end);
            let id =
                crate::smb1::salvage_id(&self.buf[self.start + 4..head_end]).map(|s| s.to_owned());
            let mut left = len + 4;
            loop {
                let have = (self.end - self.start).min(left);
                self.start += have;
                left -= have;
                if left == 0 {
                    break;
                }
                if self.eof {
                    return Err(Error::Truncated {
                        read: len + 4 - left,
                    });
                }
                self.start = 0;
                self.end = 0;
                before_read()?;
                self.fill()?;
            }
            self.next_start = self.start;
            self.line_start = self.start;
            return Ok(Some(Frame::Oversized { len, id }));
        }
        if !self.want(4 + len, before_read)? {
            return Err(Error::Truncated {
                read: self.end - self.start,
            });
        }
        let body = self.start + 4..self.start + 4 + len;
        self.next_start = body.end;
        self.line_start = body.end;
        Ok(Some(Frame::Message(&self.buf[body])))
    }

    /// True when a whole message is already buffered, so the next call will not read.
    pub fn has_buffered_message(&self) -> bool {
        if self.smb1 {
            let at = self.next_start.max(self.start);
            let Some(h) = self.buf.get(at..at + 4) else {
                return false;
            };
            let len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
            return self.end >= at + 4 + len;
        }
        let mut line = self.line_start.max(self.next_start);
        while let Some(nl) = memchr::memchr(b'\n', &self.buf[line..self.end]) {
            if is_end_line(&self.buf[line..line + nl]) {
                return true;
            }
            line += nl + 1;
        }
        false
    }

    /// Returns the next message, `Ok(None)` at a clean end of input (nothing but white space
    /// after the last message), or [`Error::Truncated`] when the input ends inside a message.
    ///
    /// `before_read` runs before every read from the underlying input; the runners flush there.
    pub fn next_frame(
        &mut self,
        before_read: &mut dyn FnMut() -> io::Result<()>,
    ) -> Result<Option<Frame<'_>>, Error> {
        self.release();
        if !self.detected {
            self.detect(before_read)?;
        }
        if self.smb1 {
            self.next_smb1_frame(before_read)
        } else {
            self.next_json_frame(before_read)
        }
    }

    /// Releases the previous frame: the next one starts where it ended.
    fn release(&mut self) {
        self.start = self.next_start;
        if self.line_start < self.start {
            self.line_start = self.start;
        }
    }

    /// [`FrameReader::next_frame`] for a stream known to be JSON (after the handshake): the
    /// JSON codec's framing, with no format check per message.
    pub(crate) fn next_json(
        &mut self,
        before_read: &mut dyn FnMut() -> io::Result<()>,
    ) -> Result<Option<Frame<'_>>, Error> {
        self.release();
        self.next_json_frame(before_read)
    }

    /// [`FrameReader::next_frame`] for a stream known to be SMB1: length-prefixed frames.
    pub(crate) fn next_smb1(
        &mut self,
        before_read: &mut dyn FnMut() -> io::Result<()>,
    ) -> Result<Option<Frame<'_>>, Error> {
        self.release();
        self.next_smb1_frame(before_read)
    }

    /// Messages that end at a line `end`.
    fn next_json_frame(
        &mut self,
        before_read: &mut dyn FnMut() -> io::Result<()>,
    ) -> Result<Option<Frame<'_>>, Error> {
        loop {
            // Look for the `end` line in what we have, resuming where the last search stopped
            // so that a message arriving in many reads is scanned once.
            while let Some(nl) = memchr::memchr(b'\n', &self.buf[self.line_start..self.end]) {
                let line_end = self.line_start + nl;
                if is_end_line(&self.buf[self.line_start..line_end]) {
                    let message = self.start..self.line_start;
                    self.next_start = line_end + 1;
                    self.line_start = self.next_start;
                    let bytes = &self.buf[message];
                    if bytes.len() > self.max_message {
                        // Arrived in one piece, but the limit holds however it arrived.
                        return Ok(Some(Frame::Oversized {
                            len: bytes.len(),
                            id: crate::salvage::top_level_id(bytes),
                        }));
                    }
                    return Ok(Some(Frame::Message(bytes)));
                }
                self.line_start = line_end + 1;
            }
            if self.eof {
                let rest = &self.buf[self.start..self.end];
                if rest.iter().all(u8::is_ascii_whitespace) {
                    self.start = self.end;
                    self.next_start = self.end;
                    return Ok(None);
                }
                return Err(Error::Truncated { read: rest.len() });
            }
            if self.end - self.start > self.max_message {
                return self.discard_oversized(before_read).map(Some);
            }
            self.make_room();
            before_read()?;
            self.fill()?;
        }
    }

    /// Moves the unfinished message to the front and grows the buffer to hold `n` bytes of it.
    fn make_room_for(&mut self, n: usize) {
        self.make_room();
        if self.buf.len() < n {
            self.buf.resize(n.max(self.buf.len() * 2), 0);
        }
    }

    /// Moves the unfinished message to the front of the buffer, growing it when full.
    fn make_room(&mut self) {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.line_start -= self.start;
            self.start = 0;
            self.next_start = 0;
        }
        if self.end == self.buf.len() {
            let grown = (self.buf.len() * 2).min(self.max_message.saturating_add(INITIAL_CAPACITY));
            self.buf.resize(grown.max(self.end + INITIAL_CAPACITY), 0);
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Drops an oversized message up to its `end` line, keeping only what is needed to find its
    /// id. Memory stays bounded by the buffer, however large the message.
    fn discard_oversized(
        &mut self,
        before_read: &mut dyn FnMut() -> io::Result<()>,
    ) -> Result<Frame<'_>, Error> {
        let mut scanner = IdScanner::new();
        // Complete lines so far are message content.
        scanner.feed(&self.buf[self.start..self.line_start]);
        let mut len = self.line_start - self.start;
        // The current, unfinished line: we only need to remember it while it could still be
        // `end` (at most 4 bytes); longer, it is content and can be fed and dropped.
        let mut pending: Vec<u8> = self.buf[self.line_start..self.end].to_vec();
        if pending.len() > 4 {
            scanner.feed(&pending);
            len += pending.len();
            pending.clear();
        }
        let mut line_is_content = self.end - self.line_start > 4;
        self.start = 0;
        self.end = 0;
        self.line_start = 0;
        self.next_start = 0;
        loop {
            before_read()?;
            self.fill()?;
            if self.eof {
                return Err(Error::Truncated {
                    read: len + pending.len(),
                });
            }
            let mut pos = 0;
            while pos < self.end {
                let chunk = &self.buf[pos..self.end];
                match memchr::memchr(b'\n', chunk) {
                    Some(nl) => {
                        let piece = &chunk[..nl];
                        if !line_is_content && pending.len() + piece.len() <= 4 {
                            pending.extend_from_slice(piece);
                            if is_end_line(&pending) {
                                // Keep what follows the `end` line for the next message.
                                let rest = pos + nl + 1;
                                self.buf.copy_within(rest..self.end, 0);
                                self.end -= rest;
                                return Ok(Frame::Oversized {
                                    len,
                                    id: scanner.into_id(),
                                });
                            }
                        } else {
                            pending.extend_from_slice(piece);
                        }
                        pending.push(b'\n');
                        scanner.feed(&pending);
                        len += pending.len();
                        pending.clear();
                        line_is_content = false;
                        pos += nl + 1;
                    }
                    None => {
                        if line_is_content || pending.len() + chunk.len() > 4 {
                            scanner.feed(&pending);
                            scanner.feed(chunk);
                            len += pending.len() + chunk.len();
                            pending.clear();
                            line_is_content = true;
                        } else {
                            pending.extend_from_slice(chunk);
                        }
                        pos = self.end;
                    }
                }
            }
            self.end = 0;
        }
    }
}

fn is_end_line(line: &[u8]) -> bool {
    line == b"end" || line == b"end\r"
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out its data in fixed-size pieces, like a pipe under load.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(self.data.len()).min(out.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn frames(input: &[u8], step: usize, limit: usize) -> Result<Vec<String>, Error> {
        let mut r = FrameReader::with_limit(Trickle { data: input, step }, limit);
        let mut out = Vec::new();
        while let Some(f) = r.next_frame(&mut || Ok(()))? {
            out.push(match f {
                Frame::Message(m) => String::from_utf8_lossy(m).into_owned(),
                Frame::Oversized { len, id } => format!("<oversized {len} {id:?}>"),
            });
        }
        Ok(out)
    }

    #[test]
    fn splits_messages_at_end_lines_whatever_the_read_sizes() {
        let input = b"{\"a\":1}\nend\n{\"b\":\n2}\r\nend\r\n[1,2]\nend\n";
        for step in [1, 2, 3, 7, 64, 1 << 20] {
            let got = frames(input, step, 1 << 20).unwrap();
            assert_eq!(
                got,
                vec!["{\"a\":1}\n", "{\"b\":\n2}\r\n", "[1,2]\n"],
                "step {step}"
            );
        }
    }

    #[test]
    fn end_must_be_a_whole_line() {
        let input = b"{\"x\":\"end\"}\nendless\n end\nend\n";
        let got = frames(input, 5, 1 << 20).unwrap();
        assert_eq!(got, vec!["{\"x\":\"end\"}\nendless\n end\n"]);
    }

    #[test]
    fn clean_eof_between_messages_and_truncation_inside_one() {
        assert_eq!(frames(b"", 4, 1024).unwrap(), Vec::<String>::new());
        assert_eq!(frames(b"{}\nend\n\n", 4, 1024).unwrap(), vec!["{}\n"]);
        match frames(b"{}\nend\n{\"id\":", 4, 1024) {
            Err(Error::Truncated { read }) => assert_eq!(read, 6),
            other => panic!("expected truncation, got {other:?}"),
        }
        // `end` without its newline is still an unfinished line.
        assert!(matches!(
            frames(b"{}\nend", 4, 1024),
            Err(Error::Truncated { .. })
        ));
    }

    #[test]
    fn oversized_message_is_dropped_with_its_id_and_the_stream_goes_on() {
        let big = "x".repeat(5000);
        let input = format!(
            "{{\"id\":\"77\",\"tuple\":[\"{big}\"]}}\nend\n{{\"id\":\"78\"}}\nend\n{{\"tuple\":[\"{big}\"],\n\"id\":\"79\"}}\r\nend\r\n{{}}\nend\n"
        );
        for step in [1, 3, 100, 4096, 1 << 20] {
            let got = frames(input.as_bytes(), step, 1000).unwrap();
            assert_eq!(got.len(), 4, "step {step}: {got:?}");
            assert!(got[0].starts_with("<oversized"), "{}", got[0]);
            assert!(got[0].contains("\"\\\"77\\\"\""), "{}", got[0]);
            assert_eq!(got[1], "{\"id\":\"78\"}\n");
            assert!(got[2].contains("\"\\\"79\\\"\""), "{}", got[2]);
            assert_eq!(got[3], "{}\n");
        }
    }

    #[test]
    fn oversized_message_cut_by_eof_is_truncation() {
        let input = format!("{{\"id\":\"1\",\"tuple\":[\"{}", "y".repeat(4000));
        assert!(matches!(
            frames(input.as_bytes(), 512, 1000),
            Err(Error::Truncated { .. })
        ));
    }

    #[test]
    fn calls_back_before_every_read_only() {
        let input = b"{}\nend\n{}\nend\n";
        let mut r = FrameReader::new(Trickle {
            data: input,
            step: 1 << 20,
        });
        let mut reads = 0;
        assert!(r
            .next_frame(&mut || {
                reads += 1;
                Ok(())
            })
            .unwrap()
            .is_some());
        assert_eq!(reads, 1);
        assert!(r.has_buffered_message());
        assert!(r
            .next_frame(&mut || {
                reads += 1;
                Ok(())
            })
            .unwrap()
            .is_some());
        assert_eq!(
            reads, 1,
            "second message was buffered: no read, no callback"
        );
        assert!(!r.has_buffered_message());
    }
}
