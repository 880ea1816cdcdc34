#!/usr/bin/env bash
# Where an end-to-end run's CPU goes, per variant: the native word count (1/4/4, reliable) on a
# LocalCluster (bench.E2E), e.g. with JSON and with SMB1; once it is warm, perf samples the native
# children and, separately, the LocalCluster JVM for PROF_SECS seconds, and counts context
# switches. Prints, per variant, the children's top symbols (self time, all children together,
# kernel included) and the JVM's split between the kernel, the JVM's own code and JIT-compiled
# Java, by thread. A variant without children (java) gets the JVM part only.
#
#   benches/profile-children.sh                                  (after benches/serializer.sh)
#   PROF_VARIANTS="rust+smb1+batch50 java" benches/profile-children.sh
#
# Writes benches/results/raw/profile-children/*.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$PWD/benches/results/raw/profile-children
mkdir -p "$out"
secs=${PROF_SECS:-10}
# storm-native (the components, BinarySerializer) is in cp.txt (benches/serializer.sh writes it)
cp="benches/e2e/target/classes:$(cat benches/e2e/target/cp.txt)"
rep() { perf report -i "$1" --stdio --no-children "${@:2}" 2>/dev/null | grep -v '^#' | grep -v '^$'; }
for variant in ${PROF_VARIANTS:-rust rust+smb1}; do
  tag=${variant//+/-}
  java -Xmx2g -Djava.security.manager=allow -cp "$cp" bench.E2E out="$out/$tag.jsonl" \
    variants="$variant" shapes=1/4/4 reps=1 warmup=12 measure=$((secs + 8)) >/dev/null 2>"$out/$tag-stderr.log" &
  jvm=$!
  want=9
  [[ $variant == java* ]] && want=0
  pids=
  for _ in $(seq 120); do
    pids=$(pgrep -d, -f 'resources/(sentence-spout|split-bolt|count-bolt)$' || true)
    [ "$(tr ',' '\n' <<<"$pids" | grep -c .)" -ge "$want" ] && break
    sleep 1
  done
  sleep 14 # warm-up, inside E2E's own warm-up and into its measured window
  perfs=()
  if [ -n "$pids" ]; then
    perf record -q -F 999 -o "$out/$tag.data" -p "$pids" -- sleep "$secs" 2>/dev/null &
    perfs+=($!)
  fi
  perf record -q -F 999 -o "$out/$tag-jvm.data" -p "$jvm" -- sleep "$secs" 2>/dev/null &
  perfs+=($!)
  perf stat -x, -e task-clock,context-switches -p "$jvm${pids:+,$pids}" -- sleep "$secs" 2>"$out/$tag-stat.csv"
  wait "${perfs[@]}"
  wait "$jvm"
  {
    echo "== $variant: $(tail -1 "$out/$tag.jsonl")"
    echo "-- JVM and children together, $secs s (perf stat: value,unit,event,...)"
    cat "$out/$tag-stat.csv"
    if [ -n "$pids" ]; then
      echo "-- children: samples by process"
      rep "$out/$tag.data" --sort comm | head -5
      echo "-- children: kernel vs the binaries' own code"
      rep "$out/$tag.data" --sort dso | head -5
      echo "-- children: top symbols (self)"
      rep "$out/$tag.data" --sort sym --percent-limit 0.4 | head -40
    fi
    echo "-- JVM: kernel, libjvm, JIT code ([unknown] or perf-*.map), libc"
    rep "$out/$tag-jvm.data" --sort dso | head -8
    echo "-- JVM: samples by thread"
    rep "$out/$tag-jvm.data" --sort comm | head -14
    echo "-- JVM: top kernel symbols"
    rep "$out/$tag-jvm.data" --sort sym --dsos '[kernel.kallsyms]' --percent-limit 1 | head -15
  } | tee "$out/$tag.txt"
  rm -f "$out/$tag.data" "$out/$tag-jvm.data"
done
