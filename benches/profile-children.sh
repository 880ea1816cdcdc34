#!/usr/bin/env bash
# The Rust side of an end-to-end run, per encoding: the native word count (1/4/4, reliable) on a
# LocalCluster (bench.E2E) with JSON and with SMB1; once it is warm, perf samples every native
# child for PROF_SECS seconds. Prints, per encoding, the children's CPU per sentence and their
# top symbols (self time, all children together, kernel included).
#
#   benches/profile-children.sh        (after benches/serializer.sh has built everything)
#
# Writes benches/results/raw/profile-children/*.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$PWD/benches/results/raw/profile-children
mkdir -p "$out"
secs=${PROF_SECS:-10}
cp="benches/e2e/target/classes:java-topology/target/classes:$(cat benches/e2e/target/cp.txt)"
for variant in ${PROF_VARIANTS:-rust rust+smb1}; do
  tag=${variant//+/-}
  java -Xmx2g -Djava.security.manager=allow -cp "$cp" bench.E2E out="$out/$tag.jsonl" \
    variants="$variant" shapes=1/4/4 reps=1 warmup=12 measure=$((secs + 8)) >/dev/null 2>"$out/$tag-stderr.log" &
  e2e=$!
  pids=
  for _ in $(seq 120); do
    pids=$(pgrep -d, -f 'resources/(sentence-spout|split-bolt|count-bolt)$' || true)
    [ "$(tr ',' '\n' <<<"$pids" | grep -c .)" -ge 9 ] && break
    sleep 1
  done
  sleep 14 # warm-up, inside E2E's own warm-up and into its measured window
  perf record -q -F 999 -o "$out/$tag.data" -p "$pids" -- sleep "$secs" 2>/dev/null
  wait "$e2e"
  {
    echo "== $variant: $(tail -1 "$out/$tag.jsonl")"
    echo "-- samples by process"
    perf report -i "$out/$tag.data" --stdio --no-children --sort comm 2>/dev/null | grep -v '^#' | grep -v '^$' | head -5
    echo "-- kernel vs the binaries' own code"
    perf report -i "$out/$tag.data" --stdio --no-children --sort dso 2>/dev/null | grep -v '^#' | grep -v '^$' | head -5
    echo "-- top symbols, all children (self)"
    perf report -i "$out/$tag.data" --stdio --no-children --sort sym --percent-limit 0.4 2>/dev/null |
      grep -v '^#' | grep -v '^$' | head -40
  } | tee "$out/$tag.txt"
  rm -f "$out/$tag.data"
done
