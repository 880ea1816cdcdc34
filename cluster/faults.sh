# shellcheck shell=bash
# Sourced by test.sh: kill -9 a split-bolt, a count-bolt, then a worker JVM, then kill -STOP a
# child (split-bolt in the JSON run, count-bolt in the SMB1 run) in the middle of a reliable run
# under storm-native's host, and check that every sentence the spout emitted was acked in the end.
# Run once per serializer: Storm's JSON, and SMB1 ($CL_BINARY_SERIALIZER, lib.sh). The stopped
# child must be found silent after topology.subprocess.timeout.secs (CLUSTER_FAULT_SUBPROCESS_TIMEOUT_SECS,
# 25 s), SIGKILLed by the host (no orphan) and its worker halted and relaunched.
#
# Method. 2 workers (the only topology then running): the spout lives in one of them; the faults
# hit the OTHER worker, which also runs split-bolt and count-bolt tasks (the even scheduler spreads
# executors round-robin; checked, not assumed). So the spout and its pending set survive each fault
# and at-least-once is tested for real: tuples lost with the dead worker (and the acker there) time
# out (topology.message.timeout.secs=10), the spout is told `fail`, and sentence-spout replays them.
# Acks are counted outside the workers: the AckLog task hook appends each spout ack/fail to a file.
# The run has no limit, so it cannot end before the faults however fast the machine is: after
# the fourth fault the topology runs on undisturbed (CLUSTER_FAULT_TAIL_SECS, 25 s: its pace is
# measured), then it is deactivated (Nimbus: the spout gets `deactivate`, no more `next`) and
# drained until the acks stop moving for 15 s; failed ids the deactivated spout holds are released
# by activating it again (faults_release). N is then the largest id acked.
# Passing means: the set of acked message ids is exactly {1..N}, no id acked twice, the spout
# process never changed, and the number of replays (the spout's emits beyond N, Nimbus stats) is
# the number of `fail`s (AckLog).

# faults_drain COUNTER: after deactivate, until COUNTER (a function printing acks so far) has not
# moved for 15 s (more than the message timeout), at most 180 s
faults_drain() {
  local last_n=-1 still=0 counter=$1
  drained() {
    local n; n=$($counter)
    if ((n == last_n)); then still=$((still + 2)); else still=0; last_n=$n; fi
    ((still >= 15))
  }
  wait_for 180 drained || say "$FT: acks still moving 180 s after deactivate"
}
# faults_unreplayed FILE...: how many ids have a fail as their last record in these AckLogs (failed
# and not acked since; sentence-spout replays a failed id on a later `next`)
faults_unreplayed() { cat "$@" 2>/dev/null | awk '$1 == "F" {o[$2] = 1} $1 == "A" {delete o[$2]} END {n = 0; for (k in o) n++; print n}'; }

# faults_release NAME COUNTER FILE...: after the deactivation and the drain. Tuples lost in a fault
# fail at their timeout, 10-20 s after their emit, and again for every replay that is lost too
# (after a SIGSTOP: in the stopped child, then in the worker that goes down, then in the Netty
# batches dropped while it reconnects), so the last fails can come after the deactivation. A
# deactivated spout gets no `next`: it holds those ids, as any Storm spout does, until it is
# activated again. Activate, wait until every failed id is acked, deactivate and drain again (at
# most 3 times). Sets RELEASED to what was held ("" when nothing).
faults_release() {
  local name=$1 counter=$2 round n last_f deact_ms
  shift 2
  local files=("$@")
  RELEASED=""
  for round in 1 2 3; do
    n=$(faults_unreplayed "${files[@]}")
    ((n == 0)) && return 0
    last_f=$(cat "${files[@]}" | awk '$1 == "F" && $3 > t {t = $3} END {printf "%.0f\n", t}')
    local dt=$(((last_f - DEACTIVATED_MS) / 1000)) when
    if ((dt >= 0)); then when="$dt s after"; else when="$((-dt)) s before"; fi
    say "$FT: $n failed ids held by the deactivated spout (the last fail came $when the deactivation was asked): activate again until every failed id is acked, then deactivate"
    RELEASED+="${RELEASED:+, }$n held after deactivation $round"
    cl_nimbus activate "$name" >/dev/null
    all_replayed() { (($(faults_unreplayed "${files[@]}") == 0)); }
    wait_for 120 all_replayed || say "$FT: $(faults_unreplayed "${files[@]}") failed ids still not acked 120 s after the activation"
    deact_ms=$(date +%s%3N)
    cl_nimbus deactivate "$name" >/dev/null
    DEACTIVATED_MS=$deact_ms
    faults_drain "$counter"
  done
  n=$(faults_unreplayed "${files[@]}")
  ((n == 0)) || say "$FT: $n failed ids still held after 3 activations"
}
faults_acked() { cat "${1:-$ACKDIR}"/acks-*.log 2>/dev/null | awk '$1 == "A" {print $2}' | sort -u | wc -l; }
faults_procs_ok() {
  (($(count_procs "$ID" sentence-spout) == 1 && $(count_procs "$ID" split-bolt) == 2 &&
    $(count_procs "$ID" count-bolt) == 2 && $(worker_pids "$ID" | wc -l) == 2))
}
# children of worker $1 named $2
faults_children() { comp_procs "$ID" | while read -r p n; do [[ $n == "$2" && $(awk '{print $4}' "/proc/$p/stat") == "$1" ]] && echo "$p"; done; }

# faults_hit WHAT PID [SIG]: kill -SIG PID (9 unless told), wait for the worker to be back with all
# components and for acks to move again. SIG STOP: the child hangs, alive; the host must find it
# silent after topology.subprocess.timeout.secs, say so in the worker log, SIGKILL it and halt the
# worker; the stopped process must not outlive its worker.
faults_hit() {
  local what=$1 pid=$2 sig=${3:-9} t0 before after spout_now how
  before=$(faults_acked)
  t0=$(date +%s)
  kill -"$sig" "$pid"
  how="kill -$sig"
  local state; state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
  # a signal is delivered asynchronously: give a SIGSTOP a moment to show in the process state
  if [[ $sig == STOP ]]; then
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      [[ $state == T ]] && break
      sleep 0.2; state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
    done
  fi
  say "$FT: $how $what (pid $pid, state ${state:-gone}) at $before acked"
  if [[ $sig == STOP ]]; then
    local line det
    [[ $state == T ]] || { fail "$FT: $how $what (pid $pid): not stopped (state ${state:-gone})"; return 1; }
    # the host's "Halting process: multilang bolt C:T died. command [...], pid P, ..." and the
    # exception under it, "the multilang child did not answer for N ms (...): killed"
    halted() {
      line=$(worker_log "$ID" | grep -A1 -F 'Halting process: multilang' | grep -A1 -E "pid $pid([^0-9]|\$)" | tr '\n' ' ')
      [[ $line == *"did not answer"* ]]
    }
    if wait_for $((FAULT_SUBPROCESS_TIMEOUT + 90)) halted; then
      det=$(($(date +%s) - t0))
      pass "$FT: $how $what (pid $pid): the host found it hung and halted the worker ${det} s after the stop (timeout ${FAULT_SUBPROCESS_TIMEOUT} s): $(sed -E 's/^[^ ]+ //; s/command \[[^]]*\/([^/]*)\]/command [...\/\1]/' <<<"$line" | cut -c1-330)"
    else
      fail "$FT: $how $what (pid $pid): no 'Halting process ... did not answer' for it in the worker log after $((FAULT_SUBPROCESS_TIMEOUT + 90)) s (state now $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null))"
      return 1
    fi
    stopped_gone() { [[ ! -e /proc/$pid ]]; }
    if wait_for 30 stopped_gone; then
      pass "$FT: the stopped $what (pid $pid, state $state after the SIGSTOP) is gone, not orphaned: $(($(date +%s) - t0)) s after the stop (its worker $VICTIM: $([[ " $(worker_pids "$ID" | tr '\n' ' ') " != *" $VICTIM "* ]] && echo gone || echo "still there"))"
    else
      fail "$FT: the stopped $what (pid $pid) outlived the host's kill: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-80), state $(awk '{print $3, "parent", $4}' "/proc/$pid/stat" 2>/dev/null)"
      return 1
    fi
  fi
  # the victim worker dies (a ShellBolt whose child died halts its worker), the supervisor relaunches it
  gone_and_back() { [[ " $(worker_pids "$ID" | tr '\n' ' ') " != *" $VICTIM "* ]] && faults_procs_ok; }
  if ! wait_for 180 gone_and_back; then
    fail "$FT: $what: the topology did not come back in 180 s (workers: $(worker_pids "$ID" | tr '\n' ' '))"
    return 1
  fi
  local back=$(($(date +%s) - t0)) at_back
  # counted from the worker's return, not from the fault: tuples the fault did not touch are acked
  # for a while after it (a SIGSTOPped count-bolt leaves the other task's acks coming), which is
  # not recovery; recovery is the spout's window moving again once its lost tuples have failed
  at_back=$(faults_acked)
  moving() { after=$(faults_acked); ((after > at_back + 100)); }
  wait_for 120 moving
  spout_now=$(comp_procs "$ID" | awk '$2 == "sentence-spout" {print $1}')
  check "$FT: $how $what (pid $pid): worker back with 1+2+2 components in ${back} s, acks moving again ($before at the fault, $at_back at the return -> $after) in $(($(date +%s) - t0)) s, spout pid unchanged ($SPOUT)" \
    test "$spout_now" == "$SPOUT" -a "$after" -gt "$at_back"
  # the relaunched worker is the next victim
  find_victim() { VICTIM=$(worker_pids "$ID" | grep -vx "$SPOUT_WORKER" | head -1); [[ -n $VICTIM ]]; }
  wait_for 30 find_victim || { fail "$FT: no second worker after the $what fault"; return 1; }
  return 0
}

# faults_evidence NAME: after a failed accounting, what names the side in the output itself (CI
# keeps no logs): the end of the AckLog, the spout executor thread from the jstack taken before
# deactivation (spoutWaitStrategy: Storm calls nextTuple and gets nothing; backPressureWaitStrategy
# or pending emits: Storm holds the spout back), and the host spout's nextTuple warning, if any.
faults_evidence() {
  say "$FT: evidence: the AckLog's last lines: $(cat "$ACKDIR"/acks-*.log | tail -3 | tr '\n' ' ')"
  say "$FT: evidence: the AckLog's F lines after the last A: $(cat "$ACKDIR"/acks-*.log | awk '$1 == "A" {f = 0} $1 == "F" {f++} END {print f + 0}')"
  local js=$CL_LOGS/jstack-$1-spout-worker.txt
  if [[ -s $js ]]; then
    say "$FT: evidence: the spout executor before deactivation (jstack):"
    awk '/^"/ {p = /sentence-spout/} p' "$js" | grep -v '^$' | head -14 | sed 's/^/    /'
  else
    say "$FT: evidence: no jstack of the spout's worker"
  fi
  say "$FT: evidence: host spout warnings: $(worker_log "$ID" | grep -c 'Storm has not called nextTuple') ($(worker_log "$ID" | grep -m1 'Storm has not called nextTuple' | cut -c1-200))"
  return 0
}

# faults_finish NAME T0: after the last fault, run undisturbed for a while (every lost tuple times
# out, fails and is replayed), then no more new sentences, and drain; then judge the AckLog
# (every id 1..N acked once, from one spout incarnation; replays = fails) and kill the topology
faults_finish() {
  local name=$1 t0=$2
  # undisturbed, then deactivated (Nimbus: the spout gets `deactivate`, no more `next`), then
  # drained: the acks must stop moving for 15 s (more than the message timeout)
  local tail_from tail_to
  tail_from=$(faults_acked)
  sleep "$FAULT_TAIL"
  tail_to=$(faults_acked)
  # the pace after the faults, to compare the runs (JSON, SMB1, in-process) of one cluster run
  say "$FT: $((tail_to - tail_from)) sentences acked in the ${FAULT_TAIL} s after the last fault's recovery ($(((tail_to - tail_from) / (FAULT_TAIL > 0 ? FAULT_TAIL : 1)))/s)"
  # where the spout's worker stands before deactivation (kept with CL_KEEP=1): if the check below
  # fails, this shows whether the spout executor still calls nextTuple
  if command -v jstack >/dev/null; then
    timeout 30 jstack "$SPOUT_WORKER" >"$CL_LOGS/jstack-$name-spout-worker.txt" 2>&1 || true
  fi
  DEACTIVATED_MS=$(date +%s%3N)
  cl_nimbus deactivate "$name" >/dev/null
  say "$FT: deactivated at $(faults_acked) acked"
  faults_drain faults_acked
  faults_release "$name" faults_acked "$ACKDIR"/acks-*.log
  local total uniq fails lo hi incarnations
  read -r total uniq fails lo hi < <(cat "$ACKDIR"/acks-*.log | awk '
    $1 == "A" {a++; if (!seen[$2]++) u++; if (lo == "" || $2 < lo) lo = $2; if ($2 > hi) hi = $2}
    $1 == "F" {f++}
    END {print a + 0, u + 0, f + 0, lo + 0, hi + 0}')
  incarnations=$(ls "$ACKDIR"/acks-*.log | wc -l)
  FAULT_N=$hi
  FAULT_SUMMARY="N = $FAULT_N (the largest id acked): $uniq distinct ids acked (min $lo, max $hi), $fails failed, $((total - uniq)) acked twice, spout incarnations $incarnations, $(($(date +%s) - t0)) s${RELEASED:+; activated again: $RELEASED}"
  check "$FT: every sentence acked in the end: $FAULT_SUMMARY" \
    test "$uniq" == "$FAULT_N" -a "$lo" == 1 -a "$FAULT_N" -gt 1000 -a "$incarnations" == 1 ||
    faults_evidence "$name"
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

# run_faults TAG STOPPED CONF...: the fault run, topology wc-faults-TAG, with extra topology conf;
# STOPPED (split-bolt, count-bolt, or none) is the component whose child gets the SIGSTOP
run_faults() {
  local tag=$1 stopped=$2; shift 2
  local name=wc-faults-$tag serconf=("$@") want_ser=org.apache.storm.multilang.JsonSerializer
  local all=" $* "
  [[ $all == *" topology.multilang.serializer="* ]] && { want_ser=${all##*topology.multilang.serializer=}; want_ser=${want_ser%% *}; }
  FT="faults[$tag]"
  say "== $FT: reliable run without limit, 2 workers, kill -9 split-bolt, count-bolt, worker JVM, kill -STOP $stopped, then deactivate"
  ACKDIR=$CL_WORK/acks-$tag
  local t0 n p
  t0=$(date +%s)
  submit_tool "$name" --workers 2 --splits 2 --counters 2 --acklog "$ACKDIR" "${COMMON_CONF[@]}" "${serconf[@]}" \
    -c wordcount.spout.max.pending=500 -c topology.message.timeout.secs=10 \
    -c topology.subprocess.timeout.secs="$FAULT_SUBPROCESS_TIMEOUT" \
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
  if [[ $stopped != none ]]; then
    faults_hit "$stopped" "$(faults_children "$VICTIM" "$stopped" | head -1)" STOP || return
  fi

  faults_finish "$name" "$t0"
}

# ---------------------------------------------------------------------------------------------
# The in-process bridge's hard crash. Every component in the worker (InProcessSpout/InProcessBolt,
# no child process), with cluster/crash-gate between split-bolt and count-bolt: the test arms the
# gate of the worker without the spout, and the next tuple that gate gets takes the whole worker
# JVM down, first with abort() (SIGABRT), then with a write to an unmapped address (SIGSEGV in
# native code: the JVM's fatal error handler writes an hs_err file and aborts). Storm relaunches
# the worker; the tuples lost with it time out and sentence-spout replays them. Same accounting
# as the multilang runs (faults_finish).

# the component libraries that worker $1 has mapped (loaded), space-separated, sorted
inproc_libs() {
  grep -oE 'lib(sentence_spout|split_bolt|count_bolt|crash_gate)\.so' "/proc/$1/maps" 2>/dev/null | sort -u | tr '\n' ' '
}

# faults_crash HOW: arm the victim's gate (HOW = abort or segv) and wait for the worker to die,
# come back with the same libraries, and acks to move again
faults_crash() {
  local how=$1 t0 before after libs back new
  libs=$(inproc_libs "$VICTIM")
  before=$(faults_acked)
  t0=$(date +%s)
  : >"$ARMDIR/$how-$VICTIM"
  say "$FT: armed $how in worker $VICTIM (loaded: $libs) at $before acked"
  fired_and_dead() { [[ -e $ARMDIR/$how-$VICTIM.fired && ! -e /proc/$VICTIM ]]; }
  check "$FT: $how: the gate took the marker tuple and worker $VICTIM died" wait_for 60 fired_and_dead || return 1
  say "$FT: worker $VICTIM gone $(($(date +%s) - t0)) s after arming"
  local evidence
  if [[ $how == abort ]]; then
    evidence=$(worker_log "$ID" | grep -m1 -F "crash-gate: abort on the marker tuple" | grep -F "(pid $VICTIM)")
    check "$FT: abort: the gate's last words are in the worker log ($(cut -c1-160 <<<"${evidence:-none}" | sed -E 's/^[^ ]+ //'))" test -n "$evidence"
  else
    local hs=$ERRDIR/hs_err_pid$VICTIM.log
    evidence=$(grep -m1 -E '^# (C  \[)?libcrash_gate\.so' "$hs" 2>/dev/null; grep -m1 -E '^#  SIGSEGV' "$hs" 2>/dev/null)
    check "$FT: segv: the JVM's fatal error report names the signal and the gate's frame ($(basename "$hs"): $(tr '\n' ' ' <<<"${evidence:-none}" | cut -c1-200))" \
      test "$(wc -l <<<"$evidence")" == 2
  fi
  relaunched() {
    new=$(worker_pids "$ID" | grep -vx "$SPOUT_WORKER")
    [[ $(wc -w <<<"$new") == 1 && $new != "$VICTIM" && -e /proc/$SPOUT_WORKER && $(inproc_libs "$new") == "$libs" ]]
  }
  if ! wait_for 180 relaunched; then
    fail "$FT: $how: no relaunched worker with $libs in 180 s (workers: $(worker_pids "$ID" | tr '\n' ' '))"
    return 1
  fi
  back=$(($(date +%s) - t0))
  # from the relaunch, as in faults_hit: tuples that missed the dead worker are acked meanwhile
  local at_back; at_back=$(faults_acked)
  moving() { after=$(faults_acked); ((after > at_back + 100)); }
  wait_for 120 moving
  check "$FT: $how: worker relaunched (pid $new, loaded: $libs) in ${back} s, acks moving again ($before at the crash, $at_back at the relaunch -> $after) in $(($(date +%s) - t0)) s, spout's worker unchanged ($SPOUT_WORKER), no component process" \
    test "$after" -gt "$at_back" -a -e "/proc/$SPOUT_WORKER" -a -z "$(comp_procs "$ID")"
  VICTIM=$new
}

run_faults_inproc() {
  local name=wc-faults-inproc t0 w
  FT="faults[inproc]"
  say "== $FT: reliable run without limit, 2 workers, every component in-process, a crash-gate armed twice (abort, segfault) in the worker without the spout"
  ACKDIR=$CL_WORK/acks-inproc ARMDIR=$CL_WORK/arm ERRDIR=$CL_WORK/hs_err
  mkdir -p "$ARMDIR" "$ERRDIR"
  t0=$(date +%s)
  CL_CLIENT_JAR=$CRASH_JAR CL_CLIENT_OPTS="-Dstorm.jar=$CRASH_JAR" cl_client cluster.Submit "$name" --bridge inproc \
    --gate "$ARMDIR" --workers 2 --splits 2 --counters 2 --acklog "$ACKDIR" "${COMMON_CONF[@]}" \
    -c wordcount.spout.max.pending=500 -c topology.message.timeout.secs=10 \
    -c "topology.worker.childopts=-XX:-CreateCoredumpOnCrash -XX:ErrorFile=$ERRDIR/hs_err_pid%p.log" \
    >"$CL_LOGS/submit-$name.out" 2>&1
  ID=$(topo_id "$name")
  check "$FT: submitted ($(grep -m1 '^submitted' "$CL_LOGS/submit-$name.out"), -Dstorm.jar=$(basename "$CRASH_JAR"))" test -n "$ID" ||
    { tail -5 "$CL_LOGS/submit-$name.out"; return; }
  SPOUT_WORKER="" VICTIM=""
  placed() {
    SPOUT_WORKER="" VICTIM=""
    for w in $(worker_pids "$ID"); do
      if [[ $(inproc_libs "$w") == *libsentence_spout.so* ]]; then SPOUT_WORKER=$w; else VICTIM=$w; fi
    done
    [[ -n $SPOUT_WORKER && -n $VICTIM && $(inproc_libs "$VICTIM") == *libcrash_gate.so* ]]
  }
  wait_for 120 placed
  check "$FT: 2 workers, the spout's (${SPOUT_WORKER:-none}: $(inproc_libs "$SPOUT_WORKER")) and the victim (${VICTIM:-none}: $(inproc_libs "$VICTIM")) with a crash-gate loaded" \
    placed || return
  check "$FT: no component process (everything in-process)" test -z "$(comp_procs "$ID")"
  started() { (($(faults_acked) >= 1000)); }
  wait_for 120 started
  faults_crash abort || return
  faults_crash segv || return
  faults_finish "$name" "$t0"
}
