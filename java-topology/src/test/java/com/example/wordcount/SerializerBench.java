package com.example.wordcount;

import io.stormnative.BinarySerializer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.multilang.JsonSerializer;
import org.apache.storm.topology.TopologyBuilder;

/**
 * Sentences/s of the native word count (spout 1, split 4, count 4, reliable, acking on) with the
 * JSON serializer and with {@link BinarySerializer}, alternated on one LocalCluster, and a JFR
 * recording of each measurement window. Not a test: run it by hand (see java-topology/BINARY.md).
 *
 * <pre>SerializerBench [reps=3] [warmup=10] [measure=20] [prime=0] [jfr=DIR] [only=json,smb1]</pre>
 *
 * <p>{@code prime=N}: first one untimed N-second run per serializer (JIT warm-up), not counted.
 */
public final class SerializerBench {
    static final LongAdder ACKED = new LongAdder();
    static final LongAdder FAILED = new LongAdder();

    /** The real SentenceSpout, counting acks and fails. */
    public static class CountingSpout extends SentenceSpout {
        private static final long serialVersionUID = 1L;

        public CountingSpout() {
            super(Variant.NATIVE);
        }

        @Override
        public void ack(Object msgId) {
            ACKED.increment();
            super.ack(msgId);
        }

        @Override
        public void fail(Object msgId) {
            FAILED.increment();
            super.fail(msgId);
        }
    }

    private SerializerBench() {
    }

    /** utime+stime in clock ticks (USER_HZ, 100) of every live process below this JVM. */
    static long childTicks() {
        long[] total = {0};
        ProcessHandle.current().descendants().forEach(p -> {
            try {
                String stat = Files.readString(Paths.get("/proc/" + p.pid() + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total[0] += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (Exception e) {
                // gone
            }
        });
        return total[0];
    }

    static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    record Run(String serializer, int rep, double sentencesPerSec, double jvmUsPerSentence,
               double childUsPerSentence, long failed) {
    }

    public static void main(String[] args) throws Exception {
        int reps = 3;
        int warmup = 10;
        int measure = 20;
        int prime = 0;
        Path jfrDir = null;
        List<String> only = List.of("json", "smb1");
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "reps":
                    reps = Integer.parseInt(kv[1]);
                    break;
                case "warmup":
                    warmup = Integer.parseInt(kv[1]);
                    break;
                case "measure":
                    measure = Integer.parseInt(kv[1]);
                    break;
                case "prime":
                    prime = Integer.parseInt(kv[1]);
                    break;
                case "only":
                    only = List.of(kv[1].split(","));
                    break;
                case "jfr":
                    jfrDir = Paths.get(kv[1]);
                    Files.createDirectories(jfrDir);
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        List<String> chosen = only;
        List<String[]> serializers = List.of(
            new String[] {"json", JsonSerializer.class.getName()},
            new String[] {"smb1", BinarySerializer.class.getName()}).stream()
            .filter(s -> chosen.contains(s[0])).collect(java.util.stream.Collectors.toList());
        List<Run> runs = new ArrayList<>();
        try (LocalCluster cluster = new LocalCluster()) {
            // Untimed first runs: JIT-compile Storm's paths for both before anything is measured.
            for (String[] s : prime > 0 ? serializers : List.<String[]>of()) {
                System.out.println("bench: priming (not counted) " + runOnce(cluster, s[0], s[1], 0, prime, 1, null));
            }
            for (int rep = 1; rep <= reps; rep++) {
                // Alternate which goes first, so neither always gets the warmer machine.
                List<String[]> order = new ArrayList<>(serializers);
                if (rep % 2 == 0) {
                    java.util.Collections.reverse(order);
                }
                for (String[] s : order) {
                    runs.add(runOnce(cluster, s[0], s[1], rep, warmup, measure, jfrDir));
                    System.out.println("bench: " + runs.get(runs.size() - 1));
                }
            }
        }
        for (String[] s : serializers) {
            double[] rates = runs.stream().filter(r -> r.serializer().equals(s[0]))
                .mapToDouble(Run::sentencesPerSec).sorted().toArray();
            double[] jvm = runs.stream().filter(r -> r.serializer().equals(s[0]))
                .mapToDouble(Run::jvmUsPerSentence).sorted().toArray();
            double[] child = runs.stream().filter(r -> r.serializer().equals(s[0]))
                .mapToDouble(Run::childUsPerSentence).sorted().toArray();
            System.out.printf(Locale.ROOT, "bench: %s median of %d: %.0f sentences/s (runs %s), JVM CPU %.1f us/sentence, "
                    + "children CPU %.1f us/sentence%n", s[0], rates.length, rates[rates.length / 2],
                Arrays.toString(Arrays.stream(rates).mapToLong(Math::round).toArray()), jvm[jvm.length / 2],
                child[child.length / 2]);
        }
        System.exit(0);
    }

    private static Run runOnce(LocalCluster cluster, String label, String serializer, int rep, int warmup, int measure,
                               Path jfrDir) throws Exception {
        String name = "bench-" + label + "-" + rep;
        Config conf = new Config();
        conf.put(Config.TOPOLOGY_MULTILANG_SERIALIZER, serializer);
        conf.put("wordcount.spout.reliable", true);
        conf.put("wordcount.spout.seed", 42);
        conf.setNumWorkers(1);
        TopologyBuilder builder = WordCount.builder(new CountingSpout(), Variant.NATIVE, 4, 4);
        cluster.submitTopology(name, conf, builder.createTopology());
        Thread.sleep(warmup * 1000L);

        Recording jfr = null;
        if (jfrDir != null) {
            Map<String, String> settings = Configuration.getConfiguration("profile").getSettings();
            jfr = new Recording(settings);
            jfr.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(10));
            jfr.start();
        }
        long a0 = ACKED.sum();
        long f0 = FAILED.sum();
        long cpu0 = jvmCpuNanos();
        long ticks0 = childTicks();
        long t0 = System.nanoTime();
        Thread.sleep(measure * 1000L);
        long a1 = ACKED.sum();
        long f1 = FAILED.sum();
        long cpu1 = jvmCpuNanos();
        long ticks1 = childTicks();
        long t1 = System.nanoTime();
        if (jfr != null) {
            jfr.stop();
            jfr.dump(jfrDir.resolve(name + ".jfr"));
            jfr.close();
        }
        Harness.killAndWaitForProcesses(cluster, name);

        long sentences = a1 - a0;
        double secs = (t1 - t0) / 1e9;
        return new Run(label, rep, sentences / secs, (cpu1 - cpu0) / 1e3 / sentences,
            (ticks1 - ticks0) * 10_000.0 / sentences, f1 - f0);
    }
}
