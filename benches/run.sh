#!/usr/bin/env bash
# One command for all the comparisons: component level (Rust vs Python vs I/O floor, driven by
# shell-sim), end to end on a LocalCluster (Rust vs Python vs Java), then the report
# (benches/results/RESULTS.md, whose first line gives the commit, date and machine, and SVG
# charts). Raw data: benches/results/raw/ (gitignored).
#
#   benches/run.sh                 full run (about an hour on 2 busy cores)
#   BENCH_QUICK=1 benches/run.sh   smoke run (a few minutes)
#
# Also: BENCH_SKIP_COMPONENTS=1, BENCH_SKIP_E2E=1, BENCH_REPS (component runs per cell, default 5),
# BENCH_E2E_REPS (default 3), BENCH_REPS_1M (the million-distinct-words row, default 3),
# BENCH_ONLY (component scenarios whose name contains it).
set -euo pipefail
cd "$(dirname "$0")/.."
raw=benches/results/raw
mkdir -p "$raw"
quick=${BENCH_QUICK:-}

cargo xtask dist
cargo xtask storm-py
python=$(python3 -c 'import sys; print(sys.executable)')
corpus=$PWD/$raw/corpus.txt
benches/corpus.sh "$corpus" || { echo "no corpus (apt-get download failed): real-text rows skipped" >&2; corpus=; }

# The header line of the report: the commit, date and machine of this run.
cargo xtask provenance benches/run.sh > "$raw/provenance.txt"
{
  echo "Run started $(date -u +%Y-%m-%dT%H:%MZ), load average before: $(cut -d' ' -f1-3 /proc/loadavg); quick=${quick:-0}."
  echo "Python: $($python --version 2>&1) ($python); Java: $(java -version 2>&1 | head -1); rustc: $(rustc --version)."
  [ -n "$corpus" ] && echo "Corpus: Debian fortunes-de + fortunes-ru (GPL-2+), $(wc -l < "$corpus") sentences, $(wc -w < "$corpus") words."
  echo "Built from git commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates benches/src benches/e2e/src Cargo.lock Cargo.toml || echo ', with uncommitted changes')."
} > "$raw/machine.txt"

cargo build --release -p benches --bins
if [ -z "${BENCH_SKIP_COMPONENTS:-}" ]; then
  if [ -n "$quick" ]; then
    BENCH_CORPUS=${corpus} target/release/compare
  else
    # The million-distinct-words row (a million Python round trips a run) comes after the e2e.
    BENCH_CORPUS=${corpus} BENCH_MAX_DISTINCT=100000 target/release/compare
  fi
fi

if [ -z "${BENCH_SKIP_E2E:-}" ]; then
  # In the root reactor, with the library it runs (storm-native): cp.txt names its target/classes.
  mvn -B -q -pl benches/e2e -am compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
  # The resources dir goes on the classpath as a directory; cp -a keeps the exec bits.
  rm -rf benches/e2e/target/classes/resources
  cp -a multilang/resources benches/e2e/target/classes/resources
  rm -rf benches/e2e/target/classes/resources/__pycache__
  cp="benches/e2e/target/classes:$(cat benches/e2e/target/cp.txt)"
  rm -f "$raw/e2e.jsonl"
  if [ -n "$quick" ]; then
    common=(reps=${BENCH_E2E_REPS:-1} warmup=3 measure=5)
    shapes=1/4/4,1/1/1
  else
    common=(reps=${BENCH_E2E_REPS:-3} warmup=6 measure=10)
    shapes=1/4/4,1/2/2,1/1/1
  fi
  java -Xmx2g -Djava.security.manager=allow -cp "$cp" bench.E2E out="$raw/e2e.jsonl" python="$python" "${common[@]}" 2>>"$raw/e2e-stderr.log" \
    inputs=sample shapes=$shapes variants=rust,python,java,rustbolts
  if [ -n "$corpus" ]; then
    java -Xmx2g -Djava.security.manager=allow -cp "$cp" bench.E2E out="$raw/e2e.jsonl" python="$python" "${common[@]}" 2>>"$raw/e2e-stderr.log" \
      inputs=corpus corpus="$corpus" shapes=1/4/4 variants=rust,python,java
  fi
fi
if [ -z "${BENCH_SKIP_COMPONENTS:-}" ] && [ -z "$quick" ]; then
  BENCH_APPEND=1 BENCH_MIN_DISTINCT=1000000 BENCH_MAX_DISTINCT=1000000 BENCH_ONLY=count/distinct \
    BENCH_REPS=${BENCH_REPS_1M:-3} target/release/compare
fi
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)." >> "$raw/machine.txt"
target/release/report > /dev/null
if [ -n "$quick" ]; then
  echo "wrote benches/results/raw/quick/RESULTS.md (a smoke run leaves the committed report alone)"
else
  echo "wrote benches/results/RESULTS.md"
fi
