# shellcheck shell=bash
# Sourced by test.sh: a bounded soak at full speed (reliable spout, random sentences, no limit) for
# CLUSTER_SOAK_SECS, sampling every native component's anonymous RSS every 10 s; no growth beyond
# noise, no restarted component, no failed tuple, sentences acked all along, no ERROR in the worker
# log. Two topologies side by side, one worker each (the cluster's two slots): wc-soak-json on
# Storm's JSON and wc-soak-smb1 on SMB1 ($CL_BINARY_SERIALIZER, lib.sh), so the second
# serializer costs no extra time. Then (test.sh's part `inproc`) wc-soak-inproc alone: every
# component in the worker, whose anonymous RSS is sampled (bound below).
#
# RssAnon (heap, stack, buffers) is what a leak grows; VmRSS also counts the binary's own pages,
# which the kernel maps in and out as code paths are used, so it is logged but not judged.
#
# The growth bound, from measured RssAnon. The 10-minute soak of 2026-11-25 (61 samples per
# component) and the 60 s soaks of 2026-12-01: every component 0.47-1.22 MB (0.47 when idle:
# a stalled topology's); count-bolt and the spout move by at most ~60 kB; split-bolt steps by
# up to 430 kB (652 -> 1,080 -> 812 kB over 10 min; 836 -> 1,224 kB 40 s into a 60 s soak, which
# is 388 kB in the judged measure below) as its buffers find their working size, and never went
# above 1,224 kB. So: last sample - largest of the first half <= max(440 kB, 75 % of that
# largest). That is above the largest step judged (388 kB), and a heap that doubles (growth =
# 100 % of >= 472 kB) fails it for every component measured. The window is narrow (the noise is
# almost the size of the whole heap): a longer soak (CLUSTER_SOAK_SECS=600) is the sharper test
# for slow leaks.
SOAK_GROW_MIN_KB=440
SOAK_GROW_PCT=75
# The in-process soak (wc-soak-inproc) samples the worker JVM instead, its Java heap committed and
# touched at start (-Xms = -Xmx, AlwaysPreTouch), so RssAnon moves with the rest: the JVM's own
# native memory (JIT code, metaspace) and the components'. Measured 2026-12-04 (60 s soak,
# 12,781 sentences/s): 624,988 -> 626,032 kB, about 1 MB of drift in a minute. The components
# are called about 9 times per sentence (next, split, ~6 counts, ack), about 115,000 calls/s: a
# leak of the smallest malloc chunk (32 B) on every call grows ~3.5 MB/s, over 100 MB across the
# judged half. So a flat 16 MB: 16x the drift measured, a sixth of the smallest per-call leak.
SOAK_WORKER_GROW_MIN_KB=16384
SOAK_WORKER_GROW_PCT=0

# soak_rss_verdict TSV PID [MIN_KB PCT]: "first last grow limit" for one component (first = the largest sample
# of the first half), exit status 1 when the growth is over the limit or there are no samples
soak_rss_verdict() {
  local first last grow limit min=${3:-$SOAK_GROW_MIN_KB} pct=${4:-$SOAK_GROW_PCT}
  last=$(awk -v p="$2" '$2 == p {v = $4} END {print v}' "$1")
  first=$(awk -v p="$2" '$2 == p {v[n++] = $4} END {m = 0; for (i = 0; i <= (n - 1) / 2; i++) if (v[i] > m) m = v[i]; print m}' "$1")
  [[ $first =~ ^[0-9]+$ && $last =~ ^[0-9]+$ && $first != 0 ]] || { echo "- - - -"; return 1; }
  grow=$((last - first))
  limit=$((first * pct / 100 > min ? first * pct / 100 : min))
  echo "$first $last $grow $limit"
  ((grow <= limit))
}

rss_kb() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
vmrss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# soak_stat TOPO KEY: the spout's all-time KEY (acked, failed) from Nimbus; fails (no output) unless
# Nimbus answered with the topology ACTIVE and its spout's acked count. Storm leaves the failed
# window out while nothing failed: a valid answer without it means 0 failed, a failed answer
# means nothing.
soak_stat() {
  local inf v
  inf=$(info "$1") || return 1
  grep -qx 'status ACTIVE' <<<"$inf" || return 1
  [[ $(stat_of sentence-spout acked "$inf") =~ ^[0-9]+$ ]] || return 1
  v=$(stat_of sentence-spout "$2" "$inf")
  [[ $2 == failed && -z $v ]] && v=0
  [[ $v =~ ^[0-9]+$ ]] || return 1
  echo "$v"
}

# soak_procs TAG ID: "pid name" of what the soak samples: the component processes, or under the
# in-process bridge the worker JVM that has the components loaded
soak_procs() {
  if [[ $1 == inproc ]]; then
    worker_pids "$2" | awk '{print $1, "worker"}'
  else
    comp_procs "$2" | sort -k2,2 -k1,1n
  fi
}

# run_soak TAG...: the soak of topologies wc-soak-TAG side by side (at most 2: the cluster's slots);
# json (Storm's ShellSpout/ShellBolt), smb1 (the host), inproc (the in-process bridge)
run_soak() {
  local tags="$*" tag name t p n ok
  say "== soak: $SOAK_SECS s at full speed, $(printf 'wc-soak-%s ' $tags)($( (($# > 1)) && echo "$# side by side" || echo alone)), 1 worker each, reliable spout, anonymous RSS sampled every 10 s"
  declare -A SID PIDS ACKED0 T0
  for tag in $tags; do
    name=wc-soak-$tag
    # the JSON topology runs on Storm's own ShellSpout/ShellBolt (the stock bridge: the one place
    # the cluster test keeps it), the SMB1 one on storm-native's host (the default)
    local ser=(--bridge stock)
    [[ $tag == smb1 ]] && ser=(--bridge host -c "topology.multilang.serializer=$CL_BINARY_SERIALIZER")
    # in-process: the worker's whole heap committed and touched at start, so that its RSS moves
    # only with what is not Java heap (the components' memory among it)
    [[ $tag == inproc ]] && ser=(--bridge inproc -c "topology.worker.childopts=-Xms${CL_HEAP%m}m -XX:+AlwaysPreTouch")
    submit_tool "$name" --workers 1 --splits 2 --counters 2 -c wordcount.spout.reliable=true \
      -c topology.stats.sample.rate=1 "${ser[@]}" >"$CL_LOGS/submit-$name.out" 2>&1
    SID[$tag]=$(topo_id "$name")
    check "soak[$tag]: $(grep -m1 '^submitted' "$CL_LOGS/submit-$name.out") ${ser[*]}" test -n "${SID[$tag]}" || { tail -5 "$CL_LOGS/submit-$name.out"; return; }
  done
  for tag in $tags; do
    ID=${SID[$tag]}
    if [[ $tag == inproc ]]; then
      up() { [[ $(inproc_libs "$(worker_pids "$ID")") == "libcount_bolt.so libsentence_spout.so libsplit_bolt.so " ]]; }
      check "soak[$tag]: one worker with the three component libraries loaded, no component process" wait_for 120 up || return
      check "soak[$tag]: no component process" test -z "$(comp_procs "$ID")"
      continue
    fi
    up() { (($(count_procs "$ID" sentence-spout) == 1 && $(count_procs "$ID" split-bolt) == 2 && $(count_procs "$ID" count-bolt) == 2)); }
    check "soak[$tag]: 1 sentence-spout, 2 split-bolt, 2 count-bolt processes" wait_for 120 up || return
    if [[ $tag == smb1 ]]; then check_serializer "soak[$tag]" "$ID" "$CL_BINARY_SERIALIZER" 5
    else check_serializer "soak[$tag]" "$ID" org.apache.storm.multilang.JsonSerializer 5; fi
  done
  sleep 30 # warm-up: buffers and maps reach their working size
  for tag in $tags; do
    PIDS[$tag]=$(soak_procs "$tag" "${SID[$tag]}")
    ACKED0[$tag]=$(soak_stat "wc-soak-$tag" acked); T0[$tag]=$(date +%s)
  done
  : >"$CL_LOGS/soak-rss.tsv"
  for ((t = 0; t <= SOAK_SECS; t += 10)); do
    for tag in $tags; do
      while read -r p n; do
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$p" "$n" "$(rss_kb "$p")" "$(vmrss_kb "$p")" "$tag" >>"$CL_LOGS/soak-rss.tsv"
      done <<<"${PIDS[$tag]}"
    done
    ((t + 10 <= SOAK_SECS)) && sleep 10
  done
  for tag in $tags; do
    soak_judge "$tag" "wc-soak-$tag" "${SID[$tag]}" "${PIDS[$tag]}" "${ACKED0[$tag]}" "${T0[$tag]}"
  done
  for tag in $tags; do
    kill_and_check "wc-soak-$tag" "${SID[$tag]}"
  done
}

# soak_judge TAG NAME ID PIDS ACKED0 T0
soak_judge() {
  local tag=$1 name=$2 id=$3 pids=$4 acked0=$5 t0=$6 acked1 t1 failed ok=1 lines="" p n first last grow limit samples errors bound
  acked1=$(soak_stat "$name" acked); t1=$(date +%s)
  failed=$(soak_stat "$name" failed)
  check "soak[$tag]: the same $([[ $tag == inproc ]] && echo "worker" || echo "component processes") all along (no restart)" test "$(soak_procs "$tag" "$id")" == "$pids"
  while read -r p n; do
    samples=$(awk -v p="$p" '$2 == p {printf "%s ", $4}' "$CL_LOGS/soak-rss.tsv")
    # Growth = the last sample over the largest of the first half (a one-off step while buffers
    # reach their working size is not a leak; a climb is); the bound is explained at the top.
    bound=()
    [[ $n == worker ]] && bound=("$SOAK_WORKER_GROW_MIN_KB" "$SOAK_WORKER_GROW_PCT")
    read -r first last grow limit < <(soak_rss_verdict "$CL_LOGS/soak-rss.tsv" "$p" "${bound[@]}")
    soak_rss_verdict "$CL_LOGS/soak-rss.tsv" "$p" "${bound[@]}" >/dev/null || ok=0
    lines+="$n pid $p: RssAnon max of first half ${first} kB, last ${last} kB (${grow} kB, limit ${limit} kB); samples: $samples"$'\n'
  done <<<"$pids"
  printf '%s' "$lines" | sed 's/^/     /'
  if [[ $tag == inproc ]]; then
    check "soak[$tag]: anonymous RSS of the worker flat (last sample - first half's largest <= $SOAK_WORKER_GROW_MIN_KB kB)" test "$ok" == 1
  else
    check "soak[$tag]: anonymous RSS of every component flat (last sample - first half's largest <= max($SOAK_GROW_MIN_KB kB, $SOAK_GROW_PCT %))" test "$ok" == 1
  fi
  # A stalled topology must fail: sentences acked during the soak, from two valid Nimbus answers.
  if [[ -n $acked0 && -n $acked1 ]] && ((t1 > t0)); then
    SOAK_SUMMARY="$((acked1 - acked0)) sentences acked in $((t1 - t0)) s ($(((acked1 - acked0) / (t1 - t0))) /s)"
  else
    SOAK_SUMMARY="no valid Nimbus answer (acked before '${acked0}', after '${acked1}')"
  fi
  check "soak[$tag]: $SOAK_SUMMARY (must be > 0)" test -n "$acked0" -a -n "$acked1" -a "${acked1:-0}" -gt "${acked0:-0}"
  check "soak[$tag]: no failed tuple (spout failed = ${failed:-no valid Nimbus answer})" test -n "$failed" -a "${failed:-x}" == 0
  errors=$(worker_log "$id" | grep -c '\[ERROR\]')
  check "soak[$tag]: no ERROR in the worker log ($errors)" test "$errors" == 0 ||
    worker_log "$id" | grep '\[ERROR\]' | head -3 | cut -c1-300
}
