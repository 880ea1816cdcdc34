#!/usr/bin/env bash
# The main job: the native word count on an embedded LocalCluster, from a fresh clone.
# Builds the static Rust binaries into multilang/resources/, then runs the Java topology
# (spout 1, split 4, count 4) for the given seconds, printing the top words and tuples per
# second as they grow. The processes run under storm-native's host (MultilangSpout/MultilangBolt);
# --bridge stock runs them under Storm's own ShellSpout/ShellBolt instead, for comparison.
# Extra arguments go to the topology, e.g. ./run.sh --seconds 60, ./run.sh --python --bridge stock
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
cargo xtask dist
args="$*"
exec mvn -B -q -f java-topology/pom.xml compile exec:java -Dnative.skip=true \
    -Dstorm.topology=com.example.wordcount.WordCount ${args:+"-Dexec.args=$args"}
