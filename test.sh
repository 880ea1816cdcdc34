#!/usr/bin/env bash
# Runs every test of the project, from a fresh clone: set-up, Rust (lints, unit, transcript,
# subprocess and Python-parity tests, static-binary check, a bounded fuzz run), the Java
# library storm-native (unit tests), the Java topology on a real LocalCluster (mvn verify), the
# benchmark and cluster tools (compile), the Clojure topology (lein test), template/ built and
# run from a copy outside the repository, and the real cluster test. Each stage is run even if
# an earlier one failed; the last line sums them up.
#
#   FUZZ_SECONDS=60    how long the fuzzer runs (0 skips it)
#   SKIP_CLUSTER=1     leave out the real-cluster stage (any value but empty or 0)
#   RUST_TESTS_TIMEOUT=1800   seconds before `cargo test` counts as hung (then the stage fails)
#   COMPAT_VERSIONS="1.2.4 2.4.0 2.6.4 2.8.4"   the Storm version matrix's rows (compat/run.sh)
#
# A stage that is skipped on purpose (FUZZ_SECONDS=0, SKIP_CLUSTER=1) is counted as skipped, not
# as passed; a stage whose script is missing or not executable is a failure.
set -uo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR=never

# A stage function returns 0 (passed), SKIPPED (skipped on purpose) or anything else (failed).
# Its output is also kept in a file: a failed stage's failing lines are printed again at the end,
# where a CI log cut to its last lines still shows why (a mid-run FAIL line would be cut off).
SKIPPED=77
passed=0; failed=0; skipped=0; failures=(); failure_logs=()
stage_logs=$(mktemp -d) || exit 1
trap 'rm -rf "$stage_logs"' EXIT
stage() {
    local name=$1; shift
    echo
    echo "=== $name"
    local start=$SECONDS rc=0 log="$stage_logs/$((passed + failed + skipped)).log" tee_pid
    # tee in a process substitution: a process the stage leaves behind holding the output open
    # must not hold up the run (a pipe into tee would wait for it); give tee 5 s to catch up
    "$@" > >(tee "$log") 2>&1 || rc=$?
    tee_pid=$!
    for _ in $(seq 50); do kill -0 "$tee_pid" 2>/dev/null || break; sleep 0.1; done
    if [ "$rc" = 0 ]; then
        passed=$((passed + 1)); echo "=== $name: ok ($((SECONDS - start)) s)"
    elif [ "$rc" = "$SKIPPED" ]; then
        skipped=$((skipped + 1)); echo "=== $name: skipped"
    else
        failed=$((failed + 1)); failures+=("$name"); failure_logs+=("$log")
        echo "=== $name: FAILED ($((SECONDS - start)) s)"
    fi
}
# What a failed stage printed that says why: test failures of cargo, Leiningen and the cluster
# script (FAIL, expected/actual, panics), Maven's own [ERROR] summary (its first lines name the
# failed tests), then the stage's last lines.
why_failed() {
    local name=$1 log=$2
    echo
    echo "=== why \"$name\" failed"
    grep -E '^(FAIL|ERROR in|not ok)|FAILED|panicked|^ *(expected|actual):|^error(\[|:)' "$log" |
        tail -20 | cut -c1-400
    grep -E '^\[ERROR\] +[A-Za-z]' "$log" | head -15 | cut -c1-400
    echo "--- its last lines"
    tail -8 "$log" | cut -c1-400
}

scripts/setup.sh --all || { echo "set-up failed"; exit 1; }

# check-docs (about a second): links, paths, documented env vars and conf keys, quoted tables.
rust_lints() {
    cargo fmt --all --check &&
        cargo clippy --workspace --all-targets -q -- -D warnings &&
        RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps -q &&
        cargo xtask check-docs
}
# bounded: a hung test (a child that never answers) must fail the stage, not stall the run
rust_tests() {
    local secs=${RUST_TESTS_TIMEOUT:-1800} rc=0
    cargo xtask storm-py || return 1
    timeout -k 30 "$secs" cargo test --workspace || rc=$?
    [ "$rc" = 124 ] && echo "rust tests: still running after $secs s (RUST_TESTS_TIMEOUT): killed"
    return "$rc"
}
static_binaries() { cargo xtask dist && cargo xtask check-static; }
fuzz() {
    local secs=${FUZZ_SECONDS:-60}
    if [ "$secs" = 0 ]; then echo "fuzz: skipped (FUZZ_SECONDS=0)"; return "$SKIPPED"; fi
    if ! rustup run nightly rustc --version >/dev/null 2>&1; then
        echo "fuzz: no nightly toolchain on this machine (cargo fuzz needs it); not run"
        return 1
    fi
    (cd fuzz && cargo +nightly fuzz run --sanitizer none messages -- -max_total_time="$secs" -max_len=4096 -close_fd_mask=2 2>&1 |
        grep -E '^(Done|==|SUMMARY)|panicked|artifact' ; exit "${PIPESTATUS[0]}")
}
# The JVM library's unit tests, then its install into ~/.m2 (root pom + jar), where the stages
# after it (java-topology alone, Leiningen) take it from.
storm_native() { mvn -B -q -pl storm-native -am install; }
java_topology() { mvn -B -q -f java-topology/pom.xml verify -Dnative.skip=true; }
# The benchmark and the cluster test's tools compile against the library (cluster/tools also
# against java-topology's jar, built by the stage before; -am recompiles java-topology too).
jvm_tools() { mvn -B -q -pl benches/e2e,cluster/tools -am compile -Dnative.skip=true; }
clojure_topology() { (cd clojure-topology && lein test); }
# template/ as a user starts from it: copied to a fresh directory outside the repository, its path
# dependency pointed at this checkout's crate, then `cargo test` and `mvn package` (the static
# binary into the jar, the LocalCluster test with exact counts); storm-native from ~/.m2 (the
# storm-native stage installs it). -llr: the Storm 2.8.4 parent pom in ~/.m2 came from the
# stand-in repository storm-parent-poms/, which the template does not name (Central, as reached
# here, lacks it). About 2-3 minutes on 2 cores, mostly the release build of the binary.
template_project() {
    local dir rc=0
    dir=$(mktemp -d) || return 1
    tar -C template --exclude=./target --exclude=./Cargo.lock -cf - . | tar -C "$dir" -xf - &&
        sed -i "s|path = \"../crates/storm-multilang\"|path = \"$PWD/crates/storm-multilang\"|" "$dir/Cargo.toml" &&
        (cd "$dir" && cargo test -q && mvn -B -q -llr package) || rc=$?
    rm -rf "$dir"
    return "$rc"
}
storm_matrix() { compat/run.sh; }
real_cluster() {
    # SKIP_CLUSTER=0 (or unset, or empty) runs it: only a value meant as "yes" skips
    case ${SKIP_CLUSTER:-0} in
        0) ;;
        *) echo "cluster: skipped (SKIP_CLUSTER=$SKIP_CLUSTER)"; return "$SKIPPED" ;;
    esac
    if [ ! -x cluster/test.sh ]; then echo "cluster: cluster/test.sh is missing or not executable"; return 1; fi
    cluster/test.sh
}

stage "rust lints (fmt, clippy, doc) and docs check" rust_lints
stage "rust tests" rust_tests
stage "static release binaries" static_binaries
stage "fuzz (${FUZZ_SECONDS:-60} s)" fuzz
stage "storm-native library (unit tests, install)" storm_native
stage "java topology on LocalCluster" java_topology
stage "JVM tools compile (benches/e2e, cluster/tools)" jvm_tools
stage "clojure topology on LocalCluster" clojure_topology
stage "template project, copied out of the tree" template_project
stage "storm version matrix (${COMPAT_VERSIONS:-1.2.4 2.4.0 2.6.4 2.8.4})" storm_matrix
stage "real cluster" real_cluster

for i in "${!failures[@]}"; do why_failed "${failures[$i]}" "${failure_logs[$i]}"; done
echo
[ "$failed" -gt 0 ] && echo "failed stages: ${failures[*]}"
echo "stages: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
