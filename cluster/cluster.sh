#!/usr/bin/env bash
# A Storm 2.8.4 cluster (ZooKeeper, Nimbus, one Supervisor with 2 slots) on 127.0.0.1, from the
# Maven layout in cluster/target (run `mvn -f cluster/pom.xml package` first; cluster/test.sh does).
#
#   cluster/cluster.sh                 start it, print how to reach it, wait for Ctrl-C, stop it
#   cluster/cluster.sh CMD [ARGS...]   start it, run CMD with STORM_HOME / STORM_CONF_DIR / CL_* set, stop it
#
# Either way every process it started is stopped and its temp dir removed on exit, Ctrl-C or
# failure (CL_KEEP=1 keeps the dir and its logs). It runs on the host's network namespace: Nimbus'
# and the Supervisor's Thrift ports and the workers' Netty ports bind 0.0.0.0 (Storm has no bind
# address setting); test.sh runs the same code inside a private network namespace instead.
set -uo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
SLEEPER=""
trap '[[ -n $SLEEPER ]] && kill "$SLEEPER" 2>/dev/null; cl_stop' EXIT
# a second signal must not cut the cleanup short (timeout and Ctrl-C twice send more than one)
trap 'trap "" INT TERM; exit 130' INT TERM
cl_init || exit 1
cl_start || { tail -5 "$CL_LOGS"/*.log; exit 1; }
export CL_WORK CL_LOGS CL_LOCAL
if (($# > 0)); then
  "$@"
  exit $?
fi
cat <<EOT
Storm cluster up. Conf: $STORM_CONF_DIR/storm.yaml   Logs: $CL_LOGS
Submit like \`storm jar\`:  java -cp JAR:$STORM_HOME/lib-worker/*:$STORM_CONF_DIR -Dstorm.jar=JAR MAINCLASS ARGS
Ask Nimbus:  java -cp $STORM_HOME/extlib/cluster-tools.jar:$STORM_HOME/lib-worker/*:$STORM_CONF_DIR cluster.NimbusCli list|info NAME|kill NAME SECS
Ctrl-C stops everything.
EOT
# (a background sleep and `wait`: bash runs its traps at once on a signal, not after the sleep)
while :; do
  sleep 3600 &
  SLEEPER=$!
  wait "$SLEEPER"
done
