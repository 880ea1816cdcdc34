//! Recovering the tuple id from a message that could not be parsed.
//!
//! When Storm's message is broken (invalid JSON, invalid UTF-8, too large to hold), the tuple
//! should still be failed at once rather than left to time out. [`IdScanner`] walks the bytes
//! without building anything and remembers the string value of the top-level `"id"` key: a
//! nested `"id"` (inside the tuple values, say) is never taken, because failing an id Storm
//! does not know kills the worker. It works on chunks, so an oversized message can be fed to it
//! while being discarded.

/// Longest id we are willing to recover; Storm's ids are decimal 64-bit numbers.
const MAX_ID_LEN: usize = 128;

/// A streaming scanner for the top-level `"id"` string of a JSON object.
///
/// A small state machine over single bytes; it never builds a value and never fails, it only
/// finds an id or does not. The states:
///
/// - **Outside strings** (`in_string` false): structure only. `{` / `[` enter a level
///   (`depth`); the first byte of the message decides `top_is_object`, and only a top-level
///   object has keys worth reading. At depth 1, a `,` (or the opening `{`) means a key comes
///   next (`expect_key`); a `:` after the key `id` means its value comes next (`value_is_id`).
///   Any other byte (a digit, `true`, ...) cancels `value_is_id` and `key_is_id`: a
///   non-string id is never taken.
/// - **In a string** (`in_string` true) until an unescaped `"` (`escaped` tracks a pending
///   backslash). A string opened where a top-level key was expected is a key (`reading_key`):
///   its first bytes go to `key`, and at its end `key_is_id` records whether it was exactly
///   `id`. A string opened at depth 1 while `value_is_id` is the id itself (`capturing`): its
///   bytes, quotes included, go to `captured`, given up past [`MAX_ID_LEN`].
/// - **Found**: a captured string that is a valid, non-empty JSON string becomes `found`
///   (raw JSON, quotes included, as the JSON codec echoes it), and every later byte is
///   ignored.
///
/// Nested objects never reach the depth-1 rules, so an `"id"` inside the tuple values is
/// never taken.
#[derive(Debug, Default)]
pub(crate) struct IdScanner {
    /// Nesting of `{` and `[` (1: inside the top-level object).
    depth: u32,
    /// The message is an object (only then has it a top-level `"id"`).
    top_is_object: bool,
    /// Inside a JSON string.
    in_string: bool,
    /// The previous byte in the string was an unescaped backslash.
    escaped: bool,
    /// At depth 1, the next string is a key.
    expect_key: bool,
    /// The current string is a top-level key.
    reading_key: bool,
    /// The first bytes of that key (enough to tell `id"` from anything else).
    key: Vec<u8>,
    /// The last top-level key read was `id`, and its `:` has not come yet.
    key_is_id: bool,
    /// The next value is the top-level id's.
    value_is_id: bool,
    /// The current string is the id's value: its bytes go to `captured`.
    capturing: bool,
    /// The id so far, quotes included.
    captured: Vec<u8>,
    /// The id, once complete and valid.
    found: Option<String>,
}

impl IdScanner {
    pub(crate) fn new() -> Self {
        IdScanner::default()
    }

    /// Feeds the next bytes of the message.
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.found.is_some() {
                return;
            }
            self.step(b);
        }
    }

    fn step(&mut self, b: u8) {
        if self.in_string {
            if self.reading_key && self.key.len() <= 2 {
                self.key.push(b);
            }
            if self.capturing {
                self.captured.push(b);
                if self.captured.len() > MAX_ID_LEN {
                    self.capturing = false;
                    self.captured.clear();
                }
            }
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
                if self.reading_key {
                    self.reading_key = false;
                    self.key_is_id = self.key == b"id\"";
                }
                if self.capturing {
                    self.capturing = false;
                    // Keep it only if it really is a JSON string (valid escapes, valid UTF-8).
                    // (An empty id is no id Storm would send.)
                    if self.captured.len() > 2
                        && serde_json::from_slice::<String>(&self.captured).is_ok()
                    {
                        self.found = String::from_utf8(std::mem::take(&mut self.captured)).ok();
                    }
                }
            }
            return;
        }
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b'"' => {
                self.in_string = true;
                if self.depth == 1 && self.top_is_object && self.expect_key {
                    self.expect_key = false;
                    self.reading_key = true;
                    self.key.clear();
                } else if self.depth == 1 && self.value_is_id {
                    self.capturing = true;
                    self.captured.clear();
                    self.captured.push(b'"');
                }
                self.value_is_id = false;
            }
            b':' => {
                if self.depth == 1 && self.key_is_id {
                    self.value_is_id = true;
                }
                self.key_is_id = false;
            }
            b'{' | b'[' => {
                if self.depth == 0 {
                    self.top_is_object = b == b'{';
                    self.expect_key = self.top_is_object;
                }
                self.depth += 1;
                self.value_is_id = false;
            }
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            b',' => {
                if self.depth == 1 {
                    self.expect_key = true;
                }
                self.key_is_id = false;
            }
            _ => {
                self.value_is_id = false;
                self.key_is_id = false;
            }
        }
    }

    /// The raw JSON string (quotes included) of the top-level id, if one was seen.
    pub(crate) fn into_id(self) -> Option<String> {
        self.found
    }
}

/// Scans a whole message at once.
pub(crate) fn top_level_id(bytes: &[u8]) -> Option<String> {
    let mut s = IdScanner::new();
    s.feed(bytes);
    s.into_id()
}

#[cfg(test)]
mod tests {
    use super::top_level_id;

    #[test]
    fn finds_top_level_id_in_broken_messages() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (br#"{"id":"123","tuple":[1,"#, Some(r#""123""#)),
            (br#"{"tuple":["x"],"id":"-7"  , "comp":"#, Some(r#""-7""#)),
            (br#"{"comp":"a","tuple":[{"id":"nested"}],"stream":"#, None),
            (
                br#"{"tuple":[{"id":"nested"}],"id":"top","x":"#,
                Some(r#""top""#),
            ),
            (br#"{"id":12,"tuple":["#, None),
            (br#"["id","5"]"#, None),
            (br#"{"name":"id","x":"5"}"#, None),
            (br#"{"id":"a\"b","x"#, Some(r#""a\"b""#)),
            (b"{\"id\":\"\xff\xfe\",\"x\"", None),
            (br#"{"idx":"1","id" : "2""#, Some(r#""2""#)),
            (b"", None),
            (b"{\"id\":\n\"\"\n,\"x\"", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                top_level_id(input).as_deref(),
                *want,
                "input {:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn works_across_chunk_boundaries() {
        let msg = br#"{"comp":"c","tuple":["a very long value"],"id":"-4242","stream":"default"}"#;
        for split in 0..msg.len() {
            let mut s = super::IdScanner::new();
            s.feed(&msg[..split]);
            s.feed(&msg[split..]);
            assert_eq!(
                s.into_id().as_deref(),
                Some(r#""-4242""#),
                "split at {split}"
            );
        }
    }
}
