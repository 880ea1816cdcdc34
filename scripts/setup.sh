#!/usr/bin/env bash
# Installs what the project needs on a fresh machine; quick when everything is there.
#   scripts/setup.sh          Rust, Java/Maven, Python checks (the main job)
#   scripts/setup.sh --lein   also Leiningen (Debian package), for clojure-topology
#   scripts/setup.sh --all    also Leiningen and cargo-fuzz (crates.io), for ./test.sh
# Both end by installing the JVM library (root pom + storm-native, no tests) into ~/.m2, where
# `mvn -f java-topology/pom.xml`, run.sh and Leiningen (clojure-topology) take it from: a few
# seconds; run it again (or scripts/install-storm-native.sh) after changing storm-native/.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
    if [ -z "$apt_updated" ]; then
        as_root apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

for tool in cargo java mvn python3; do
    need "$tool" || { echo "setup: $tool is required and missing" >&2; exit 1; }
done

case ${1:-} in
    "" | --lein | --all) ;;
    *) echo "setup: unknown option $1 (none, --lein or --all)" >&2; exit 2 ;;
esac
if [ "${1:-}" = "--lein" ] || [ "${1:-}" = "--all" ]; then
    need lein || { echo "setup: installing leiningen (Debian package)"; apt_install leiningen; }
fi
if [ "${1:-}" = "--all" ]; then
    if ! cargo fuzz --version >/dev/null 2>&1; then
        echo "setup: installing cargo-fuzz (crates.io)"
        cargo install --locked --quiet cargo-fuzz
    fi
fi

echo "setup: installing storm-native into the local Maven repository"
scripts/install-storm-native.sh
