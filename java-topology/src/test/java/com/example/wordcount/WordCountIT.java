package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.topology.TopologyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finite reliable runs of the real topology (spout 1, split 4 shuffle, count 4 fields on word) on a
 * LocalCluster whose resources/ Storm extracts from the packaged jar: exact counts, every sentence
 * acked once, none failed, no component process left after the kill.
 */
class WordCountIT {
    private static LocalCluster cluster;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startCluster() throws Exception {
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

    /** Runs the word count reliably over the first {@code limit} sentences and returns what it saw. */
    private static Results run(String name, Variant variant, Path corpus, int limit) throws Exception {
        Config conf = new Config();
        conf.put("wordcount.spout.reliable", true);
        conf.put("wordcount.spout.order", "sequential");
        conf.put("wordcount.spout.limit", limit);
        if (corpus != null) {
            conf.put("wordcount.spout.corpus", corpus.toString());
        }
        conf.setNumWorkers(1);
        TopologyBuilder builder = WordCount.builder(new TrackingSentenceSpout(variant, name), variant, 4, 4);
        builder.setBolt("collector", new CollectorBolt(name), 1).globalGrouping(WordCount.COUNT);
        Results r = Results.of(name);

        cluster.submitTopology(name, conf, builder.createTopology());
        Harness.waitUntil(limit + " sentences acked in " + name, 180_000,
            () -> r.acked.size() + r.failed.size() >= limit);
        // 1 spout + 4 split + 4 count processes while it runs: the leftover check below can fail.
        List<String> running = Harness.componentProcesses();
        assertEquals(9, running.size(), "component processes while running: " + running);

        Harness.killAndWaitForProcesses(cluster, name);
        assertEquals(List.of(), Harness.componentProcesses(), "component processes left after the kill");
        return r;
    }

    private static void assertExact(Results r, Map<String, Long> expected, int limit) {
        assertEquals(Set.of(), r.failed, "failed sentences");
        assertEquals(LongStream.rangeClosed(1, limit).boxed().collect(Collectors.toSet()), Results.asLongs(r.acked),
            "acked message ids");
        assertEquals(expected, Map.copyOf(r.counts), "final counts");
        long words = expected.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(words, r.countTuples.get(), "one (word, count) tuple per word");
    }

    @Test
    void nativeRunOverACorpusCountsExactlyAndAcksEverySentence() throws Exception {
        List<String> corpus = List.of(
            "The quick brown fox jumps over the lazy dog",
            "",
            "the  dog\tbarks, the fox runs!",
            "Über café naïve résumé — the end",
            "a a a a a b b b c");
        Path file = tmp.resolve("corpus.txt");
        Files.write(file, corpus, StandardCharsets.UTF_8);
        List<String> sentences = corpus.stream().filter(s -> !s.isBlank()).collect(Collectors.toList());
        int limit = 4000;

        Results r = run("native-corpus", Variant.NATIVE, file, limit);

        assertExact(r, Harness.expectedCounts(sentences, limit), limit);
        // Storm took resources/ from the packaged jar, which keeps no file modes: our code set the bit.
        assertEquals(NativeExecutables.Action.CHMOD, NativeExecutables.lastAction("sentence-spout"));
    }

    @Test
    void pythonVariantGivesTheSameCountsAsTheNativeOne() throws Exception {
        int limit = 600;
        Map<String, Long> expected = Harness.expectedCounts(Harness.SAMPLE_SENTENCES, limit);

        Results nat = run("native-default", Variant.NATIVE, null, limit);
        Results py = run("python-default", Variant.PYTHON, null, limit);

        assertExact(nat, expected, limit);
        assertExact(py, expected, limit);
        assertEquals(Map.copyOf(nat.counts), Map.copyOf(py.counts));
        assertTrue(expected.get("the") > 0);
    }
}
