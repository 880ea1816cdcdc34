//! The protocol core's hot paths: parsing Storm's tuples, encoding emits, and the whole bolt
//! loop in memory (no pipe, no JVM).
//!
//! `cargo bench -p benches --bench protocol`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use storm_multilang::frame::{Frame, FrameReader};
use storm_multilang::{parse_message, run_bolt_io, Bolt, BoltOutput, Incoming, Tuple};

const SENTENCE: &str = "an apple a day keeps the doctor away";

fn tuple_msg(id: u64, sentence: &str) -> String {
    format!(
        "{{\"id\":\"{id}\",\"comp\":\"spout\",\"stream\":\"default\",\"task\":9,\"tuple\":[{}]}}\n",
        serde_json::to_string(sentence).unwrap()
    )
}

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    let long = SENTENCE.repeat(30);
    let cases = [
        (
            "sample sentence",
            tuple_msg(-6_955_786_537_413_359_385_i64 as u64, SENTENCE),
        ),
        ("1 KiB sentence", tuple_msg(42, &long)),
        (
            "escaped unicode",
            tuple_msg(42, "caf\u{e9} \"quoted\" \t tab \u{1F404}"),
        ),
    ];
    for (name, msg) in &cases {
        g.throughput(Throughput::Bytes(msg.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| {
                let Ok(Incoming::Tuple(t)) = parse_message(black_box(msg.as_bytes())) else {
                    panic!("not a tuple")
                };
                black_box(t.str(0).unwrap().len())
            })
        });
    }
    g.finish();
}

fn framing(c: &mut Criterion) {
    let mut g = c.benchmark_group("framing");
    let one = tuple_msg(1, SENTENCE) + "end\n";
    let input = one.repeat(1000);
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.bench_function("1000 messages", |b| {
        b.iter(|| {
            let mut r = FrameReader::new(input.as_bytes());
            let mut n = 0;
            while let Some(Frame::Message(m)) = r.next_frame(&mut || Ok(())).unwrap() {
                n += m.len();
            }
            black_box(n)
        })
    });
    g.finish();
}

/// Emits, measured through the whole bolt loop: one input word in, one [word, count] out.
struct Count(count_bolt::Counter);

impl Bolt for Count {
    type Error = String;
    fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
        let w = t.str(0).map_err(|e| e.to_string())?;
        let n = self.0.add(&w);
        out.emit((&*w, n));
        Ok(())
    }
}

struct Split;

impl Bolt for Split {
    type Error = String;
    fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
        let s = t.str(0).map_err(|e| e.to_string())?;
        for w in split_bolt::python_split(&s) {
            out.emit((w,));
        }
        Ok(())
    }
}

fn bolt_loop(c: &mut Criterion) {
    let dir = std::env::temp_dir();
    let setup = format!(
        "{{\"conf\":{{}},\"context\":{{}},\"pidDir\":{}}}\nend\n",
        serde_json::to_string(dir.to_str().unwrap()).unwrap()
    );
    let n = 10_000;
    let words: Vec<&str> = SENTENCE.split(' ').collect();
    let mut split_in = setup.clone();
    let mut count_in = setup;
    for i in 0..n {
        split_in.push_str(&(tuple_msg(i, SENTENCE) + "end\n"));
        count_in.push_str(&(tuple_msg(i, words[i as usize % words.len()]) + "end\n"));
    }
    let mut g = c.benchmark_group("bolt loop in memory");
    g.throughput(Throughput::Elements(n));
    g.bench_function("split 10k sentences", |b| {
        b.iter_batched_ref(
            || Vec::with_capacity(8 << 20),
            |out| run_bolt_io(Split, split_in.as_bytes(), out, 1 << 20).unwrap(),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("count 10k words", |b| {
        b.iter_batched_ref(
            || Vec::with_capacity(4 << 20),
            |out| {
                run_bolt_io(
                    Count(count_bolt::Counter::new()),
                    count_in.as_bytes(),
                    out,
                    1 << 20,
                )
                .unwrap()
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, parse, framing, bolt_loop);
criterion_main!(benches);
