package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.tuple.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Slow is not silent; stuck is bounded, then ended. */
class SlowChildTest {
    private final FakeStorm.BoltCollector out = new FakeStorm.BoltCollector();
    private MultilangBolt bolt;
    private TopologyContext context;

    @AfterEach
    void stop() {
        if (bolt != null) {
            bolt.cleanup();
        }
    }

    private void start(String mode, Map<String, Object> conf) throws Exception {
        context = FakeStorm.context("slow-" + mode, conf);
        bolt = new MultilangBolt(new String[] {"python3", "scripted_child.py", mode}, "out");
        bolt.prepare(conf, context, new OutputCollector(out));
    }

    /**
     * 10 ms a tuple, 400 tuples: at least 4 s of work, twice the 2 s timeout, with the child never
     * idle. It answers heartbeats between tuples, so it lives; the executor never holds more than
     * max.pending (5) tuples in it.
     */
    @Test
    void aSlowChildAnsweringHeartbeatsLivesAndInFlightStaysBounded() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        conf.put("topology.subprocess.timeout.secs", 2);
        conf.put("topology.shellbolt.max.pending", 5);
        start("slow", conf);
        List<Tuple> in = new ArrayList<>();
        int maxInFlight = 0;
        for (int i = 0; i < 400; i++) {
            in.add(FakeStorm.tuple(context, "s" + i));
            bolt.execute(in.get(i));
            maxInFlight = Math.max(maxInFlight, i + 1 - out.acks.size());
        }
        MultilangBoltTest.waitFor("400 acks", () -> out.acks.size() == 400);
        assertEquals(in, out.acks);
        assertEquals(List.of(), out.errors, "not taken for silent");
        // The collector records an ack just after the host freed its room: one more may show.
        assertTrue(maxInFlight <= 6, "in flight " + maxInFlight);
    }

    /**
     * Large tuples behind a slow child: max.pending (100) would let 100 of them in; the byte bound
     * (20,000 bytes, tuples of about 5 KB) lets in at most four, and a fifth once one is answered.
     */
    @Test
    void largeTuplesAreBoundedByTheirBytesNotOnlyTheirCount() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        conf.put("topology.subprocess.timeout.secs", 5);
        conf.put("topology.shellbolt.max.pending", 100);
        conf.put(MultilangBolt.MAX_PENDING_BYTES_CONF, 20_000);
        start("slow", conf);
        List<Tuple> in = new ArrayList<>();
        int maxInFlight = 0;
        for (int i = 0; i < 60; i++) {
            in.add(FakeStorm.tuple(context, "y".repeat(5_000) + i));
            bolt.execute(in.get(i));
            maxInFlight = Math.max(maxInFlight, i + 1 - out.acks.size());
        }
        MultilangBoltTest.waitFor("60 acks", () -> out.acks.size() == 60);
        assertEquals(in, out.acks);
        assertEquals(List.of(), out.errors);
        // Four make 20,000 bytes or more; the collector may record an ack just after the room
        // was freed, so one more may show.
        assertTrue(maxInFlight <= 5, "in flight " + maxInFlight);
        assertTrue(maxInFlight >= 3, "the bound let some in at once: " + maxInFlight);
    }

    /**
     * A child that stops reading: execute blocks at max.pending (no unbounded queue), the watchdog
     * kills it after the timeout (no answer, not even to heartbeats), the blocked execute returns
     * with the cause, and every tuple handed to the bolt is failed.
     */
    @Test
    void aStuckChildIsBoundedThenKilledAndItsTuplesFailed() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        conf.put("topology.subprocess.timeout.secs", 2);
        conf.put("topology.shellbolt.max.pending", 10);
        start("stuck", conf);
        AtomicInteger handed = new AtomicInteger();
        CompletableFuture<Void> feeder = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 1000; i++) {
                handed.incrementAndGet();
                bolt.execute(FakeStorm.tuple(context, "x".repeat(1000) + i));
            }
        });
        MultilangBoltTest.waitFor("the death", () -> !out.errors.isEmpty());
        Exception e = assertThrows(Exception.class, () -> feeder.get(20, TimeUnit.SECONDS));
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t).append('\n');
        }
        assertTrue(chain.toString().contains("did not answer"), chain.toString());
        assertTrue(handed.get() <= 11, "execute blocked at max.pending: " + handed.get() + " handed over");
        assertEquals(handed.get(), out.fails.size(), "every tuple handed over failed");
        assertTrue(out.errorTexts().get(0).contains("did not answer"), out.errorTexts().toString());
        assertEquals(List.of(), out.acks);
    }
}
