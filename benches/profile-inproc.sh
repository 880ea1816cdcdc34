#!/usr/bin/env bash
# Where the CPU goes under the in-process bridge against pure Java: async-profiler (4.1, the
# Maven artifact tools.profiler:async-profiler, whose jar carries the agent) loaded into bench.E2E's
# JVM, one LocalCluster run per variant (1/4/4, saturated, as benches/serializer.sh), CPU samples
# per thread. The executors' samples are then split into: Storm's own work (queues, acker, stats,
# groupings, and the emits and acks a component asks for), the component's code (for inproc: the
# bridge's Java, SMB1 encode and decode in Java, the native call: Rust, JNI and copies), and
# waiting (park and wake-up). The agent runs from the JVM's start: the other threads' share (JIT,
# GC, the cluster's daemons) includes start-up, so it is printed apart.
#
#   benches/profile-inproc.sh        the sample's sentences and word mode, each java vs rust+inproc (about 5 min, builds aside)
#   PROF_WORKLOADS=words benches/profile-inproc.sh
#
# Builds what it runs as benches/serializer.sh does (the release components, the bench, the
# corpus for word mode). Writes benches/results/raw/profile-inproc/*.txt (collapsed stacks) and
# prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$PWD/benches/results/raw/profile-inproc
mkdir -p "$out"
corpus=$PWD/benches/results/raw/corpus.txt
cargo xtask dist
[[ " ${PROF_WORKLOADS:-sample words} " != *" words "* ]] || benches/corpus.sh "$corpus"
mvn -B -q -pl benches/e2e -am compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
rm -rf benches/e2e/target/classes/resources
cp -a multilang/resources benches/e2e/target/classes/resources
mvn -B -q dependency:copy -Dartifact=tools.profiler:async-profiler:4.1 -DoutputDirectory="$out"
(cd "$out" && jar xf async-profiler-4.1.jar linux-x64/libasyncProfiler.so) # the JDK's jar: no unzip needed
agent=$out/linux-x64/libasyncProfiler.so
cp="benches/e2e/target/classes:$(cat benches/e2e/target/cp.txt)"
for workload in ${PROF_WORKLOADS:-sample words}; do
  for v in java rust+inproc; do
    args=(inputs=sample)
    [[ $workload == words ]] && { v=$v+words; args=(inputs=corpus "corpus=$corpus"); }
    # The JVM has died under the agent now and then (SIGSEGV inside the JVM, in 2 of 48 profiled
    # in-process runs on 2026-12-06, none of 35 pure-Java ones; likely the agent's signal
    # re-entering glibc's lazy set-up of the component libraries' thread-locals, benches/README.md):
    # such a run is made once more.
    for try in 1 2; do
      rm -f "$out/$v.jsonl" # bench.E2E appends, and the table reads the first line
      java -agentpath:"$agent=start,event=cpu,interval=1ms,threads,collapsed,file=$out/$v.txt" \
        -XX:ErrorFile="$out/hs_err_pid%p.log" -Xmx2g -Djava.security.manager=allow -cp "$cp" \
        bench.E2E out="$out/$v.jsonl" variants="$v" shapes=1/4/4 reps=1 warmup=10 measure=20 \
        pending=1000 "${args[@]}" >/dev/null 2>"$out/$v-stderr.log" && break
      rc=$?
      echo "$v: the profiled JVM exited with $rc (a crash leaves $out/hs_err_pid*.log)" >&2
      [ "$try" = 1 ] || exit 1
      echo "$v: running it once more" >&2
    done
  done
done
python3 - "$out" <<'EOF'
import collections, glob, json, os, re, sys
out = sys.argv[1]
entry = re.compile(r'bench/E2E\$Java\w+\.(execute|nextTuple)|io/stormnative/InProcess(Bolt|Spout)\$Runtime\.\w+')
storm_call = re.compile(r'org/apache/storm/(task|spout)/\w*OutputCollector\.|BasicOutputCollector\.')
parts = ['Storm', 'component: Java', 'component: SMB1 in Java', 'component: native call', 'waiting']
print('| variant | sentences/s | CPU µs per sentence | executors: ' + ' | '.join(parts) + ' | other threads |')
print('|---|---:|---:|' + '---:|' * (len(parts) + 1))
for f in sorted(glob.glob(os.path.join(out, '*.txt'))):
    v = os.path.basename(f)[:-4]
    if not os.path.exists(os.path.join(out, v + '.jsonl')):
        continue
    run = json.loads(open(os.path.join(out, v + '.jsonl')).readline())
    c = collections.Counter()
    for line in open(f):
        stack, n = line.rstrip().rsplit(' ', 1)
        fr = stack.split(';')
        if 'executor[' not in fr[0]:
            c['other'] += int(n); continue
        if any('WaitStrategy' in x or 'Unsafe.park' in x for x in fr):
            k = 'waiting'
        else:
            e = next((i for i, x in enumerate(fr) if entry.search(x)), None)
            below = fr[e + 1:] if e is not None else []
            if e is None or any(storm_call.search(x) for x in below):
                k = 'Storm'
            elif any('InProcessNative.handle' in x for x in below):
                k = 'component: native call'
            elif any(re.search(r'Smb1\$(En|De)coder', x) for x in below):
                k = 'component: SMB1 in Java'
            else:
                k = 'component: Java'
        c[k] += int(n)
    ex = sum(c[p] for p in parts)
    print(f"| {v} | {run['sentences_per_s']:,.0f} | {run['cpu_us_per_sentence']:.0f} | "
          + ' | '.join(f'{100 * c[p] / ex:.1f} %' for p in parts)
          + f" | {100 * c['other'] / (ex + c['other']):.0f} % of all |")
print('\nShares of the executor threads\' samples; "Storm" includes the emits and acks the component asks for.')
EOF
