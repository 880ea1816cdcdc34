#!/usr/bin/env bash
# The main job: the native word count on an embedded LocalCluster, from a fresh clone.
# Builds the static Rust binaries into multilang/resources/, then runs the Java topology
# (spout 1, split 4, count 4) for the given seconds, printing the top words and tuples per
# second as they grow. The processes run under storm-native's host (MultilangSpout/MultilangBolt);
# --bridge stock runs them under Storm's own ShellSpout/ShellBolt instead, for comparison.
# Extra arguments go to the topology, e.g. ./run.sh --seconds 60, ./run.sh --python --bridge stock
#
#   ./run.sh --flux FILE [--seconds N]   any Flux YAML (yours: storm-native's classes need no Java)
#                                        on an embedded LocalCluster, from the packaged jar; a
#                                        mistake in it is named before the cluster starts, and
#                                        the totals are printed at the end
#   DIST_FROM="PATH..."                  components built outside the workspace, put into the jar
#                                        too: each PATH a binary or a Cargo project
#                                        (cargo xtask dist --from PATH)
#
# Set-up (installing storm-native into the local Maven repository) and, for --flux, packaging
# the jar are skipped when their inputs have not changed since the last run (a content hash kept
# in target/run-sh/): a second run starts the cluster at once.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p target/run-sh

# A hash of the files' contents (and names): cheap next to a Maven run.
inputs_hash() { find "$@" -type f -not -name '*.pyc' -print0 2>/dev/null | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64; }
m2=$(sed -n 's/.*-Dmaven\.repo\.local=\([^ ]*\).*/\1/p' <<<"${MAVEN_OPTS:-}")
installed=${m2:-$HOME/.m2/repository}/io/stormnative/storm-native/1.0-SNAPSHOT/storm-native-1.0-SNAPSHOT.jar
lib_hash=$(inputs_hash pom.xml storm-native/pom.xml storm-native/src/main)
if [ -f "$installed" ] && [ "$(cat target/run-sh/storm-native 2>/dev/null)" = "$lib_hash" ]; then
    echo "run: storm-native unchanged since it was installed: set-up skipped"
else
    scripts/setup.sh
    echo "$lib_hash" >target/run-sh/storm-native
fi

from=()
for p in ${DIST_FROM:-}; do from+=(--from "$p"); done
cargo xtask dist ${from[@]+"${from[@]}"}

if [ "${1:-}" = "--flux" ]; then
    [ $# -ge 2 ] || { echo "usage: ./run.sh --flux FILE [--seconds N]" >&2; exit 2; }
    file=$(realpath "$2"); secs=30
    if [ "${3:-}" = "--seconds" ]; then secs=${4:?--seconds needs a number}; fi
    jar=java-topology/target/wordcount-topology-1.0-SNAPSHOT.jar
    cpfile=java-topology/target/flux-local-classpath.txt
    jar_hash=$(echo "$lib_hash $(inputs_hash java-topology/pom.xml java-topology/src/main multilang/resources)" | sha256sum)
    if [ -f "$jar" ] && [ -f "$cpfile" ] && [ "$(cat target/run-sh/jar 2>/dev/null)" = "$jar_hash" ]; then
        echo "run: $jar is up to date: not packaged again"
    else
        mvn -B -q -f java-topology/pom.xml package -DskipTests -Dnative.skip=true \
            dependency:build-classpath -Dmdep.outputFile=target/flux-local-classpath.txt
        echo "$jar_hash" >target/run-sh/jar
    fi
    exec scripts/flux-local.sh "$jar" "$(cat "$cpfile")" "$file" "$secs"
fi
args="$*"
exec mvn -B -q -f java-topology/pom.xml compile exec:java -Dnative.skip=true \
    -Dstorm.topology=com.example.wordcount.WordCount ${args:+"-Dexec.args=$args"}
