//! When output reaches the pipe: before every blocking read, and not once per message.

use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::rc::Rc;

use storm_multilang::{run_bolt_io, Bolt, BoltOutput, Tuple};

struct Echo;

impl Bolt for Echo {
    type Error = String;
    fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
        out.emit((t.str(0).map_err(|e| e.to_string())?,));
        Ok(())
    }
}

#[derive(Default)]
struct Shared {
    written: Vec<u8>,
    writes: usize,
}

struct Sink(Rc<RefCell<Shared>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut s = self.0.borrow_mut();
        s.written.extend_from_slice(buf);
        s.writes += 1;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Hands out one chunk per read call and checks, before each, what must already be written.
struct Source {
    chunks: Vec<Vec<u8>>,
    next: usize,
    shared: Rc<RefCell<Shared>>,
    /// Acks that must be written before chunk i is handed out.
    acks_before: Vec<usize>,
}

impl Read for Source {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let i = self.next;
        let acks = String::from_utf8_lossy(&self.shared.borrow().written)
            .matches("\"command\":\"ack\"")
            .count();
        let want = self.acks_before.get(i).copied().unwrap_or(usize::MAX);
        if want != usize::MAX {
            assert_eq!(
                acks, want,
                "before read {i}, every answer so far must be on the pipe"
            );
        }
        let Some(chunk) = self.chunks.get(i) else {
            return Ok(0);
        };
        assert!(chunk.len() <= out.len());
        out[..chunk.len()].copy_from_slice(chunk);
        self.next += 1;
        Ok(chunk.len())
    }
}

fn setup() -> Vec<u8> {
    let dir = std::env::temp_dir();
    format!(
        "{{\"conf\":{{}},\"context\":{{}},\"pidDir\":{:?}}}\nend\n",
        dir.to_str().unwrap()
    )
    .into_bytes()
}

fn tuple(i: usize) -> Vec<u8> {
    format!("{{\"id\":\"{i}\",\"comp\":\"s\",\"stream\":\"default\",\"task\":1,\"tuple\":[\"w{i}\"]}}\nend\n")
        .into_bytes()
}

#[test]
fn everything_answered_is_written_before_the_next_read() {
    let shared = Rc::new(RefCell::new(Shared::default()));
    // Chunk 0: setup. Then one tuple per read, and the last tuple split across two reads.
    let mut chunks = vec![setup()];
    for i in 0..5 {
        chunks.push(tuple(i));
    }
    let last = tuple(5);
    chunks.push(last[..10].to_vec());
    chunks.push(last[10..].to_vec());
    let src = Source {
        chunks,
        next: 0,
        shared: shared.clone(),
        // Before read k (k >= 2), the k-1 tuples handed out so far are acked on the pipe.
        acks_before: vec![0, 0, 1, 2, 3, 4, 5, 5, 6],
    };
    run_bolt_io(Echo, src, Sink(shared.clone()), 1 << 20).unwrap();
    let s = shared.borrow();
    let text = String::from_utf8_lossy(&s.written);
    assert_eq!(text.matches("\"command\":\"ack\"").count(), 6);
}

#[test]
fn a_burst_of_tuples_costs_one_write_not_one_per_message() {
    let shared = Rc::new(RefCell::new(Shared::default()));
    let mut burst = Vec::new();
    for i in 0..200 {
        burst.extend_from_slice(&tuple(i));
    }
    let src = Source {
        chunks: vec![setup(), burst],
        next: 0,
        shared: shared.clone(),
        acks_before: vec![],
    };
    run_bolt_io(Echo, src, Sink(shared.clone()), 1 << 20).unwrap();
    let s = shared.borrow();
    let text = String::from_utf8_lossy(&s.written);
    assert_eq!(text.matches("\"command\":\"emit\"").count(), 200);
    assert_eq!(text.matches("\"command\":\"ack\"").count(), 200);
    // pid reply, then the 400 answers of the burst in one write.
    assert_eq!(s.writes, 2, "writes: {}", s.writes);
}
