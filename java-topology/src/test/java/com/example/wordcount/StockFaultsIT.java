package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stormnative.Bridge;
import io.stormnative.NativeShellSpout;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.topology.TopologyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stock column of storm-native/README.md's table of broken children, run: the scripted
 * children of {@link HostFaultsIT} under Storm's own ShellBolt / ShellSpout (through
 * {@code NativeShellBolt} / {@code NativeShellSpout}, {@link Bridge#STOCK}) on a real
 * LocalCluster. What is asserted is what Storm 2.8 did here: Nimbus' errors, the spout's acks and
 * fails and when they came, the worker log's lines (seen through {@link LogLines}) and the exits
 * Storm attempted (refused by {@link ExitGuard}).
 *
 * <p>Local mode differs from a cluster in one place that matters: ShellBolt's {@code die()} calls
 * {@code System.exit(11)} only outside local mode. Here it logs and reports, and the bolt's
 * threads go on; the next {@code execute} then throws, the executor dies and Storm calls
 * {@code Utils.exitProcess(1, "Worker died")}, which on a LocalCluster is the test JVM's exit (the
 * guard refuses it). ShellSpout's {@code die()} (its heartbeat timeout) exits in any mode (read in
 * the source, not run here; the guard refuses it too).
 */
class StockFaultsIT {
    /** {@code topology.message.timeout.secs}: a tuple nobody acks or fails is failed T to 2T later. */
    private static final int T = 5;
    private static final String SHELL_BOLT = "org.apache.storm.task.ShellBolt";
    private static final String UTILS = "org.apache.storm.utils.Utils";
    private static final String BOLT_EXECUTOR = "org.apache.storm.executor.bolt.BoltExecutor";
    private static final String REPORT_ERROR = "org.apache.storm.executor.error.ReportError";
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        // The children speak JSON; the components are stock whatever the run's bridge: run once.
        assumeTrue(Harness.SERIALIZER.isEmpty() && Bridge.fromSystemProperty() == Bridge.HOST,
            "JSON children, once (the default execution)");
        ExitGuard.install();
        // ShellBolt's die() runs in a loop in local mode (see aChildThatExitsMidRunLeavesItsTuplesToTimeOut): keep it off the console.
        LogLines.quiet(SHELL_BOLT, REPORT_ERROR);
        cluster = new LocalCluster();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Config conf() {
        Config conf = Harness.conf();
        conf.put(Config.TOPOLOGY_MESSAGE_TIMEOUT_SECS, T);
        return conf;
    }

    /** ShellBolt's "Halting process: ShellBolt died" lines for the child run in {@code mode}. */
    private static long dieLines(String mode) {
        return LogLines.count(SHELL_BOLT, "Halting process: ShellBolt died. Command: [python3, " + Faults.CHILD
            + ", " + mode);
    }

    /** The exit Storm attempted from {@code component}'s executor thread, refused by ExitGuard. */
    private static Optional<String> refusedExit(String component) {
        return ExitGuard.REFUSALS.stream().filter(r -> r.contains("-" + component + "-executor[")).findFirst();
    }

    private static Optional<ProcessHandle> child(String mode) {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
            .filter(p -> p.info().commandLine().orElse("").contains("faulty_child.py " + mode)).findFirst();
    }

    /** Each of {@code ids} failed once, at least T-1 s after its emit: a timeout, not a fail at once. */
    private static void assertTimedOut(Results r, List<Long> ids) {
        for (long id : ids) {
            assertEquals(1, r.failed.times(id), "tuple " + id + " failed once: " + r.failed.times());
            long after = r.marks.get("fail " + id) - r.marks.get("emit " + id);
            assertTrue(after >= (T - 1) * 1000L, "tuple " + id + " failed " + after + " ms after its emit");
        }
    }

    private static List<Long> ids(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("");
    }

    /**
     * A debugging print on stdout: Storm reads up to the next {@code end} line, so the print and
     * the ack after it are one message, which json-smart's permissive parser turns into a string:
     * a ClassCastException, die(), the ack lost, the tuple timed out. An emit with two values for
     * one field: TupleImpl's check fails on ShellBolt's reader thread, die(); in local mode the
     * reader goes on (no second die()), yet the emit's input times out. In both, the next tuple's
     * {@code execute} throws: the executor dies and Storm calls the worker's exit. The spouts
     * send one tuple at a time, so that the next tuple comes after the death (with all 10 at once,
     * whether one comes after it is a race).
     */
    @Test
    void garbageOnStdoutAndAWrongEmitKillTheBolt() throws Exception {
        String name = "stock-garbage";
        TopologyBuilder builder = new TopologyBuilder();
        oneAtATime(builder, "stock-print", "print", Faults.child("print"));
        oneAtATime(builder, "stock-fields", "fields", Faults.child("wrongfields"));
        // Storm checks the number of fields when it builds a tuple for a consumer: give it one.
        builder.setBolt("sink", new Faults.Sink(), 1).shuffleGrouping("fields");
        cluster.submitTopology(name, conf(), builder.createTopology());
        Results print = Results.of("stock-print");
        Results fields = Results.of("stock-fields");
        Map<String, List<String>> first = Faults.errorsOf(cluster, name, List.of("print", "fields"));
        long printFailsAtFirstError = print.failed.events();
        for (String bolt : List.of("print", "fields")) {
            Harness.waitUntil("the " + bolt + " executor's exit", (2 * T + 20) * 1000L,
                () -> refusedExit(bolt).isPresent());
            Harness.waitUntil("the " + bolt + " executor's error", 30_000, () -> {
                try {
                    return Harness.errors(cluster, name).getOrDefault(bolt, List.of()).size() >= 2;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        Map<String, List<String>> errors = Harness.errors(cluster, name);
        Map<Long, Long> printAcked = print.acked.times();
        Map<Long, Long> printFailed = print.failed.times();
        Map<Long, Long> fieldsAcked = fields.acked.times();
        Map<Long, Long> fieldsFailed = fields.failed.times();
        Harness.killAndWaitForProcesses(cluster, name);

        String printError = first.get("print").get(0);
        System.out.println("print: " + firstLine(printError) + " (" + dieLines("print") + " die() line); then "
            + errors.get("print").stream().map(StockFaultsIT::firstLine).toList() + "; " + refusedExit("print").orElse(""));
        assertTrue(printError.startsWith("java.lang.ClassCastException: class java.lang.String cannot be cast to class "
            + "org.apache.storm.shade.net.minidev.json.JSONObject"), printError);
        assertEquals(1, dieLines("print"), "one die(): the print and the ack after it were one message");
        assertEquals(0, printFailsAtFirstError, "nothing failed when the error came");
        assertEquals(Map.of(), printAcked, "the ack was lost");
        assertEquals(Map.of(1L, 1L), printFailed, "failed: tuple 1, when the executor died");
        assertTimedOut(print, List.of(1L));
        assertExecutorDiedOf("print", errors.get("print"), "Caused by: java.lang.ClassCastException: class "
            + "java.lang.String cannot be cast to class org.apache.storm.shade.net.minidev.json.JSONObject");

        List<String> fieldsErrors = errors.get("fields");
        System.out.println("fields: " + fieldsErrors.stream().map(StockFaultsIT::firstLine).toList() + "; "
            + refusedExit("fields").orElse(""));
        assertTrue(first.get("fields").get(0).startsWith("java.lang.IllegalArgumentException: Tuple created with wrong "
            + "number of fields. Expected 1 fields but got 2 fields"), first.get("fields").toString());
        assertEquals(1, dieLines("wrongfields"));
        assertEquals(Map.of(1L, 1L, 2L, 1L), fieldsAcked, "acked: the tuples before the wrong emit");
        assertEquals(Map.of(3L, 1L), fieldsFailed, "failed: the wrong emit's input, when the executor died");
        assertTimedOut(fields, List.of(3L));
        assertExecutorDiedOf("fields", fieldsErrors,
            "Caused by: java.lang.IllegalArgumentException: Tuple created with wrong number of fields");
    }

    /**
     * A {@link FixedSpout} of 10 sentences with {@code max.spout.pending} 1 (the next tuple only
     * once the last is acked or failed) feeding a stock bolt running {@code command}: whatever
     * the child does, the bolt's next {@code execute} comes after it.
     */
    private static void oneAtATime(TopologyBuilder builder, String spoutKey, String bolt, String[] command) {
        builder.setSpout(spoutKey, new FixedSpout(spoutKey, Faults.values(10)), 1).setMaxSpoutPending(1);
        builder.setBolt(bolt, Bridge.STOCK.bolt(command, "word"), 1).shuffleGrouping(spoutKey);
    }

    /**
     * The execute after ShellBolt's death: Storm rethrows the death (process info, then its cause)
     * to Nimbus, the executor dies and Storm calls the worker's exit.
     */
    private static void assertExecutorDiedOf(String bolt, List<String> errors, String cause) {
        assertTrue(errors.stream().anyMatch(e -> e.contains("name:" + bolt + " exitCode:") && e.contains(cause)),
            errors.toString());
        assertTrue(refusedExit(bolt).orElseThrow().contains("exit(1) from Storm's Utils.exitProcess"));
        assertEquals(1, LogLines.count(UTILS, "-" + bolt + "-executor[", "Async loop died!"));
        assertEquals(1, LogLines.count(UTILS, "-" + bolt + "-executor[", "Halting process: Worker died"));
    }

    /**
     * A child that exits (3) with tuples 5 and 6 held, at tuple 7: Nimbus gets "Pipe to subprocess
     * seems to be broken!" with the child's stderr; the exit status is in the worker log only. The
     * held and queued tuples (5-10) are not failed: they time out. In local mode the reader thread
     * calls die() again at every read of the closed pipe (a worker log line and a reportError
     * each, thousands a second) until the worker shuts the executor down.
     */
    @Test
    void aChildThatExitsMidRunLeavesItsTuplesToTimeOut() throws Exception {
        String name = "stock-exits";
        TopologyBuilder builder = new TopologyBuilder();
        Faults.bolt(builder, Bridge.STOCK, "stock-exit3", "exit3", Faults.child("exitat", "5", "3"));
        cluster.submitTopology(name, conf(), builder.createTopology());
        Results r = Results.of("stock-exit3");
        Map<String, List<String>> first = Faults.errorsOf(cluster, name, List.of("exit3"));
        long firstError = System.currentTimeMillis();
        long failsAtFirstError = r.failed.events();
        Harness.waitUntil("tuples 5-10 failed", (2 * T + 20) * 1000L, () -> r.failed.events() >= 6);
        Harness.killAndWaitForProcesses(cluster, name);
        long killed = System.currentTimeMillis();
        long dieAtKill = dieLines("exitat, 5, 3");
        // The loop ends when the supervisor shuts the worker's executors down (cleanup), a little
        // after Nimbus has dropped the topology: wait until no line comes for half a second.
        long[] last = {-1};
        Harness.waitUntil("the die() loop to end", 30_000, () -> {
            long now = dieLines("exitat, 5, 3");
            boolean still = now == last[0];
            last[0] = now;
            if (!still) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return still;
        });
        long loopEnded = System.currentTimeMillis() - killed;
        long perSec = last[0] * 1000 / Math.max(1, System.currentTimeMillis() - firstError);
        long reports = LogLines.count(REPORT_ERROR, "Pipe to subprocess seems to be broken!");

        List<String> errors = first.get("exit3");
        System.out.println("exit3: " + firstLine(errors.get(0)) + "; " + dieAtKill + " die() lines in the worker log, "
            + "e.g. " + LogLines.containing(SHELL_BOLT, "name:exit3 exitCode:3").stream().findFirst()
            .map(StockFaultsIT::firstLine).orElse("?"));
        assertTrue(errors.stream().anyMatch(e -> e.contains("Pipe to subprocess seems to be broken!")), errors.toString());
        // The child's last stderr line: in the error if Storm read it there, else logged at INFO
        // by the writer thread's drain after a write (a race between the two).
        assertTrue(errors.stream().anyMatch(e -> e.contains("faulty child: giving up at tuple 7"))
            || LogLines.count("exit3", "faulty child: giving up at tuple 7") == 1, errors.toString());
        assertTrue(errors.stream().noneMatch(e -> e.contains("exitCode")), "the status is not in Nimbus: " + errors);
        assertTrue(LogLines.count(SHELL_BOLT, "name:exit3 exitCode:3, errorString:") > 0, "the status is in the worker log");
        assertEquals(0, failsAtFirstError, "nothing failed when the error came");
        assertEquals(Results.once(ids(1, 4)), r.acked.times());
        assertTimedOut(r, ids(5, 10));
        assertTrue(dieAtKill >= 1000, "die() in a loop: " + dieAtKill + " lines");
        System.out.println("exit3: the loop ended within " + loopEnded + " ms after the kill, at " + last[0] + " lines ("
            + perSec + " a second), " + reports + " ReportError \"Error\" lines seen");
        assertTrue(perSec >= 1000, perSec + " die() lines a second");
    }

    /**
     * A program that does not exist: prepare throws "Error when launching multilang subprocess"
     * with Java's "Cannot run program ... error=2", the executor dies and Storm calls the worker's
     * exit. On a cluster the worker would be restarted (and fail again); here it happens once.
     */
    @Test
    void aMissingProgramKillsTheExecutor() throws Exception {
        String name = "stock-launch";
        TopologyBuilder builder = new TopologyBuilder();
        Faults.bolt(builder, Bridge.STOCK, "stock-typo", "typo", "spltbolt.py");
        cluster.submitTopology(name, conf(), builder.createTopology());
        Map<String, List<String>> first = Faults.errorsOf(cluster, name, List.of("typo"));
        Harness.waitUntil("the typo executor's exit", 30_000, () -> refusedExit("typo").isPresent());
        Thread.sleep(2000);
        List<String> errors = Harness.errors(cluster, name).get("typo");
        Results r = Results.of("stock-typo");
        Harness.killAndWaitForProcesses(cluster, name);

        String error = first.get("typo").get(0);
        Matcher cannot = Pattern.compile("Cannot run program \"spltbolt.py\" \\(in directory \"[^\"]*/resources\"\\): "
            + "error=2, No such file or directory").matcher(error);
        System.out.println("typo: " + firstLine(error) + " / " + (cannot.find() ? cannot.group() : "?") + "; "
            + refusedExit("typo").orElse(""));
        assertTrue(error.startsWith("java.lang.RuntimeException: java.lang.RuntimeException: Error when launching "
            + "multilang subprocess"), error);
        assertTrue(cannot.reset().find(), error);
        assertEquals(1, errors.size(), "once, no restart in local mode: " + errors);
        assertEquals(1, LogLines.count(UTILS, "-typo-executor[", "Async loop died!"));
        assertEquals(1, LogLines.count(UTILS, "-typo-executor[", "Halting process: Worker died"));
        assertTrue(refusedExit("typo").orElseThrow().contains("exit(1) from Storm's Utils.exitProcess"));
        assertEquals(0, r.acked.events());
    }

    /**
     * Pace, subprocess timeout 5 s. A child that writes 8 MB on stderr before the handshake: Storm
     * reads stderr only after its own writes, so the child blocks on a full pipe and prepare waits
     * for the handshake without a limit (the heartbeat timer starts after it): no error, no ack,
     * every tuple timed out, while a plain bolt in the same worker runs. When the test kills that
     * child, prepare fails with the stderr Storm finally reads. A stuck child (5 tuples acked,
     * then silent, alive): "subprocess heartbeat timeout" reported every second, the child left
     * alive, its tuples timed out; the topology's kill ends it.
     */
    @Test
    void aChattyChildBlocksPrepareAStuckOneIsReportedAndLeftAlive() throws Exception {
        String name = "stock-pace";
        int subprocessTimeout = 5;
        TopologyBuilder builder = new TopologyBuilder();
        Faults.bolt(builder, Bridge.STOCK, "stock-chatty", "chatty", Faults.child("chatty", "8"));
        builder.setSpout("stock-control", new FixedSpout("stock-control", Faults.values(10)), 1);
        builder.setBolt("control", new Faults.Sink(), 1).shuffleGrouping("stock-control");
        Faults.bolt(builder, Bridge.STOCK, "stock-stuck", "stuck", Faults.child("stuck", "5"));
        Config conf = conf();
        conf.put(Config.TOPOLOGY_SUBPROCESS_TIMEOUT_SECS, subprocessTimeout);
        long submitted = System.currentTimeMillis();
        cluster.submitTopology(name, conf, builder.createTopology());
        Results chatty = Results.of("stock-chatty");
        Results control = Results.of("stock-control");
        Results stuck = Results.of("stock-stuck");
        Map<String, List<String>> first = Faults.errorsOf(cluster, name, List.of("stuck"));
        boolean stuckAliveAtError = child("stuck").isPresent();
        Harness.waitUntil("10 chatty tuples failed, 5 stuck ones", (2 * T + 30) * 1000L,
            () -> chatty.failed.events() >= 10 && stuck.failed.events() >= 5);
        Harness.waitUntil("a wait past the subprocess timeout", 60_000,
            () -> System.currentTimeMillis() > submitted + (subprocessTimeout + 5) * 1000L);
        List<String> chattyBefore = Harness.errors(cluster, name).getOrDefault("chatty", List.of());
        boolean chattyLaunched = LogLines.count(SHELL_BOLT, "-chatty-executor[", "Launched subprocess") > 0;
        boolean chattyPrepared = LogLines.count(BOLT_EXECUTOR, "Prepared bolt chatty:") > 0;
        boolean stuckPrepared = LogLines.count(BOLT_EXECUTOR, "Prepared bolt stuck:") > 0;
        ProcessHandle chattyChild = child("chatty").orElse(null);
        boolean stuckAlive = child("stuck").isPresent();
        long stuckDies = dieLines("stuck");
        // Unblock prepare: the child is this JVM's descendant, started by this test's topology.
        if (chattyChild != null) {
            chattyChild.destroyForcibly();
        }
        Harness.waitUntil("the chatty executor's exit", 30_000, () -> refusedExit("chatty").isPresent());
        Map<String, List<String>> errors = Faults.errorsOf(cluster, name, List.of("chatty"));
        Harness.killAndWaitForProcesses(cluster, name);
        Harness.waitUntil("no faulty child left", 30_000, () -> child("").isEmpty());

        System.out.println("chatty: errors before the kill " + chattyBefore + ", launched " + chattyLaunched
            + ", prepared " + chattyPrepared + "; after: " + firstLine(errors.get("chatty").get(0)));
        assertTrue(chattyChild != null, "the chatty child was alive");
        assertEquals(List.of(), chattyBefore, "no error while it blocked");
        assertTrue(!chattyLaunched && !chattyPrepared, "prepare never got past the handshake");
        assertTrue(stuckPrepared, "the log check sees a bolt that did get prepared");
        assertEquals(0, chatty.acked.events());
        assertTimedOut(chatty, ids(1, 10));
        assertEquals(Results.once(ids(1, 10)), control.acked.times(), "the rest of the worker ran");
        String after = errors.get("chatty").get(0);
        assertTrue(after.contains("Pipe to subprocess seems to be broken! No output read.")
            && after.contains("Serializer Exception:\nxxxxxxxx"), firstLine(after));

        List<String> stuckErrors = first.get("stuck");
        System.out.println("stuck: " + firstLine(stuckErrors.get(0)) + ", " + stuckDies + " die() lines, alive "
            + stuckAlive);
        assertTrue(stuckErrors.stream().allMatch(e -> e.startsWith("java.lang.RuntimeException: subprocess heartbeat "
            + "timeout")), stuckErrors.toString());
        assertTrue(stuckAliveAtError && stuckAlive, "ShellBolt does not kill the silent child");
        assertTrue(stuckDies >= 2, "die() every second: " + stuckDies);
        assertEquals(Results.once(ids(1, 5)), stuck.acked.times());
        assertTimedOut(stuck, ids(6, 10));
    }

    /**
     * A spout child that exits (3) after 5 tuples: ShellSpout's next throws with the process info
     * (pid, exit code, stderr) around "Pipe to subprocess seems to be broken!", the executor dies
     * and Storm calls the worker's exit.
     */
    @Test
    void aSpoutChildThatExitsKillsTheExecutor() throws Exception {
        String name = "stock-spoutexit";
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("exiting", new NativeShellSpout(Faults.child("spoutexit", "5", "3"), "sentence"), 1);
        builder.setBolt("sink", new Faults.Sink(), 1).shuffleGrouping("exiting");
        cluster.submitTopology(name, conf(), builder.createTopology());
        Map<String, List<String>> errors = Faults.errorsOf(cluster, name, List.of("exiting"));
        Harness.waitUntil("the spout executor's exit", 30_000, () -> refusedExit("exiting").isPresent());
        Harness.killAndWaitForProcesses(cluster, name);

        String error = errors.get("exiting").get(0);
        Matcher info = Pattern.compile("pid:\\d+, name:exiting exitCode:(-?\\d+), errorString:").matcher(error);
        System.out.println("exiting: " + firstLine(error) + "; " + refusedExit("exiting").orElse(""));
        assertTrue(info.find(), error);
        // The status when Java has reaped the child already; -1 if the read saw the EOF first.
        assertTrue(List.of("3", "-1").contains(info.group(1)), error);
        assertTrue(error.contains("faulty spout: giving up after 5 tuples")
            || LogLines.count("exiting", "faulty spout: giving up after 5 tuples") == 1, error);
        assertTrue(error.contains("Pipe to subprocess seems to be broken!"), error);
        assertEquals(1, LogLines.count(UTILS, "-exiting-executor[", "Async loop died!"));
        assertEquals(1, LogLines.count(UTILS, "-exiting-executor[", "Halting process: Worker died"));
        assertTrue(refusedExit("exiting").orElseThrow().contains("exit(1) from Storm's Utils.exitProcess"));
    }
}
