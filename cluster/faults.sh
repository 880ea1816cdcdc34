# shellcheck shell=bash
# Sourced by test.sh: kill -9 a split-bolt, a count-bolt, then a worker JVM in the middle of a
# reliable run, and check that every sentence the spout emitted was acked in the end.
#
# Method. 2 workers (the only topology then running): the spout lives in one of them; the faults
# hit the OTHER worker, which also runs split-bolt and count-bolt tasks (the even scheduler spreads
# executors round-robin; checked, not assumed). So the spout and its pending set survive each fault
# and at-least-once is tested for real: tuples lost with the dead worker (and the acker there) time
# out (topology.message.timeout.secs=10), the spout is told `fail`, and sentence-spout replays them.
# Acks are counted outside the workers: the AckLog task hook appends each spout ack/fail to a file.
# Passing means: the set of acked message ids is exactly {1..N}, the spout process never changed,
# and the number of replays is the number of `fail`s.

faults_acked() { cat "$ACKDIR"/acks-*.log 2>/dev/null | awk '$1 == "A" {print $2}' | sort -u | wc -l; }
faults_procs_ok() {
  (($(count_procs "$ID" sentence-spout) == 1 && $(count_procs "$ID" split-bolt) == 2 &&
    $(count_procs "$ID" count-bolt) == 2 && $(worker_pids "$ID" | wc -l) == 2))
}
# children of worker $1 named $2
faults_children() { comp_procs "$ID" | while read -r p n; do [[ $n == "$2" && $(awk '{print $4}' "/proc/$p/stat") == "$1" ]] && echo "$p"; done; }

# faults_hit WHAT PID: kill -9 PID, wait for the worker to be back with all components and for
# acks to move again
faults_hit() {
  local what=$1 pid=$2 t0 before after spout_now
  before=$(faults_acked)
  if ((before >= FAULT_N)); then
    fail "faults: the run was over ($before acked) before the $what fault: raise CLUSTER_FAULT_N"
    return 1
  fi
  t0=$(date +%s)
  kill -9 "$pid"
  say "faults: kill -9 $what (pid $pid) at $before acked"
  # the victim worker dies (a ShellBolt whose child died halts its worker), the supervisor relaunches it
  gone_and_back() { [[ " $(worker_pids "$ID" | tr '\n' ' ') " != *" $VICTIM "* ]] && faults_procs_ok; }
  if ! wait_for 180 gone_and_back; then
    fail "faults: $what: the topology did not come back in 180 s (workers: $(worker_pids "$ID" | tr '\n' ' '))"
    return 1
  fi
  local back=$(($(date +%s) - t0))
  moving() { after=$(faults_acked); ((after > before + 100 || after >= FAULT_N)); }
  wait_for 120 moving
  spout_now=$(comp_procs "$ID" | awk '$2 == "sentence-spout" {print $1}')
  check "faults: kill -9 $what (pid $pid): worker back with 1+2+2 components in ${back} s, acks moving again ($before -> $after) in $(($(date +%s) - t0)) s, spout pid unchanged ($SPOUT)" \
    test "$spout_now" == "$SPOUT" -a "$after" -gt "$before"
  # the relaunched worker is the next victim
  find_victim() { VICTIM=$(worker_pids "$ID" | grep -vx "$SPOUT_WORKER" | head -1); [[ -n $VICTIM ]]; }
  wait_for 30 find_victim || { fail "faults: no second worker after the $what fault"; return 1; }
  return 0
}

run_faults() {
  say "== faults: reliable run of $FAULT_N sentences, 2 workers, kill -9 split-bolt, count-bolt, worker JVM"
  ACKDIR=$CL_WORK/acks
  local t0 n p
  t0=$(date +%s)
  submit_tool wc-faults --workers 2 --splits 2 --counters 2 --acklog "$ACKDIR" "${COMMON_CONF[@]}" \
    -c "wordcount.spout.limit=$FAULT_N" -c wordcount.spout.max.pending=500 -c topology.message.timeout.secs=10 \
    >"$CL_LOGS/submit-faults.out" 2>&1
  ID=$(topo_id wc-faults)
  check "faults: submitted (cluster.Submit, -Dstorm.jar=$(basename "$JAVA_TOPOLOGY_JAR"))" test -n "$ID" ||
    { tail -5 "$CL_LOGS/submit-faults.out"; return; }
  check "faults: 2 workers, 1 sentence-spout, 2 split-bolt, 2 count-bolt processes" wait_for 120 faults_procs_ok || return
  SPOUT=$(comp_procs "$ID" | awk '$2 == "sentence-spout" {print $1}')
  SPOUT_WORKER=$(awk '{print $4}' "/proc/$SPOUT/stat")
  VICTIM=$(worker_pids "$ID" | grep -vx "$SPOUT_WORKER")
  say "faults: spout pid $SPOUT in worker $SPOUT_WORKER; victim worker $VICTIM"
  check "faults: the other worker ($VICTIM) runs split-bolt and count-bolt tasks" \
    test -n "$(faults_children "$VICTIM" split-bolt)" -a -n "$(faults_children "$VICTIM" count-bolt)" || return
  started() { (($(faults_acked) >= FAULT_N / 50)); }
  wait_for 120 started
  local rate_t0 rate_n0
  rate_t0=$(date +%s); rate_n0=$(faults_acked); sleep 5
  say "faults: undisturbed rate $((($(faults_acked) - rate_n0) / ($(date +%s) - rate_t0))) sentences/s acked"

  faults_hit split-bolt "$(faults_children "$VICTIM" split-bolt | head -1)" || return
  faults_hit count-bolt "$(faults_children "$VICTIM" count-bolt | head -1)" || return
  faults_hit "worker JVM" "$VICTIM" || return

  all_acked() { (($(faults_acked) >= FAULT_N)); }
  wait_for 600 all_acked
  local total uniq fails lo hi incarnations
  read -r total uniq fails lo hi < <(cat "$ACKDIR"/acks-*.log | awk '
    $1 == "A" {a++; if (!seen[$2]++) u++; if (lo == "" || $2 < lo) lo = $2; if ($2 > hi) hi = $2}
    $1 == "F" {f++}
    END {print a + 0, u + 0, f + 0, lo + 0, hi + 0}')
  incarnations=$(ls "$ACKDIR"/acks-*.log | wc -l)
  FAULT_SUMMARY="$FAULT_N sentences: $uniq distinct ids acked (min $lo, max $hi), $fails replayed after fail, $((total - uniq)) acked twice, spout incarnations $incarnations, $(($(date +%s) - t0)) s"
  check "faults: every sentence acked in the end: $FAULT_SUMMARY" \
    test "$uniq" == "$FAULT_N" -a "$lo" == 1 -a "$hi" == "$FAULT_N" -a "$incarnations" == 1
  check "faults: sentences were really replayed (fails > 0)" test "$fails" -gt 0
  kill_and_check wc-faults "$ID"
}
run_faults
