package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.tuple.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bolt host against a scripted child (src/test/resources/scripted_child.py), without a cluster. */
class MultilangBoltTest {
    private final List<MultilangBolt> started = new ArrayList<>();
    private final FakeStorm.BoltCollector out = new FakeStorm.BoltCollector();
    private TopologyContext context;

    private MultilangBolt start(MultilangBolt bolt, String component, Map<String, Object> conf) throws Exception {
        context = FakeStorm.context(component, conf);
        bolt.prepare(conf, context, new OutputCollector(out));
        started.add(bolt);
        return bolt;
    }

    private MultilangBolt start(String mode, String component) throws Exception {
        return start(new MultilangBolt(new String[] {"python3", "scripted_child.py", mode}, "out"), component,
            FakeStorm.conf());
    }

    @AfterEach
    void stop() {
        FakeStorm.ProbedBolt.moreInput = false;
        started.forEach(MultilangBolt::cleanup);
    }

    static void waitFor(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aLoneTupleIsWrittenAtOnceAndAckedOnce() throws Exception {
        MultilangBolt bolt = start("ack", "lone");
        Tuple t = FakeStorm.tuple(context, "the cow");
        bolt.execute(t);
        waitFor("the ack", () -> out.acks.size() == 1);
        assertEquals(List.of(t), out.acks);
        HostStats stats = HostStats.of("lone");
        assertEquals(1, stats.writes.sum(), "the executor thread wrote the tuple itself");
        assertEquals(0, stats.heldWrites.sum(), "nothing was left for the watchdog");
        Thread.sleep(50);
        assertEquals(1, out.acks.size());
        assertEquals(List.of(), out.fails);
    }

    @Test
    void aBurstSharesOneWrite() throws Exception {
        FakeStorm.ProbedBolt bolt = new FakeStorm.ProbedBolt(new String[] {"python3", "scripted_child.py", "chunks"}, "out");
        start(bolt, "burst", FakeStorm.conf());
        FakeStorm.ProbedBolt.moreInput = true;
        List<Tuple> in = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Tuple t = FakeStorm.tuple(context, "s" + i);
            in.add(t);
            if (i == 9) {
                FakeStorm.ProbedBolt.moreInput = false;
            }
            bolt.execute(t);
        }
        waitFor("10 acks", () -> out.acks.size() == 10);
        // The child reports, per tuple, how many tuples came in the same read as it.
        for (FakeStorm.Emit e : out.emits) {
            assertEquals("[chunk, 10]", List.copyOf(e.values()).toString(), "every tuple arrived in one read of 10");
        }
        assertEquals(10, out.emits.size());
        assertEquals(in, out.acks, "acks in order, each once");
        for (int i = 0; i < 10; i++) {
            assertEquals(List.of(in.get(i)), out.emits.get(i).anchors(), "emit anchored to its input");
        }
        assertEquals(1, HostStats.of("burst").writes.sum());
    }

    @Test
    void heldBytesAreWrittenByTheWatchdogWhenNoTupleFollows() throws Exception {
        FakeStorm.ProbedBolt bolt = new FakeStorm.ProbedBolt(new String[] {"python3", "scripted_child.py", "ack"}, "out");
        start(bolt, "held", FakeStorm.conf());
        FakeStorm.ProbedBolt.moreInput = true; // says more is coming, but nothing comes
        bolt.execute(FakeStorm.tuple(context, "x"));
        waitFor("the ack", () -> out.acks.size() == 1);
        assertEquals(0, HostStats.of("held").writes.sum());
        assertEquals(1, HostStats.of("held").heldWrites.sum());
    }

    @Test
    void maxPendingMakesExecuteWaitForRoom() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        conf.put("topology.shellbolt.max.pending", 3);
        // The child acks only once it holds 4 tuples: with room for 3, the 4th execute must wait
        // for acks that never come, until the child is given more room... so it waits.
        MultilangBolt bolt = start(new MultilangBolt(new String[] {"python3", "scripted_child.py", "hold", "4"}, "out"),
            "pending", conf);
        for (int i = 0; i < 3; i++) {
            bolt.execute(FakeStorm.tuple(context, "s" + i));
        }
        CompletableFuture<Void> fourth = CompletableFuture.runAsync(() -> bolt.execute(FakeStorm.tuple(context, "s3")));
        Thread.sleep(300);
        assertTrue(!fourth.isDone(), "the 4th execute waits while 3 tuples are in the child");
        assertEquals(0, out.acks.size());
        bolt.cleanup();
        started.remove(bolt);
        fourth.handle((v, e) -> null).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSecondAckAndAnUnknownFailAreReportedNotPassedOn() throws Exception {
        MultilangBolt bolt = start("double", "double");
        Tuple t = FakeStorm.tuple(context, "x");
        bolt.execute(t);
        waitFor("two errors", () -> out.errors.size() >= 2);
        assertEquals(List.of(t), out.acks, "acked once");
        assertEquals(List.of(), out.fails);
        assertTrue(out.errorTexts().get(0).contains("not in flight"), out.errorTexts().toString());
        assertTrue(out.errorTexts().get(1).contains("fail of 999999"), out.errorTexts().toString());
        bolt.execute(FakeStorm.tuple(context, "y"));
        waitFor("the second ack", () -> out.acks.size() == 2);
    }

    @Test
    void anEmitAnchoredToAFinishedTupleKeepsTheLiveAnchorsAndIsReported() throws Exception {
        MultilangBolt bolt = start("badanchor", "anchor");
        Tuple t = FakeStorm.tuple(context, "x");
        bolt.execute(t);
        waitFor("the ack", () -> out.acks.size() == 1);
        assertEquals(1, out.emits.size());
        assertEquals(List.of(t), out.emits.get(0).anchors());
        assertTrue(out.errorTexts().get(0).contains("424242"), out.errorTexts().toString());
    }

    @Test
    void taskIdsAreSentWhenTheChildAsks() throws Exception {
        MultilangBolt bolt = start("taskids", "taskids");
        bolt.execute(FakeStorm.tuple(context, "x"));
        waitFor("the child's echo of the task ids", () -> out.emits.size() == 2);
        assertEquals(List.of("want"), out.emits.get(0).values());
        assertEquals("[tasks, [7,8]]", List.copyOf(out.emits.get(1).values()).toString());
    }

    @Test
    void logErrorAndUnknownMetricReachTheCollectorAndTheTupleFails() throws Exception {
        MultilangBolt bolt = start("logerror", "logerror");
        Tuple t = FakeStorm.tuple(context, "x");
        bolt.execute(t);
        waitFor("the fail", () -> out.fails.size() == 1);
        assertEquals(List.of(t), out.fails);
        waitFor("two errors", () -> out.errors.size() == 2);
        assertEquals("Shell Process Exception: an error from the child", out.errorTexts().get(0));
        assertTrue(out.errorTexts().get(1).contains("no-such-metric"), out.errorTexts().toString());
    }

    @Test
    void aChildThatExitsKillsTheBoltWithItsStderr() throws Exception {
        MultilangBolt bolt = start("exit", "exit");
        bolt.execute(FakeStorm.tuple(context, "x"));
        waitFor("the death", () -> !out.errors.isEmpty());
        RuntimeException e = assertThrows(RuntimeException.class, () -> bolt.execute(FakeStorm.tuple(context, "y")));
        String text = e.getMessage();
        assertTrue(text.contains("exit status 3"), text);
        assertTrue(text.contains("scripted child: boom"), text);
        assertEquals(List.of(), out.acks);
        assertEquals(2, out.fails.size(), "the tuple in the child, and the one that found the bolt dead");
    }

    @Test
    void aSilentChildIsKilledAfterTheSubprocessTimeout() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        conf.put("topology.subprocess.timeout.secs", 2);
        long t0 = System.nanoTime();
        MultilangBolt bolt = start(new MultilangBolt(new String[] {"python3", "scripted_child.py", "silent"}, "out"),
            "silent", conf);
        waitFor("the timeout", () -> !out.errors.isEmpty());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms >= 2000, "not before the timeout: " + ms + " ms");
        assertTrue(out.errorTexts().get(0).contains("did not answer"), out.errorTexts().toString());
        assertThrows(RuntimeException.class, () -> bolt.execute(FakeStorm.tuple(context, "y")));
    }

    @Test
    void anIdleChildThatAnswersHeartbeatsOutlivesTheTimeout() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        // 4 s, not less: a loaded 2-core machine can stall a JVM for 2 s, and the timeout is real.
        conf.put("topology.subprocess.timeout.secs", 4);
        MultilangBolt bolt = start(new MultilangBolt(new String[] {"python3", "scripted_child.py", "ack"}, "out"),
            "idle", conf);
        Thread.sleep(9000);
        assertEquals(List.of(), out.errors);
        bolt.execute(FakeStorm.tuple(context, "x"));
        waitFor("the ack", () -> out.acks.size() == 1);
    }
}
