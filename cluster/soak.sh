# shellcheck shell=bash
# Sourced by test.sh: a bounded soak at full speed (reliable spout, random sentences, no limit) for
# CLUSTER_SOAK_SECS, sampling every native component's anonymous RSS every 10 s; no growth beyond
# noise, no restarted component, no failed tuple, no ERROR in the worker log.
#
# RssAnon (heap, stack, buffers) is what a leak grows; VmRSS also counts the binary's own pages,
# which the kernel maps in and out as code paths are used, so it is logged but not judged.

rss_kb() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
vmrss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

run_soak() {
  say "== soak: $SOAK_SECS s at full speed, 1 worker, reliable spout, anonymous RSS sampled every 10 s"
  local t0 pids p name i t ok=1 lines="" first last grow limit acked0 acked1 tt0 tt1 inf
  submit_tool wc-soak --workers 1 --splits 2 --counters 2 -c wordcount.spout.reliable=true \
    -c topology.stats.sample.rate=1 >"$CL_LOGS/submit-soak.out" 2>&1
  ID=$(topo_id wc-soak)
  check "soak: submitted" test -n "$ID" || { tail -5 "$CL_LOGS/submit-soak.out"; return; }
  up() { (($(count_procs "$ID" sentence-spout) == 1 && $(count_procs "$ID" split-bolt) == 2 && $(count_procs "$ID" count-bolt) == 2)); }
  check "soak: 1 sentence-spout, 2 split-bolt, 2 count-bolt processes" wait_for 120 up || return
  sleep 30 # warm-up: buffers and maps reach their working size
  pids=$(comp_procs "$ID" | sort -k2,2 -k1,1n)
  inf=$(info wc-soak); acked0=$(stat_of sentence-spout acked "$inf"); tt0=$(date +%s)
  : >"$CL_LOGS/soak-rss.tsv"
  for ((t = 0; t <= SOAK_SECS; t += 10)); do
    while read -r p name; do
      printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$p" "$name" "$(rss_kb "$p")" "$(vmrss_kb "$p")" >>"$CL_LOGS/soak-rss.tsv"
    done <<<"$pids"
    ((t + 10 <= SOAK_SECS)) && sleep 10
  done
  inf=$(info wc-soak); acked1=$(stat_of sentence-spout acked "$inf"); tt1=$(date +%s)
  check "soak: the same component processes all along (no restart)" test "$(comp_procs "$ID" | sort -k2,2 -k1,1n)" == "$pids"
  while read -r p name; do
    first=$(awk -v p="$p" '$2 == p {print $4; exit}' "$CL_LOGS/soak-rss.tsv")
    last=$(awk -v p="$p" '$2 == p {v = $4} END {print v}' "$CL_LOGS/soak-rss.tsv")
    samples=$(awk -v p="$p" '$2 == p {printf "%s ", $4}' "$CL_LOGS/soak-rss.tsv")
    # Growth = the last sample over the largest of the first half (a one-off step while buffers
    # reach their working size is not a leak; a steady climb is). Noise: 1 MiB or 10 %. A split
    # bolt saw ~200,000 tuples a minute in CI, so 1 MiB catches a leak of ~5 bytes per tuple.
    first=$(awk -v p="$p" '$2 == p {v[n++] = $4} END {m = 0; for (i = 0; i <= (n - 1) / 2; i++) if (v[i] > m) m = v[i]; print m}' "$CL_LOGS/soak-rss.tsv")
    grow=$((${last:-0} - ${first:-0}))
    limit=$((first / 10 > 1024 ? first / 10 : 1024))
    ((grow <= limit)) || ok=0
    lines+="$name pid $p: RssAnon max of first half ${first} kB, last ${last} kB (${grow} kB); samples: $samples"$'\n'
  done <<<"$pids"
  printf '%s' "$lines" | sed 's/^/     /'
  SOAK_SUMMARY="$((acked1 - acked0)) sentences acked in $((tt1 - tt0)) s ($(((acked1 - acked0) / (tt1 - tt0))) /s)"
  check "soak: $SOAK_SUMMARY; anonymous RSS of every component flat (last sample within max(1 MiB, 10 %) of the first half's largest)" test "$ok" == 1
  local failed
  failed=$(stat_of sentence-spout failed "$inf")
  check "soak: no failed tuple (spout failed = ${failed:-0})" test "${failed:-0}" == 0
  local errors
  errors=$(worker_log "$ID" | grep -c '\[ERROR\]')
  check "soak: no ERROR in the worker log ($errors)" test "$errors" == 0 ||
    worker_log "$ID" | grep '\[ERROR\]' | head -3 | cut -c1-300
  kill_and_check wc-soak "$ID"
}
run_soak
