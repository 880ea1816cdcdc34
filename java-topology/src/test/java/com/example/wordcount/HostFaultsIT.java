package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stormnative.Bridge;
import io.stormnative.MultilangBolt;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.storm.LocalCluster;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.tuple.Tuple;
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
 * table in storm-native/README.md.
 */
class HostFaultsIT {
    private static final String BOLT = "faulty";
    private static final Path CHILD = Path.of("target/test-classes/faulty_child.py").toAbsolutePath();
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

    private static List<Object> values(int n) {
        List<Object> v = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            v.add("sentence " + i);
        }
        return v;
    }

    private static void bolt(TopologyBuilder builder, String spoutKey, String bolt, String... command) {
        builder.setSpout(spoutKey, new FixedSpout(spoutKey, values(10)), 1);
        builder.setBolt(bolt, new MultilangBolt(command, "word"), 1).shuffleGrouping(spoutKey);
    }

    private static Map<String, List<String>> errorsOf(String name, List<String> components) throws Exception {
        Harness.waitUntil("an error of each of " + components, 60_000, () -> {
            try {
                Map<String, List<String>> errors = Harness.errors(cluster, name);
                return components.stream().allMatch(c -> !errors.getOrDefault(c, List.of()).isEmpty());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return Harness.errors(cluster, name);
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
        bolt(builder, "launch-typo", "typo", "spltbolt.py");
        bolt(builder, "launch-noshebang", "noshebang", noShebang.toString());
        bolt(builder, "launch-import", "import", "python3", "-c", "import no_such_module_here");
        bolt(builder, "launch-early", "early", "sh", "-c", "echo 'cannot load the model' >&2; exit 4");
        cluster.submitTopology(name, Harness.conf(), builder.createTopology());
        Map<String, List<String>> expected = Map.of(
            "typo", List.of("cannot start its multilang child [spltbolt.py]", "errno 2 ENOENT",
                "Did you mean 'splitbolt.py'?"),
            "noshebang", List.of("failed the handshake", "nor a script with an interpreter line (#!)", "ENOEXEC",
                "exit status 127"),
            "import", List.of("failed the handshake", "exit status 1", "ModuleNotFoundError"),
            "early", List.of("failed the handshake", "exit status 4", "cannot load the model"));
        Map<String, List<String>> errors = errorsOf(name, List.copyOf(expected.keySet()));
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
            bolt(builder, "exit-spout" + status, "exit" + status, "python3", CHILD.toString(), "exitat", "5", "" + status);
        }
        cluster.submitTopology(name, Harness.conf(), builder.createTopology());
        Map<String, List<String>> errors = errorsOf(name, statuses.stream().map(s -> "exit" + s).toList());
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
        bolt(builder, "garbage-print", "print", "python3", CHILD.toString(), "print");
        bolt(builder, "garbage-fields", "fields", "python3", CHILD.toString(), "wrongfields");
        // Storm checks the number of fields when it builds a tuple for a consumer: give it one.
        builder.setBolt("sink", new Sink(), 1).shuffleGrouping("fields");
        cluster.submitTopology(name, Harness.conf(), builder.createTopology());
        Results print = Results.of("garbage-print");
        Results fields = Results.of("garbage-fields");
        Harness.waitUntil("all answered", 60_000, () -> print.acked.events() == 10
            && fields.acked.events() + fields.failed.events() == 10);
        Map<String, List<String>> errors = errorsOf(name, List.of("print", "fields"));
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

    /** Takes anything, emits nothing. */
    public static class Sink extends BaseBasicBolt {
        private static final long serialVersionUID = 1L;

        @Override
        public void execute(Tuple input, BasicOutputCollector collector) {
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }
    }

    /** 8 MB on stderr before the handshake and 50 lines with every tuple: every tuple acked. */
    @Test
    void aChattyChildNeitherBlocksNorLosesTuples() throws Exception {
        String name = "chatty";
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("fixed", new FixedSpout(name, values(200)), 1);
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
