package com.example.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.storm.generated.TopologySummary;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;
import org.apache.storm.utils.VersionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One row of the version matrix: the three native binaries under the stock ShellSpout/ShellBolt
 * of the Storm version on the class path, on one LocalCluster of that version. Each test method
 * is one cell of the table (compat/run.sh reads the surefire report).
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class MatrixTest {
    static final String VERSION = System.getProperty("compat.storm.version", "?");
    static final Path SHELL_LOG = Paths.get(System.getProperty("compat.shell.log", "target/shell-log.txt"));
    static final List<String> SAMPLE = List.of(
        "the cow jumped over the moon",
        "an apple a day keeps the doctor away",
        "four score and seven years ago",
        "snow white and the seven dwarfs",
        "i am at two with nature");
    static final List<String> BINARIES = List.of("sentence-spout", "split-bolt", "count-bolt");

    private static Storm storm;

    @BeforeAll
    static void start() throws Exception {
        ExitGuard.install();
        assertEquals(VERSION, VersionInfo.getVersion(), "the Storm on the class path");
        storm = new Storm();
    }

    @AfterAll
    static void stop() throws Exception {
        if (storm != null) {
            storm.close();
        }
    }

    // ---- the cells -------------------------------------------------------------------------
    // Each cell under the stock ShellSpout/ShellBolt (its plain name) and, where marked, under
    // storm-native's host MultilangSpout/MultilangBolt (host*): the same test, the same binaries.

    @Test
    void counts() throws Exception {
        counts(Bridge.SHELL);
    }

    @Test
    void hostCounts() throws Exception {
        counts(host());
    }

    @Test
    void replay() throws Exception {
        replay(Bridge.SHELL);
    }

    @Test
    void hostReplay() throws Exception {
        replay(host());
    }

    @Test
    void heartbeat() throws Exception {
        heartbeat(Bridge.SHELL);
    }

    @Test
    void hostHeartbeat() throws Exception {
        heartbeat(slowHost());
    }

    @Test
    void activation() throws Exception {
        activation(Bridge.SHELL);
    }

    @Test
    void hostActivation() throws Exception {
        activation(slowHost());
    }

    @Test
    void error() throws Exception {
        error(Bridge.SHELL);
    }

    @Test
    void hostError() throws Exception {
        error(host());
    }

    @Test
    void smb1() throws Exception {
        smb1(Bridge.SHELL);
    }

    @Test
    void hostSmb1() throws Exception {
        smb1(host());
    }

    /**
     * The host's bolt finds its executor's receive queue by reflection (OutputCollector.delegate
     * -> BoltOutputCollectorImpl.executor -> getReceiveQueue()), to batch writes; it logs at INFO
     * "cannot see the executor's receive queue" (once per task) when that fails. Runs after
     * hostActivation/Counts/Error/Heartbeat (method order): pass if host bolts were launched and
     * none logged that.
     */
    @Test
    void hostQueue() throws Exception {
        host();
        List<String> log = Files.exists(SHELL_LOG) ? Files.readAllLines(SHELL_LOG, StandardCharsets.UTF_8) : List.of();
        long bolts = log.stream().filter(l -> l.contains("launched multilang child") && l.contains("-bolt]")).count();
        List<String> blind = log.stream().filter(l -> l.contains("cannot see the executor's receive queue")).toList();
        System.out.println("compat: host bolt tasks launched " + bolts + ", blind to their queue " + blind.size()
            + (blind.isEmpty() ? "" : ": " + blind.get(0)));
        assertTrue(bolts > 0, "no host bolt was launched before this cell");
        assertEquals(List.of(), blind, "host bolts that cannot see their executor's receive queue");
    }

    /** The host, or the cell is reported with why there is none (1.x). */
    static Bridge host() {
        if (Host.BRIDGE == null) {
            Assumptions.abort(Host.MISSING);
        }
        return Host.BRIDGE;
    }

    /**
     * The host, for the two longest host cells (heartbeat 22-26 s, activation 15-20 s), which
     * {@code COMPAT_HOST_CELLS=quick} leaves out (-Dcompat.host.cells=quick).
     */
    static Bridge slowHost() {
        Bridge host = host();
        if ("quick".equals(System.getProperty("compat.host.cells"))) {
            Assumptions.abort("not run (quick)");
        }
        return host;
    }

    /** A finite reliable sequential run, spout 1, split 2, count 2 (fields on word): exact counts. */
    void counts(Bridge bridge) throws Exception {
        String name = bridge.prefix() + "counts";
        int limit = 300;
        TopologyBuilder b = new TopologyBuilder();
        b.setSpout(name + "-spout", spout(bridge, name, "--order", "sequential", "--limit", "" + limit, "--reliable"), 1);
        wordCount(bridge, b, name, name + "-spout", 2);
        Seen seen = runUntilAcked(name, b, conf(), limit);
        assertEquals(Set.of(), seen.failed, "failed ids");
        assertEquals(ids(1, limit), longs(seen.acked), "acked ids");
        assertEquals(expected(limit), Map.copyOf(seen.counts), "counts");
    }

    /** A Java bolt fails sentence 1 once: the spout sees the fail, replays id 1, which is counted once. */
    void replay(Bridge bridge) throws Exception {
        String name = bridge.prefix() + "replay";
        int limit = 100;
        TopologyBuilder b = new TopologyBuilder();
        b.setSpout(name + "-spout", spout(bridge, name, "--order", "sequential", "--limit", "" + limit, "--reliable"), 1);
        b.setBolt(name + "-failonce", new FailOnceBolt(name), 1).shuffleGrouping(name + "-spout");
        wordCount(bridge, b, name, name + "-failonce", 1);
        Seen seen = runUntilAcked(name, b, conf(), limit);
        assertEquals(Set.of(1L), longs(seen.failed), "failed ids");
        assertEquals(ids(1, limit), longs(seen.acked), "acked ids (1 after its replay)");
        assertEquals(expected(limit), Map.copyOf(seen.counts), "counts: the replay once, the failed try not at all");
    }

    /**
     * topology.subprocess.timeout.secs 6, and split-bolt idle for 15 s between two sentences: it
     * answers the heartbeats, so it is the same process afterwards and handles the second one.
     * (ShellBolt's timer asks once a second and dies when the last answer is older than the
     * timeout; the host's watchdog the same. 2 s and then 4 s were too little on this 2-core
     * machine shared by several builds: the worker's timer ticks came up to 3 s apart, and Storm
     * died with "subprocess heartbeat timeout" although the child had answered every request.)
     */
    void heartbeat(Bridge bridge) throws Exception {
        String name = bridge.prefix() + "heartbeat";
        TopologyBuilder b = new TopologyBuilder();
        b.setSpout(name + "-spout", new ScriptSpout(List.of("alpha beta", "gamma delta"), 0, 15_000), 1);
        b.setBolt(name + "-split", bridge.bolt(new String[] {"split-bolt"}, "word"), 1).shuffleGrouping(name + "-spout");
        b.setBolt(name + "-collector", new CollectorBolt(name), 1).shuffleGrouping(name + "-split");
        Map<String, Object> conf = conf();
        conf.put("topology.subprocess.timeout.secs", 6);
        Seen seen = Seen.of(name);
        storm.submit(name, conf, b.createTopology());
        try {
            waitUntil("the first sentence", 90_000, () -> seen.counts.containsKey("beta"));
            long first = System.currentTimeMillis();
            List<Long> before = pids("split-bolt");
            assertEquals(1, before.size(), "split-bolt processes: " + before);
            waitUntil("the sentence after 15 s idle", 60_000, () -> seen.counts.containsKey("delta"));
            long idle = System.currentTimeMillis() - first;
            assertTrue(idle >= 12_000, "split-bolt was idle for only " + idle + " ms");
            assertEquals(before, pids("split-bolt"), "split-bolt is the same process");
            assertEquals(List.of(), errors(name).getOrDefault(name + "-split", List.of()), "errors");
        } finally {
            killAndWait(name);
        }
    }

    /** Deactivate: the native spout (asked, answers sync) stops emitting; activate: it emits again. */
    void activation(Bridge bridge) throws Exception {
        String name = bridge.prefix() + "activation";
        TopologyBuilder b = new TopologyBuilder();
        b.setSpout(name + "-spout", spout(bridge, name, "--order", "sequential", "--reliable", "--max-pending", "10"), 1);
        b.setBolt(name + "-split", bridge.bolt(new String[] {"split-bolt"}, "word"), 1).shuffleGrouping(name + "-spout");
        b.setBolt(name + "-collector", new CollectorBolt(name), 1).shuffleGrouping(name + "-split");
        Seen seen = Seen.of(name);
        storm.submit(name, conf(), b.createTopology());
        try {
            waitUntil("words flowing", 90_000, () -> seen.tuples.get() > 100);
            storm.deactivate(name);
            long deadline = System.currentTimeMillis() + 60_000;
            long last;
            do {
                last = seen.tuples.get();
                Thread.sleep(1500);
                if (System.currentTimeMillis() > deadline) {
                    fail("still emitting 60 s after deactivate");
                }
            } while (seen.tuples.get() != last);
            Thread.sleep(2000);
            assertEquals(last, seen.tuples.get(), "words while deactivated");
            storm.activate(name);
            long stopped = last;
            waitUntil("words after activate", 60_000, () -> seen.tuples.get() > stopped + 100);
            assertEquals(List.of(), errors(name).getOrDefault(name + "-spout", List.of()), "spout errors");
        } finally {
            killAndWait(name);
        }
    }

    /** A number where split-bolt wants a sentence: its `error` command reaches reportError; it goes on. */
    void error(Bridge bridge) throws Exception {
        String name = bridge.prefix() + "error";
        TopologyBuilder b = new TopologyBuilder();
        b.setSpout(name + "-spout", new ScriptSpout(List.of(42, "after the error"), 0, 500), 1);
        b.setBolt(name + "-split", bridge.bolt(new String[] {"split-bolt"}, "word"), 1).shuffleGrouping(name + "-spout");
        b.setBolt(name + "-collector", new CollectorBolt(name), 1).shuffleGrouping(name + "-split");
        Seen seen = Seen.of(name);
        storm.submit(name, conf(), b.createTopology());
        try {
            waitUntil("the sentence after the bad tuple", 90_000, () -> seen.counts.containsKey("error"));
            List<String>[] errs = new List[1];
            waitUntil("the error in the cluster's errors for " + name + "-split", 60_000, () -> {
                errs[0] = errors(name).getOrDefault(name + "-split", List.of());
                return !errs[0].isEmpty();
            });
            System.out.println("compat: error reported for " + name + "-split: " + errs[0]);
            assertTrue(errs[0].get(0).contains("Shell Process Exception"), errs[0].get(0));
        } finally {
            killAndWait(name);
        }
    }

    /**
     * The project's SMB1 serializer (ISerializer, compiled from its one source for this version):
     * handshakes with all three children, exact counts with a replayed id, and log levels kept.
     * Under the shell through CountingSerializer (counting handshakes); under the host the class
     * itself (the host sets its flush window to 0 only for BinarySerializer), the handshakes
     * counted from the host's "launched multilang child ... serializer" records.
     */
    void smb1(Bridge bridge) throws Exception {
        boolean shell = bridge == Bridge.SHELL;
        String name = bridge.prefix() + "smb1";
        int limit = 200;
        TopologyBuilder b = new TopologyBuilder();
        b.setSpout(name + "-spout", spout(bridge, name, "--order", "sequential", "--limit", "" + limit, "--reliable",
            "--log-level", "debug"), 1);
        b.setBolt(name + "-failonce", new FailOnceBolt(name), 1).shuffleGrouping(name + "-spout");
        wordCount(bridge, b, name, name + "-failonce", 1);
        Map<String, Object> conf = conf();
        String smb1 = System.getProperty("compat.smb1.class", "io.stormnative.BinarySerializer");
        conf.put("topology.multilang.serializer", shell ? CountingSerializer.class.getName() : smb1);
        int before = CountingSerializer.CONNECTS.get();
        Seen seen = runUntilAcked(name, b, conf, limit);
        int handshakes = shell ? CountingSerializer.CONNECTS.get() - before
            : (int) Files.readAllLines(SHELL_LOG, StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("launched multilang child") && l.contains(" for " + name + "-")
                    && l.endsWith("serializer " + smb1)).count();
        assertEquals(3, handshakes, "SMB1 handshakes (spout, split, count)");
        assertEquals(Set.of(1L), longs(seen.failed), "failed ids");
        assertEquals(ids(1, limit), longs(seen.acked), "acked ids");
        assertEquals(expected(limit), Map.copyOf(seen.counts), "counts");
        if (shell) {
            // The host logs a child's records under the component id's logger, not captured here.
            assertEquals("DEBUG", levelOf("smb1-spout", "sentence 1 failed: will be replayed"), "SMB1 carries the level");
        }
    }

    /**
     * sentence-spout at --log-level debug logs "sentence N failed" at debug (level 1 on the wire):
     * the record reaches the worker log in every version, at DEBUG where Storm reads the number.
     * Where it does not (2.6 to 2.8.0: see {@link #jsonLevelHonoured}) the record must be at INFO,
     * and the cell is reported as "logged, debug as INFO" (an aborted test) rather than a pass.
     */
    @Test
    void logLevels() throws Exception {
        String name = "loglevels";
        int limit = 5;
        TopologyBuilder b = new TopologyBuilder();
        b.setSpout("log-spout", spout(Bridge.SHELL, name, "--order", "sequential", "--limit", "" + limit, "--reliable",
            "--log-level", "debug"), 1);
        b.setBolt("log-failonce", new FailOnceBolt(name), 1).shuffleGrouping("log-spout");
        b.setBolt("log-collector", new CollectorBolt(name), 1).shuffleGrouping("log-failonce");
        runUntilAcked(name, b, conf(), limit);
        assertEquals("INFO", levelOf("log-spout", "sentence-spout starting"), "level of an info record (2)");
        assertEquals(jsonLevelHonoured() ? "DEBUG" : "INFO", levelOf("log-spout", "sentence 1 failed: will be replayed"),
            "level Storm " + VERSION + " logs a debug record (level 1) at, under JSON");
        if (!jsonLevelHonoured()) {
            // Measured as expected, but not the level sent: the cell says so instead of "pass".
            Assumptions.abort("logged, debug as INFO");
        }
    }

    @Test
    @Disabled("not yet")
    void metrics() {
    }

    // ---- helpers ---------------------------------------------------------------------------

    /**
     * Whether Storm's JsonSerializer honours a log `level` the child sends: it reads it only if it
     * is a java.lang.Long up to 2.8.0 (Number since 2.8.1). json-simple (shaded in 1.2.4 and 2.4.0)
     * gives Longs; json-smart (shaded in 2.6.4 and 2.8.4) gives an Integer for a small number, so
     * the level is dropped and the record logged at INFO. Read from those jars; that 2.5.x is
     * json-simple and 2.6.0-2.6.3 json-smart is assumed, not checked.
     */
    static boolean jsonLevelHonoured() {
        int[] v = java.util.Arrays.stream(VERSION.split("[.-]")).limit(3).mapToInt(Integer::parseInt).toArray();
        boolean jsonSmart = v[0] > 2 || (v[0] == 2 && v[1] >= 6);
        boolean anyNumber = v[0] > 2 || (v[0] == 2 && (v[1] > 8 || (v[1] == 8 && v[2] >= 1)));
        return !jsonSmart || anyNumber;
    }

    static Map<String, Object> conf() {
        Map<String, Object> conf = new HashMap<>();
        conf.put("topology.workers", 1);
        conf.put("topology.debug", false);
        return conf;
    }

    static org.apache.storm.topology.IRichSpout spout(Bridge bridge, String key, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "sentence-spout";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return bridge.spout(key, cmd, "sentence");
    }

    /** source -> split-bolt (shuffle) -> count-bolt (fields on word) -> collector. */
    static void wordCount(Bridge bridge, TopologyBuilder b, String key, String source, int parallelism) {
        b.setBolt(key + "-split", bridge.bolt(new String[] {"split-bolt"}, "word"), parallelism)
            .shuffleGrouping(source);
        b.setBolt(key + "-count", bridge.bolt(new String[] {"count-bolt"}, "word", "count"), parallelism)
            .fieldsGrouping(key + "-split", new Fields("word"));
        b.setBolt(key + "-collector", new CollectorBolt(key), 1).globalGrouping(key + "-count");
    }

    static Seen runUntilAcked(String name, TopologyBuilder b, Map<String, Object> conf, int limit) throws Exception {
        Seen seen = Seen.of(name);
        storm.submit(name, conf, b.createTopology());
        try {
            waitUntil(limit + " ids acked in " + name, 120_000, () -> seen.acked.size() >= limit);
            Thread.sleep(500); // anything late (a second ack, a late count) would show
        } finally {
            killAndWait(name);
        }
        return seen;
    }

    static Map<String, Long> expected(int n) {
        Map<String, Long> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            for (String w : SAMPLE.get(i % SAMPLE.size()).split(" ")) {
                counts.merge(w, 1L, Long::sum);
            }
        }
        return counts;
    }

    static Set<Long> ids(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<Long> longs(Set<Object> ids) {
        return ids.stream().map(id -> ((Number) id).longValue()).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The level the worker logged the component's first record containing text at (waits up to 10 s). */
    static String levelOf(String component, String text) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            if (Files.exists(SHELL_LOG)) {
                for (String line : Files.readAllLines(SHELL_LOG, StandardCharsets.UTF_8)) {
                    if (line.contains(text) && line.contains("name:" + component)) {
                        return line.substring(0, line.indexOf('\t'));
                    }
                }
            }
            if (System.currentTimeMillis() > deadline) {
                fail("no record \"" + text + "\" of " + component + " in " + SHELL_LOG);
            }
            Thread.sleep(200);
        }
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

    /** Live processes below this JVM running one of the binaries. */
    static List<Long> pids(String binary) {
        List<Long> found = new ArrayList<>();
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).forEach(p -> {
            if (p.info().command().orElse("").endsWith("/" + binary)) {
                found.add(p.pid());
            }
        });
        return found;
    }

    static Optional<String> topologyId(String name) {
        try {
            for (TopologySummary t : storm.topologies()) {
                if (t.get_name().equals(name)) {
                    return Optional.of(t.get_id());
                }
            }
            return Optional.empty();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, List<String>> errors(String name) {
        try {
            Map<String, List<String>> out = new HashMap<>();
            String id = topologyId(name).orElseThrow();
            storm.info(id).get_errors().forEach((component, errs) ->
                out.put(component, errs.stream().map(e -> e.get_error()).collect(Collectors.toList())));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void killAndWait(String name) throws Exception {
        storm.kill(name);
        // Storm 1.2.4's getClusterInfo can throw while a killed topology is being removed
        // (KeeperException$NoNodeException for its blobstore key): ask again until it is gone.
        waitUntil("topology " + name + " removed", 60_000, () -> {
            try {
                return topologyId(name).isEmpty();
            } catch (IllegalStateException e) {
                return false;
            }
        });
        waitUntil("no binary left running", 30_000,
            () -> BINARIES.stream().allMatch(bin -> pids(bin).isEmpty()));
    }
}
