#!/usr/bin/env bash
# Installs the JVM library into the local Maven repository (~/.m2): the root pom
# (io.stormnative:storm-native-parent, which storm-native's pom names as its parent) and
# io.stormnative:storm-native. Builds of one module alone (`mvn -f java-topology/pom.xml ...`,
# `cargo xtask storm-py`) and Leiningen (clojure-topology) take the library from there; a reactor
# build from the root (`mvn -pl java-topology -am ...`) does not need it.
#
#   scripts/install-storm-native.sh [ROOT] [MAVEN ARGS...]   default ROOT: this repository
#
# Tests are skipped unless the arguments say otherwise (test.sh's storm-native stage runs them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -gt 0 ] && [ -f "$1/pom.xml" ]; then root=$(cd "$1" && pwd); shift; fi
# -N: the root pom alone, so that this works in a partial copy of the tree (cluster/test.sh).
mvn -B -q -Dstyle.color=never -f "$root/pom.xml" -N install "$@"
mvn -B -q -Dstyle.color=never -f "$root/storm-native/pom.xml" install -DskipTests "$@"
