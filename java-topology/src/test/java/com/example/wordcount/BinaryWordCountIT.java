package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stormnative.BinarySerializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The finite reliable word count of {@link WordCountIT} (spout 1, split 4 shuffle, count 4 fields
 * on word, from the packaged jar) with {@code topology.multilang.serializer} set to
 * {@link BinarySerializer} whatever {@code wordcount.it.serializer} says: the native components answer in SMB1. Exact counts, every sentence
 * acked once, none failed. Native components only: storm.py speaks JSON alone.
 */
class BinaryWordCountIT {
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

    private static Results run(String name, String serializer, Path corpus, int limit) throws Exception {
        return Harness.runReliable(cluster, name, Variant.NATIVE, corpus, limit,
            Map.of(Config.TOPOLOGY_MULTILANG_SERIALIZER, serializer));
    }

    @Test
    void nativeRunInSmb1CountsExactlyAndAcksEverySentence() throws Exception {
        Path file = tmp.resolve("corpus.txt");
        Files.write(file, Harness.UNICODE_CORPUS, StandardCharsets.UTF_8);
        List<String> sentences = Harness.unicodeSentences();
        int limit = 4000;

        Results r = run("smb1-corpus", BinarySerializer.class.getName(), file, limit);

        Harness.assertExact(r, Harness.expectedCounts(sentences, limit), limit);
    }

    /** The same run with a counting subclass: all 9 processes shook hands in SMB1 and every message came through it. */
    @Test
    void everyComponentTalksThroughTheBinarySerializer() throws Exception {
        int limit = 600;
        long before = CountingBinarySerializer.READS.get();
        long handshakes = CountingBinarySerializer.CONNECTS.get();

        Results r = run("smb1-default", CountingBinarySerializer.class.getName(), null, limit);

        Harness.assertExact(r, Harness.expectedCounts(Harness.SAMPLE_SENTENCES, limit), limit);
        assertEquals(9, CountingBinarySerializer.CONNECTS.get() - handshakes, "SMB1 handshakes (1 spout + 4 split + 4 count)");
        long words = Harness.expectedCounts(Harness.SAMPLE_SENTENCES, limit).values().stream()
            .mapToLong(Long::longValue).sum();
        // At least: the spout's emit and sync per sentence; split's emit per word and ack per sentence;
        // count's emit and ack per word.
        long reads = CountingBinarySerializer.READS.get() - before;
        assertTrue(reads >= 3L * limit + 3 * words, "messages decoded: " + reads);
    }
}
