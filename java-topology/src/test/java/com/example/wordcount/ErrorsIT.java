package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stormnative.Bridge;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.storm.LocalCluster;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input and broken components give a clear error, not a hang. */
class ErrorsIT {
    private static LocalCluster cluster;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startCluster() throws Exception {
        ExitGuard.install();
        cluster = new LocalCluster();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A number where a sentence should be: split-bolt reports an error and fails that tuple only. */
    @ParameterizedTest
    @EnumSource(Variant.class)
    void aNumberForASentenceIsReportedAndFailedAndTheRestCounted(Variant variant) throws Exception {
        Harness.assumeVariantSpeaksSerializer(variant);
        long handshakes = Harness.handshakes();
        String name = "malformed-" + variant.name().toLowerCase();
        List<Object> input = List.of("the cow jumped", 42, "over the moon");
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("fixed", new FixedSpout(name, input), 1);
        builder.setBolt(WordCount.SPLIT, SplitBolt.on(Harness.BRIDGE, variant), 2).shuffleGrouping("fixed");
        builder.setBolt(WordCount.COUNT, CountBolt.on(Harness.BRIDGE, variant), 2).fieldsGrouping(WordCount.SPLIT, new Fields("word"));
        builder.setBolt("collector", new CollectorBolt(name), 1).globalGrouping(WordCount.COUNT);
        Results r = Results.of(name);

        cluster.submitTopology(name, Harness.conf(), builder.createTopology());
        Harness.waitUntil("3 tuples acked or failed", 60_000, () -> r.acked.events() + r.failed.events() >= 3);
        Harness.waitUntil("the error to be recorded", 30_000, () -> {
            try {
                return !Harness.errors(cluster, name).getOrDefault(WordCount.SPLIT, List.of()).isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> errors = Harness.errors(cluster, name).get(WordCount.SPLIT);
        Harness.killAndWaitForProcesses(cluster, name);

        assertEquals(Map.of(2L, 1L), r.failed.times(), "failed, once: the number only");
        assertEquals(Map.of(1L, 1L, 3L, 1L), r.acked.times(), "acked, once each: the sentences");
        assertEquals(Map.of("the", 2L, "cow", 1L, "jumped", 1L, "over", 1L, "moon", 1L), Map.copyOf(r.counts));
        System.out.println(variant + " split-bolt error: " + errors);
        assertTrue(errors.get(0).contains("Shell Process Exception"), errors.toString());
        // The component's own words: the native bolt names the bad value, storm.py sends the traceback.
        assertTrue(errors.get(0).contains(variant == Variant.NATIVE ? "42" : "AttributeError"), errors.toString());
        assertEquals(List.of(), Harness.componentProcesses());
        Harness.assertSpokeSerializer(handshakes, 4);
    }

    /**
     * A component that exits at once: Storm logs the component's own message and halts the worker
     * (here: the JVM), within seconds.
     */
    @ParameterizedTest
    @ValueSource(strings = {"corpus", "exits", "python-smb1"})
    void aComponentThatExitsAtOnceStopsTheRunWithItsMessage(String how) throws Exception {
        // In process, a component that cannot start (a missing corpus) stops the run the same way;
        // the other two are a child process's ways to end (the in-process crash path is proven
        // on the real cluster, cluster/).
        assumeTrue(how.equals("corpus") || Harness.BRIDGE != Bridge.INPROC, "no child process in process");
        String missing = tmp.resolve("no-such-corpus.txt").toString();
        List<String> cmd = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            "-Dwordcount.it.serializer=" + Harness.SERIALIZER,
            "-D" + Bridge.PROPERTY + "=" + Bridge.fromSystemProperty().name().toLowerCase(java.util.Locale.ROOT),
            CrashingTopology.class.getName(), how));
        if (how.equals("corpus")) {
            cmd.add(missing);
        }
        File log = tmp.resolve("crash-" + how + ".log").toFile();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        boolean exited = p.waitFor(150, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertTrue(exited, "still running after 150 s: a hang");
        assertNotEquals(0, p.exitValue(), "exit status");
        assertFalse(out.contains("no crash within"), out);
        String expected = switch (how) {
            case "corpus" -> "cannot read corpus";
            case "exits" -> "broken-bolt: cannot load its model file";
            default -> "did not answer the handshake within 3 s";
        };
        assertTrue(out.contains(expected), "the component's message in the log; got:\n" + tail(out));
        assertTrue(out.contains("Halting process"), "Storm halts the worker; got:\n" + tail(out));
    }

    private static String tail(String s) {
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }
}
