//! Turns `benches/results/raw/{components,e2e}.jsonl` into `benches/results/RESULTS.md` and
//! SVG charts (drawn here, no plotting library). Every figure is a median over the runs.
//! With `BENCH_QUICK` set they go to `benches/results/raw/quick/` instead (not committed).
//!
//! Usage: `cargo run --release -p benches --bin report`

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use serde_json::Value;

fn load(path: &Path) -> Vec<Value> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Median of `field` over the records matching `pred`, and how many there were.
fn med(recs: &[Value], field: &str, pred: impl Fn(&Value) -> bool) -> (f64, usize) {
    let v: Vec<f64> = recs
        .iter()
        .filter(|r| pred(r))
        .filter_map(|r| r[field].as_f64())
        .collect();
    let n = v.len();
    (median(v), n)
}

fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let r = x.round() as i64;
    if x.abs() >= 1000.0 {
        let s = r.abs().to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if r < 0 {
            out.insert(0, '-');
        }
        out
    } else if x.abs() >= 10.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn ratio(a: f64, b: f64) -> String {
    if a.is_finite() && b.is_finite() && b > 0.0 {
        format!("{:.1}×", a / b)
    } else {
        "–".into()
    }
}

const COLORS: [(&str, &str); 5] = [
    ("rust", "#d9480f"),
    ("python", "#1c7ed6"),
    ("floor", "#868e96"),
    ("java", "#2b8a3e"),
    ("rustbolts", "#f59f00"),
];

fn color(series: &str) -> &'static str {
    COLORS
        .iter()
        .find(|(s, _)| *s == series)
        .map(|(_, c)| *c)
        .unwrap_or("#495057")
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Horizontal grouped bars on a log axis: `groups` of (series, value).
fn bar_chart(title: &str, unit: &str, groups: &[(String, Vec<(String, f64)>)]) -> String {
    let bar_h = 16.0;
    let gap = 10.0;
    let left = 260.0;
    let width = 520.0;
    let top = 50.0;
    let rows: usize = groups.iter().map(|g| g.1.len()).sum();
    let height = top + rows as f64 * bar_h + groups.len() as f64 * gap + 40.0;
    let vals: Vec<f64> = groups
        .iter()
        .flat_map(|g| g.1.iter().map(|s| s.1))
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    let lo = 10f64.powf(
        vals.iter()
            .cloned()
            .fold(f64::MAX, f64::min)
            .log10()
            .floor(),
    );
    let hi = 10f64.powf(vals.iter().cloned().fold(1.0, f64::max).log10().ceil());
    let x = |v: f64| left + width * (v.max(lo).log10() - lo.log10()) / (hi.log10() - lo.log10());
    let mut s = String::new();
    let total_w = left + width + 110.0;
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{height}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/><text x="10" y="20" font-size="15" font-weight="bold">{}</text><text x="10" y="38" fill="#555">{} (log scale; median of the runs)</text>"##,
        esc(title),
        esc(unit)
    );
    let mut d = lo;
    while d <= hi * 1.0001 {
        let xx = x(d);
        let _ = write!(
            s,
            r##"<line x1="{xx}" y1="{top}" x2="{xx}" y2="{}" stroke="#ddd"/><text x="{xx}" y="{}" text-anchor="middle" fill="#555">{}</text>"##,
            height - 30.0,
            height - 15.0,
            fmt_num(d)
        );
        d *= 10.0;
    }
    let mut y = top;
    for (g, series) in groups {
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" text-anchor="end" font-weight="bold">{}</text>"##,
            left - 80.0,
            y + bar_h * series.len() as f64 / 2.0 + 4.0,
            esc(g)
        );
        for (name, v) in series {
            let w = if v.is_finite() { x(*v) - left } else { 0.0 };
            let _ = write!(
                s,
                r##"<text x="{}" y="{}" text-anchor="end" fill="#333">{}</text><rect x="{left}" y="{}" width="{w:.1}" height="{}" fill="{}"/><text x="{}" y="{}">{}</text>"##,
                left - 6.0,
                y + bar_h - 4.0,
                esc(name),
                y + 1.0,
                bar_h - 2.0,
                color(name),
                left + w + 4.0,
                y + bar_h - 4.0,
                fmt_num(*v)
            );
            y += bar_h;
        }
        y += gap;
    }
    s.push_str("</svg>\n");
    s
}

/// Lines on log-log axes: series of (x, y) points.
fn line_chart(
    title: &str,
    xlabel: &str,
    ylabel: &str,
    series: &[(String, Vec<(f64, f64)>)],
) -> String {
    let (left, top, w, h) = (80.0, 50.0, 520.0, 300.0);
    let pts: Vec<(f64, f64)> = series
        .iter()
        .flat_map(|s| s.1.iter().cloned())
        .filter(|p| p.0 > 0.0 && p.1 > 0.0 && p.1.is_finite())
        .collect();
    if pts.is_empty() {
        return String::new();
    }
    let lx = |f: fn(f64, f64) -> f64, init: f64, sel: fn(&(f64, f64)) -> f64| {
        pts.iter().map(sel).fold(init, f)
    };
    let x0 = 10f64.powf(lx(f64::min, f64::MAX, |p| p.0).log10().floor());
    let x1 = 10f64.powf(lx(f64::max, 0.0, |p| p.0).log10().ceil());
    let y0 = 10f64.powf(lx(f64::min, f64::MAX, |p| p.1).log10().floor());
    let y1 = 10f64.powf(lx(f64::max, 0.0, |p| p.1).log10().ceil());
    let px = |v: f64| left + w * (v.log10() - x0.log10()) / (x1.log10() - x0.log10());
    let py = |v: f64| top + h - h * (v.log10() - y0.log10()) / (y1.log10() - y0.log10());
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/><text x="10" y="20" font-size="15" font-weight="bold">{}</text><text x="10" y="38" fill="#555">{} (log-log; median of the runs)</text>"##,
        left + w + 130.0,
        top + h + 50.0,
        esc(title),
        esc(ylabel)
    );
    let mut d = x0;
    while d <= x1 * 1.0001 {
        let _ = write!(
            s,
            r##"<line x1="{0}" y1="{top}" x2="{0}" y2="{1}" stroke="#ddd"/><text x="{0}" y="{2}" text-anchor="middle" fill="#555">{3}</text>"##,
            px(d),
            top + h,
            top + h + 16.0,
            fmt_num(d)
        );
        d *= 10.0;
    }
    let mut d = y0;
    while d <= y1 * 1.0001 {
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{0}" x2="{1}" y2="{0}" stroke="#ddd"/><text x="{2}" y="{3}" text-anchor="end" fill="#555">{4}</text>"##,
            py(d),
            left + w,
            left - 6.0,
            py(d) + 4.0,
            fmt_num(d)
        );
        d *= 10.0;
    }
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" text-anchor="middle">{}</text>"##,
        left + w / 2.0,
        top + h + 38.0,
        esc(xlabel)
    );
    for (i, (name, p)) in series.iter().enumerate() {
        let p: Vec<&(f64, f64)> = p
            .iter()
            .filter(|q| q.0 > 0.0 && q.1 > 0.0 && q.1.is_finite())
            .collect();
        let path: Vec<String> = p
            .iter()
            .map(|q| format!("{:.1},{:.1}", px(q.0), py(q.1)))
            .collect();
        let c = color(name);
        let _ = write!(
            s,
            r##"<polyline points="{}" fill="none" stroke="{c}" stroke-width="2"/>"##,
            path.join(" ")
        );
        for q in &p {
            let _ = write!(
                s,
                r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{c}"/>"##,
                px(q.0),
                py(q.1)
            );
        }
        let _ = write!(
            s,
            r##"<rect x="{}" y="{}" width="12" height="12" fill="{c}"/><text x="{}" y="{}">{}</text>"##,
            left + w + 15.0,
            top + 10.0 + 20.0 * i as f64,
            left + w + 32.0,
            top + 20.0 + 20.0 * i as f64,
            esc(name)
        );
    }
    s.push_str("</svg>\n");
    s
}

fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpu
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .unwrap_or("?")
        .trim()
        .to_owned();
    let ncpu = cpu.lines().filter(|l| l.starts_with("processor")).count();
    let mem = fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("MemTotal"))
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|v| v.parse::<f64>().ok())
        })
        .unwrap_or(0.0);
    format!("{ncpu} CPUs ({model}), {:.0} GiB memory", mem / 1048576.0)
}

fn main() -> io::Result<()> {
    let results = Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
    let raw = results.join("raw");
    // A smoke run (BENCH_QUICK) must not overwrite the committed report: it goes under raw/.
    let quick = std::env::var("BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let root = if quick {
        raw.join("quick")
    } else {
        results.clone()
    };
    fs::create_dir_all(&root)?;
    let comp = load(&raw.join("components.jsonl"));
    let e2e = load(&raw.join("e2e.jsonl"));
    let mut md = String::new();
    let notes = fs::read_to_string(raw.join("machine.txt")).unwrap_or_default();
    // The header line run.sh took at its start (`cargo xtask provenance`): the commit, date and
    // machine of the run, first, in the form every generated results file starts with.
    let provenance = fs::read_to_string(raw.join("provenance.txt")).unwrap_or_default();
    if !provenance.trim().is_empty() {
        let _ = writeln!(md, "{}", provenance.trim());
    }
    let _ = writeln!(md, "# Word count: Rust vs Python (storm.py) vs Java\n");
    let _ = writeln!(
        md,
        "Generated by `benches/run.sh` (then `cargo run --release -p benches --bin report`). Machine: {}.\n{}\nEvery figure is the median over the runs (n = runs per cell); runs alternate between variants.\n",
        machine(),
        notes.trim()
    );

    // Component level.
    let scen: Vec<String> = {
        let mut seen = Vec::new();
        for r in &comp {
            let s = r["scenario"].as_str().unwrap_or_default().to_owned();
            if !seen.contains(&s) {
                seen.push(s);
            }
        }
        seen
    };
    let get =
        |sc: &str, v: &str, f: &str| med(&comp, f, |r| r["scenario"] == sc && r["variant"] == v);
    if !comp.is_empty() {
        let _ = writeln!(
            md,
            "## Component level (shell-sim plays Storm's JVM side)\n"
        );
        let _ = writeln!(md, "Tuples/s: sentences for spout and split, words for count. Floor: a child that writes pre-computed answers (the same bytes) — pipes plus driver. Reproduce one row: `BENCH_ONLY=<scenario> cargo run --release -p benches --bin compare` (after `cargo xtask dist && cargo xtask storm-py`).\n");
        let _ = writeln!(md, "| scenario | Rust tuples/s | Python tuples/s | floor tuples/s | Rust ÷ Python | Rust ÷ floor | child CPU per tuple Rust / Python (µs) | CPU Python ÷ Rust | peak RSS Rust / Python (MiB) | launch→pid Rust / Python (ms) | n |");
        let _ = writeln!(
            md,
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for sc in &scen {
            let (r, n) = get(sc, "rust", "tuples_per_s");
            let (p, _) = get(sc, "python", "tuples_per_s");
            let (f, _) = get(sc, "floor", "tuples_per_s");
            let rss = |v| get(sc, v, "rss_kb").0 / 1024.0;
            let st = |v| get(sc, v, "startup_ms").0;
            let cpu = |v: &str| {
                let inputs = comp
                    .iter()
                    .find(|r| r["scenario"] == sc.as_str())
                    .and_then(|r| r["inputs"].as_f64())
                    .unwrap_or(1.0);
                get(sc, v, "cpu_s").0 * 1e6 / inputs
            };
            let _ = writeln!(
                md,
                "| `{sc}` | {} | {} | {} | **{}** | {} | {:.2} / {:.0} | **{}** | {:.1} / {:.1} | {:.1} / {:.0} | {n} |",
                fmt_num(r),
                fmt_num(p),
                fmt_num(f),
                ratio(r, p),
                ratio(r, f),
                cpu("rust"),
                cpu("python"),
                ratio(cpu("python"), cpu("rust")),
                rss("rust"),
                rss("python"),
                st("rust"),
                st("python"),
            );
        }
        let _ = writeln!(md, "\nChild CPU: `/proc/<pid>/schedstat` (ns on a CPU) from after the handshake to the end of the run, per input tuple. It hardly depends on how busy the machine is, unlike wall-clock throughput: on a loaded machine it is the steadier comparison.\n");
        // Chart: the sample and corpus scenarios.
        let groups: Vec<(String, Vec<(String, f64)>)> = scen
            .iter()
            .filter(|s| s.ends_with("/sample") || s.ends_with("/corpus"))
            .map(|sc| {
                (
                    sc.clone(),
                    ["rust", "python", "floor"]
                        .iter()
                        .map(|v| (v.to_string(), get(sc, v, "tuples_per_s").0))
                        .collect(),
                )
            })
            .collect();
        fs::write(
            root.join("components.svg"),
            bar_chart(
                "Component throughput: Rust vs Python (storm.py) vs I/O floor",
                "tuples per second",
                &groups,
            ),
        )?;
        let _ = writeln!(md, "![component throughput](components.svg)\n");
        let cpu_groups: Vec<(String, Vec<(String, f64)>)> = scen
            .iter()
            .filter(|s| s.ends_with("/sample") || s.ends_with("/corpus"))
            .map(|sc| {
                let inputs = comp
                    .iter()
                    .find(|r| r["scenario"] == sc.as_str())
                    .and_then(|r| r["inputs"].as_f64())
                    .unwrap_or(1.0);
                (
                    sc.clone(),
                    ["rust", "python"]
                        .iter()
                        .map(|v| (v.to_string(), get(sc, v, "cpu_s").0 * 1e6 / inputs))
                        .collect(),
                )
            })
            .collect();
        fs::write(
            root.join("components-cpu.svg"),
            bar_chart(
                "Component CPU per tuple: Rust vs Python (storm.py)",
                "child CPU microseconds per input tuple (lower is better)",
                &cpu_groups,
            ),
        )?;
        let _ = writeln!(md, "![component CPU per tuple](components-cpu.svg)\n");

        // Sentence length.
        let series = |prefix: &str, field: &str, vs: &[&str]| -> Vec<(String, Vec<(f64, f64)>)> {
            vs.iter()
                .map(|v| {
                    let mut pts = BTreeMap::new();
                    for r in comp.iter().filter(|r| {
                        r["variant"] == *v
                            && r["scenario"]
                                .as_str()
                                .is_some_and(|s| s.starts_with(prefix))
                    }) {
                        pts.entry((r["x"].as_f64().unwrap_or(0.0) * 1000.0) as i64)
                            .or_insert_with(Vec::new)
                            .push(r[field].as_f64().unwrap_or(f64::NAN));
                    }
                    (
                        v.to_string(),
                        pts.into_iter()
                            .map(|(x, ys)| (x as f64 / 1000.0, median(ys)))
                            .collect(),
                    )
                })
                .collect()
        };
        let len = series("split/length-", "words_per_s", &["rust", "python", "floor"]);
        if !len[0].1.is_empty() {
            fs::write(
                root.join("length.svg"),
                line_chart(
                    "split: words per second against sentence length",
                    "words per sentence",
                    "words per second",
                    &len,
                ),
            )?;
            let sl = series("spout/length-", "words_per_s", &["rust", "python", "floor"]);
            fs::write(
                root.join("length-spout.svg"),
                line_chart(
                    "spout: words per second against sentence length",
                    "words per sentence",
                    "words per second (in emitted sentences)",
                    &sl,
                ),
            )?;
            let _ = writeln!(md, "### Sentence length\n\n![split against length](length.svg)\n![spout against length](length-spout.svg)\n");
            let _ = writeln!(md, "| words per sentence | split Rust words/s | split Python words/s | ratio | spout Rust words/s | spout Python words/s | ratio |");
            let _ = writeln!(md, "|---:|---:|---:|---:|---:|---:|---:|");
            for (i, (x, r)) in len[0].1.iter().enumerate() {
                let p = len[1].1.get(i).map(|q| q.1).unwrap_or(f64::NAN);
                let sr = sl[0].1.get(i).map(|q| q.1).unwrap_or(f64::NAN);
                let sp = sl[1].1.get(i).map(|q| q.1).unwrap_or(f64::NAN);
                let _ = writeln!(
                    md,
                    "| {x} | {} | {} | **{}** | {} | {} | **{}** |",
                    fmt_num(*r),
                    fmt_num(p),
                    ratio(*r, p),
                    fmt_num(sr),
                    fmt_num(sp),
                    ratio(sr, sp)
                );
            }
            let _ = writeln!(md);
        }
        let dist = series(
            "count/distinct-",
            "tuples_per_s",
            &["rust", "python", "floor"],
        );
        if !dist[0].1.is_empty() {
            let mem = series("count/distinct-", "rss_kb", &["rust", "python"]);
            let mem: Vec<(String, Vec<(f64, f64)>)> = mem
                .into_iter()
                .map(|(n, p)| (n, p.into_iter().map(|(x, y)| (x, y / 1024.0)).collect()))
                .collect();
            fs::write(
                root.join("distinct.svg"),
                line_chart(
                    "count: words per second against distinct words",
                    "distinct words",
                    "words per second",
                    &dist,
                ),
            )?;
            fs::write(
                root.join("distinct-rss.svg"),
                line_chart(
                    "count: peak RSS against distinct words",
                    "distinct words",
                    "peak RSS (MiB)",
                    &mem,
                ),
            )?;
            let _ = writeln!(md, "### Distinct words (count bolt)\n\n![count against distinct words](distinct.svg)\n![count memory](distinct-rss.svg)\n");
            let _ = writeln!(md, "| distinct words | Rust words/s | Python words/s | ratio | Rust peak RSS (MiB) | Python peak RSS (MiB) |");
            let _ = writeln!(md, "|---:|---:|---:|---:|---:|---:|");
            for (i, (x, r)) in dist[0].1.iter().enumerate() {
                let p = dist[1].1.get(i).map(|q| q.1).unwrap_or(f64::NAN);
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | **{}** | {:.1} | {:.1} |",
                    fmt_num(*x),
                    fmt_num(*r),
                    fmt_num(p),
                    ratio(*r, p),
                    mem[0].1.get(i).map(|q| q.1).unwrap_or(f64::NAN),
                    mem[1].1.get(i).map(|q| q.1).unwrap_or(f64::NAN)
                );
            }
            let _ = writeln!(md);
        }
    }

    // End to end.
    if !e2e.is_empty() {
        let _ = writeln!(
            md,
            "## End to end (LocalCluster, Storm 2.8.4, one worker, acking on)\n"
        );
        let _ = writeln!(md, "Spout → split (shuffle) → count (fields on word); reliable spout, `topology.max.spout.pending` {}; complete latency from every spout ack (sample rate 1.0); CPU = JVM + children from /proc. `rustbolts` = Java spout with the Rust bolts. Shape = spout/split/count parallelism.\n", e2e[0]["pending"]);
        let _ = writeln!(md, "| input | shape | variant | sentences/s | words/s | vs Python | vs Java | complete latency p50 / p99 (ms) | CPU cores used | CPU µs per sentence (JVM share) | children RSS (MiB) | n |");
        let _ = writeln!(
            md,
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        let mut keys: Vec<(String, String)> = Vec::new();
        for r in &e2e {
            let k = (
                r["input"].as_str().unwrap_or("").to_owned(),
                r["shape"].as_str().unwrap_or("").to_owned(),
            );
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        let mut groups = Vec::new();
        for (input, shape) in &keys {
            let g = |v: &str, f: &str| {
                med(&e2e, f, |r| {
                    r["input"] == input.as_str()
                        && r["shape"] == shape.as_str()
                        && r["variant"] == v
                })
            };
            let py = g("python", "sentences_per_s").0;
            let java = g("java", "sentences_per_s").0;
            let mut bars = Vec::new();
            for v in ["rust", "rustbolts", "python", "java"] {
                let (s, n) = g(v, "sentences_per_s");
                if n == 0 {
                    continue;
                }
                let jvm = g(v, "cpu_jvm_s").0 / g(v, "cpu_s").0;
                let _ = writeln!(
                    md,
                    "| {input} | {shape} | {v} | {} | {} | {} | {} | {} / {} | {:.2} | {} ({:.0} %) | {:.0} | {n} |",
                    fmt_num(s),
                    fmt_num(g(v, "words_per_s").0),
                    ratio(s, py),
                    ratio(s, java),
                    fmt_num(g(v, "lat_p50_ms").0),
                    fmt_num(g(v, "lat_p99_ms").0),
                    g(v, "cpu_cores").0,
                    fmt_num(g(v, "cpu_us_per_sentence").0),
                    jvm * 100.0,
                    g(v, "children_rss_kb").0 / 1024.0,
                );
                bars.push((v.to_string(), s));
            }
            groups.push((format!("{input} {shape}"), bars));
        }
        fs::write(
            root.join("e2e.svg"),
            bar_chart(
                "End to end on a LocalCluster: sentences per second",
                "acked sentences per second",
                &groups,
            ),
        )?;
        let _ = writeln!(md, "\n![end to end](e2e.svg)\n");
        // Parallelism (sample input, shapes 1/p/p).
        let par: Vec<(String, Vec<(f64, f64)>)> = ["rust", "python", "java"]
            .iter()
            .map(|v| {
                let mut pts = Vec::new();
                for p in [1, 2, 4] {
                    let shape = format!("1/{p}/{p}");
                    let (s, n) = med(&e2e, "sentences_per_s", |r| {
                        r["input"] == "sample" && r["shape"] == shape.as_str() && r["variant"] == *v
                    });
                    if n > 0 {
                        pts.push((p as f64, s));
                    }
                }
                (v.to_string(), pts)
            })
            .collect();
        if par.iter().any(|s| s.1.len() > 1) {
            fs::write(
                root.join("parallelism.svg"),
                line_chart(
                    "End to end: sentences per second against split/count parallelism",
                    "tasks of split and of count",
                    "sentences per second",
                    &par,
                ),
            )?;
            let _ = writeln!(md, "![parallelism](parallelism.svg)\n");
        }
    }
    fs::write(root.join("RESULTS.md"), &md)?;
    println!("{md}");
    eprintln!("wrote {}", root.join("RESULTS.md").display());
    Ok(())
}
