package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stormnative.Bridge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.generated.TopologySummary;
import org.apache.storm.topology.TopologyBuilder;

/** Helpers for tests on a real LocalCluster. */
final class Harness {
    /** The names the components' processes run under (binaries, or python3 + script). */
    static final List<String> COMPONENT_NAMES = List.of(
        "sentence-spout", "split-bolt", "count-bolt", "sentencespout.py", "splitbolt.py", "countbolt.py");

    /**
     * The multilang serializer every LocalCluster test runs under, from {@code -Dwordcount.it.serializer}
     * (the pom's second failsafe execution sets {@link CountingBinarySerializer}); empty: Storm's JSON.
     */
    static final String SERIALIZER = System.getProperty("wordcount.it.serializer", "");

    private Harness() {
    }

    /**
     * Storm's message timeout in the tests that assert zero fails or exact counts: the 30 s default
     * fails (and replays) sentences when a loaded machine (CI, two cores, JIT warming up) stalls a
     * worker for long enough, which is not the behaviour under test.
     */
    static final int MESSAGE_TIMEOUT_SECS = 120;

    /**
     * A topology conf with the serializer under test (none: Storm's default JSON) and
     * {@link #MESSAGE_TIMEOUT_SECS}.
     */
    static Config conf() {
        Config conf = new Config();
        conf.put(Config.TOPOLOGY_MESSAGE_TIMEOUT_SECS, MESSAGE_TIMEOUT_SECS);
        if (!SERIALIZER.isEmpty()) {
            conf.put(Config.TOPOLOGY_MULTILANG_SERIALIZER, SERIALIZER);
        }
        return conf;
    }

    /** storm.py speaks JSON only: a test of the Python components is skipped under another serializer. */
    static void assumeVariantSpeaksSerializer(Variant variant) {
        assumeTrue(variant == Variant.NATIVE || SERIALIZER.isEmpty(),
            "storm.py speaks JSON only; serializer under test: " + SERIALIZER);
        assumeTrue(variant == Variant.NATIVE || BRIDGE != Bridge.INPROC,
            "the in-process bridge runs native components only");
    }

    /** The bridge the suite runs under ({@value Bridge#PROPERTY}; the host by default). */
    static final Bridge BRIDGE = Bridge.fromSystemProperty();

    /**
     * How many component processes {@code components} native components run in: one each, or none
     * in process (their libraries are in this JVM instead: {@link #assertLibrariesLoaded}).
     */
    static int expectedProcesses(int components) {
        return BRIDGE == Bridge.INPROC ? 0 : components;
    }

    /**
     * Under the in-process bridge, the three components' libraries are mapped into this JVM
     * (read from /proc/self/maps: what the kernel says, not what our code believes).
     */
    static void assertLibrariesLoaded() throws java.io.IOException {
        if (BRIDGE != Bridge.INPROC) {
            return;
        }
        String maps = Files.readString(Path.of("/proc/self/maps"));
        for (String lib : List.of("libsentence_spout.so", "libsplit_bolt.so", "libcount_bolt.so")) {
            assertTrue(maps.contains("/" + lib), lib + " is not mapped into the worker JVM");
        }
    }

    /** Handshakes through {@link CountingBinarySerializer} so far (pass to {@link #assertSpokeSerializer}). */
    static long handshakes() {
        return CountingBinarySerializer.CONNECTS.get();
    }

    /**
     * The {@code components} processes started since {@code before} spoke the serializer under test:
     * each shook hands through the counting serializer, or (JSON) none did.
     */
    static void assertSpokeSerializer(long before, int components) {
        long n = handshakes() - before;
        if (SERIALIZER.equals(CountingBinarySerializer.class.getName())) {
            assertEquals(components, n, "SMB1 handshakes");
        } else if (SERIALIZER.isEmpty()) {
            assertEquals(0, n, "SMB1 handshakes in a JSON run");
        }
    }

    /** The sample's five sentences (the components' default corpus). */
    static final List<String> SAMPLE_SENTENCES = List.of(
        "the cow jumped over the moon",
        "an apple a day keeps the doctor away",
        "four score and seven years ago",
        "snow white and the seven dwarfs",
        "i am at two with nature");

    /**
     * What Python's {@code str.isspace()} is true for, from the specification (README: Unicode
     * White_Space plus U+001C..U+001F), written out rather than taken from a Java class: none of
     * Java's matches it ({@code \s} is ASCII; {@link Character#isWhitespace} leaves out the
     * no-break spaces; {@code \p{IsWhite_Space}} leaves out U+001C..U+001F).
     * {@code HarnessTest} checks it against python3 itself.
     */
    static final String PYTHON_WHITESPACE = "\t\n\u000b\f\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680"
        + "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
        + "\u2028\u2029\u202f\u205f\u3000";

    /** Python's {@code s.split()}: runs of {@link #PYTHON_WHITESPACE} separate words, none at the ends. */
    static List<String> pythonSplit(String s) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); i++) {
            boolean space = PYTHON_WHITESPACE.indexOf(s.charAt(i)) >= 0; // all BMP: no surrogate is a space
            if (space && start >= 0) {
                words.add(s.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            words.add(s.substring(start));
        }
        return words;
    }

    /** Word counts of the first n sentences emitted in sequential order (cycling), split like Python's str.split(). */
    static Map<String, Long> expectedCounts(List<String> corpus, int n) {
        Map<String, Long> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            for (String w : pythonSplit(corpus.get(i % corpus.size()))) {
                counts.merge(w, 1L, Long::sum);
            }
        }
        return counts;
    }

    /**
     * A corpus file's lines for the LocalCluster suites: ASCII runs of spaces and tabs, accents,
     * CJK and an emoji (surrogate pairs), and between words every one of Python's whitespace
     * characters but the line breaks the spout reads lines by: the no-break spaces (which Java's
     * {@code isWhitespace} misses), U+001C..U+001F (which Unicode's White_Space misses), U+0085,
     * U+2028, U+2029 (line breaks to {@code str.splitlines()}, but not to a corpus file). The
     * blank line is skipped by the spout (a line of Unicode spaces alone is not used here: whether
     * it is blank is the spout's choice, not the splitter's).
     */
    static final List<String> UNICODE_CORPUS = List.of(
        "The quick brown fox jumps over the lazy dog",
        "",
        "the  dog\tbarks, the fox runs!",
        "Über café naïve résumé — the end 日本語 🎉",
        "a a a a a b b b c",
        "nbsp\u00a0figure\u2007narrow\u202fogham\u1680ideographic\u3000end",
        "file\u001cgroup\u001drecord\u001eunit\u001fsep \u001c\u001d lead",
        "nel\u0085line\u2028para\u2029vt\u000bff\u000cmath\u205fhair\u200aem\u2003en\u2002x",
        "\u2000\u3000 padded both ends \u00a0\u001f",
        "zero\u200bwidth\u2060joiners\ufeffare\u180enot spaces");

    /** {@link #UNICODE_CORPUS} as the spout emits it: blank lines skipped. */
    static List<String> unicodeSentences() {
        return UNICODE_CORPUS.stream().filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }

    static void waitUntil(String what, long timeoutMs, BooleanSupplier done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Live processes below this JVM whose command or arguments name one of our components. */
    static List<String> componentProcesses() {
        List<String> found = new ArrayList<>();
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).forEach(p -> {
            ProcessHandle.Info info = p.info();
            String cmdline = info.command().orElse("") + " " + String.join(" ", info.arguments().orElse(new String[0]));
            for (String name : COMPONENT_NAMES) {
                if (cmdline.contains(name)) {
                    found.add(p.pid() + " " + cmdline.strip());
                    break;
                }
            }
        });
        return found;
    }

    static Optional<String> topologyId(LocalCluster cluster, String name) throws Exception {
        for (TopologySummary t : cluster.getClusterInfo().get_topologies()) {
            if (t.get_name().equals(name)) {
                return Optional.of(t.get_id());
            }
        }
        return Optional.empty();
    }

    /** Errors the cluster recorded per component (reportError, multilang "error" commands). */
    static Map<String, List<String>> errors(LocalCluster cluster, String name) throws Exception {
        String id = topologyId(cluster, name).orElseThrow();
        Map<String, List<String>> out = new HashMap<>();
        cluster.getTopologyInfo(id).get_errors().forEach((component, errs) ->
            out.put(component, errs.stream().map(e -> e.get_error()).collect(Collectors.toList())));
        return out;
    }

    /** Kills a topology at once and waits until it is gone and no component process is left. */
    static void killAndWaitForProcesses(LocalCluster cluster, String name) throws Exception {
        KillOptions now = new KillOptions();
        now.set_wait_secs(0);
        cluster.killTopologyWithOpts(name, now);
        waitUntil("topology " + name + " to be removed", 60_000, () -> {
            try {
                return topologyId(cluster, name).isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.currentTimeMillis() + 30_000;
        while (!componentProcesses().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
    }

    /**
     * Runs the word count reliably over the first {@code limit} sentences (sequential order, the
     * corpus file if given, else the sample sentences) with {@code extraConf} added, checks the 9
     * component processes while it runs and none after the kill, and returns what it saw. The
     * serializer is {@link #SERIALIZER} unless {@code extraConf} names one.
     */
    static Results runReliable(LocalCluster cluster, String name, Variant variant, Path corpus, int limit,
                               Map<String, Object> extraConf) throws Exception {
        assumeVariantSpeaksSerializer(variant);
        long handshakes = handshakes();
        Config conf = conf();
        conf.putAll(extraConf);
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
        // Acks and fails as they come, not distinct ids: an id acked twice ends the wait early,
        // with an id still missing, and assertExact names both.
        waitUntil(limit + " sentences acked in " + name, 180_000,
            () -> r.acked.events() + r.failed.events() >= limit);
        // 1 spout + 4 split + 4 count processes while it runs (none in process): the leftover
        // check below can fail.
        List<String> running = componentProcesses();
        assertEquals(expectedProcesses(9), running.size(), "component processes while running: " + running);
        assertLibrariesLoaded();

        killAndWaitForProcesses(cluster, name);
        assertEquals(List.of(), componentProcesses(), "component processes left after the kill");
        if (!extraConf.containsKey(Config.TOPOLOGY_MULTILANG_SERIALIZER)) {
            assertSpokeSerializer(handshakes, 9);
        }
        return r;
    }

    /** Ids 1..limit each acked exactly once, none failed, the expected counts, one (word, count) tuple per word. */
    static void assertExact(Results r, Map<String, Long> expected, int limit) {
        assertEquals(Map.of(), r.failed.times(), "failed sentences (id: times)");
        Map<Long, Long> acked = r.acked.times();
        assertEquals(Results.once(LongStream.rangeClosed(1, limit).boxed().toList()), acked,
            "acked message ids (id: times), first differences: " + differences(acked, limit));
        assertEquals(expected, Map.copyOf(r.counts), "final counts");
        long words = expected.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(words, r.countTuples.get(), "one (word, count) tuple per word");
    }

    /** The ids of 1..limit missing or acked more than once, and any outside it (at most 10). */
    private static String differences(Map<Long, Long> acked, int limit) {
        List<String> out = new ArrayList<>();
        for (long id = 1; id <= limit && out.size() < 10; id++) {
            long n = acked.getOrDefault(id, 0L);
            if (n != 1) {
                out.add(id + " acked " + n + "x");
            }
        }
        acked.keySet().stream().filter(id -> id < 1 || id > limit).limit(10)
            .forEach(id -> out.add(id + " (not emitted) acked " + acked.get(id) + "x"));
        return out.toString();
    }
}
