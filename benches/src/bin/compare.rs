//! Component-level throughput: the Rust binaries against the Python sample on `storm.py`,
//! and against the I/O floor, driven by `shell-sim` (Storm's JVM side: the same bytes, task-id
//! answers for every emit that asks, ShellBolt's window of 100 tuples in flight, ShellSpout's
//! one `next` at a time).
//!
//! Every scenario runs the variants alternated (rust, python, floor, rust, ...) `BENCH_REPS`
//! times (default 5) and appends one JSON line per run to `benches/results/raw/components.jsonl`.
//! `BENCH_QUICK=1` shrinks the inputs for a smoke run. `BENCH_CORPUS=FILE` (one sentence a
//! line, made by `benches/run.sh` from Debian's fortunes-de and fortunes-ru) adds the
//! real-text rows. `BENCH_ONLY=substring` runs only the scenarios whose name contains it;
//! `BENCH_VARIANTS=rust,floor` only those variants. `BENCH_MIN_DISTINCT` / `BENCH_MAX_DISTINCT`
//! bound the distinct-words rows; `BENCH_APPEND=1` appends to the output instead of replacing it;
//! `BENCH_OUT=FILE` writes there instead (a run that is not for the report).
//!
//! Usage: `cargo run --release -p benches --bin compare`

use std::fs::{self, File};
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shell_sim::{context, drive_bolt, drive_spout, frame, resources_dir, tuple_msg, Component};
use split_bolt::python_split;

/// The sample's five sentences, from the one file the spout reads too.
const SAMPLE_TEXT: &str = include_str!("../../../crates/sentence-spout/sentences.txt");

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    Rust,
    Python,
    Floor,
}

impl Variant {
    fn name(self) -> &'static str {
        match self {
            Variant::Rust => "rust",
            Variant::Python => "python",
            Variant::Floor => "floor",
        }
    }
}

enum Work {
    Spout { n: usize, reliable: bool },
    Bolt { tuples: Vec<Vec<u8>>, window: usize },
}

struct Scenario {
    /// What the chart groups by: `sample`, `corpus`, `length`, `distinct`.
    group: &'static str,
    /// spout, split or count.
    component: &'static str,
    /// A unique name.
    name: String,
    /// The parameter that varies in the group (words per sentence, distinct words, ...).
    x: f64,
    conf: Value,
    work: Work,
    /// The floor's answers, NUL-separated (written to a file).
    answers: Vec<u8>,
    /// Inputs counted as `tuples` (sentences for spout and split, words for count).
    inputs: usize,
    /// Words carried (split: words out; count: words in; spout: words in the sentences).
    words: usize,
}

fn env_usize(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn quick() -> bool {
    std::env::var("BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn esc(s: &str) -> String {
    serde_json::to_string(s).expect("a str serializes")
}

fn split_scenario(group: &'static str, name: String, x: f64, sentences: &[String]) -> Scenario {
    let mut tuples = Vec::with_capacity(sentences.len());
    let mut answers = Vec::new();
    let mut words = 0;
    for (i, s) in sentences.iter().enumerate() {
        let id = i.to_string();
        tuples.push(frame(&tuple_msg(&id, "spout", "default", 3, &[json!(s)])));
        if i > 0 {
            answers.push(0);
        }
        for w in python_split(s) {
            words += 1;
            write!(
                answers,
                "{{\"command\":\"emit\",\"anchors\":[\"{id}\"],\"need_task_ids\":false,\"tuple\":[{}]}}\nend\n",
                esc(w)
            )
            .unwrap();
        }
        write!(answers, "{{\"command\":\"ack\",\"id\":\"{id}\"}}\nend\n").unwrap();
    }
    Scenario {
        group,
        component: "split",
        name,
        x,
        conf: json!({}),
        work: Work::Bolt {
            tuples,
            window: 100,
        },
        answers,
        inputs: sentences.len(),
        words,
    }
}

fn count_scenario(group: &'static str, name: String, x: f64, words: &[String]) -> Scenario {
    let mut tuples = Vec::with_capacity(words.len());
    let mut answers = Vec::new();
    let mut counts = std::collections::HashMap::<&str, u64>::new();
    for (i, w) in words.iter().enumerate() {
        let id = i.to_string();
        tuples.push(frame(&tuple_msg(&id, "split", "default", 4, &[json!(w)])));
        let c = counts.entry(w.as_str()).or_default();
        *c += 1;
        if i > 0 {
            answers.push(0);
        }
        write!(
            answers,
            "{{\"command\":\"emit\",\"anchors\":[\"{id}\"],\"need_task_ids\":false,\"tuple\":[{},{c}]}}\nend\n{{\"command\":\"ack\",\"id\":\"{id}\"}}\nend\n",
            esc(w)
        )
        .unwrap();
    }
    Scenario {
        group,
        component: "count",
        name,
        x,
        conf: json!({}),
        work: Work::Bolt {
            tuples,
            window: 100,
        },
        answers,
        inputs: words.len(),
        words: words.len(),
    }
}

fn spout_scenario(
    group: &'static str,
    name: String,
    x: f64,
    n: usize,
    reliable: bool,
    corpus: Option<&Path>,
    sentences: &[String],
) -> Scenario {
    let mut answers = Vec::new();
    let mut words = 0;
    for i in 0..n {
        let s = &sentences[i % sentences.len()];
        words += python_split(s).count();
        if i > 0 {
            answers.push(0);
        }
        let id = if reliable {
            format!("\"id\":{},", i + 1)
        } else {
            String::new()
        };
        write!(
            answers,
            "{{\"command\":\"emit\",{id}\"need_task_ids\":false,\"tuple\":[{}]}}\nend\n{{\"command\":\"sync\"}}\nend\n",
            esc(s)
        )
        .unwrap();
    }
    let mut conf = json!({"wordcount.spout.reliable": reliable, "wordcount.spout.seed": 42});
    if let Some(c) = corpus {
        conf["wordcount.spout.corpus"] = json!(c.to_str().unwrap());
        conf["wordcount.spout.order"] = json!("sequential");
    }
    Scenario {
        group,
        component: if reliable { "spout-reliable" } else { "spout" },
        name,
        x,
        conf,
        work: Work::Spout { n, reliable },
        answers,
        inputs: n,
        words,
    }
}

fn python_exe() -> String {
    // `python3` is often a pyenv shim (a shell script): resolve it once so the startup time
    // is Python's, not the shim's.
    Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "python3".into())
}

fn command(v: Variant, component: &str, python: &str, answers: &Path) -> Command {
    let res = resources_dir();
    let mut cmd = match v {
        Variant::Rust => Command::new(res.join(match component {
            "split" => "split-bolt",
            "count" => "count-bolt",
            _ => "sentence-spout",
        })),
        Variant::Python => {
            let script = match component {
                "split" => "splitbolt.py",
                "count" => "countbolt.py",
                _ => "sentencespout.py",
            };
            let mut c = Command::new(python);
            // BENCH_PY_PROFILE=DIR: run under cProfile, one stats file per run (profiling only).
            if let Some(dir) = std::env::var_os("BENCH_PY_PROFILE") {
                use std::sync::atomic::{AtomicUsize, Ordering};
                static N: AtomicUsize = AtomicUsize::new(0);
                let out = Path::new(&dir).join(format!(
                    "{component}-{}.prof",
                    N.fetch_add(1, Ordering::Relaxed)
                ));
                c.args(["-m", "cProfile", "-o"]).arg(out);
            }
            c.arg(script);
            c
        }
        Variant::Floor => {
            let exe = std::env::current_exe().expect("own path");
            let mut c = Command::new(exe.with_file_name("floor"));
            c.arg(answers);
            c
        }
    };
    cmd.current_dir(res);
    cmd
}

/// (VmHWM in KiB, CPU seconds) of a live process.
fn proc_stats(pid: u32) -> (u64, f64) {
    let hwm = fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0);
    // schedstat's first field: nanoseconds on a CPU (the children are single-threaded);
    // finer than stat's 10 ms ticks, which read 0 for a short Rust run.
    let cpu = fs::read_to_string(format!("/proc/{pid}/schedstat"))
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(|ns| ns as f64 / 1e9)
        .unwrap_or(0.0);
    (hwm, cpu)
}

fn run_once(sc: &Scenario, v: Variant, python: &str, answers: &Path) -> io::Result<Value> {
    let t0 = Instant::now();
    let mut comp = Component::spawn(command(v, sc.component, python, answers))?;
    let setup = json!({"conf": sc.conf, "context": context(sc.component, 5), "pidDir": comp.pid_dir().to_str()});
    comp.send(&setup)?;
    let reply = comp
        .recv_raw()?
        .ok_or_else(|| io::Error::other("no pid reply"))?;
    let startup = t0.elapsed();
    if reply["pid"].as_u64().is_none() {
        return Err(io::Error::other(format!("not a pid reply: {reply}")));
    }
    // CPU spent starting up (Python's imports) is not the per-tuple cost.
    let (_, cpu_start) = proc_stats(comp.id());
    let (elapsed, outputs, task_ids) = match &sc.work {
        Work::Bolt { tuples, window } => {
            let r = drive_bolt(&mut comp, tuples, *window, false)?;
            if r.acks as usize != tuples.len() {
                return Err(io::Error::other(format!(
                    "{} acks of {}",
                    r.acks,
                    tuples.len()
                )));
            }
            (r.elapsed, r.emits, r.task_id_requests)
        }
        Work::Spout { n, reliable } => {
            let r = drive_spout(&mut comp, *n, *reliable, false)?;
            (r.elapsed, r.emits, r.task_id_requests)
        }
    };
    let (rss_kb, cpu_end) = proc_stats(comp.id());
    let cpu_s = cpu_end - cpu_start;
    let mut t = shell_sim::Transcript::default();
    let (status, stderr) = comp.finish(&mut t)?;
    if !status.success() && v != Variant::Python {
        eprintln!("{} {}: exit {status}: {stderr}", sc.name, v.name());
    }
    let secs = elapsed.as_secs_f64();
    Ok(json!({
        "group": sc.group, "component": sc.component, "scenario": sc.name, "x": sc.x,
        "variant": v.name(), "inputs": sc.inputs, "words": sc.words, "outputs": outputs,
        "secs": secs, "tuples_per_s": sc.inputs as f64 / secs, "words_per_s": sc.words as f64 / secs,
        "rss_kb": rss_kb, "cpu_s": cpu_s, "startup_ms": startup.as_secs_f64() * 1e3,
        "task_id_requests": task_ids,
    }))
}

fn read_corpus(path: &Path) -> io::Result<Vec<String>> {
    let f = io::BufReader::new(File::open(path)?);
    let mut v = Vec::new();
    for l in f.lines() {
        let l = l?;
        if !l.trim().is_empty() {
            v.push(l);
        }
    }
    Ok(v)
}

fn scenarios(raw: &Path) -> io::Result<Vec<Scenario>> {
    let q = quick();
    // Sized so a Python run takes about a second or more in the full run.
    let n_split = env_usize("BENCH_N_SPLIT", if q { 2_000 } else { 10_000 });
    let n_count = env_usize("BENCH_N_COUNT", if q { 10_000 } else { 50_000 });
    let n_spout = env_usize("BENCH_N_SPOUT", if q { 5_000 } else { 20_000 });
    let sample: Vec<String> = SAMPLE_TEXT.lines().map(str::to_owned).collect();
    let mut out = Vec::new();

    // The Azure sample's inputs.
    out.push(spout_scenario(
        "sample",
        "spout/sample".into(),
        0.0,
        n_spout,
        false,
        None,
        &sample,
    ));
    out.push(spout_scenario(
        "sample",
        "spout-reliable/sample".into(),
        0.0,
        n_spout,
        true,
        None,
        &sample,
    ));
    let sents: Vec<String> = (0..n_split).map(|i| sample[i % 5].clone()).collect();
    out.push(split_scenario("sample", "split/sample".into(), 0.0, &sents));
    let words: Vec<String> = sample
        .iter()
        .cycle()
        .flat_map(|s| python_split(s).map(str::to_owned).collect::<Vec<_>>())
        .take(n_count)
        .collect();
    out.push(count_scenario("sample", "count/sample".into(), 0.0, &words));

    // Real text.
    // Absolute: the children run in the resources folder.
    if let Some(corpus) = std::env::var_os("BENCH_CORPUS")
        .filter(|c| !c.is_empty())
        .map(|c| fs::canonicalize(&c).unwrap_or_else(|_| PathBuf::from(c)))
    {
        let lines = read_corpus(&corpus)?;
        let take = |n: usize| -> Vec<String> { lines.iter().cycle().take(n).cloned().collect() };
        // Real sentences are about 19 words long: a third as many keeps the run time alike.
        let sentences = take((n_split / 3).max(100));
        out.push(spout_scenario(
            "corpus",
            "spout/corpus".into(),
            0.0,
            n_spout,
            false,
            Some(&corpus),
            &lines,
        ));
        out.push(split_scenario(
            "corpus",
            "split/corpus".into(),
            0.0,
            &sentences,
        ));
        let words: Vec<String> = lines
            .iter()
            .cycle()
            .flat_map(|s| python_split(s).map(str::to_owned).collect::<Vec<_>>())
            .take(n_count)
            .collect();
        out.push(count_scenario("corpus", "count/corpus".into(), 0.0, &words));
    }

    // Sentence length: split cost per sentence and per word.
    let vocab: Vec<&str> = SAMPLE_TEXT.lines().flat_map(python_split).collect();
    for len in [5usize, 20, 100, 500] {
        // Keep the words per run about constant.
        let n = (n_split * 7 / len).max(50);
        let sents: Vec<String> = (0..n)
            .map(|i| {
                (0..len)
                    .map(|j| vocab[(i * 7 + j) % vocab.len()])
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        out.push(split_scenario(
            "length",
            format!("split/length-{len}"),
            len as f64,
            &sents,
        ));
        // The spout sends the same sentences from a corpus file.
        let file = raw.join(format!("length-{len}.txt"));
        fs::write(&file, sents[..sents.len().min(1000)].join("\n"))?;
        let ns = (n_spout * 7 / len).max(50);
        out.push(spout_scenario(
            "length",
            format!("spout/length-{len}"),
            len as f64,
            ns,
            false,
            Some(&file),
            &sents[..sents.len().min(1000)],
        ));
    }

    // Distinct words: the count bolt's map and its memory.
    let max_distinct = env_usize("BENCH_MAX_DISTINCT", if q { 10_000 } else { 1_000_000 });
    let mut d = env_usize("BENCH_MIN_DISTINCT", 1_000);
    while d <= max_distinct {
        let n = n_count.max(d);
        // A multiplicative walk over the vocabulary, so new words keep arriving all run long.
        let words: Vec<String> = (0..n)
            .map(|i| format!("w{}", (i as u64 * 2_654_435_761) % d as u64))
            .collect();
        out.push(count_scenario(
            "distinct",
            format!("count/distinct-{d}"),
            d as f64,
            &words,
        ));
        d *= 10;
    }
    Ok(out)
}

fn main() -> io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let raw = root.join("results/raw");
    fs::create_dir_all(&raw)?;
    let reps = env_usize("BENCH_REPS", if quick() { 3 } else { 5 });
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let python = python_exe();
    // BENCH_OUT: somewhere else than the report's input (profiling runs must not replace it).
    let out_path = std::env::var_os("BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| raw.join("components.jsonl"));
    // BENCH_APPEND=1 adds to the file (a second invocation for a slow row).
    let mut out = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .truncate(false)
        .open(&out_path)?;
    if std::env::var_os("BENCH_APPEND").is_none() {
        out.set_len(0)?;
    }
    let all = scenarios(&raw)?;
    for sc in all.iter().filter(|s| s.name.contains(&only)) {
        // Per process: two runs at once must not share the floor's answers.
        let answers = raw.join(format!("floor-answers-{}.bin", std::process::id()));
        fs::write(&answers, &sc.answers)?;
        let mut outputs = Vec::new();
        for rep in 0..reps {
            // Alternate the order too, so neither variant always runs first after a pause.
            let order = if rep % 2 == 0 {
                [Variant::Rust, Variant::Python, Variant::Floor]
            } else {
                [Variant::Python, Variant::Floor, Variant::Rust]
            };
            // BENCH_VARIANTS=rust,floor (profiling): leave the others out.
            let wanted = std::env::var("BENCH_VARIANTS").unwrap_or_default();
            for v in order
                .into_iter()
                .filter(|v| wanted.is_empty() || wanted.contains(v.name()))
            {
                // shell-sim's drivers wait without a timeout: a watchdog ends a stuck run.
                let (done, wait) = std::sync::mpsc::channel::<()>();
                let what = format!("{} {}", sc.name, v.name());
                std::thread::spawn(move || {
                    if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                        wait.recv_timeout(Duration::from_secs(900))
                    {
                        eprintln!("{what}: no progress in 15 minutes, giving up");
                        std::process::exit(2);
                    }
                });
                let rec = run_once(sc, v, &python, &answers);
                let _ = done.send(());
                let mut rec =
                    rec.map_err(|e| io::Error::other(format!("{} {}: {e}", sc.name, v.name())))?;
                rec["rep"] = json!(rep);
                outputs.push((v, rec["outputs"].as_u64().unwrap_or(0)));
                eprintln!(
                    "{:<26} {:<6} rep {rep}: {:>12.0} tuples/s  {:>8.1} ms  rss {:>7} KiB  cpu {:.2} s  start {:.1} ms",
                    sc.name,
                    v.name(),
                    rec["tuples_per_s"].as_f64().unwrap_or(0.0),
                    rec["secs"].as_f64().unwrap_or(0.0) * 1e3,
                    rec["rss_kb"],
                    rec["cpu_s"].as_f64().unwrap_or(0.0),
                    rec["startup_ms"].as_f64().unwrap_or(0.0),
                );
                writeln!(out, "{rec}")?;
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        // Same inputs, same amount of output, or the comparison means nothing.
        let first = outputs[0].1;
        if let Some((v, n)) = outputs.iter().find(|(_, n)| *n != first) {
            return Err(io::Error::other(format!(
                "{}: {} emitted {n} tuples, {} emitted {first}",
                sc.name,
                v.name(),
                outputs[0].0.name()
            )));
        }
    }
    let _ = fs::remove_file(raw.join(format!("floor-answers-{}.bin", std::process::id())));
    eprintln!("wrote {}", out_path.display());
    Ok(())
}
