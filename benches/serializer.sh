#!/usr/bin/env bash
# The JVM side's comparison in one run on one LocalCluster: the native word count under Storm's
# ShellSpout/ShellBolt and under storm-native's host (+host), each with Storm's JSON serializer and
# with the binary one (+smb1), the Python sample under both, against the pure-Java topology, runs
# alternated (benches/e2e, bench.E2E). Saturated (max spout pending 1000: throughput, and the
# latency that much queueing gives), then light traffic (max spout pending 1: one sentence in
# flight, the latency of a lone sentence). Variants: java, rust, rustbolts (the Java spout with
# the Rust bolts), python, each with + modifiers: host, smb1, batchN (sentence-spout --batch N),
# pipeN (the host spout's pipeline), flushN (SMB1's flush window under ShellBolt).
#
#   benches/serializer.sh                     3 reps, shape 1/4/4 (about 20 minutes on 2 cores)
#   SER_REPS=1 SER_MEASURE=5 benches/serializer.sh   smoke run
#
# Raw lines: benches/results/raw/serializer.jsonl (gitignored); the table goes to stdout and to
# benches/results/raw/serializer.md.
set -euo pipefail
cd "$(dirname "$0")/.."
raw=benches/results/raw
mkdir -p "$raw"
reps=${SER_REPS:-3}
warmup=${SER_WARMUP:-6}
measure=${SER_MEASURE:-10}
variants=${SER_VARIANTS:-java,rust,rust+smb1,rust+host,rust+host+smb1,python,python+host}
light_variants=${SER_LIGHT_VARIANTS:-java,rust,rust+smb1,rust+host,rust+host+smb1}

cargo xtask dist
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
run variants="$variants" pending=1000
run variants="$light_variants" pending=1
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$out" <<'EOF' | tee "$raw/serializer.md"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
med = lambda xs: statistics.median(xs) if xs else float("nan")
for pending in sorted({r["pending"] for r in rows}, reverse=True):
    rs = [r for r in rows if r["pending"] == pending]
    order = list(dict.fromkeys(r["variant"] for r in rs))
    java = med([r["sentences_per_s"] for r in rs if r["variant"] == "java"])
    print(f"\nmax spout pending {pending}, shape 1/4/4, medians of n runs\n")
    print("| variant | sentences/s | runs | ÷ java | complete latency p50 / p99 (ms) | CPU µs per sentence (JVM) | fails | n |")
    print("|---|---:|---|---:|---|---|---:|---:|")
    for v in order:
        vr = [r for r in rs if r["variant"] == v]
        sps = med([r["sentences_per_s"] for r in vr])
        runs = " / ".join(f"{r['sentences_per_s']:,.0f}" for r in vr)
        cpu = med([r["cpu_us_per_sentence"] for r in vr])
        jvm = med([r["cpu_jvm_s"] / r["cpu_s"] * r["cpu_us_per_sentence"] for r in vr if r["cpu_s"] > 0])
        p50 = med([r["lat_p50_ms"] for r in vr])
        p99 = med([r["lat_p99_ms"] for r in vr])
        fails = sum(r["fails"] for r in vr)
        print(f"| {v} | {sps:,.0f} | {runs} | {sps / java:.2f} | {p50:g} / {p99:g} | {cpu:,.0f} ({jvm:,.0f}) | {fails} | {len(vr)} |")
EOF
