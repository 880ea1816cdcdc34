//! The decoder of Storm's SMB1 messages: each parsed in place, borrowing from its frame like
//! the JSON one.

use std::borrow::Cow;

use smallvec::SmallVec;

use super::{SETUP, SPOUT_CMD, TASK_IDS, TUPLE};
use crate::smb1_value::{
    T_BYTES, T_FALSE, T_FLOAT, T_INT, T_JSON, T_LIST, T_MAP, T_NULL, T_STR, T_TRUE,
};
use crate::{Command, Incoming, MessageError, MessageId, TaskIds, Tuple, TupleId, TupleValues};

/// Deepest nesting of lists and maps accepted in a value.
const MAX_DEPTH: u32 = 128;

/// A cursor over one frame's payload.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

fn short(what: &str) -> MessageError {
    MessageError::new(format!("binary message cut short in {what}"))
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], MessageError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let end = end.ok_or_else(|| short(what))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u8(&mut self, what: &str) -> Result<u8, MessageError> {
        Ok(self.take(1, what)?[0])
    }

    fn u32(&mut self, what: &str) -> Result<u32, MessageError> {
        let b = self.take(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn i32(&mut self, what: &str) -> Result<i32, MessageError> {
        Ok(self.u32(what)? as i32)
    }

    fn str(&mut self, what: &str) -> Result<&'a str, MessageError> {
        let n = self.u32(what)? as usize;
        let b = self.take(n, what)?;
        std::str::from_utf8(b).map_err(|_| MessageError::new(format!("{what} is not UTF-8")))
    }

    fn nstr(&mut self, what: &str) -> Result<Option<&'a str>, MessageError> {
        if self.buf.get(self.pos..self.pos + 4) == Some(&[0xff; 4]) {
            self.pos += 4;
            return Ok(None);
        }
        self.str(what).map(Some)
    }

    /// Skips one value, checking it is well formed; returns its bytes (tag included).
    fn value(&mut self, what: &str) -> Result<&'a [u8], MessageError> {
        let start = self.pos;
        self.skip_value(what, 0)?;
        Ok(&self.buf[start..self.pos])
    }

    fn skip_value(&mut self, what: &str, depth: u32) -> Result<(), MessageError> {
        if depth > MAX_DEPTH {
            return Err(MessageError::new(format!("{what} nests too deep")));
        }
        match self.u8(what)? {
            T_NULL | T_FALSE | T_TRUE => {}
            T_INT | T_FLOAT => {
                self.take(8, what)?;
            }
            T_STR => {
                self.str(what)?;
            }
            T_JSON => {
                let text = self.str(what)?;
                serde_json::from_str::<serde::de::IgnoredAny>(text)
                    .map_err(|e| MessageError::new(format!("{what}: bad JSON value: {e}")))?;
            }
            T_BYTES => {
                let n = self.u32(what)? as usize;
                self.take(n, what)?;
            }
            T_LIST => {
                let n = self.u32(what)?;
                for _ in 0..n {
                    self.skip_value(what, depth + 1)?;
                }
            }
            T_MAP => {
                let n = self.u32(what)?;
                for _ in 0..n {
                    self.str(what)?;
                    self.skip_value(what, depth + 1)?;
                }
            }
            t => {
                return Err(MessageError::new(format!(
                    "{what}: unknown value tag {t:#04x}"
                )))
            }
        }
        Ok(())
    }

    fn end(&self) -> Result<(), MessageError> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(MessageError::new(format!(
                "{} stray bytes after the message",
                self.buf.len() - self.pos
            )))
        }
    }
}

/// Parses one SMB1 message from Storm (the frame's payload).
pub(crate) fn parse(frame: &[u8]) -> Result<Incoming<'_>, MessageError> {
    let mut r = Reader::new(frame);
    let msg = match r.u8("message kind")? {
        TUPLE => {
            let id = r.str("tuple id")?;
            let comp = r.nstr("component")?;
            let stream = r.str("stream")?;
            let task = i64::from(r.i32("task")?);
            let n = r.u32("value count")?;
            let mut items = SmallVec::new();
            for _ in 0..n {
                items.push(crate::message::Item::Smb1(r.value("tuple value")?));
            }
            Incoming::Tuple(Tuple::new(
                TupleId::smb1(id),
                comp.map(Cow::Borrowed),
                Cow::Borrowed(stream),
                task,
                TupleValues::new(items),
            ))
        }
        SPOUT_CMD => {
            let command = r.str("command")?;
            let id = r.value("message id")?;
            let id = (id != [T_NULL]).then_some(MessageId::smb1(id));
            let need_id = || MessageError::new(format!("`{command}` command without an id"));
            Incoming::Command(match command {
                "next" => Command::Next,
                "ack" => Command::Ack(id.ok_or_else(need_id)?),
                "fail" => Command::Fail(id.ok_or_else(need_id)?),
                "activate" => Command::Activate,
                "deactivate" => Command::Deactivate,
                other => Command::Other(Cow::Borrowed(other)),
            })
        }
        TASK_IDS => {
            let n = r.u32("task id count")?;
            let mut ids = TaskIds::new();
            for _ in 0..n {
                let t = r.i32("task id")?;
                ids.push(u32::try_from(t).map_err(|_| MessageError::new("negative task id"))?);
            }
            Incoming::TaskIds(ids)
        }
        SETUP => return Err(MessageError::new("a second setup message")),
        k => return Err(MessageError::new(format!("unknown message kind {k:#04x}"))),
    };
    r.end()?;
    Ok(msg)
}

/// The JSON text of the setup message.
pub(crate) fn setup_json(frame: &[u8]) -> Result<&str, MessageError> {
    let mut r = Reader::new(frame);
    if r.u8("message kind")? != SETUP {
        return Err(MessageError::new(
            "the first message is not a setup message",
        ));
    }
    let json = r.str("setup")?;
    r.end()?;
    Ok(json)
}

/// The tuple id of a binary tuple message that could not be parsed whole, if its head is
/// intact: the id is the first field.
pub(crate) fn salvage_id(frame: &[u8]) -> Option<&str> {
    let mut r = Reader::new(frame);
    if r.u8("").ok()? != TUPLE {
        return None;
    }
    r.str("").ok().filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smb1::ser::{put_str, values};

    #[test]
    fn decodes_what_it_would_encode() {
        // A tuple frame written by hand, then read back.
        let mut f = vec![TUPLE];
        put_str(&mut f, "-42");
        f.extend_from_slice(&[0xff; 4]);
        put_str(&mut f, "__heartbeat");
        f.extend_from_slice(&(-1i32).to_be_bytes());
        f.extend_from_slice(&values(("caf\u{e9}", 7, 2.5, false)));
        let Incoming::Tuple(t) = parse(&f).unwrap() else {
            panic!()
        };
        assert!(t.is_heartbeat());
        assert_eq!(t.id(), "-42");
        assert_eq!(t.str(0).unwrap(), "café");
        assert_eq!(t.values().i64(1).unwrap(), 7);
        assert_eq!(t.values().f64(2).unwrap(), 2.5);
        assert!(!t.values().bool(3).unwrap());
        assert_eq!(
            t.str(1).unwrap_err().to_string(),
            "tuple field 1 should be a string, found 7"
        );
        // Every strict prefix is cut short, never a panic or a wrong success.
        for n in 0..f.len() {
            assert!(parse(&f[..n]).is_err(), "prefix {n}");
        }
    }

    #[test]
    fn rejects_bad_frames() {
        let cases: &[(&[u8], &str)] = &[
            (&[], "cut short"),
            (&[0x77], "unknown message kind"),
            (
                &[TASK_IDS, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff],
                "negative task id",
            ),
            (&[TASK_IDS, 0, 0, 0, 0, 9], "stray bytes"),
            (
                &[SPOUT_CMD, 0, 0, 0, 3, b'a', b'c', b'k', T_NULL],
                "without an id",
            ),
            (&[TUPLE, 0, 0, 0, 1, 0xc3], "not UTF-8"),
            (
                &[
                    TUPLE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x42,
                ],
                "unknown value tag",
            ),
            (&[SETUP, 0, 0, 0, 0], "second setup"),
        ];
        for (input, want) in cases {
            let e = parse(input).unwrap_err();
            assert!(e.reason().contains(want), "{input:?}: {e}");
        }
        // Deep nesting is refused, not a stack overflow.
        let mut deep = vec![
            TUPLE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        ];
        for _ in 0..10_000 {
            deep.extend_from_slice(&[T_LIST, 0, 0, 0, 1]);
        }
        assert!(parse(&deep)
            .unwrap_err()
            .reason()
            .contains("nests too deep"));
    }
}
