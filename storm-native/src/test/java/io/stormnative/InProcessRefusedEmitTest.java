package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.tuple.Tuple;
import org.junit.jupiter.api.Test;

/**
 * An emit Storm refuses (here: the wrong number of fields, as Storm's TupleImpl refuses it) under
 * the in-process bridge, against the real libraries: reported, its anchor failed (bolt) or its id
 * failed back to the component (spout), and the task goes on, as under the host. Without the
 * catch, Storm's exception would leave execute / nextTuple and end the executor, and the worker.
 */
class InProcessRefusedEmitTest {
    private static Path library(String name) {
        Path p = InProcessNativeTest.RESOURCES.resolve(name);
        assumeTrue(Files.isRegularFile(p), p + " is not built (cargo xtask dist)");
        return p;
    }

    @Test
    void aBoltsRefusedEmitFailsItsInputAndTheTaskGoesOn() throws Exception {
        FakeStorm.BoltCollector out = new FakeStorm.BoltCollector();
        Map<String, Object> conf = FakeStorm.conf();
        TopologyContext context = FakeStorm.context("split", conf);
        InProcessBolt bolt = new InProcessBolt(library("libsplit_bolt.so").toString(), new String[] {"split-bolt"},
            "word");
        bolt.prepare(conf, context, new OutputCollector(out));
        try {
            out.fields = 2;
            Tuple refused = FakeStorm.tuple(context, "cow");
            bolt.execute(refused);
            assertEquals(List.of(refused), out.fails, "the input of the refused emit failed, once");
            assertEquals(List.of(), out.acks, "and not acked after it");
            String errors = String.join("\n", out.errorTexts());
            assertTrue(errors.contains("emit refused by Storm (Tuple created with wrong number of fields. Expected 2 "
                + "fields but got 1 fields): [cow] on stream default; 1 anchor tuple(s) failed"), errors);
            assertTrue(errors.contains("ack of 0, which is not in flight"), errors);

            out.fields = null;
            Tuple next = FakeStorm.tuple(context, "moon");
            bolt.execute(next);
            assertEquals(List.of(next), out.acks, "the next tuple is handled as usual");
            assertEquals(List.of("moon"), out.emits.get(out.emits.size() - 1).values());
        } finally {
            bolt.cleanup();
        }
    }

    @Test
    void aSpoutsRefusedEmitIsFailedBackAndReplayed() throws Exception {
        FakeStorm.SpoutCollector out = new FakeStorm.SpoutCollector();
        Map<String, Object> conf = FakeStorm.conf();
        TopologyContext context = FakeStorm.context("spout", conf);
        InProcessSpout spout = new InProcessSpout(library("libsentence_spout.so").toString(),
            new String[] {"sentence-spout", "--reliable", "--order", "sequential"}, "sentence");
        spout.open(conf, context, new SpoutOutputCollector(out));
        try {
            out.fields = 2;
            spout.nextTuple();
            assertEquals(List.of(), out.emits);
            String errors = String.join("\n", out.errors.stream().map(Throwable::getMessage).toList());
            assertTrue(errors.contains("emit refused by Storm (Tuple created with wrong number of fields. Expected 2 "
                + "fields but got 1 fields): [the cow jumped over the moon] on stream default; id 1 failed back to "
                + "the component"), errors);

            out.fields = null;
            for (int i = 0; i < 3 && out.emits.isEmpty(); i++) {
                spout.nextTuple();
            }
            assertEquals(1, out.emits.size(), "one emit: " + out.emits);
            assertEquals(List.of("the cow jumped over the moon"), out.emits.get(0).values(), "the refused one, replayed");
            assertEquals("1", String.valueOf(out.emits.get(0).msgId()), "with its id");
        } finally {
            spout.close();
        }
    }
}
