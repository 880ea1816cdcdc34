//! The I/O floor: a multilang "component" that does no work.
//!
//! It answers the handshake like any component, then for every tuple (or spout `next`) it
//! writes the next pre-computed answer from a file (answers separated by NUL bytes) and
//! ignores task-id arrays; other spout commands and heartbeats get a `sync`. It flushes only
//! when it has nothing more to read, as the Rust core does. Timing a run against it measures
//! moving the same input and output bytes through the pipes plus the driver's own cost:
//! the fastest any component can go under that driver.
//!
//! Usage: `floor ANSWERS_FILE`

use std::io::{self, BufRead, BufReader, Write};

fn read_msg(r: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<bool> {
    buf.clear();
    loop {
        let start = buf.len();
        if r.read_until(b'\n', buf)? == 0 {
            return Ok(false);
        }
        let line = &buf[start..];
        if line == b"end\n" || line == b"end" {
            buf.truncate(start);
            return Ok(true);
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn main() -> io::Result<()> {
    let path = std::env::args().nth(1).expect("usage: floor ANSWERS_FILE");
    let data = std::fs::read(&path)?;
    let answers: Vec<&[u8]> = data.split(|&b| b == 0).collect();
    let stdin = io::stdin().lock();
    let mut r = BufReader::with_capacity(1 << 16, stdin);
    let mut w = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut msg = Vec::with_capacity(1 << 12);
    if !read_msg(&mut r, &mut msg)? {
        return Ok(());
    }
    let setup: serde_json::Value = serde_json::from_slice(&msg).map_err(io::Error::other)?;
    let pid = std::process::id();
    if let Some(dir) = setup["pidDir"].as_str() {
        std::fs::write(std::path::Path::new(dir).join(pid.to_string()), b"")?;
    }
    write!(w, "{{\"pid\":{pid}}}\nend\n")?;
    w.flush()?;
    let sync = b"{\"command\":\"sync\"}\nend\n";
    let mut next = 0;
    while read_msg(&mut r, &mut msg)? {
        // Classify by the message's start, never by its content: a word may well be "command".
        if msg.first() == Some(&b'[') {
            // task ids: nothing to answer
        } else if msg.starts_with(b"{\"command\":\"next\"") {
            w.write_all(answers.get(next).copied().unwrap_or(sync))?;
            next += 1;
        } else if msg.starts_with(b"{\"command\"") || contains(&msg, b"\"stream\":\"__heartbeat\"")
        {
            w.write_all(sync)?;
        } else {
            w.write_all(answers.get(next).copied().unwrap_or(sync))?;
            next += 1;
        }
        if r.buffer().is_empty() {
            w.flush()?;
        }
    }
    w.flush()
}
