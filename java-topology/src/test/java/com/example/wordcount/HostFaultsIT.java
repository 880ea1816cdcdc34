package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stormnative.Bridge;
import io.stormnative.MultilangBolt;
import io.stormnative.MultilangSpout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.topology.TopologyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken children under storm-native's host on a real LocalCluster (issue 19): what Nimbus
 * records (reportError), what the spout is told. The unit tests (storm-native's LaunchFailureTest,
 * ChildExitTest, StderrPumpTest) cover the same cases against stand-ins; this is the proof that
 * it holds inside Storm. Children are scripts (src/test/resources/faulty_child.py) and shell
 * one-liners, so the suite needs no Rust build. Our host only: the stock bridge's behaviour is the
 * table in storm-native/README.md, whose stock column StockFaultsIT runs.
 */
class HostFaultsIT {
    private static final String BOLT = "faulty";
    private static final Path CHILD = Faults.CHILD;
    private static LocalCluster cluster;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startCluster() throws Exception {
        // The children speak JSON; the component is our host whatever the run's bridge.
        assumeTrue(Harness.SERIALIZER.isEmpty() && Bridge.fromSystemProperty() == Bridge.HOST,
            "JSON children under our host only");
        ExitGuard.install();
        cluster = new LocalCluster();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Each launch failure reaches Nimbus as one message naming the component, the command and the
     * cause. One topology, a bolt per case (one submit keeps the suite short).
     */
    @Test
    void aChildThatCannotStartIsReportedWithItsCause() throws Exception {
        Path noShebang = tmp.resolve("no-shebang-bolt");
        Files.writeString(noShebang, "this is not a program\n", StandardCharsets.UTF_8);
        String name = "launch";
        TopologyBuilder builder = new TopologyBuilder();
        Faults.bolt(builder, Bridge.HOST, "launch-typo", "typo", "spltbolt.py");
        Faults.bolt(builder, Bridge.HOST, "launch-noshebang", "noshebang", noShebang.toString());
        Faults.bolt(builder, Bridge.HOST, "launch-import", "import", "python3", "-c", "import no_such_module_here");
        Faults.bolt(builder, Bridge.HOST, "launch-early", "early", "sh", "-c", "echo 'cannot load the model' >&2; exit 4");
        cluster.submitTopology(name, Harness.conf(), builder.createTopology());
        Map<String, List<String>> expected = Map.of(
            "typo", List.of("cannot start its multilang child [spltbolt.py]", "errno 2 ENOENT",
                "Did you mean 'splitbolt.py'?"),
            "noshebang", List.of("failed the handshake", "nor a script with an interpreter line (#!)", "ENOEXEC",
                "exit status 127"),
            "import", List.of("failed the handshake", "exit status 1", "ModuleNotFoundError"),
            "early", List.of("failed the handshake", "exit status 4", "cannot load the model"));
        Map<String, List<String>> errors = Faults.errorsOf(cluster, name, List.copyOf(expected.keySet()));
        Harness.killAndWaitForProcesses(cluster, name);
        expected.forEach((bolt, texts) -> {
            String error = errors.get(bolt).get(0);
            System.out.println(bolt + ": " + error.lines().findFirst().orElse(""));
            assertTrue(error.contains(bolt + ":"), "names the component: " + error);
            for (String e : texts) {
                assertTrue(error.contains(e), "'" + e + "' in: " + error);
            }
        });
    }

    /**
     * A child that exits (0, 3) or is killed (SIGKILL) with tuples in flight: Nimbus gets the status
     * and its last stderr line, the spout is told those tuples failed (at once, not after the
     * message timeout), each once, and nothing acked is failed. One topology, a bolt per status.
     */
    @Test
    void aChildThatExitsMidRunFailsItsTuplesAndSaysWhy() throws Exception {
        String name = "exits";
        List<Integer> statuses = List.of(0, 3, -9);
        TopologyBuilder builder = new TopologyBuilder();
        for (int status : statuses) {
            // Acks tuples 1-4, holds 5 and 6, leaves at 7.
            Faults.bolt(builder, Bridge.HOST, "exit-spout" + status, "exit" + status, "python3", CHILD.toString(), "exitat", "5", "" + status);
        }
        cluster.submitTopology(name, Harness.conf(), builder.createTopology());
        Map<String, List<String>> errors = Faults.errorsOf(cluster, name, statuses.stream().map(s -> "exit" + s).toList());
        for (int status : statuses) {
            Results r = Results.of("exit-spout" + status);
            Harness.waitUntil("tuples 5-7 failed", 30_000, () -> r.failed.times().keySet().containsAll(Set.of(5L, 6L, 7L)));
        }
        Harness.killAndWaitForProcesses(cluster, name);
        for (int status : statuses) {
            Results r = Results.of("exit-spout" + status);
            String error = errors.get("exit" + status).get(0);
            Map<Long, Long> acked = r.acked.times();
            Map<Long, Long> failed = r.failed.times();
            System.out.println("exit" + status + ": " + error.lines().findFirst().orElse(""));
            assertTrue(error.contains(status < 0 ? "killed by signal 9, SIGKILL" : "exit status " + status), error);
            if (status >= 0) {
                assertTrue(error.contains("faulty child: giving up at tuple 7"), error);
            }
            assertEquals(Map.of(1L, 1L, 2L, 1L, 3L, 1L, 4L, 1L), acked, "acked once each: the tuples the child acked");
            for (long id = 5; id <= 7; id++) {
                assertEquals(1L, failed.get(id), "tuple " + id + " failed once: " + failed);
            }
            Set<Long> both = new HashSet<>(acked.keySet());
            both.retainAll(failed.keySet());
            assertEquals(Set.of(), both, "no tuple both acked and failed");
        }
    }

    /**
     * Garbage the stream survives: a debugging print on stdout (dropped, reported, every tuple
     * acked), an emit real Storm refuses (two values for one field: reported, its input failed).
     */
    @Test
    void garbageIsReportedAndTheStreamGoesOn() throws Exception {
        String name = "garbage";
        TopologyBuilder builder = new TopologyBuilder();
        Faults.bolt(builder, Bridge.HOST, "garbage-print", "print", "python3", CHILD.toString(), "print");
        Faults.bolt(builder, Bridge.HOST, "garbage-fields", "fields", "python3", CHILD.toString(), "wrongfields");
        // Storm checks the number of fields when it builds a tuple for a consumer: give it one.
        builder.setBolt("sink", new Faults.Sink(), 1).shuffleGrouping("fields");
        cluster.submitTopology(name, Harness.conf(), builder.createTopology());
        Results print = Results.of("garbage-print");
        Results fields = Results.of("garbage-fields");
        Harness.waitUntil("all answered", 60_000, () -> print.acked.events() == 10
            && fields.acked.events() + fields.failed.events() == 10);
        Map<String, List<String>> errors = Faults.errorsOf(cluster, name, List.of("print", "fields"));
        Harness.killAndWaitForProcesses(cluster, name);
        System.out.println("print: " + errors.get("print").get(0).lines().findFirst().orElse("") + " ("
            + errors.get("print").size() + " errors)");
        System.out.println("fields: " + errors.get("fields"));
        assertTrue(errors.get("print").stream().allMatch(e -> e.contains("not multilang, dropped (")
            && e.contains("debug: got a tuple")), errors.get("print").toString());
        assertEquals(Map.of(3L, 1L), fields.failed.times(), "the input of the refused emit failed, once");
        assertEquals(9, fields.acked.times().size());
        assertTrue(errors.get("fields").stream().anyMatch(e -> e.contains("emit refused by Storm (Tuple created with "
            + "wrong number of fields")), errors.get("fields").toString());
    }

    /**
     * Pace, on one topology with a 10 s subprocess timeout (which the handshake of a Python child
     * on a loaded 2-core machine needs). A slow child (10 ms a tuple, 1,500 tuples: 15 s of work,
     * more than the timeout, with its queue never empty) lives: every tuple acked once, no error. A stuck child (reads 5 tuples, then neither reads nor writes, alive)
     * behind a spout with no message ids (so no max.spout.pending limits it, only backpressure
     * does): the spout is held back within the timeout (its emits stop growing: the host's
     * execute waits for room, Storm's queues fill), then the host finds the child silent, kills it
     * and reports it.
     */
    @Test
    void aSlowChildLivesAStuckOneHoldsTheSpoutBackThenIsKilled() throws Exception {
        String name = "pace";
        List<Object> sentences = Faults.values(1500);
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("pace-slow", new FixedSpout("pace-slow", sentences), 1);
        builder.setBolt("slow", new MultilangBolt(new String[] {"python3", CHILD.toString(), "slow", "10"}, "word"), 1)
            .shuffleGrouping("pace-slow");
        builder.setSpout("flood", new Faults.FloodSpout("pace-flood"), 1);
        builder.setBolt("stuck", new MultilangBolt(new String[] {"python3", CHILD.toString(), "stuck", "5"}, "word"), 1)
            .shuffleGrouping("flood");
        Config conf = Harness.conf();
        conf.put(Config.TOPOLOGY_SUBPROCESS_TIMEOUT_SECS, 10);
        cluster.submitTopology(name, conf, builder.createTopology());
        AtomicLong flooded = Faults.FloodSpout.emitted("pace-flood");
        // Held back: over one second, the spout emits nothing more (after the queues filled).
        long heldAt = -1;
        for (long deadline = System.currentTimeMillis() + 60_000; System.currentTimeMillis() < deadline; ) {
            long before = flooded.get();
            Thread.sleep(1000);
            if (before > 0 && flooded.get() == before) {
                heldAt = before;
                break;
            }
        }
        assertTrue(heldAt > 0, "the flood spout was never held back: " + flooded.get() + " tuples emitted");
        Map<String, List<String>> errors = Faults.errorsOf(cluster, name, List.of("stuck"));
        Results slow = Results.of("pace-slow");
        Harness.waitUntil("1,500 slow tuples acked", 180_000, () -> slow.acked.events() >= 1500);
        List<String> slowErrors = Harness.errors(cluster, name).getOrDefault("slow", List.of());
        Harness.killAndWaitForProcesses(cluster, name);
        String stuck = errors.get("stuck").get(0);
        System.out.println("stuck: " + stuck.lines().findFirst().orElse("") + " (flood spout held at " + heldAt
            + " tuples)");
        assertTrue(stuck.contains("did not answer for") && stuck.contains("killed"), stuck);
        assertEquals(1500, slow.acked.times().size());
        assertTrue(slow.acked.times().values().stream().allMatch(n -> n == 1), "each acked once");
        assertEquals(0, slow.failed.events());
        assertEquals(List.of(), slowErrors, "the slow child was not taken for silent");
    }

    /**
     * A multilang spout whose child exits (status 3) after 5 tuples: Nimbus gets the status and
     * the child's last stderr line, under the spout's name.
     */
    @Test
    void aSpoutChildThatExitsIsReportedWithItsStatus() throws Exception {
        String name = "spoutexit";
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("exiting", new MultilangSpout(new String[] {"python3", CHILD.toString(), "spoutexit", "5", "3"},
            "sentence"), 1);
        builder.setBolt("sink", new Faults.Sink(), 1).shuffleGrouping("exiting");
        cluster.submitTopology(name, Harness.conf(), builder.createTopology());
        Map<String, List<String>> errors = Faults.errorsOf(cluster, name, List.of("exiting"));
        Harness.killAndWaitForProcesses(cluster, name);
        String error = String.join("\n", errors.get("exiting"));
        System.out.println("exiting: " + error.lines().findFirst().orElse(""));
        assertTrue(error.contains("exiting:"), "names the component: " + error);
        assertTrue(error.contains("exit status 3"), error);
        assertTrue(error.contains("faulty spout: giving up after 5 tuples"), error);
    }

    /** 8 MB on stderr before the handshake and 50 lines with every tuple: every tuple acked. */
    @Test
    void aChattyChildNeitherBlocksNorLosesTuples() throws Exception {
        String name = "chatty";
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("fixed", new FixedSpout(name, Faults.values(200)), 1);
        builder.setBolt(BOLT, new MultilangBolt(new String[] {"python3", CHILD.toString(), "chatty", "8"}, "word"), 1)
            .shuffleGrouping("fixed");
        cluster.submitTopology(name, Harness.conf(), builder.createTopology());
        Results r = Results.of(name);
        Harness.waitUntil("200 acks", 120_000, () -> r.acked.events() >= 200);
        Map<Long, Long> acked = r.acked.times();
        List<String> errors = Harness.errors(cluster, name).getOrDefault(BOLT, List.of());
        Harness.killAndWaitForProcesses(cluster, name);
        assertEquals(200, acked.size());
        assertTrue(acked.values().stream().allMatch(n -> n == 1), "each acked once");
        assertEquals(0, r.failed.events());
        assertEquals(List.of(), errors);
    }
}
