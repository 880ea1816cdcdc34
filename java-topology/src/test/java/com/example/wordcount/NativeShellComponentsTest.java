package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.spout.ShellSpout;
import org.apache.storm.task.ShellBolt;
import org.apache.storm.topology.OutputFieldsGetter;
import org.junit.jupiter.api.Test;

/**
 * The components resolve their program by writing into the command array that ShellSpout/ShellBolt
 * launch. That only works while Storm keeps the array it was given (it does not copy it), also after
 * the Java serialization a topology goes through. This pins that down for the Storm on the classpath.
 */
class NativeShellComponentsTest {
    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    private static Object field(Class<?> c, String name, Object o) throws Exception {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    @Test
    void stormLaunchesTheArrayTheComponentResolves() throws Exception {
        NativeShellBolt bolt = roundTrip(new SplitBolt());
        assertSame(field(NativeShellBolt.class, "command", bolt), field(ShellBolt.class, "command", bolt));
        NativeShellSpout spout = roundTrip(new SentenceSpout(Variant.PYTHON));
        assertSame(field(NativeShellSpout.class, "command", spout), field(ShellSpout.class, "command", spout));
        assertArrayEquals(new String[] {"python3", "sentencespout.py"}, (String[]) field(ShellSpout.class, "command", spout));
    }

    @Test
    void componentsDeclareTheSampleFields() {
        Map<String, List<String>> declared = new HashMap<>();
        OutputFieldsGetter g = new OutputFieldsGetter();
        new SentenceSpout().declareOutputFields(g);
        declared.put("spout", g.getFieldsDeclaration().get("default").get_output_fields());
        g = new OutputFieldsGetter();
        new SplitBolt().declareOutputFields(g);
        declared.put("split", g.getFieldsDeclaration().get("default").get_output_fields());
        g = new OutputFieldsGetter();
        new CountBolt().declareOutputFields(g);
        declared.put("count", g.getFieldsDeclaration().get("default").get_output_fields());
        assertEquals(Map.of("spout", List.of("sentence"), "split", List.of("word"), "count", List.of("word", "count")),
            declared);
    }
}
