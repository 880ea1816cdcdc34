package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.tuple.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a child sends that is not the protocol: reported with its bytes, the tuple concerned
 * failed, the bolt alive where the stream can be resynchronised and dead where it cannot.
 */
class GarbageTest {
    private final FakeStorm.BoltCollector out = new FakeStorm.BoltCollector();
    private MultilangBolt bolt;
    private TopologyContext context;

    @AfterEach
    void stop() {
        if (bolt != null) {
            bolt.cleanup();
        }
    }

    private void start(Map<String, Object> conf, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", "scripted_child.py"));
        cmd.addAll(List.of(args));
        context = FakeStorm.context("garbage-" + args[0], conf);
        bolt = new MultilangBolt(cmd.toArray(new String[0]), "out");
        bolt.prepare(conf, context, new OutputCollector(out));
    }

    private List<Tuple> send(int n) {
        List<Tuple> in = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            in.add(FakeStorm.tuple(context, "s" + i));
            bolt.execute(in.get(i));
        }
        return in;
    }

    private String errors() {
        return String.join("\n", out.errorTexts());
    }

    @Test
    void aPrintOnStdoutIsDroppedAndReportedAndEveryTupleStillAcked() throws Exception {
        start(FakeStorm.conf(), "print");
        List<Tuple> in = send(15);
        MultilangBoltTest.waitFor("15 acks", () -> out.acks.size() == 15);
        assertEquals(in, out.acks);
        assertEquals(HostSupport.JUNK_REPORTED, out.errors.size(), "the first 10 reported, then every 1000th");
        assertTrue(errors().contains("not multilang, dropped (1 so far") && errors().contains("debug: got a tuple"),
            errors());
    }

    @Test
    void aMessageThatIsNotJsonIsReportedWithItsBytesAndTheStreamGoesOn() throws Exception {
        start(FakeStorm.conf(), "badjson");
        List<Tuple> in = send(3);
        MultilangBoltTest.waitFor("3 acks", () -> out.acks.size() == 3);
        assertEquals(in, out.acks, "the ack after the bad message was read: resynchronised");
        assertEquals(1, out.errors.size(), errors());
        assertTrue(errors().contains("not multilang") && errors().contains("{not json\\nend\\n"), errors());
    }

    @Test
    void aMessageOverTheLimitKillsTheBoltAndFailsItsTuple() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        conf.put(ChildInput.MAX_MESSAGE_CONF, 100_000);
        start(conf, "unterminated");
        List<Tuple> in = send(1);
        MultilangBoltTest.waitFor("the death", () -> !out.errors.isEmpty());
        assertEquals(in, out.fails);
        String text = assertThrows(RuntimeException.class, () -> bolt.execute(FakeStorm.tuple(context, "x")))
            .getCause().getMessage();
        assertTrue(text.contains("longer than 100000 bytes") && text.contains("multilang.max.message.bytes")
            && text.contains("xxxx"), text);
    }

    @Test
    void aTruncatedMessageAtExitIsReportedWithItsBytesAndTheTupleFailed() throws Exception {
        start(FakeStorm.conf(), "truncated");
        List<Tuple> in = send(1);
        MultilangBoltTest.waitFor("the death", () -> !out.errors.isEmpty());
        assertEquals(in, out.fails);
        String text = String.valueOf(out.errors.get(0).getMessage());
        assertTrue(text.contains("exit status 0") && text.contains("{\"command\": \"ack\", \"id\": \""), text);
    }

    @Test
    void anEmitStormRefusesFailsItsAnchorAndTheChildGetsItsTaskIds() throws Exception {
        out.fields = 1;
        start(FakeStorm.conf(), "wrongfields");
        List<Tuple> in = send(2);
        MultilangBoltTest.waitFor("2 fails", () -> out.fails.size() == 2);
        assertEquals(in, out.fails, "each input failed once");
        assertEquals(List.of(), out.acks, "the child's later ack is not passed on");
        assertTrue(errors().contains("emit refused by Storm (Tuple created with wrong number of fields. Expected 1 "
            + "fields but got 2 fields): [\"a\",\"b\"] on stream default; 1 anchor tuple(s) failed"), errors());
        assertTrue(errors().contains("not in flight"), errors());
    }

    @Test
    void anUnknownCommandIsReportedCutShortAndSkipped() throws Exception {
        start(FakeStorm.conf(), "unknowncmd");
        List<Tuple> in = send(1);
        MultilangBoltTest.waitFor("the ack", () -> out.acks.size() == 1);
        assertEquals(in, out.acks);
        assertTrue(errors().contains("unknown command from the child: bogus, skipped; the last bytes read: ")
            && errors().contains("yyy\"}\\nend\\n"), "the bytes, cut to the last 256 read: " + errors());
    }

    /**
     * Half a message, and the child alive and silent: the heartbeat timeout ends it, the report
     * shows the half, the tuple is failed.
     */
    @Test
    void aTruncatedMessageFromALiveChildEndsAtTheTimeoutWithItsBytes() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        conf.put("topology.subprocess.timeout.secs", 2);
        start(conf, "truncatedalive");
        List<Tuple> in = send(1);
        MultilangBoltTest.waitFor("the death", () -> !out.errors.isEmpty());
        assertTrue(errors().contains("did not answer"), errors());
        assertTrue(errors().contains("{\"command\": \"ack\", \"id\": \""), "the half message: " + errors());
        MultilangBoltTest.waitFor("the fail", () -> out.fails.size() == 1);
        assertEquals(in, out.fails);
        assertEquals(List.of(), out.acks);
    }

    /**
     * One bad message after another: reported and skipped up to the limit, then the host gives up
     * on the child (not a multilang child) and the tuple is failed, not acked.
     */
    @Test
    void aFloodOfBadMessagesEndsTheBoltAfterTheLimit() throws Exception {
        start(FakeStorm.conf(), "garbageflood");
        List<Tuple> in = send(1);
        MultilangBoltTest.waitFor("the death", () -> errors().contains("such messages: not a multilang child?"));
        assertTrue(errors().contains(ChildProcess.MAX_GARBAGE + " such messages"), errors());
        MultilangBoltTest.waitFor("the fail", () -> out.fails.size() == 1);
        assertEquals(in, out.fails);
        assertEquals(List.of(), out.acks);
    }

    @Test
    void anSmb1FrameWithABadLengthEndsTheBoltWithItsBytes() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        conf.put(ChildProcess.SERIALIZER_CONF, BinarySerializer.class.getName());
        // A length of 4 GB that is a lie: reported from the header alone, not after the
        // subprocess timeout (a minute here, longer than waitFor's 20 s, so only the header can
        // end it in time).
        conf.put("topology.subprocess.timeout.secs", 60);
        start(conf, "smb1badlength");
        MultilangBoltTest.waitFor("the death", () -> !out.errors.isEmpty());
        String text = String.valueOf(out.errors.get(0).getMessage());
        assertTrue(text.contains("\\xff\\xff\\xff\\xf0"), "the offending bytes: " + text);
        assertTrue(text.contains("says 4294967280 bytes"), text);
        assertThrows(RuntimeException.class, () -> bolt.execute(FakeStorm.tuple(context, "x")));
    }
}
