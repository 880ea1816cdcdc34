#!/usr/bin/env bash
# Where the time goes (run after benches/run.sh has built everything and fetched the corpus):
#  1. perf: the Rust split-bolt and count-bolt alone under the shell-sim driver, big inputs,
#     sampled with call graphs; shares per process and the bolts' top symbols.
#  2. perf: Rust and Python runs of split, shares per process (driver vs child).
#  3. cProfile: the Python bolts (BENCH_PY_PROFILE), top functions by own time.
#  4. JFR: the LocalCluster JVM running the Rust topology; samples per thread and top frames
#     (PROF_E2E_VARIANTS, default "rust java"; PROF_E2E_SHAPE, default 1/1/1).
# Writes benches/results/raw/profile/*.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$PWD/benches/results/raw/profile
mkdir -p "$out"
export BENCH_REPS=1
export BENCH_CORPUS=$PWD/benches/results/raw/corpus.txt
# the runs' own lines go here, not over results/raw/components.jsonl (the report's input)
export BENCH_OUT=$out/components.jsonl
rep() { perf report -i "$1" --stdio --no-children -g none "${@:2}" 2>/dev/null | grep -v '^#' | grep -v '^$'; }

for sc in split/corpus count/corpus; do
  tag=${sc%%/*}
  BENCH_VARIANTS=rust BENCH_ONLY=$sc BENCH_N_SPLIT=300000 BENCH_N_COUNT=2000000 \
    perf record -q -F 2999 -g -o "$out/perf-$tag.data" -- target/release/compare 2>"$out/perf-$tag-run.txt"
  rep "$out/perf-$tag.data" --sort comm | head -6 > "$out/perf-$tag-by-comm.txt"
  rep "$out/perf-$tag.data" --comm "$tag-bolt" --sort sym --percentage relative --percent-limit 1 | head -40 > "$out/perf-$tag-rust.txt"
  rm -f "$out/perf-$tag.data"
done
BENCH_VARIANTS=rust,python BENCH_ONLY=split/sample perf record -q -F 999 -g -o "$out/perf-py.data" -- \
  target/release/compare 2>"$out/perf-py-run.txt"
rep "$out/perf-py.data" --sort comm | head -6 > "$out/perf-py-by-comm.txt"
rm -f "$out/perf-py.data"

rm -rf "$out/cprofile" && mkdir -p "$out/cprofile"
for sc in split/sample count/sample; do
  BENCH_VARIANTS=python BENCH_ONLY=$sc BENCH_PY_PROFILE="$out/cprofile" target/release/compare 2>/dev/null
done
for f in "$out"/cprofile/*.prof; do
  python3 -c "import pstats,sys; pstats.Stats(sys.argv[1]).sort_stats('tottime').print_stats(14)" "$f" \
    > "${f%.prof}.txt"
done

if [ -f benches/e2e/target/cp.txt ]; then
  # cp.txt (benches/serializer.sh or run.sh writes it) names storm-native's classes: the
  # components and, for the +smb1 variants, BinarySerializer
  cp="benches/e2e/target/classes:$(cat benches/e2e/target/cp.txt)"
  for v in ${PROF_E2E_VARIANTS:-rust java}; do
    java -XX:StartFlightRecording=filename=$out/e2e-$v.jfr,settings=profile -cp "$cp" bench.E2E \
      out=$out/e2e-profile.jsonl variants=$v shapes=${PROF_E2E_SHAPE:-1/1/1} reps=1 warmup=5 measure=20 >/dev/null 2>&1
    jfr print --events jdk.ExecutionSample "$out/e2e-$v.jfr" > "$out/jfr-samples.txt"
    python3 - "$out/jfr-samples.txt" > "$out/jfr-$v-top.txt" <<'PY'
import collections, re, sys
text = open(sys.argv[1]).read()
top, threads, pkgs = collections.Counter(), collections.Counter(), collections.Counter()
for ev in text.split("jdk.ExecutionSample")[1:]:
    m = re.search(r'sampledThread = "([^"]*)"', ev)
    name = m.group(1) if m else "?"
    threads[re.sub(r"\d+", "N", name)] += 1
    frames = re.findall(r"^\s+([\w$.<>]+)\(.*?\)\s+line:", ev, re.M)
    if frames:
        top[frames[0]] += 1
        # The first Storm or JDK-IO frame that explains the sample.
        for f in frames:
            if f.startswith(("org.apache.storm.multilang", "org.apache.storm.utils.ShellProcess",
                             "org.apache.storm.task.ShellBolt", "org.apache.storm.spout.ShellSpout",
                             "org.json.simple", "java.io.", "sun.nio")):
                pkgs[f.rsplit(".", 1)[0]] += 1
                break
total = sum(threads.values())
print(f"{total} samples by thread:")
for k, v in threads.most_common(12):
    print(f"{100*v/total:5.1f}%  {k}")
print("\nsamples under (first multilang / IO class on the stack):")
for k, v in pkgs.most_common(12):
    print(f"{100*v/total:5.1f}%  {k}")
print("\ntop frames:")
for k, v in top.most_common(25):
    print(f"{100*v/total:5.1f}%  {k}")
PY
    rm -f "$out/jfr-samples.txt"
  done
fi
echo "profiles in $out"
