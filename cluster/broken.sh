# shellcheck shell=bash
# Sourced by test.sh: a component that fails on start, and a binary that is not in the jar, must
# give a clear error in the worker log and in Nimbus' errors for the component (what the Storm UI
# and `storm` CLI show), not a silent hang.

run_broken_one() {
  local mode=$1 expect=$2 name=wc-$1 t0 errs
  say "== broken: $mode"
  t0=$(date +%s)
  submit_tool "$name" --broken "$mode" --workers 1 --splits 1 --counters 1 -c wordcount.spout.reliable=true \
    >"$CL_LOGS/submit-$name.out" 2>&1
  ID=$(topo_id "$name")
  check "$name: $(grep -m1 '^submitted' "$CL_LOGS/submit-$name.out")" test -n "$ID" || { tail -5 "$CL_LOGS/submit-$name.out"; return; }
  reported() { errs=$(info "$name" | grep '^error split-bolt' | grep -E "$expect"); [[ -n $errs ]]; }
  if wait_for 120 reported; then
    pass "$name: Nimbus has the split-bolt error $(($(date +%s) - t0)) s after submission: $(head -1 <<<"$errs" | cut -c1-400)"
  else
    fail "$name: no split-bolt error matching /$expect/ in Nimbus after 120 s: $(info "$name" | grep '^error' | head -2 | cut -c1-300)"
  fi
  check "$name: the worker log says it: $(worker_log "$ID" | grep -E "$expect" | head -1 | cut -c1-200)" \
    test -n "$(worker_log "$ID" | grep -E "$expect" | head -1)"
  say "$name: worker launches logged so far: $(worker_log "$ID" | grep -c "Launching worker for") in $(($(date +%s) - t0)) s"
  kill_and_check "$name" "$ID"
}

run_broken_one crash 'unknown split mode'
run_broken_one missing 'no-such-bolt.*(No such file|error=2)|Cannot run program "no-such-bolt"'
