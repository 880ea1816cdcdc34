//! Writing commands to Storm: encoded (JSON or SMB1, as the stream speaks) straight into one
//! reused buffer.
//!
//! Nothing here touches the pipe. The runners own the buffer and write it out when there is
//! nothing more to read (or after a `sync`), so a burst of emits costs one `write` call.

use std::io::{self, Write};

use serde::Serialize;

use crate::json;
use crate::{Emit, EmitToken, NewMessageId, TupleId, Values};

/// Moves the queued log records into `out` as `log` commands in `format`.
#[inline]
pub(crate) fn drain_logs(out: &mut Vec<u8>, format: Format) {
    crate::logger::drain(|level, msg| encode::log(format, out, level, msg));
}

/// The wire encoding a component was spoken to in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Storm's JSON multilang.
    Json,
    /// SMB1 (docs/binary-protocol.md).
    Smb1,
}

/// What a component's code writes (emits, errors, metrics) and the log records, in the
/// format its [`Emitter`] was given: the one place that picks an encoder at run time, because
/// [`crate::BoltOutput`] and [`crate::SpoutOutput`] are not generic. The runners' own
/// commands go through [`crate::codec::Codec`], chosen at compile time.
pub(crate) mod encode {
    use super::*;
    use crate::smb1::encode as smb1_encode;

    pub(crate) fn log(f: Format, out: &mut Vec<u8>, level: u8, msg: &str) {
        match f {
            Format::Json => json::log(out, level, msg),
            Format::Smb1 => smb1_encode::log(out, level, msg),
        }
    }

    pub(crate) fn error(f: Format, out: &mut Vec<u8>, msg: &str) {
        match f {
            Format::Json => json::error(out, msg),
            Format::Smb1 => smb1_encode::error(out, msg),
        }
    }

    pub(crate) fn metrics<P: Serialize + ?Sized>(
        f: Format,
        out: &mut Vec<u8>,
        name: &str,
        params: &P,
    ) -> Result<(), String> {
        match f {
            Format::Json => json::metrics(out, name, params).map_err(|e| e.to_string()),
            Format::Smb1 => smb1_encode::metrics(out, name, params).map_err(|e| e.to_string()),
        }
    }

    pub(crate) fn emit<V: Values + ?Sized>(
        f: Format,
        out: &mut Vec<u8>,
        opts: &Emit<'_>,
        input: Option<TupleId<'_>>,
        msg_id: Option<NewMessageId<'_>>,
        values: &V,
    ) -> Result<(), String> {
        match f {
            Format::Json => json::emit(out, opts, input, msg_id, values).map_err(|e| e.to_string()),
            Format::Smb1 => {
                smb1_encode::emit(out, opts, input, msg_id, values).map_err(|e| e.to_string())
            }
        }
    }
}

/// A metric value that could not be written in the stream's encoding (a map with non-string
/// keys, say): nothing was sent, and nothing was failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricError {
    name: String,
    reason: String,
}

impl MetricError {
    /// The metric's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl std::fmt::Display for MetricError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "metric {:?} not sent: {}", self.name, self.reason)
    }
}

impl std::error::Error for MetricError {}

/// What bolts and spouts write through while their code runs: the output buffer in the
/// stream's encoding, the queue of emits awaiting task ids, and the first emit error.
#[derive(Debug)]
pub(crate) struct Emitter<'o> {
    pub(crate) buf: &'o mut Vec<u8>,
    pub(crate) format: Format,
    pub(crate) awaiting_ids: &'o mut std::collections::VecDeque<EmitToken>,
    pub(crate) next_token: &'o mut u64,
    pub(crate) emit_error: Option<String>,
}

impl Emitter<'_> {
    /// Encodes one `metrics` command, after the log records written before it. An encoding
    /// error writes nothing and is returned (it fails nothing).
    pub(crate) fn metric<P: Serialize + ?Sized>(
        &mut self,
        name: &str,
        params: &P,
    ) -> Result<(), MetricError> {
        drain_logs(self.buf, self.format);
        encode::metrics(self.format, self.buf, name, params).map_err(|reason| MetricError {
            name: name.to_owned(),
            reason,
        })
    }

    /// Encodes one emit; a token when it asked for task ids. An encoding error is kept (the
    /// first one) and nothing is written.
    pub(crate) fn emit<V: Values + ?Sized>(
        &mut self,
        opts: &Emit<'_>,
        input: Option<TupleId<'_>>,
        id: Option<NewMessageId<'_>>,
        values: &V,
    ) -> Option<EmitToken> {
        // Log records written before this emit go out before it.
        drain_logs(self.buf, self.format);
        match encode::emit(self.format, self.buf, opts, input, id, values) {
            Ok(()) if opts.need_task_ids && opts.direct_task.is_none() => {
                *self.next_token += 1;
                let token = EmitToken(*self.next_token);
                self.awaiting_ids.push_back(token);
                Some(token)
            }
            Ok(()) => None,
            Err(e) => {
                self.emit_error
                    .get_or_insert_with(|| format!("emit failed: {e}"));
                None
            }
        }
    }
}

/// The output side: one buffer, written to the pipe on [`Output::flush`].
#[derive(Debug)]
pub(crate) struct Output<W: Write> {
    w: W,
    pub(crate) buf: Vec<u8>,
    pub(crate) format: Format,
}

impl<W: Write> Output<W> {
    pub(crate) fn new(w: W) -> Self {
        Output {
            w,
            buf: Vec::with_capacity(64 << 10),
            format: Format::Json,
        }
    }

    /// Moves the queued log records in after everything else, then writes it all out: before
    /// a read that could block, after a `sync`, at the end.
    pub(crate) fn flush_all(&mut self) -> io::Result<()> {
        drain_logs(&mut self.buf, self.format);
        self.flush()
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.w.write_all(&self.buf)?;
            self.buf.clear();
        }
        self.w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(bytes: &[u8]) -> serde_json::Value {
        let text = std::str::from_utf8(bytes).unwrap();
        let body = text
            .strip_suffix("\nend\n")
            .expect("message ends with an end line");
        serde_json::from_str(body).unwrap()
    }

    #[test]
    fn emits_are_valid_json_with_the_right_keys() {
        let mut out = Vec::new();
        json::emit(
            &mut out,
            &Emit::new(),
            Some(TupleId::smb1("-42")),
            None,
            &("a\"\n\u{1F600}", 3),
        )
        .unwrap();
        assert_eq!(
            json(&out),
            serde_json::json!({"command":"emit","anchors":["-42"],"need_task_ids":false,"tuple":["a\"\n\u{1F600}",3]})
        );
        out.clear();
        json::emit(
            &mut out,
            &Emit::new().stream("s").direct(7).need_task_ids(),
            None,
            Some(NewMessageId::U64(12)),
            &vec!["x"],
        )
        .unwrap();
        assert_eq!(
            json(&out),
            serde_json::json!({"command":"emit","id":12,"stream":"s","task":7,"need_task_ids":false,"tuple":["x"]})
        );
        out.clear();
        json::emit(
            &mut out,
            &Emit::new().need_task_ids().unanchored(),
            Some(TupleId::smb1("1")),
            None,
            &[1.5],
        )
        .unwrap();
        assert_eq!(
            json(&out),
            serde_json::json!({"command":"emit","tuple":[1.5]})
        );
    }

    #[test]
    fn a_failing_value_leaves_nothing_behind() {
        use std::collections::HashMap;
        let mut bad = HashMap::new();
        bad.insert(vec![1u8], 1);
        let mut out = b"before".to_vec();
        assert!(json::emit(&mut out, &Emit::new(), None, None, &(bad,)).is_err());
        assert_eq!(out, b"before");
    }

    #[test]
    fn commands() {
        let mut out = Vec::new();
        json::log(&mut out, 2, "hi \"you\"");
        assert_eq!(
            json(&out),
            serde_json::json!({"command":"log","msg":"hi \"you\"","level":2})
        );
        out.clear();
        json::error(&mut out, "bad\tthing");
        assert_eq!(
            json(&out),
            serde_json::json!({"command":"error","msg":"bad\tthing"})
        );
        out.clear();
        json::metrics(&mut out, "m", &serde_json::json!({"k":1})).unwrap();
        assert_eq!(
            json(&out),
            serde_json::json!({"command":"metrics","name":"m","params":{"k":1}})
        );
        out.clear();
        json::pid(&mut out, 99);
        assert_eq!(out, b"{\"pid\":99}\nend\n");
    }
}
