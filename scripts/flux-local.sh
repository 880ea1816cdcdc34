#!/usr/bin/env bash
# Runs a Flux YAML on an embedded LocalCluster from a packaged topology jar, as `storm local`
# would: LocalCluster's main runs Flux, whose --remote submission goes to the local cluster, for
# SECONDS, then stops. The jar comes first on the classpath, so its resources/ (the binaries) is
# the topology's code dir. Called by ./run.sh --flux FILE (which builds the jar and the
# classpath) and by java-topology's FluxLocalRunIT and FirstMistakesIT.
#
# Before the cluster starts, io.stormnative.FluxCheck builds the topology as Flux will and stops
# at the first mistake with one line naming the component, the cause and the fix (output fields
# left out, a program not in the jar's resources/ with the nearest name there). After the run,
# the totals: the last count of each word from count-bolt's `--log-tuples` lines ("Emitting
# word:count"), or, without such lines, how to get them.
#
#   scripts/flux-local.sh JAR CLASSPATH FILE [SECONDS]     CLASSPATH: Storm and its dependencies
set -euo pipefail
jar=$1 cp=$2 file=$3 secs=${4:-30}
[ -f "$jar" ] || { echo "flux-local: no jar at $jar (mvn -f java-topology/pom.xml package)" >&2; exit 2; }
[ -f "$file" ] || { echo "flux-local: no YAML file at $file" >&2; exit 2; }
log_conf=-Dlog4j.configurationFile=wordcount-local-log4j2.xml
java "$log_conf" -cp "$jar:$cp" io.stormnative.FluxCheck "$file" >/dev/null || exit 2
log=$(mktemp)
trap 'rm -f "$log" "$log.totals"' EXIT
rc=0
java -Dstorm.local.sleeptime="$secs" -Dstorm.jar="$jar" "$log_conf" -Djava.security.manager=allow \
    -cp "$jar:$cp" org.apache.storm.LocalCluster org.apache.storm.flux.Flux --remote "$file" 2>&1 |
    tee "$log" || rc=$?
# The largest count seen per word is its total (each count-bolt emit carries the running count).
awk 'match($0, /Emitting [^ ]+:[0-9]+/) {
        m = substr($0, RSTART + 9, RLENGTH - 9); k = match(m, /:[0-9]+$/)
        w = substr(m, 1, k - 1); n = substr(m, k + 1) + 0
        if (!(w in c) || n > c[w]) c[w] = n
     }
     END { for (w in c) print c[w], w }' "$log" | sort -k1,1nr -k2,2 >"$log.totals"
if [ -s "$log.totals" ]; then
    echo "flux-local: totals (from count-bolt's --log-tuples lines): $(awk '{ s += $1 } END { print s }' "$log.totals") words counted, $(wc -l <"$log.totals") distinct; top 10:"
    head -10 "$log.totals" | awk '{ printf "  %s=%s\n", $2, $1 }'
else
    echo "flux-local: no totals: nothing logged \"Emitting word:count\". Give count-bolt --log-tuples in its"
    echo "  command (as java-topology/src/test/resources/user-flux-words.yaml does), or feed"
    echo "  com.example.wordcount.ReportBolt from your counter (grouping: GLOBAL): it logs the top words every 5 s."
fi
exit "$rc"
