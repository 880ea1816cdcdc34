package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.storm.spout.SpoutOutputCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A spout child's emit that Storm refuses: reported, and the child is told that id failed. */
class SpoutGarbageTest {
    private final FakeStorm.SpoutCollector out = new FakeStorm.SpoutCollector();
    private MultilangSpout spout;

    @AfterEach
    void stop() {
        if (spout != null) {
            spout.close();
        }
    }

    @Test
    void aRefusedEmitIsReportedAndFailedBackToTheChild() throws Exception {
        out.fields = 2;
        Map<String, Object> conf = FakeStorm.conf();
        spout = new MultilangSpout(new String[] {"python3", "scripted_child.py", "spoutwrong"}, "sentence");
        spout.open(conf, FakeStorm.context("spout-wrong", conf), new SpoutOutputCollector(out));
        // The fail goes out behind the nexts already in the pipeline (16): the child answers those first.
        for (int i = 0; i < 3 * MultilangSpout.DEFAULT_PIPELINE; i++) {
            spout.nextTuple();
        }
        assertEquals(1, out.errors.size());
        assertTrue(out.errors.get(0).getMessage().contains("emit refused by Storm (Tuple created with wrong number of "
            + "fields. Expected 2 fields but got 3 fields): [\"x\",\"y\",\"z\"] on stream default; id 1 failed back "
            + "to the child"), out.errors.get(0).getMessage());
        // The child lists the commands it got: the fail of id 1 came after the first answer.
        String seen = (String) out.emits.get(out.emits.size() - 1).values().get(0);
        assertTrue(seen.contains("next,fail:1,next"), seen);
    }
}
