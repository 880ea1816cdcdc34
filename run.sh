#!/usr/bin/env bash
# The main job: the native word count on an embedded LocalCluster, from a fresh clone.
# Builds the static Rust binaries into multilang/resources/, then runs the Java topology
# (spout 1, split 4, count 4) for the given seconds, printing the top words and tuples per
# second as they grow. The processes run under storm-native's host (MultilangSpout/MultilangBolt);
# --bridge stock runs them under Storm's own ShellSpout/ShellBolt instead, for comparison.
# Extra arguments go to the topology, e.g. ./run.sh --seconds 60, ./run.sh --python --bridge stock
#
#   ./run.sh --flux FILE [--seconds N]   any Flux YAML (yours: storm-native's classes need no Java)
#                                        on an embedded LocalCluster, from the packaged jar
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
cargo xtask dist
if [ "${1:-}" = "--flux" ]; then
    [ $# -ge 2 ] || { echo "usage: ./run.sh --flux FILE [--seconds N]" >&2; exit 2; }
    file=$(realpath "$2"); secs=30
    if [ "${3:-}" = "--seconds" ]; then secs=${4:?--seconds needs a number}; fi
    mvn -B -q -f java-topology/pom.xml package -DskipTests -Dnative.skip=true \
        dependency:build-classpath -Dmdep.outputFile=target/flux-local-classpath.txt
    exec scripts/flux-local.sh java-topology/target/wordcount-topology-1.0-SNAPSHOT.jar \
        "$(cat java-topology/target/flux-local-classpath.txt)" "$file" "$secs"
fi
args="$*"
exec mvn -B -q -f java-topology/pom.xml compile exec:java -Dnative.skip=true \
    -Dstorm.topology=com.example.wordcount.WordCount ${args:+"-Dexec.args=$args"}
