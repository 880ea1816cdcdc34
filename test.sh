#!/usr/bin/env bash
# Runs every test of the project, from a fresh clone: set-up, Rust (lints, unit, transcript,
# subprocess and Python-parity tests, static-binary check, a bounded fuzz run), the Java
# topology on a real LocalCluster (mvn verify), the Clojure topology (lein test), and the real
# cluster test. Each stage is run even if an earlier one failed; the last line sums them up.
#
#   FUZZ_SECONDS=60    how long the fuzzer runs (0 skips it)
#   SKIP_CLUSTER=1     leave out the real-cluster stage
#   COMPAT_VERSIONS="1.2.4 2.4.0 2.6.4 2.8.4"   the Storm version matrix's rows (compat/run.sh)
set -uo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR=never

passed=0; failed=0; failures=()
stage() {
    local name=$1; shift
    echo
    echo "=== $name"
    local start=$SECONDS
    if "$@"; then
        passed=$((passed + 1)); echo "=== $name: ok ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1)); failures+=("$name"); echo "=== $name: FAILED ($((SECONDS - start)) s)"
    fi
}

scripts/setup.sh --all || { echo "set-up failed"; exit 1; }

rust_lints() {
    cargo fmt --all --check &&
        cargo clippy --workspace --all-targets -q -- -D warnings &&
        RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps -q
}
rust_tests() { cargo xtask storm-py && cargo test --workspace; }
static_binaries() { cargo xtask dist && cargo xtask check-static; }
fuzz() {
    local secs=${FUZZ_SECONDS:-60}
    if [ "$secs" = 0 ]; then echo "fuzz: skipped (FUZZ_SECONDS=0)"; return 0; fi
    if ! rustup run nightly rustc --version >/dev/null 2>&1; then
        echo "fuzz: no nightly toolchain on this machine (cargo fuzz needs it); not run"
        return 1
    fi
    (cd fuzz && cargo +nightly fuzz run --sanitizer none messages -- -max_total_time="$secs" -max_len=4096 -close_fd_mask=2 2>&1 |
        grep -E '^(Done|==|SUMMARY)|panicked|artifact' ; exit "${PIPESTATUS[0]}")
}
java_topology() { mvn -B -q -f java-topology/pom.xml verify -Dnative.skip=true; }
clojure_topology() { (cd clojure-topology && lein test); }
storm_matrix() { compat/run.sh; }
real_cluster() {
    if [ -n "${SKIP_CLUSTER:-}" ]; then echo "cluster: skipped (SKIP_CLUSTER set)"; return 0; fi
    cluster/test.sh
}

stage "rust lints (fmt, clippy, doc)" rust_lints
stage "rust tests" rust_tests
stage "static release binaries" static_binaries
stage "fuzz (${FUZZ_SECONDS:-60} s)" fuzz
stage "java topology on LocalCluster" java_topology
stage "clojure topology on LocalCluster" clojure_topology
stage "storm version matrix (${COMPAT_VERSIONS:-1.2.4 2.4.0 2.6.4 2.8.4})" storm_matrix
[ -x cluster/test.sh ] && stage "real cluster" real_cluster

echo
[ "$failed" -gt 0 ] && echo "failed stages: ${failures[*]}"
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
