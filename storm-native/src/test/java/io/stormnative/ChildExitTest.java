package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.tuple.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A child that ends in the middle of a run: its status said, its tuples failed (for replay), once. */
class ChildExitTest {
    private final FakeStorm.BoltCollector out = new FakeStorm.BoltCollector();
    private MultilangBolt bolt;

    @AfterEach
    void stop() {
        if (bolt != null) {
            bolt.cleanup();
        }
    }

    private TopologyContext start(String component, String... command) throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        TopologyContext context = FakeStorm.context(component, conf);
        bolt = new MultilangBolt(command, "out");
        bolt.prepare(conf, context, new OutputCollector(out));
        return context;
    }

    /** Exit 0 and exit 3 on the 3rd tuple, two earlier ones unanswered: all three failed, status said. */
    @ParameterizedTest
    @ValueSource(ints = {0, 3})
    void anExitFailsEveryTupleInFlightAndSaysTheStatus(int status) throws Exception {
        TopologyContext context = start("exit" + status, "python3", "scripted_child.py", "exitwith", "" + status);
        List<Tuple> in = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            in.add(FakeStorm.tuple(context, "s" + i));
            bolt.execute(in.get(i));
        }
        MultilangBoltTest.waitFor("the death", () -> !out.errors.isEmpty());
        assertEquals(new HashSet<>(in), new HashSet<>(out.fails), "every tuple in flight failed");
        assertEquals(3, out.fails.size(), "each once");
        assertEquals(List.of(), out.acks);
        RuntimeException e = assertThrows(RuntimeException.class, () -> bolt.execute(FakeStorm.tuple(context, "late")));
        String text = e.getMessage();
        assertTrue(text.contains("exit status " + status), text);
        assertTrue(text.contains("scripted child: leaving with " + status), text);
        assertEquals(4, out.fails.size(), "the execute that found the bolt dead failed its tuple too");
    }

    @ParameterizedTest
    @ValueSource(strings = {"KILL", "SEGV"})
    void aSignalIsNamed(String signal) throws Exception {
        TopologyContext context = start("signal" + signal, "python3", "scripted_child.py", "hold", "100");
        for (int i = 0; i < 2; i++) {
            bolt.execute(FakeStorm.tuple(context, "s" + i));
        }
        long pid = Long.parseLong(String.valueOf(ChildExitTest.pidOf(context)));
        new ProcessBuilder("kill", "-" + signal, "" + pid).start().waitFor();
        MultilangBoltTest.waitFor("the death", () -> !out.errors.isEmpty());
        assertEquals(2, out.fails.size());
        String text = assertThrows(RuntimeException.class, () -> bolt.execute(FakeStorm.tuple(context, "x"))).getMessage();
        assertTrue(text.contains("killed by signal " + (signal.equals("KILL") ? "9, SIGKILL" : "11, SIGSEGV")), text);
    }

    /** The child writes a pid file named after its pid into the context's pid dir. */
    static String pidOf(TopologyContext context) throws Exception {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of(context.getPIDDir()))) {
            return files.findFirst().orElseThrow().getFileName().toString();
        }
    }
}
