package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stormnative.Bridge;
import io.stormnative.InProcessBolt;
import io.stormnative.InProcessSpout;
import io.stormnative.MultilangBolt;
import io.stormnative.MultilangSpout;
import io.stormnative.NativeShellBolt;
import io.stormnative.NativeShellSpout;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.spout.ShellSpout;
import org.apache.storm.task.ShellBolt;
import org.apache.storm.topology.IComponent;
import org.apache.storm.topology.OutputFieldsGetter;
import org.junit.jupiter.api.Test;

/** The word count's three components: the sample's fields and commands, on storm-native's classes. */
class WordCountComponentsTest {
    private static List<String> declared(IComponent c) {
        OutputFieldsGetter g = new OutputFieldsGetter();
        c.declareOutputFields(g);
        return g.getFieldsDeclaration().get("default").get_output_fields();
    }

    private static String[] command(Class<?> c, Object o) throws Exception {
        Field f = c.getDeclaredField("command");
        f.setAccessible(true);
        return (String[]) f.get(o);
    }

    @Test
    void componentsDeclareTheSampleFields() {
        Map<String, List<String>> got = new HashMap<>();
        got.put("spout", declared(new SentenceSpout()));
        got.put("split", declared(new SplitBolt()));
        got.put("count", declared(new CountBolt()));
        assertEquals(Map.of("spout", List.of("sentence"), "split", List.of("word"), "count", List.of("word", "count")), got);
    }

    @Test
    void variantsPickTheCommand() throws Exception {
        MultilangSpout spout = new SentenceSpout(Variant.PYTHON);
        assertArrayEquals(new String[] {"python3", "sentencespout.py"}, spout.command());
        MultilangBolt split = new SplitBolt();
        assertArrayEquals(new String[] {"split-bolt"}, split.command());
    }

    @Test
    void theStockBridgeRunsTheSameCommandsUnderShellSpoutAndShellBolt() throws Exception {
        assertEquals(MultilangBolt.class, SplitBolt.on(Bridge.HOST, Variant.NATIVE).getClass().getSuperclass());
        NativeShellSpout spout = (NativeShellSpout) SentenceSpout.on(Bridge.STOCK, Variant.PYTHON);
        assertArrayEquals(new String[] {"python3", "sentencespout.py"}, command(ShellSpout.class, spout));
        NativeShellBolt count = (NativeShellBolt) CountBolt.on(Bridge.STOCK, Variant.NATIVE);
        assertArrayEquals(new String[] {"count-bolt"}, command(ShellBolt.class, count));
        assertEquals(List.of("word", "count"), declared(count));
        assertEquals(Bridge.STOCK, Bridge.parse(" Stock "));
        assertThrows(IllegalArgumentException.class, () -> Bridge.parse("shell"));
    }

    @Test
    void theInProcessBridgeLoadsEachComponentsLibraryByItsProgramName() {
        assertEquals(Bridge.INPROC, Bridge.parse("inproc"));
        InProcessBolt split = (InProcessBolt) SplitBolt.on(Bridge.INPROC, Variant.NATIVE);
        assertEquals("InProcessBolt[libsplit_bolt.so, [split-bolt]]", split.toString());
        InProcessSpout spout = (InProcessSpout) SentenceSpout.on(Bridge.INPROC, Variant.NATIVE);
        assertEquals("InProcessSpout[libsentence_spout.so, [sentence-spout]]", spout.toString());
        IllegalArgumentException python = assertThrows(IllegalArgumentException.class,
            () -> CountBolt.on(Bridge.INPROC, Variant.PYTHON));
        assertTrue(python.getMessage().contains("native components only"), python.getMessage());
    }
}
