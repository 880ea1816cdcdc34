package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.storm.spout.SpoutOutputCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The spout host against a scripted child (src/test/resources/scripted_child.py), without a cluster. */
class MultilangSpoutTest {
    private final List<MultilangSpout> started = new ArrayList<>();
    private final FakeStorm.SpoutCollector out = new FakeStorm.SpoutCollector();

    private MultilangSpout start(String mode, Map<String, Object> conf) throws Exception {
        return start(mode, "spout-" + mode, conf);
    }

    private MultilangSpout start(String mode, String component, Map<String, Object> conf) throws Exception {
        MultilangSpout spout = new MultilangSpout(new String[] {"python3", "scripted_child.py", mode}, "sentence");
        spout.open(conf, FakeStorm.context(component, conf), new SpoutOutputCollector(out));
        started.add(spout);
        return spout;
    }

    @AfterEach
    void stop() {
        started.forEach(MultilangSpout::close);
    }

    private String seen(int emit) {
        return (String) out.emits.get(emit).values().get(0);
    }

    private long chunk(int emit) {
        return ((Number) out.emits.get(emit).values().get(1)).longValue();
    }

    @Test
    void nextIsPipelinedAndEachCallPerformsOneAnswerOnTheCallingThread() throws Exception {
        MultilangSpout spout = start("spout", "spout-pipelined", FakeStorm.conf());
        spout.activate();
        spout.nextTuple();
        assertEquals(1, out.emits.size(), "one answer per nextTuple");
        assertEquals("activate,next", seen(0));
        assertEquals(MultilangSpout.DEFAULT_PIPELINE, chunk(0), "the child got the pipelined nexts in one read");
        assertEquals(Thread.currentThread().getName(), out.emits.get(0).thread(), "emits on the executor thread");
        spout.nextTuple();
        spout.nextTuple();
        assertEquals("activate,next,next", seen(1));
        assertEquals("activate,next,next,next", seen(2));
        assertEquals(4L, ((Number) out.emits.get(2).msgId()).longValue(), "the child's message id");
        for (int i = 3; i < MultilangSpout.DEFAULT_PIPELINE + 1; i++) {
            spout.nextTuple();
        }
        // Written: activate, the first 16 nexts at once, then 8 more at the 9th and at the 17th call.
        assertEquals(4, HostStats.of("spout-pipelined").writes.sum(), "refilled by half a pipeline per write");
        assertEquals(MultilangSpout.DEFAULT_PIPELINE + 1, out.emits.size());
    }

    @Test
    void aPipelineOfOneIsShellSpoutsLockstep() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        conf.put(MultilangSpout.PIPELINE_CONF, 1);
        MultilangSpout spout = start("spout", "spout-lockstep", conf);
        spout.nextTuple();
        spout.nextTuple();
        assertEquals(1, chunk(0));
        assertEquals(1, chunk(1));
        assertEquals("next,next", seen(1));
        assertEquals(2, HostStats.of("spout-lockstep").writes.sum(), "a write per next");
    }

    @Test
    void ackAndFailDoNotWaitForTheirSync() throws Exception {
        // This child answers an ack only when the next `next` comes: a host that waited for the
        // ack's sync would hang here.
        Map<String, Object> conf = FakeStorm.conf();
        conf.put(MultilangSpout.PIPELINE_CONF, 2);
        MultilangSpout spout = start("ackwaits", conf);
        spout.nextTuple();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            spout.ack(1L);
            spout.ack(2L);
            spout.fail(3L);
        });
        String last = "";
        for (int i = 0; i < 10 && !last.contains("fail:3"); i++) {
            spout.nextTuple();
            last = seen(out.emits.size() - 1);
        }
        assertTrue(last.contains("ack:1,ack:2,fail:3"), last);
    }

    @Test
    void activateAndDeactivateArePassedOnInOrder() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        conf.put(MultilangSpout.PIPELINE_CONF, 4);
        MultilangSpout spout = start("spout", conf);
        spout.activate();
        spout.nextTuple();
        spout.deactivate();
        int afterDeactivate = out.emits.size();
        assertEquals(4, afterDeactivate, "deactivate waits for the answers to every next sent before it");
        spout.activate();
        spout.nextTuple();
        String last = seen(out.emits.size() - 1);
        assertTrue(last.startsWith("activate,next,next,next,next,deactivate,activate"), last);
    }

    @Test
    void aDeactivatedSpoutAnswersAcksAtOnceAndIsNotTakenForSilent() throws Exception {
        // Deactivated, Storm calls no nextTuple but still acks and fails the pending tuples: their
        // syncs must be read then, or the watchdog counts the wait as the child's silence (seen on
        // the cluster: killed 30 s after the first ack following deactivate, worker halted).
        Map<String, Object> conf = FakeStorm.conf();
        conf.put("topology.subprocess.timeout.secs", 1);
        MultilangSpout spout = start("spout", "spout-deactivated", conf);
        spout.activate();
        spout.nextTuple();
        spout.deactivate();
        spout.ack(1L);
        spout.fail(2L);
        Thread.sleep(2500);
        assertTrue(out.errors.isEmpty(), "a deactivated spout that gets acks is not a silent child: " + out.errors);
        spout.activate();
        spout.nextTuple();
        assertTrue(seen(out.emits.size() - 1).contains("deactivate,ack:1,fail:2,activate"), seen(out.emits.size() - 1));
    }

    @Test
    void aSilentChildIsKilledAfterTheSubprocessTimeout() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        conf.put("topology.subprocess.timeout.secs", 2);
        MultilangSpout spout = start("silent", conf);
        RuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(15),
            () -> assertThrows(RuntimeException.class, spout::nextTuple));
        assertTrue(String.valueOf(e.getCause()).contains("did not answer"), String.valueOf(e.getCause()));
        MultilangBoltTest.waitFor("the report", () -> !out.errors.isEmpty());
        Thread.sleep(100);
        assertEquals(1, out.errors.size(), "reported once: " + out.errors);
    }

    @Test
    void timeStormDoesNotCallTheSpoutIsNotSilence() throws Exception {
        // At max spout pending (or with a slow downstream) Storm may not call the spout for longer
        // than the timeout; answers already written by the child then wait unread. That is not a
        // hung child: only time the executor thread waits on the child counts, as in ShellSpout.
        Map<String, Object> conf = FakeStorm.conf();
        conf.put("topology.subprocess.timeout.secs", 2);
        MultilangSpout spout = start("spout", "spout-uncalled", conf);
        spout.nextTuple();
        spout.ack(1L);
        Thread.sleep(5000);
        assertEquals(List.of(), out.errors);
        spout.nextTuple();
        assertEquals(2, out.emits.size());
    }

    @Test
    void aChildWithItsOwnWindowOfOneEmitsOnEveryCallAfterItsAck() throws Exception {
        // Storm at max spout pending 1: nextTuple, the tuple is acked, nextTuple... The answers to
        // the pipelined nexts were computed before the ack and are empty; the host must not hand
        // those to Storm as "nothing to emit" (Storm then sleeps) but send the ack and fresh nexts.
        MultilangSpout spout = start("window1", "spout-window1", FakeStorm.conf());
        for (int i = 0; i < 5; i++) {
            spout.nextTuple();
            assertEquals(i + 1, out.emits.size(), "an emit on call " + (i + 1));
            spout.ack(out.emits.get(i).msgId());
        }
    }
}
