# shellcheck shell=bash
# Sourced by test.sh: more nodes for the cluster of lib.sh, on this machine. Node 0 is the cluster
# lib.sh starts (ZooKeeper, Nimbus, a Supervisor); each further node K is a network namespace of
# its own with its own address on a private bridge, and runs one Supervisor (2 slots)
# with its own storm.local.hostname, storm.local.dir and log dir, as a separate machine would:
#
#   br-storm 10.77.0.1/24 (node 0, in test.sh's own private namespace)
#     +-- veth sv1 <-> eth0 10.77.0.2 in netns node 1: Supervisor 1, its workers and their children
#     +-- veth sv2 <-> eth0 10.77.0.3 in netns node 2: ...
#
# Every node sees only the bridge and its own loopback; nothing reaches a real interface (test.sh's
# namespace has none). The processes share one PID namespace, so the test sees them all. The
# topology jar is uploaded to Nimbus once (as `storm jar` does); each Supervisor downloads and
# extracts it into its own storm.local.dir.
#
#   nodes_bridge        create the bridge and set CL_HOST to node 0's address (before cl_init)
#   node_add K          create node K and start its Supervisor (its process group joins CL_PGIDS)
#   node_start K        start node K's Supervisor again (after node_kill)
#   node_kill K         kill -9 node K's Supervisor with its whole process group (workers, children)
#   node_cut K / node_heal K   take node K's link down / up; it keeps running meanwhile
#   node_of PID         the node (0, 1, ...) whose network namespace process PID is in
#   node_local K        node K's storm.local.dir

NODES_NET=10.77.0
NODES_BRIDGE=br-storm

nodes_bridge() {
  ip link add "$NODES_BRIDGE" type bridge &&
    ip addr add "$NODES_NET.1/24" dev "$NODES_BRIDGE" &&
    ip link set "$NODES_BRIDGE" up || return 1
  CL_HOST=$NODES_NET.1
  NODE0_NS=$(readlink /proc/self/ns/net)
}

node_dir() { echo "$CL_WORK/node$1"; }
# node K's storm.local.dir (node 0's is lib.sh's)
node_local() { if ((${1:-0} == 0)); then echo "$CL_LOCAL"; else echo "$(node_dir "$1")/storm-local"; fi; }
# The namespace's name under /run/netns: that file is on the host's /run even from test.sh's
# private mount namespace, so it is made unique per run (the work dir's suffix) and removed by
# nodes_clean.
node_ns() { echo "${CL_WORK##*.}-node$1"; }

# nodes_clean: delete every namespace this run created (their processes are gone by then)
nodes_clean() {
  local k
  for ((k = 1; k < 10; k++)); do
    [[ -e /run/netns/$(node_ns "$k") ]] && ip netns del "$(node_ns "$k")"
  done
  return 0
}

node_add() {
  local k=$1 dir addr
  dir=$(node_dir "$k")
  addr=$NODES_NET.$((k + 1))
  local ns; ns=$(node_ns "$k")
  ip netns add "$ns" &&
    ip link add "sv$k" type veth peer name eth0 netns "$ns" &&
    ip link set "sv$k" master "$NODES_BRIDGE" up &&
    ip -n "$ns" addr add "$addr/24" dev eth0 &&
    ip -n "$ns" link set eth0 up &&
    ip -n "$ns" link set lo up || return 1
  # how /proc/PID/ns/net names this namespace (node_of)
  eval "NODE_NS_$k='net:[$(stat -L -c %i "/run/netns/$ns")]'"
  mkdir -p "$dir/conf" "$dir/storm-local" "$dir/logs"
  # node 0's storm.yaml with this node's name and directories: ZooKeeper and Nimbus stay node 0's
  sed -e "s|^storm.local.hostname: .*|storm.local.hostname: \"$addr\"|" \
    -e "s|^storm.local.dir: .*|storm.local.dir: \"$dir/storm-local\"|" \
    -e "s|^storm.log.dir: .*|storm.log.dir: \"$dir/logs\"|" \
    "$STORM_HOME/conf/storm.yaml" >"$dir/conf/storm.yaml"
  node_start "$k"
}

# node_start K: (re)start node K's Supervisor, e.g. after node_kill (same directories, same address)
node_start() {
  local k=$1 dir pid
  dir=$(node_dir "$k")
  cl_jvm "$dir/conf" "$dir/logs" supervisor
  # STORM_CONF_DIR: the conf dir the Supervisor puts on its workers' classpath
  STORM_CONF_DIR=$dir/conf ip netns exec "$(node_ns "$k")" setsid "${CL_JVM[@]}" \
    org.apache.storm.daemon.supervisor.Supervisor >"$dir/logs/supervisor.out" 2>&1 </dev/null &
  pid=$!
  disown "$pid" # node_kill's SIGKILL is the test's doing: no "Killed" line from bash
  CL_PGIDS+=("$pid")
  eval "NODE_PID_$k=$pid"
  cl_log "node $k: $NODES_NET.$((k + 1)) (netns $(node_ns "$k")), supervisor pid/pgid $pid, local dir $dir/storm-local"
}

node_kill() {
  local pid
  eval "pid=\$NODE_PID_$1"
  kill -KILL -- "-$pid"
}

node_cut() { ip link set "sv$1" down; }
node_heal() { ip link set "sv$1" up; }

node_of() {
  local ns k n
  ns=$(readlink "/proc/$1/ns/net" 2>/dev/null) || return 1
  [[ $ns == "$NODE0_NS" ]] && { echo 0; return; }
  for ((k = 1; k < 10; k++)); do
    eval "n=\${NODE_NS_$k:-}"
    [[ -n $n && $ns == "$n" ]] && { echo "$k"; return; }
  done
  return 1
}
