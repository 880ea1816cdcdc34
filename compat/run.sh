#!/usr/bin/env bash
# The Storm version matrix: for each version, `mvn verify` of compat/ against that version (a
# LocalCluster of it running the three native binaries under its stock ShellSpout/ShellBolt), then
# one table, version x feature, each cell the result of one test method (surefire's report).
#
#   COMPAT_VERSIONS="1.2.4 2.4.0 2.6.4 2.8.4"   the rows (1.x versions build with -Dstorm.line=1x)
#   COMPAT_HOST_CELLS=quick   leave out the host's heartbeat and activation cells (about 40 s a 2.x row)
#   COMPAT_RECORD=1    also write the tables to results/matrix.md (a full run only: every default
#                      version, every host cell); not by default, since ./test.sh runs this
#                      script and a recorded table then needs its quote in README.md updated
#
# Exit status 0 only if every cell that ran passed. The tables go to target/matrix.md, headed by
# the commit, date and machine (cargo xtask provenance); COMPAT_RECORD=1 also writes them to
# results/matrix.md, the file compat/README.md quotes.
set -uo pipefail
cd "$(dirname "$0")"
all_versions="1.2.4 2.4.0 2.6.4 2.8.4"
versions=${COMPAT_VERSIONS:-$all_versions}
features="counts replay heartbeat activation logLevels error smb1 metrics"
# The same cells under storm-native's host (MultilangSpout/MultilangBolt; 2.x), and its queue probe.
host_features="hostCounts hostReplay hostHeartbeat hostActivation hostError hostSmb1 hostQueue"

for bin in sentence-spout split-bolt count-bolt; do
    if [ ! -x "../multilang/resources/$bin" ]; then
        echo "compat: ../multilang/resources/$bin missing: cargo xtask dist"
        (cd .. && cargo xtask dist) || exit 1
        break
    fi
done

mkdir -p target
# taken before the builds: the commit the binaries and sources under test come from
header=$(cd .. && cargo xtask provenance compat/run.sh) || exit 1
status=0
times=()
for v in $versions; do
    line=2x
    case $v in 1.*) line=1x ;; esac
    log=target/mvn-$v.log
    echo "compat: Storm $v ($line glue): mvn verify (log: compat/$log)"
    rm -rf "target/$v/surefire-reports"
    start=$SECONDS
    if ! mvn -B -Dstorm.version="$v" -Dstorm.line="$line" -Dcompat.host.cells="${COMPAT_HOST_CELLS:-all}" verify >"$log" 2>&1; then
        status=1
        grep -E '^\[ERROR\]' "$log" | head -20
    fi
    times+=("$v:$((SECONDS - start))")
done

{ echo "$header"; python3 - "$versions" "$features" "${times[*]}" "$host_features" <<'PY'; } | tee target/matrix.md
import os, sys
import xml.etree.ElementTree as ET
versions, features, times = sys.argv[1].split(), sys.argv[2].split(), dict(t.split(":") for t in sys.argv[3].split())
host_features = sys.argv[4].split()
secs = {}
def cells_of(v):
    cells = {}
    report = f"target/{v}/surefire-reports/TEST-com.example.compat.MatrixTest.xml"
    if os.path.exists(report):
        for case in ET.parse(report).getroot().iter("testcase"):
            name = case.get("name").removesuffix("()")
            secs[(v, name)] = float(case.get("time") or 0)
            skipped = case.find("skipped")
            if case.find("failure") is not None or case.find("error") is not None:
                cells[name] = "**FAIL**"
            elif skipped is not None:
                # @Disabled gives a message; an aborted test only the exception's text.
                text = (skipped.text or "").strip().splitlines()
                cells[name] = skipped.get("message") or (text[0].split(": ", 1)[-1] if text else "n/a")
            else:
                cells[name] = "pass"
    return cells
print("| Storm | " + " | ".join(features) + " | run (s) |")
print("|---|" + "---|" * len(features) + "---:|")
for v in versions:
    cells = cells_of(v)
    row = [cells.get(f, "no report") for f in features]
    print(f"| {v} | " + " | ".join(row) + f" | {times.get(v, '?')} |")
print()
print("Under storm-native's host (MultilangSpout / MultilangBolt):")
print()
names = [f.removeprefix("host")[0].lower() + f.removeprefix("host")[1:] for f in host_features]
print("| Storm | " + " | ".join(names) + " | host cells (s) |")
print("|---|" + "---|" * len(host_features) + "---:|")
for v in versions:
    cells = cells_of(v)
    host_secs = sum(secs.get((v, f), 0) for f in host_features)
    print(f"| {v} | " + " | ".join(cells.get(f, "no report") for f in host_features) + f" | {host_secs:.0f} |")
PY
if [ -n "${COMPAT_RECORD:-}" ] && [ "$COMPAT_RECORD" != 0 ]; then
    if [ "$versions" = "$all_versions" ] && [ "${COMPAT_HOST_CELLS:-all}" = all ]; then
        mkdir -p results && cp target/matrix.md results/matrix.md
        echo "compat: wrote compat/results/matrix.md: copy its tables into compat/README.md"
    else
        echo "compat: not recorded (COMPAT_RECORD needs every default version and every host cell)"
    fi
fi
exit $status
