package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.storm.spout.SpoutOutputCollector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real sentence-spout binary (multilang/resources, built by {@code cargo xtask dist}) under the
 * host spout, in the state of the cluster's fault runs: its own window of pending sentences full
 * ({@code wordcount.spout.max.pending}), so it answers every {@code next} with nothing, then every
 * pending sentence failed at once, as when a lost worker's tuples time out. Each failed id must be
 * emitted again (issue 18: a spout once stalled with ~500 failed ids never replayed). Counted in
 * calls, not time: Storm calls nextTuple again and again, so a bounded number of calls stands in.
 */
class SentenceSpoutReplayTest {
    static final Path SPOUT = InProcessNativeTest.RESOURCES.resolve("sentence-spout");
    static final int WINDOW = 50;
    /** Far more calls than a window's replays need (one emit per call, see MultilangSpoutTest). */
    static final int CALLS = 10 * WINDOW;

    @ParameterizedTest
    @ValueSource(strings = {"json", "smb1"})
    void everyFailWhileTheWindowIsFullIsReplayed(String serializer) throws Exception {
        assumeTrue(Files.isExecutable(SPOUT), SPOUT + " is not built (cargo xtask dist)");
        Map<String, Object> conf = FakeStorm.conf();
        conf.put("wordcount.spout.reliable", true);
        conf.put("wordcount.spout.order", "sequential");
        conf.put("wordcount.spout.max.pending", WINDOW);
        if (serializer.equals("smb1")) {
            conf.put(ChildProcess.SERIALIZER_CONF, BinarySerializer.class.getName());
        }
        FakeStorm.SpoutCollector out = new FakeStorm.SpoutCollector();
        MultilangSpout spout = new MultilangSpout(new String[] {SPOUT.toString()}, "sentence");
        spout.open(conf, FakeStorm.context("sentence-spout", conf), new SpoutOutputCollector(out));
        try {
            spout.activate();
            for (int i = 0; i < CALLS && out.emits.size() < WINDOW; i++) {
                spout.nextTuple();
            }
            assertEquals(WINDOW, out.emits.size(), "the window filled");
            for (int i = 0; i < CALLS; i++) {
                spout.nextTuple();
            }
            assertEquals(WINDOW, out.emits.size(), "a full window emits nothing new");
            List<Long> pending = ids(out, 0, WINDOW);
            assertEquals(WINDOW, pending.stream().distinct().count(), "distinct ids: " + pending);

            // Every pending sentence fails; Storm goes on calling nextTuple.
            for (Long id : pending) {
                spout.fail(id);
            }
            for (int i = 0; i < CALLS && out.emits.size() < 2 * WINDOW; i++) {
                spout.nextTuple();
            }
            assertEquals(pending, ids(out, WINDOW, out.emits.size()), "each failed id replayed once, in order");
            for (int i = 0; i < CALLS; i++) {
                spout.nextTuple();
            }
            assertEquals(2 * WINDOW, out.emits.size(), "nothing but the replays: the window is still full");

            // The replays are acked: the window frees and new sentences follow.
            for (Long id : pending) {
                spout.ack(id);
            }
            for (int i = 0; i < CALLS && out.emits.size() < 3 * WINDOW; i++) {
                spout.nextTuple();
            }
            List<Long> fresh = ids(out, 2 * WINDOW, out.emits.size());
            assertEquals(WINDOW, fresh.size(), "a new window after the acks");
            assertTrue(fresh.stream().allMatch(id -> id > WINDOW), "new ids: " + fresh);
            assertEquals(List.of(), out.errors, "the child reported no error (an unknown id, say)");
        } finally {
            spout.close();
        }
    }

    private static List<Long> ids(FakeStorm.SpoutCollector out, int from, int to) {
        List<Long> ids = new ArrayList<>();
        for (FakeStorm.Emit e : out.emits.subList(from, to)) {
            ids.add(((Number) e.msgId()).longValue());
        }
        return ids;
    }
}
