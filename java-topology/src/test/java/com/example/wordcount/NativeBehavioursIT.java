package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the native components do through real Storm that the word count's runs do not show: tick
 * tuples, an idle spell longer than the subprocess timeout (heartbeats), and the content of a
 * replay. Under JSON, and under SMB1 in the second failsafe run.
 */
class NativeBehavioursIT {
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
        Harness.waitUntil("no component process after LocalCluster.close()", 30_000,
            () -> Harness.componentProcesses().isEmpty());
    }

    /** Sentences 1..n, each distinct: "sentence k of the run ...". */
    private static List<String> numbered(int n) {
        return IntStream.rangeClosed(1, n)
            .mapToObj(k -> "sentence s" + k + " of the run, word w" + (k % 7) + " and the end")
            .collect(Collectors.toList());
    }

    /** spout -> split-bolt x2 (shuffle) -> count-bolt x2 (fields on word) -> collector, ticks optional. */
    private static TopologyBuilder wordCount(String name, org.apache.storm.topology.IRichSpout spout,
                                             Integer tickSecs) {
        TopologyBuilder b = new TopologyBuilder();
        b.setSpout(WordCount.SPOUT, spout, 1);
        var split = b.setBolt(WordCount.SPLIT, SplitBolt.on(Harness.BRIDGE, Variant.NATIVE), 2).shuffleGrouping(WordCount.SPOUT);
        var count = b.setBolt(WordCount.COUNT, CountBolt.on(Harness.BRIDGE, Variant.NATIVE), 2)
            .fieldsGrouping(WordCount.SPLIT, new Fields("word"));
        if (tickSecs != null) {
            // On the bolts only: a spout's ticks are Storm's own (its pending map rotates on them).
            split.addConfiguration(Config.TOPOLOGY_TICK_TUPLE_FREQ_SECS, tickSecs);
            count.addConfiguration(Config.TOPOLOGY_TICK_TUPLE_FREQ_SECS, tickSecs);
        }
        b.setBolt("collector", new CollectorBolt(name), 1).globalGrouping(WordCount.COUNT);
        return b;
    }

    private static Map<String, List<String>> nativeErrors(String name) throws Exception {
        Map<String, List<String>> errors = new HashMap<>(Harness.errors(cluster, name));
        errors.keySet().retainAll(Set.of(WordCount.SPLIT, WordCount.COUNT, WordCount.SPOUT));
        errors.values().removeIf(List::isEmpty);
        return errors;
    }

    private static void assertCounted(Results r, List<String> sentences) {
        Harness.assertExact(r, Harness.expectedCounts(sentences, sentences.size()), sentences.size());
    }

    /**
     * A tick every second on split-bolt and count-bolt, while sentences flow and while the topology
     * is idle: the ticks are acked (the runner acks a tick and calls Bolt::tick, which these two
     * leave at the default), no tick is split or counted as a word, nothing is reported.
     */
    @Test
    void ticksAreAckedAndNotCountedAsWords() throws Exception {
        String name = "ticks";
        List<String> sentences = numbered(200);
        long handshakes = Harness.handshakes();
        Config conf = Harness.conf();
        conf.put(Config.TOPOLOGY_AUTO_TASK_HOOKS, List.of(TickHook.class.getName()));
        Results r = Results.of(name);

        cluster.submitTopology(name, conf, wordCount(name, new PacedSpout(name, sentences, 100, 4_000), 1)
            .createTopology());
        String id = Harness.topologyId(cluster, name).orElseThrow();
        Harness.waitUntil("200 sentences acked", 180_000, () -> r.acked.events() + r.failed.events() >= 200);
        Harness.waitUntil("3 ticks acked by each native bolt", 60_000, () ->
            TickHook.count(id, WordCount.SPLIT, "acked") >= 3 && TickHook.count(id, WordCount.COUNT, "acked") >= 3);
        Map<String, List<String>> errors = nativeErrors(name);
        Harness.killAndWaitForProcesses(cluster, name);

        System.out.println("ticks acked: split-bolt " + TickHook.count(id, WordCount.SPLIT, "acked")
            + ", count-bolt " + TickHook.count(id, WordCount.COUNT, "acked"));
        assertEquals(0, TickHook.count(id, WordCount.SPLIT, "failed") + TickHook.count(id, WordCount.COUNT, "failed"),
            "ticks failed");
        assertEquals(Map.of(), errors, "errors reported");
        assertCounted(r, sentences);
        Harness.assertSpokeSerializer(handshakes, 4);
    }

    /**
     * topology.subprocess.timeout.secs 5, then 12 s with no tuple at all: ShellBolt's heartbeats are
     * all that reach the native bolts, and their answers all that keep them alive. (ShellBolt asks
     * about every second; 3 s passed here but left a loaded machine, load average 38 on 2 cores,
     * too little margin: every bolt of one run was declared dead in the same instant.) The same
     * processes then count the second batch exactly, and nothing is reported.
     */
    @Test
    void aBoltIdleForLongerThanTheSubprocessTimeoutKeepsWorking() throws Exception {
        String name = "idle";
        List<String> sentences = numbered(100);
        long handshakes = Harness.handshakes();
        Config conf = Harness.conf();
        conf.put(Config.TOPOLOGY_SUBPROCESS_TIMEOUT_SECS, 5);
        Results r = Results.of(name);

        cluster.submitTopology(name, conf, wordCount(name, new PacedSpout(name, sentences, 50, 12_000), null)
            .createTopology());
        Harness.waitUntil("the first 50 sentences acked", 180_000, () -> r.marks.containsKey("idle-from"));
        Set<String> before = new TreeSet<>(Harness.componentProcesses());
        // Or an error: a bolt that missed its heartbeats is reported dead at once, its tuples only time out.
        Harness.waitUntil("100 sentences acked, or an error", 180_000, () -> {
            try {
                return r.acked.events() + r.failed.events() >= 100 || !nativeErrors(name).isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Set<String> after = new TreeSet<>(Harness.componentProcesses());
        Map<String, List<String>> errors = nativeErrors(name);
        Harness.killAndWaitForProcesses(cluster, name);

        assertEquals(Map.of(), errors, "errors reported (a missed heartbeat is reported as the bolt's death)");
        long idle = r.marks.get("idle-to") - r.marks.get("idle-from");
        assertTrue(idle >= 12_000, "idle for " + idle + " ms");
        assertEquals(Harness.expectedProcesses(4), before.size(), "native bolt processes before the idle spell: " + before);
        assertEquals(before, after, "the same processes after the idle spell");
        assertCounted(r, sentences);
        Harness.assertSpokeSerializer(handshakes, 4);
    }

    /**
     * The native spout, reliable and sequential over 12 distinct sentences; a Java bolt fails the
     * first delivery of the 5th: the spout's fail of id 5, then a replay of that very sentence,
     * acked; every id acked once and the counts those of the 12 sentences once each.
     */
    @Test
    void aReplayedSentenceIsTheOneThatFailed() throws Exception {
        String name = "replay";
        List<String> sentences = numbered(12);
        String victim = sentences.get(4);
        Path corpus = tmp.resolve("numbered.txt");
        Files.write(corpus, sentences, StandardCharsets.UTF_8);
        long handshakes = Harness.handshakes();
        Config conf = Harness.conf();
        conf.put("wordcount.spout.reliable", true);
        conf.put("wordcount.spout.order", "sequential");
        conf.put("wordcount.spout.limit", sentences.size());
        conf.put("wordcount.spout.corpus", corpus.toString());
        TopologyBuilder b = new TopologyBuilder();
        b.setSpout(WordCount.SPOUT, new TrackingSentenceSpout(Variant.NATIVE, name), 1);
        b.setBolt("fail-first", new FailFirstDeliveryBolt(name, victim), 1).shuffleGrouping(WordCount.SPOUT);
        b.setBolt(WordCount.SPLIT, SplitBolt.on(Harness.BRIDGE, Variant.NATIVE), 2).shuffleGrouping("fail-first");
        b.setBolt(WordCount.COUNT, CountBolt.on(Harness.BRIDGE, Variant.NATIVE), 2).fieldsGrouping(WordCount.SPLIT, new Fields("word"));
        b.setBolt("collector", new CollectorBolt(name), 1).globalGrouping(WordCount.COUNT);
        Results r = Results.of(name);

        cluster.submitTopology(name, conf, b.createTopology());
        Harness.waitUntil("12 sentences acked", 180_000, () -> r.acked.events() >= sentences.size());
        Harness.killAndWaitForProcesses(cluster, name);

        List<String> seen = new ArrayList<>(r.deliveries);
        List<Integer> victimAt = IntStream.range(0, seen.size()).filter(i -> seen.get(i).equals(victim))
            .boxed().collect(Collectors.toList());
        assertEquals(2, victimAt.size(), "deliveries of the failed sentence (failed, then replayed): " + seen);
        assertEquals(sentences.size() + 1, seen.size(), "deliveries: 12 sentences and one replay: " + seen);
        assertEquals(new TreeSet<>(sentences), new TreeSet<>(seen), "each sentence delivered");
        assertEquals(Map.of(5L, 1L), r.failed.times(), "failed ids (id: times): the 5th sentence's, once");
        assertEquals(Results.once(LongStream.rangeClosed(1, 12).boxed().toList()), r.acked.times(), "acked ids");
        Map<String, Long> expected = Harness.expectedCounts(sentences, sentences.size());
        assertEquals(expected, Map.copyOf(r.counts), "counts: the 12 sentences once each");
        assertEquals(expected.values().stream().mapToLong(Long::longValue).sum(), r.countTuples.get(),
            "(word, count) tuples: the failed delivery reached no bolt after fail-first");
        Harness.assertSpokeSerializer(handshakes, 5);
    }

    /**
     * A topology killed while its components are busy: Storm closes each task from its shutdown
     * thread while the executor thread may still be calling it. In process that once freed a
     * component under a call and crashed the worker (./run.sh --bridge inproc); here a crash
     * would end this JVM, the test fork with it. Twice, each after 20,000 words counted.
     */
    @Test
    void aTopologyKilledWhileBusyLeavesTheWorkerStanding() throws Exception {
        for (int i = 0; i < 2; i++) {
            String name = "busy-kill-" + i;
            Results r = Results.of(name);
            cluster.submitTopology(name, Harness.conf(),
                wordCount(name, new TrackingSentenceSpout(Variant.NATIVE, name), null).createTopology());
            Harness.waitUntil("20,000 words counted in " + name, 120_000, () -> r.countTuples.get() >= 20_000);
            Harness.killAndWaitForProcesses(cluster, name);
            assertEquals(List.of(), Harness.componentProcesses(), "component processes left after the kill");
            assertTrue(Harness.topologyId(cluster, name).isEmpty(), name + " is gone and the cluster answers");
        }
    }
}
