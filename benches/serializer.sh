#!/usr/bin/env bash
# The JVM side's comparison in one run on one LocalCluster: the native word count under each
# bridge - Storm's ShellSpout/ShellBolt (stock), storm-native's host (+host) and the components
# inside the worker (+inproc) - with Storm's JSON serializer or the binary one (+smb1), against
# the pure-Java topology, runs alternated (benches/e2e, bench.E2E). Saturated (max spout pending
# 1000: throughput, and the latency that much queueing gives), then light traffic (max spout
# pending 1: one sentence in flight, the latency of a lone sentence), then a second workload:
# split-bolt's Unicode word mode over real text (benches/corpus.sh: Debian's German and Russian
# fortunes) against a Java bolt splitting with java.text.BreakIterator (+words).
# Variants: java, rust, rustbolts (the Java spout with the Rust bolts), python, each with +
# modifiers: host, inproc, smb1, words, batchN (sentence-spout --batch N), pipeN (the host
# spout's pipeline), flushN (SMB1's flush window under ShellBolt). An empty SER_*VARIANTS skips
# that part.
#
#   benches/serializer.sh                     3 reps, shape 1/4/4 (about 25 minutes on 2 cores)
#   SER_REPS=1 SER_MEASURE=5 benches/serializer.sh   smoke run
#
# Raw lines: benches/results/raw/serializer.jsonl (gitignored); the tables go to stdout and to
# benches/results/serializer.md, headed by the commit, date and machine they were measured on.
set -euo pipefail
cd "$(dirname "$0")/.."
raw=benches/results/raw
mkdir -p "$raw"
reps=${SER_REPS:-3}
warmup=${SER_WARMUP:-6}
measure=${SER_MEASURE:-10}
variants=${SER_VARIANTS-java,rust,rust+smb1,rust+host,rust+host+smb1,rust+inproc,python,python+host}
light_variants=${SER_LIGHT_VARIANTS-java,rust,rust+host,rust+host+smb1,rust+inproc}
words_variants=${SER_WORDS_VARIANTS-java+words,rust+host+smb1+words,rust+inproc+words}
corpus=$PWD/$raw/corpus.txt

cargo xtask dist
# the Python variants run the sample's scripts on Storm's own storm.py (from its Maven artifact)
[[ "$variants,$light_variants" != *python* ]] || cargo xtask storm-py
[ -z "$words_variants" ] || benches/corpus.sh "$corpus"
# The bench and the library it runs (storm-native: components, BinarySerializer) in the root
# reactor: cp.txt then names storm-native/target/classes, never a copy in ~/.m2.
mvn -B -q -pl benches/e2e -am compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
rm -rf benches/e2e/target/classes/resources
cp -a multilang/resources benches/e2e/target/classes/resources
rm -rf benches/e2e/target/classes/resources/__pycache__
cp="benches/e2e/target/classes:$(cat benches/e2e/target/cp.txt)"
out=$raw/serializer.jsonl
rm -f "$out"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
run() {
  java -Xmx2g -Djava.security.manager=allow -cp "$cp" bench.E2E out="$out" \
    reps="$reps" warmup="$warmup" measure="$measure" inputs=sample shapes=1/4/4 "$@" \
    2>>"$raw/serializer-stderr.log"
}
[ -z "$variants" ] || run variants="$variants" pending=1000
[ -z "$light_variants" ] || run variants="$light_variants" pending=1
[ -z "$words_variants" ] || run variants="$words_variants" pending=1000 inputs=corpus corpus="$corpus"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

header=$(cargo xtask provenance benches/serializer.sh)
python3 - "$out" "$header" "$(cut -d' ' -f1-3 /proc/loadavg)" "$reps" "$warmup" "$measure" <<'EOF' | tee benches/results/serializer.md
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
header, load, reps, warmup, measure = sys.argv[2:7]
med = lambda xs: statistics.median(xs) if xs else float("nan")

def bridge(v):
    mods = v.split("+")[1:]
    if v.startswith("java"):
        return "- (pure Java)"
    if "inproc" in mods:
        return "inproc (InProcessSpout/Bolt)"
    if "host" in mods:
        return "host (MultilangSpout/Bolt)"
    return "stock (ShellSpout/ShellBolt)"

def serializer(v):
    mods = v.split("+")[1:]
    if v.startswith("java") or "inproc" in mods:
        return "-"
    return "SMB1" if "smb1" in mods else "JSON"

print(header)
print("# The bridges against pure Java (generated)\n")
print(f"`benches/serializer.sh`: {reps} alternated runs per variant ({warmup} s warm-up, {measure} s")
print("measured), one LocalCluster, shape 1/4/4 (spout, split, count), reliable, acking on; medians.")
print(f"Load average after the run: {load}. CPU is this JVM's and its children's per acked sentence")
print("(the JVM's share in brackets); RSS is the JVM's (the worker, in local mode: it also holds the")
print("cluster) and its children's at the end of a run; first ack: seconds from submit to the first")
print("sentence acked.\n")
sections = [
    ("sample", 1000, "Saturated (max spout pending 1000), the sample's five sentences"),
    ("sample", 1, "One sentence in flight (max spout pending 1)"),
    ("corpus", 1000, "Unicode words over real text (German and Russian fortunes), saturated"),
]
for inp, pending, title in sections:
    rs = [r for r in rows if r["pending"] == pending and r["input"] == inp]
    if not rs:
        continue
    order = list(dict.fromkeys(r["variant"] for r in rs))
    java = med([r["sentences_per_s"] for r in rs if r["variant"].startswith("java")])
    print(f"## {title}\n")
    print("| variant | bridge | serializer | sentences/s | ÷ java | p50 / p99 (ms) | CPU µs per sentence (JVM) | first ack (s) | RSS MiB JVM + children | fails | n |")
    print("|---|---|---|---:|---:|---|---|---:|---|---:|---:|")
    for v in order:
        vr = [r for r in rs if r["variant"] == v]
        sps = med([r["sentences_per_s"] for r in vr])
        cpu = med([r["cpu_us_per_sentence"] for r in vr])
        jvm = med([r["cpu_jvm_s"] / r["cpu_s"] * r["cpu_us_per_sentence"] for r in vr if r["cpu_s"] > 0])
        p50 = med([r["lat_p50_ms"] for r in vr])
        p99 = med([r["lat_p99_ms"] for r in vr])
        first = med([r["first_ack_s"] for r in vr])
        rss_jvm = med([r.get("jvm_rss_kb", -1) for r in vr]) / 1024
        rss_kids = med([r["children_rss_kb"] for r in vr]) / 1024
        fails = sum(r["fails"] for r in vr)
        print(f"| {v} | {bridge(v)} | {serializer(v)} | {sps:,.0f} | {sps / java:.2f} | {p50:g} / {p99:g} | "
              f"{cpu:,.0f} ({jvm:,.0f}) | {first:.1f} | {rss_jvm:,.0f} + {rss_kids:,.0f} | {fails} | {len(vr)} |")
    print()
EOF
