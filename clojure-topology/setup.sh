#!/bin/sh
# Set-up for clojure-topology on a fresh Debian machine (run as root): Leiningen from Debian's
# own package. Every Maven dependency then comes from Maven Central (see project.clj), but the
# project's own library, installed from ../storm-native.
# The native binaries need the Rust toolchain for `cargo xtask dist` (the repository's set-up).
# Ends by installing the project's JVM library (io.stormnative/storm-native, a dependency in
# project.clj) into ~/.m2 with Maven, where Leiningen finds it.
set -eu
if ! command -v lein >/dev/null 2>&1; then
  apt-get update
  apt-get install -y leiningen
fi
java -version 2>&1 | head -1
lein version
"$(dirname "$0")/../scripts/install-storm-native.sh"
