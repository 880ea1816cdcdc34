# shellcheck shell=bash
# Sourced by test.sh: kill -9 a split-bolt, a count-bolt, then a worker JVM in the middle of a
# reliable run, and check that every sentence the spout emitted was acked in the end. Run once
# per serializer: Storm's JSON, and SMB1 ($CL_BINARY_SERIALIZER, lib.sh).
#
# Method. 2 workers (the only topology then running): the spout lives in one of them; the faults
# hit the OTHER worker, which also runs split-bolt and count-bolt tasks (the even scheduler spreads
# executors round-robin; checked, not assumed). So the spout and its pending set survive each fault
# and at-least-once is tested for real: tuples lost with the dead worker (and the acker there) time
# out (topology.message.timeout.secs=10), the spout is told `fail`, and sentence-spout replays them.
# Acks are counted outside the workers: the AckLog task hook appends each spout ack/fail to a file.
# The run has no limit, so it cannot end before the faults however fast the machine is: after
# the third fault the topology runs on undisturbed (CLUSTER_FAULT_TAIL_SECS, 25 s: more than twice
# the 10 s timeout, so every tuple lost in a fault has failed and been replayed), then it is
# deactivated (Nimbus: the spout gets `deactivate`, no more `next`) and drained until the acks
# stop moving for 15 s. N is then the largest id acked.
# Passing means: the set of acked message ids is exactly {1..N}, no id acked twice, the spout
# process never changed, and the number of replays (the spout's emits beyond N, Nimbus stats) is
# the number of `fail`s (AckLog).

faults_acked() { cat "${1:-$ACKDIR}"/acks-*.log 2>/dev/null | awk '$1 == "A" {print $2}' | sort -u | wc -l; }
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
  t0=$(date +%s)
  kill -9 "$pid"
  say "$FT: kill -9 $what (pid $pid) at $before acked"
  # the victim worker dies (a ShellBolt whose child died halts its worker), the supervisor relaunches it
  gone_and_back() { [[ " $(worker_pids "$ID" | tr '\n' ' ') " != *" $VICTIM "* ]] && faults_procs_ok; }
  if ! wait_for 180 gone_and_back; then
    fail "$FT: $what: the topology did not come back in 180 s (workers: $(worker_pids "$ID" | tr '\n' ' '))"
    return 1
  fi
  local back=$(($(date +%s) - t0))
  moving() { after=$(faults_acked); ((after > before + 100)); }
  wait_for 120 moving
  spout_now=$(comp_procs "$ID" | awk '$2 == "sentence-spout" {print $1}')
  check "$FT: kill -9 $what (pid $pid): worker back with 1+2+2 components in ${back} s, acks moving again ($before -> $after) in $(($(date +%s) - t0)) s, spout pid unchanged ($SPOUT)" \
    test "$spout_now" == "$SPOUT" -a "$after" -gt "$before"
  # the relaunched worker is the next victim
  find_victim() { VICTIM=$(worker_pids "$ID" | grep -vx "$SPOUT_WORKER" | head -1); [[ -n $VICTIM ]]; }
  wait_for 30 find_victim || { fail "$FT: no second worker after the $what fault"; return 1; }
  return 0
}

# run_faults TAG CONF...: the fault run, topology wc-faults-TAG, with extra topology conf
run_faults() {
  local tag=$1; shift
  local name=wc-faults-$tag serconf=("$@") want_ser=org.apache.storm.multilang.JsonSerializer
  local all=" $* "
  [[ $all == *" topology.multilang.serializer="* ]] && { want_ser=${all##*topology.multilang.serializer=}; want_ser=${want_ser%% *}; }
  FT="faults[$tag]"
  say "== $FT: reliable run without limit, 2 workers, kill -9 split-bolt, count-bolt, worker JVM, then deactivate"
  ACKDIR=$CL_WORK/acks-$tag
  local t0 n p
  t0=$(date +%s)
  submit_tool "$name" --workers 2 --splits 2 --counters 2 --acklog "$ACKDIR" "${COMMON_CONF[@]}" "${serconf[@]}" \
    -c wordcount.spout.max.pending=500 -c topology.message.timeout.secs=10 \
    >"$CL_LOGS/submit-$name.out" 2>&1
  ID=$(topo_id "$name")
  check "$FT: submitted (cluster.Submit, -Dstorm.jar=$(basename "$JAVA_TOPOLOGY_JAR") ${serconf[*]})" test -n "$ID" ||
    { tail -5 "$CL_LOGS/submit-$name.out"; return; }
  check "$FT: 2 workers, 1 sentence-spout, 2 split-bolt, 2 count-bolt processes" wait_for 120 faults_procs_ok || return
  check_serializer "$FT" "$ID" "$want_ser" 5
  SPOUT=$(comp_procs "$ID" | awk '$2 == "sentence-spout" {print $1}')
  SPOUT_WORKER=$(awk '{print $4}' "/proc/$SPOUT/stat")
  VICTIM=$(worker_pids "$ID" | grep -vx "$SPOUT_WORKER")
  say "$FT: spout pid $SPOUT in worker $SPOUT_WORKER; victim worker $VICTIM"
  check "$FT: the other worker ($VICTIM) runs split-bolt and count-bolt tasks" \
    test -n "$(faults_children "$VICTIM" split-bolt)" -a -n "$(faults_children "$VICTIM" count-bolt)" || return
  started() { (($(faults_acked) >= 1000)); }
  wait_for 120 started

  faults_hit split-bolt "$(faults_children "$VICTIM" split-bolt | head -1)" || return
  faults_hit count-bolt "$(faults_children "$VICTIM" count-bolt | head -1)" || return
  faults_hit "worker JVM" "$VICTIM" || return

  # undisturbed for a while (every lost tuple times out, fails and is replayed), then no more new
  # sentences, and drain: the acks must stop moving for 15 s (more than the message timeout)
  sleep "$FAULT_TAIL"
  cl_nimbus deactivate "$name" >/dev/null
  say "$FT: deactivated at $(faults_acked) acked"
  local last_n=-1 still=0
  drained() {
    local n; n=$(faults_acked)
    if ((n == last_n)); then still=$((still + 2)); else still=0; last_n=$n; fi
    ((still >= 15))
  }
  wait_for 180 drained || say "$FT: acks still moving 180 s after deactivate"
  local total uniq fails lo hi incarnations
  read -r total uniq fails lo hi < <(cat "$ACKDIR"/acks-*.log | awk '
    $1 == "A" {a++; if (!seen[$2]++) u++; if (lo == "" || $2 < lo) lo = $2; if ($2 > hi) hi = $2}
    $1 == "F" {f++}
    END {print a + 0, u + 0, f + 0, lo + 0, hi + 0}')
  incarnations=$(ls "$ACKDIR"/acks-*.log | wc -l)
  FAULT_N=$hi
  FAULT_SUMMARY="N = $FAULT_N (the largest id acked): $uniq distinct ids acked (min $lo, max $hi), $fails failed, $((total - uniq)) acked twice, spout incarnations $incarnations, $(($(date +%s) - t0)) s"
  check "$FT: every sentence acked in the end: $FAULT_SUMMARY" \
    test "$uniq" == "$FAULT_N" -a "$lo" == 1 -a "$FAULT_N" -gt 1000 -a "$incarnations" == 1
  check "$FT: no sentence acked twice ($((total - uniq)))" test "$((total - uniq))" == 0
  check "$FT: sentences were really failed (fails > 0: $fails)" test "$fails" -gt 0
  # Every emit ends in exactly one ack or fail; the spout's emits beyond N are its replays. Nimbus'
  # stats lag by up to executor.metrics.frequency.secs, so wait for them to settle.
  local emitted replays
  replays_settled() {
    emitted=$(stat_of sentence-spout emitted "$(info "$name")")
    [[ -n $emitted ]] && replays=$((emitted - FAULT_N)) && ((replays == fails))
  }
  wait_for 30 replays_settled
  check "$FT: replays = fails: the spout emitted ${emitted:-?} = $FAULT_N + ${replays:-?} replays, $fails fails (Nimbus stats, AckLog)" \
    test -n "$emitted" -a "${replays:-x}" == "$fails"
  kill_and_check "$name" "$ID"
}
run_faults json
clear_topologies
run_faults smb1 -c "topology.multilang.serializer=$CL_BINARY_SERIALIZER"
