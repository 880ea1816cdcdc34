# shellcheck shell=bash
# A Storm 2.8.4 cluster on one machine, from Maven Central jars: ZooKeeper (the ZooKeeperServerMain
# shaded into storm-shaded-deps), Nimbus and one Supervisor, each a plain `java` in its own process
# group, everything under one temp dir. Sourced by cluster.sh and test.sh.
#
#   cl_init          temp dir, free ports, storm.home (lib, lib-worker, extlib, log4j2, conf/storm.yaml)
#   cl_start         start ZooKeeper, Nimbus, Supervisor; wait until the supervisor's slots show in Nimbus
#   cl_stop          stop them: cl_stop_term (TERM by process group, wait), then cl_stop_kill (KILL
#                    the groups and anything else left under the temp dir: workers, their LogWriters,
#                    component processes; remove the temp dir)
#   cl_client CLASS ARGS...   run a client JVM (NimbusCli, Submit, a topology main) against the cluster
#
# Needs: `mvn -f cluster/pom.xml package` done (cluster/target/storm-home/{lib,lib-worker},
# cluster/target/tools/cluster-tools.jar).

CL_DIR=${CL_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
CL_PGIDS=()          # process groups we started (one per daemon)
CL_WORK=""
CL_HEAP=${CL_HEAP:-512m}
# The address every daemon binds and names itself by: loopback on one node; the multinode part
# (nodes.sh) sets it to node 0's address on the nodes' bridge before cl_init.
CL_HOST=${CL_HOST:-127.0.0.1}
# The SMB1 multilang serializer (docs/binary-protocol.md) in java-topology's jar: the fault runs and
# the soak run once with Storm's JSON and once with this as topology.multilang.serializer.
CL_BINARY_SERIALIZER=${CL_BINARY_SERIALIZER:-io.stormnative.BinarySerializer}

cl_log() { printf '%s cluster: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# N free TCP ports on $CL_HOST (held open together while chosen, so they are distinct).
cl_free_ports() {
  python3 - "$1" "$CL_HOST" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind((sys.argv[2], 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

cl_init() {
  local lib="$CL_DIR/target/storm-home" tools="$CL_DIR/target/tools/cluster-tools.jar"
  [[ -d $lib/lib && -d $lib/lib-worker && -f $tools ]] || {
    cl_log "no storm.home layout: run mvn -f cluster/pom.xml package first"; return 1; }
  CL_WORK=$(mktemp -d "${TMPDIR:-/tmp}/storm-cluster.XXXXXX")
  STORM_HOME=$CL_WORK/storm-home
  CL_LOCAL=$CL_WORK/storm-local
  CL_LOGS=$CL_WORK/logs
  mkdir -p "$STORM_HOME/extlib" "$STORM_HOME/conf" "$STORM_HOME/log4j2" "$CL_LOCAL" "$CL_LOGS" "$CL_WORK/zk"
  ln -s "$lib/lib" "$STORM_HOME/lib"
  ln -s "$lib/lib-worker" "$STORM_HOME/lib-worker"
  # the test's hook and sink reach the workers the way site extensions do: storm.home/extlib
  cp "$tools" "$STORM_HOME/extlib/"
  cp "$CL_DIR/log4j2/cluster.xml" "$CL_DIR/log4j2/worker.xml" "$STORM_HOME/log4j2/"

  read -r CL_ZK_PORT CL_NIMBUS_PORT CL_SUP_PORT CL_SLOT1 CL_SLOT2 < <(cl_free_ports 5)
  cat >"$STORM_HOME/conf/storm.yaml" <<EOF
# written by cluster/lib.sh: everything on loopback, everything under $CL_WORK
storm.zookeeper.servers: ["$CL_HOST"]
storm.zookeeper.port: $CL_ZK_PORT
storm.local.hostname: "$CL_HOST"
nimbus.seeds: ["$CL_HOST"]
nimbus.thrift.port: $CL_NIMBUS_PORT
supervisor.thrift.port: $CL_SUP_PORT
supervisor.slots.ports: [$CL_SLOT1, $CL_SLOT2]
storm.local.dir: "$CL_LOCAL"
storm.log.dir: "$CL_LOGS"
# topology.workers as given (the resource-aware default would size workers itself)
storm.scheduler: "org.apache.storm.scheduler.DefaultScheduler"
worker.heap.memory.mb: ${CL_HEAP%m}
worker.childopts: "-Xmx%HEAP-MEM%m -Xms64m -XX:+UseSerialGC"
topology.worker.logwriter.childopts: "-Xmx64m -XX:+UseSerialGC"
# executor stats (what Nimbus' getTopologyInfo shows) every 2 s instead of every 60 s
executor.metrics.frequency.secs: 2
# no UI, no logviewer, no DRPC: nothing else listens
ui.disable.http.binding: true
logviewer.disable.http.binding: true
EOF
  # more settings from the caller (the multinode part's), one YAML line each
  [[ -n ${CL_EXTRA_YAML:-} ]] && printf '%s\n' "$CL_EXTRA_YAML" >>"$STORM_HOME/conf/storm.yaml"
  cat >"$CL_WORK/zk/zoo.cfg" <<EOF
dataDir=$CL_WORK/zk/data
clientPort=$CL_ZK_PORT
clientPortAddress=$CL_HOST
tickTime=2000
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=
EOF
  export STORM_HOME STORM_CONF_DIR=$STORM_HOME/conf
  cl_log "work dir $CL_WORK; zookeeper :$CL_ZK_PORT nimbus :$CL_NIMBUS_PORT supervisor :$CL_SUP_PORT slots :$CL_SLOT1 :$CL_SLOT2"
}

# cl_jvm CONF_DIR LOG_DIR NAME: sets CL_JVM to a daemon's java command (Storm's lib/ and CONF_DIR
# on the classpath, its log LOG_DIR/NAME.log); lib.sh's daemons and nodes.sh's Supervisors use it.
cl_jvm() {
  CL_JVM=(java -Xmx"$CL_HEAP" -XX:+UseSerialGC -cp "$STORM_HOME/lib/*:$1" -Dstorm.home="$STORM_HOME"
    -Dstorm.log.dir="$2" -Dlogfile.name="$3.log" -Dlog4j.configurationFile="$STORM_HOME/log4j2/cluster.xml"
    -Djava.net.preferIPv4Stack=true -Dzookeeper.admin.enableServer=false)
}

# cl_daemon NAME MAIN [ARGS...]: a daemon JVM in a new session (own process group), log in $CL_LOGS.
cl_daemon() {
  local name=$1 main=$2; shift 2
  cl_jvm "$STORM_HOME/conf" "$CL_LOGS" "$name"
  setsid "${CL_JVM[@]}" "$main" "$@" >"$CL_LOGS/$name.out" 2>&1 </dev/null &
  local pid=$!
  CL_PGIDS+=("$pid")
  eval "CL_PID_${name}=$pid"
  cl_log "started $name (pid/pgid $pid)"
}

# cl_wait_port PORT SECS: until something accepts on $CL_HOST:PORT
cl_wait_port() {
  local i
  for ((i = 0; i < $2 * 2; i++)); do
    (exec 3<>"/dev/tcp/$CL_HOST/$1") 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}

# A client JVM: storm-client (lib-worker) + the tools + the conf dir, like `storm jar` puts lib + jar + conf.
cl_client() {
  local cp="$STORM_HOME/extlib/cluster-tools.jar:$STORM_HOME/lib-worker/*:$STORM_HOME/conf"
  [[ -n ${CL_CLIENT_JAR:-} ]] && cp="$CL_CLIENT_JAR:$cp"
  timeout "${CL_CLIENT_TIMEOUT:-120}" java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$cp" \
    -Dstorm.conf.file=storm.yaml -Dlog4j.configurationFile="$STORM_HOME/log4j2/cluster.xml" \
    -Dstorm.log.dir="$CL_LOGS" -Dlogfile.name=client.log ${CL_CLIENT_OPTS:-} "$@"
}

cl_nimbus() { cl_client cluster.NimbusCli "$@"; }

cl_start() {
  cl_daemon zookeeper org.apache.storm.shade.org.apache.zookeeper.server.ZooKeeperServerMain "$CL_WORK/zk/zoo.cfg"
  cl_wait_port "$CL_ZK_PORT" 60 || { cl_log "zookeeper did not come up (see $CL_LOGS/zookeeper.out)"; return 1; }
  cl_daemon nimbus org.apache.storm.daemon.nimbus.Nimbus
  cl_daemon supervisor org.apache.storm.daemon.supervisor.Supervisor
  cl_wait_port "$CL_NIMBUS_PORT" 120 || { cl_log "nimbus did not come up (see $CL_LOGS/nimbus.log)"; return 1; }
  local i out
  for ((i = 0; i < 60; i++)); do
    out=$(CL_CLIENT_TIMEOUT=30 cl_nimbus supervisors 2>/dev/null) || true
    if [[ $out == "supervisors 1 slots 2 "* ]]; then
      cl_log "cluster up: $out"
      return 0
    fi
    sleep 2
  done
  cl_log "the supervisor never registered with nimbus (last: ${out:-nothing})"
  return 1
}

# Pids of every process whose command line or working directory mentions the work dir: the daemons,
# the workers and their LogWriters (-Dstorm.home=...), the components (cwd in storm-local).
cl_leftovers() {
  [[ -n $CL_WORK ]] || return 0
  local p
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [[ $p == "$$" || $p == "$BASHPID" ]] && continue
    if { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -qF "$CL_WORK" ||
      [[ $(readlink "/proc/$p/cwd" 2>/dev/null) == "$CL_WORK"* ]]; then
      echo "$p"
    fi
  done
}

# cl_stop_term: TERM to every daemon's process group (workers, LogWriters and components are in the
# supervisor's), wait up to 20 s for the groups, then up to 10 s for anything else of the cluster
# (a component that outlives its worker exits on its stdin's end). Kills nothing by force.
cl_stop_term() {
  local g i left
  for g in "${CL_PGIDS[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
  for ((i = 0; i < 40; i++)); do
    left=0
    for g in "${CL_PGIDS[@]}"; do kill -0 -- "-$g" 2>/dev/null && left=1; done
    ((left)) || break
    sleep 0.5
  done
  for ((i = 0; i < 20; i++)); do
    [[ -z $(cl_leftovers) ]] && break
    sleep 0.5
  done
}

# cl_stop_kill: KILL whatever is left (the daemons' groups, then anything found under the work dir);
# remove the work dir. Prints the pids it had to kill.
cl_stop_kill() {
  local g left
  for g in "${CL_PGIDS[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
  # Workers and components normally share the supervisor's process group; anything that left it
  # (or outlived it) is found by its path.
  left=$(cl_leftovers | tr '\n' ' ')
  if [[ -n ${left// /} ]]; then
    cl_log "killing leftovers: $left"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
    sleep 1
  fi
  CL_PGIDS=()
  if [[ -n $CL_WORK && -d $CL_WORK ]]; then
    if [[ -n ${CL_KEEP:-} ]]; then
      cl_log "kept $CL_WORK (CL_KEEP set)"
    else
      rm -rf "$CL_WORK"
    fi
  fi
}

cl_stop() {
  cl_stop_term
  cl_stop_kill
}
