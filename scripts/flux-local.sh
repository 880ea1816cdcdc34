#!/usr/bin/env bash
# Runs a Flux YAML on an embedded LocalCluster from a packaged topology jar, as `storm local`
# would: LocalCluster's main runs Flux, whose --remote submission goes to the local cluster, for
# SECONDS, then stops. The jar comes first on the classpath, so its resources/ (the binaries) is
# the topology's code dir. Called by ./run.sh --flux FILE (which builds the jar and the
# classpath) and by java-topology's FluxLocalRunIT.
#
#   scripts/flux-local.sh JAR CLASSPATH FILE [SECONDS]     CLASSPATH: Storm and its dependencies
set -euo pipefail
jar=$1 cp=$2 file=$3 secs=${4:-30}
[ -f "$jar" ] || { echo "flux-local: no jar at $jar (mvn -f java-topology/pom.xml package)" >&2; exit 2; }
[ -f "$file" ] || { echo "flux-local: no YAML file at $file" >&2; exit 2; }
exec java -Dstorm.local.sleeptime="$secs" -Dstorm.jar="$jar" \
    -Dlog4j.configurationFile=wordcount-local-log4j2.xml -Djava.security.manager=allow \
    -cp "$jar:$cp" org.apache.storm.LocalCluster org.apache.storm.flux.Flux --remote "$file"
