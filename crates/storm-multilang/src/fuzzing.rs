//! The fuzz target's body, shared with the regression tests that replay its findings on stable.

use crate::{run_bolt_io, run_spout_io, Bolt, BoltOutput, Spout, SpoutOutput, Tuple};

struct Words;

impl Bolt for Words {
    type Error = String;
    fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
        let s = t.str(0).map_err(|e| e.to_string())?;
        for w in s.split_whitespace() {
            out.emit((w,));
        }
        Ok(())
    }
}

struct Numbers(u64);

impl Spout for Numbers {
    type Error = String;
    fn next(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        self.0 += 1;
        out.emit_reliable(self.0, (self.0,));
        Ok(())
    }
}

const SETUP: &[u8] = b"{\"conf\":{},\"context\":{},\"pidDir\":\"/tmp\"}\nend\n";

/// Feeds arbitrary bytes, as Storm's side of the pipe after a valid setup message, to the
/// message parser and to both runners.
///
/// # Panics
/// When an invariant breaks (that is the point): more acks and fails than messages, an ack or
/// fail for an id that was never sent, or output that is not whole messages.
pub fn check(data: &[u8]) {
    let _ = crate::parse_message(data);
    let mut input = SETUP.to_vec();
    input.extend_from_slice(data);
    let frames = input
        .split(|&b| b == b'\n')
        .filter(|l| *l == b"end" || *l == b"end\r")
        .count();

    let mut out = Vec::new();
    let _ = run_bolt_io(Words, &input[..], &mut out, 4096);
    let text = String::from_utf8(out).expect("output is UTF-8");
    assert!(
        text.is_empty() || text.ends_with("\nend\n"),
        "output ends mid-message"
    );
    let mut answers = 0;
    for msg in text.split_terminator("\nend\n") {
        serde_json::from_str::<serde_json::Value>(msg).expect("every output message is JSON");
        for cmd in [
            "{\"command\":\"ack\",\"id\":",
            "{\"command\":\"fail\",\"id\":",
        ] {
            if let Some(rest) = msg.strip_prefix(cmd) {
                answers += 1;
                let id = rest.strip_suffix('}').expect("ack/fail ends with }");
                assert!(
                    id.len() > 2 && input.windows(id.len()).any(|w| w == id.as_bytes()),
                    "answered an id that was never sent: {id}"
                );
            }
        }
    }
    assert!(
        answers < frames,
        "{answers} answers for {frames} messages (setup included)"
    );

    let mut out = Vec::new();
    let _ = run_spout_io(Numbers(0), &input[..], &mut out, 4096);
    let text = String::from_utf8(out).expect("output is UTF-8");
    for msg in text.split_terminator("\nend\n") {
        serde_json::from_str::<serde_json::Value>(msg).expect("every output message is JSON");
    }

    check_smb1(data);
}

/// The same bytes as SMB1 frames after a valid SMB1 setup.
fn check_smb1(data: &[u8]) {
    let setup = b"{\"conf\":{},\"context\":{},\"pidDir\":\"/tmp\"}";
    let mut input = crate::smb1::MAGIC.to_vec();
    input.extend_from_slice(&(setup.len() as u32 + 5).to_be_bytes());
    input.push(crate::smb1::SETUP);
    input.extend_from_slice(&(setup.len() as u32).to_be_bytes());
    input.extend_from_slice(setup);
    input.extend_from_slice(data);
    for spout in [false, true] {
        let mut out = Vec::new();
        let _ = if spout {
            run_spout_io(Numbers(0), &input[..], &mut out, 4096)
        } else {
            run_bolt_io(Words, &input[..], &mut out, 4096)
        };
        // Whole frames only, each with a known kind; acks and fails at most one per input byte
        // run of a minimal tuple frame.
        let (mut pos, mut answers) = (0, 0);
        while pos < out.len() {
            let len =
                u32::from_be_bytes(out[pos..pos + 4].try_into().expect("frame header")) as usize;
            let kind = out[pos + 4];
            assert!(
                (0x10..=0x17).contains(&kind),
                "unknown kind {kind:#x} written"
            );
            answers += usize::from(kind == 0x12 || kind == 0x13);
            pos += 4 + len;
            assert!(pos <= out.len(), "frame runs past the output");
        }
        assert!(
            answers <= data.len() / 17 + 1,
            "{answers} answers for {} bytes",
            data.len()
        );
    }
}
