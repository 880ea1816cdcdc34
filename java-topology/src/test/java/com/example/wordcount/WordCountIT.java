package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stormnative.Bridge;
import io.stormnative.NativeExecutables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.apache.storm.LocalCluster;
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

    private static Results run(String name, Variant variant, Path corpus, int limit) throws Exception {
        return Harness.runReliable(cluster, name, variant, corpus, limit, Map.of());
    }

    /** The Unicode corpus: words split on all of Python's whitespace, under JSON and (second failsafe run) SMB1. */
    @Test
    void nativeRunOverACorpusCountsExactlyAndAcksEverySentence() throws Exception {
        Path file = tmp.resolve("corpus.txt");
        Files.write(file, Harness.UNICODE_CORPUS, StandardCharsets.UTF_8);
        int limit = 4000;
        // JVM-wide, and an earlier test in this JVM has usually resolved the spout already: what
        // this run did is the difference.
        Map<NativeExecutables.Action, Long> before = actions("sentence-spout");

        Results r = run("native-corpus", Variant.NATIVE, file, limit);

        Harness.assertExact(r, Harness.expectedCounts(Harness.unicodeSentences(), limit), limit);
        // Storm took resources/ from the packaged jar, which keeps no file modes: our code set the bit,
        // in this run, once (one spout task), and did nothing else for the spout.
        Map<NativeExecutables.Action, Long> did = new EnumMap<>(NativeExecutables.Action.class);
        actions("sentence-spout").forEach((a, n) -> {
            if (n - before.get(a) != 0) {
                did.put(a, n - before.get(a));
            }
        });
        // In process there is no program to launch (a library needs no execute bit): nothing at all.
        Map<NativeExecutables.Action, Long> expected = Harness.BRIDGE == Bridge.INPROC
            ? Map.of() : Map.of(NativeExecutables.Action.CHMOD, 1L);
        assertEquals(expected, did, "what resolve did for the spout in this run");
    }

    private static Map<NativeExecutables.Action, Long> actions(String program) {
        Map<NativeExecutables.Action, Long> m = new EnumMap<>(NativeExecutables.Action.class);
        for (NativeExecutables.Action a : NativeExecutables.Action.values()) {
            m.put(a, NativeExecutables.times(program, a));
        }
        return m;
    }

    @Test
    void pythonVariantGivesTheSameCountsAsTheNativeOne() throws Exception {
        Harness.assumeVariantSpeaksSerializer(Variant.PYTHON);
        int limit = 600;
        Map<String, Long> expected = Harness.expectedCounts(Harness.SAMPLE_SENTENCES, limit);

        Results nat = run("native-default", Variant.NATIVE, null, limit);
        Results py = run("python-default", Variant.PYTHON, null, limit);

        Harness.assertExact(nat, expected, limit);
        Harness.assertExact(py, expected, limit);
        assertEquals(Map.copyOf(nat.counts), Map.copyOf(py.counts));
        assertTrue(expected.get("the") > 0);
    }
}
