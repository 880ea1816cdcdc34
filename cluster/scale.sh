# shellcheck shell=bash
# Sourced by test.sh (after multinode.sh, whose helpers it uses): figures, not a fault test. The
# native word count under storm-native's host with SMB1, shape 1/4/4, reliable, measured on 1, 2
# and 3 nodes of this one machine; the nodes are added one by one as the runs go:
#
#   scale[1n1w]  node 0 alone, 1 worker: every tuple stays in the worker
#   scale[1n2w]  node 0 alone, 2 workers: tuples between the workers over node 0's own Netty
#   scale[2n2w]  nodes 0 and 1, 2 workers, one on each: the same over the bridge
#   scale[3n3w]  nodes 0, 1 and 2, 3 workers, one on each
#
# Each run: the workers where they should be (checked), SCALE_WARMUP s (default 20) of warm-up,
# then over SCALE_SECS s (default 40) the sentences acked (Nimbus' all-time count of the spout,
# `topology.stats.sample.rate` 1; Nimbus hears from the executors every few seconds, so the window
# is long) and the CPU of the topology's processes (its workers and their children, from
# /proc/PID/stat) per sentence. Then the recovery from a worker's kill -9 (a worker other than the
# spout's where there are two or more: that spout keeps its window): until as many workers run
# again and the spout's acked count moves. The nodes are one machine's 2 cores: more nodes add
# no CPU here, so what the figures show is what distribution costs, not what it buys
# (cluster/README check 8 reads them).

SCALE_WARMUP=${SCALE_WARMUP:-20}
SCALE_SECS=${SCALE_SECS:-40}

# CPU ticks (utime + stime) of topology $1's workers and native children
scale_ticks() {
  local p
  { worker_pids "$1"; comp_procs "$1" | awk '{print $1}'; } |
    while read -r p; do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done | awk '{t += $1} END {print t + 0}'
}

# the spout's all-time acked count while the topology is active (soak.sh's soak_stat)
scale_acked() { soak_stat "$1" acked; }

# run_scale_one NODES WORKERS
run_scale_one() {
  local nodes=$1 workers=$2 name=wc-scale-$1n$2w ST="scale[$1n$2w]"
  say "== $ST: $workers worker(s) on $nodes node(s), host + SMB1, 1/4/4, reliable, no limit"
  submit_tool "$name" --workers "$workers" --splits 4 --counters 4 "${COMMON_CONF[@]}" \
    -c "topology.multilang.serializer=$CL_BINARY_SERIALIZER" \
    -c wordcount.spout.max.pending=500 -c topology.message.timeout.secs=10 \
    >"$CL_LOGS/submit-$name.out" 2>&1
  ID=$(topo_id "$name")
  check "$ST: submitted" test -n "$ID" || { tail -5 "$CL_LOGS/submit-$name.out"; return; }
  up() {
    (($(worker_pids "$ID" | wc -l) == workers && $(count_procs "$ID" sentence-spout) == 1 &&
      $(count_procs "$ID" split-bolt) == 4 && $(count_procs "$ID" count-bolt) == 4)) &&
      [[ -n $(scale_acked "$name") ]]
  }
  check "$ST: $workers worker(s), 1 sentence-spout, 4 split-bolt, 4 count-bolt processes, acks counted" wait_for 180 up ||
    { kill_and_check "$name" "$ID"; return; }
  local spread; spread=$(nodes_spread "$ID")
  check "$ST: the workers on $nodes node(s), one per node where there are as many (node:workers $spread)" \
    test "$(wc -w <<<"$spread")" -eq "$nodes"
  sleep "$SCALE_WARMUP"
  local a0 a1 c0 c1 t0 t1
  a0=$(scale_acked "$name"); c0=$(scale_ticks "$ID"); t0=$(date +%s.%N)
  sleep "$SCALE_SECS"
  a1=$(scale_acked "$name"); c1=$(scale_ticks "$ID"); t1=$(date +%s.%N)
  local rate us cores
  read -r rate us cores < <(awk -v a="$((a1 - a0))" -v c="$((c1 - c0))" -v t="$(awk -v x="$t0" -v y="$t1" 'BEGIN {print y - x}')" \
    -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%d %.1f %.2f\n", a / t, (a > 0 ? c / hz * 1e6 / a : 0), c / hz / t}')
  check "$ST: acks over the window ($((a1 - a0)) in ${SCALE_SECS} s)" test "$((a1 - a0))" -gt 0
  say "$ST: figures: $rate sentences/s, $us CPU µs per sentence ($cores cores: workers and children), node:workers $spread"
  # recovery from a worker's kill -9
  local spout_worker victim w tk back="" moving_at=""
  spout_worker=$(awk '{print $4}' "/proc/$(comp_procs "$ID" | awk '$2 == "sentence-spout" {print $1}')/stat")
  for w in $(worker_pids "$ID"); do [[ $w != "$spout_worker" || $workers == 1 ]] && { victim=$w; break; }; done
  tk=$(date +%s)
  kill -KILL "$victim"
  say "$ST: kill -9 worker $victim (node $(node_of "$victim" 2>/dev/null || echo 0))$([[ $victim == "$spout_worker" ]] && echo ", the spout's")"
  local prev cur
  recovered() {
    if [[ -z $back ]] && (($(worker_pids "$ID" | wc -l) == workers)) && ! worker_pids "$ID" | grep -qx "$victim"; then
      back=$(($(date +%s) - tk))
    fi
    [[ -n $back ]] || return 1
    cur=$(scale_acked "$name") || return 1
    if [[ -n ${prev:-} ]] && ((cur > prev)); then moving_at=$(($(date +%s) - tk)); return 0; fi
    prev=$cur
    return 1
  }
  if wait_for 180 recovered; then
    pass "$ST: after the kill -9 of a worker: $workers worker(s) again in ${back} s, acks moving in ${moving_at} s"
  else
    fail "$ST: not recovered 180 s after the kill -9 of worker $victim (workers $(worker_pids "$ID" | wc -l), back ${back:-no})"
  fi
  SCALE_TABLE+="| $nodes | $workers | $spread | $rate | $us | $cores | ${back:-?} | ${moving_at:-?} |"$'\n'
  kill_and_check "$name" "$ID"
}

# run_scale: the four runs, adding nodes 1 and 2 on the way (nodes_up finds them there)
run_scale() {
  SCALE_TABLE=""
  run_scale_one 1 1
  run_scale_one 1 2
  node_add 1 && nodes_wait 2 && run_scale_one 2 2
  node_add 2 && nodes_wait 3 && run_scale_one 3 3
  say "scale: the table (cluster/README check 8; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)):"
  printf '| nodes | workers | node:workers | sentences/s | CPU µs per sentence | cores | workers back (s) | acks moving (s) |\n|---:|---:|---|---:|---:|---:|---:|---:|\n%s' "$SCALE_TABLE" >&2
}
