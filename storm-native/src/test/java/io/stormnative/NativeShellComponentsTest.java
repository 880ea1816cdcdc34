package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** The array the component's spec resolves the program in. */
    private static String[] shared(Class<?> c, Object o) throws Exception {
        return ((ComponentSpec) field(c, "spec", o)).sharedCommand();
    }

    @Test
    void stormLaunchesTheArrayTheComponentResolves() throws Exception {
        NativeShellBolt bolt = roundTrip(new NativeShellBolt(new String[] {"split-bolt"}, "word"));
        assertSame(shared(NativeShellBolt.class, bolt), field(ShellBolt.class, "command", bolt));
        NativeShellSpout spout = roundTrip(new NativeShellSpout(new String[] {"python3", "sentencespout.py"}, "sentence"));
        assertSame(shared(NativeShellSpout.class, spout), field(ShellSpout.class, "command", spout));
        assertArrayEquals(new String[] {"python3", "sentencespout.py"}, (String[]) field(ShellSpout.class, "command", spout));
    }

    @Test
    void theCommandIsCopied() throws Exception {
        String[] command = {"split-bolt"};
        NativeShellBolt bolt = new NativeShellBolt(command, "word");
        command[0] = "changed";
        assertArrayEquals(new String[] {"split-bolt"}, (String[]) field(ShellBolt.class, "command", bolt));
    }

    private static List<String> declared(org.apache.storm.topology.IComponent c) {
        OutputFieldsGetter g = new OutputFieldsGetter();
        c.declareOutputFields(g);
        return g.getFieldsDeclaration().get("default").get_output_fields();
    }

    @Test
    void componentsDeclareTheirFields() {
        Map<String, List<String>> got = new HashMap<>();
        got.put("spout", declared(new NativeShellSpout(new String[] {"sentence-spout"}, "sentence")));
        got.put("count", declared(new NativeShellBolt(new String[] {"count-bolt"}, "word", "count")));
        got.put("sink", declared(new NativeShellBolt(new String[] {"sink"})));
        assertEquals(Map.of("spout", List.of("sentence"), "count", List.of("word", "count"), "sink", List.of()), got);
    }

    /** Table: a mistake in a command or field list (typically in a Flux YAML) and what the message names. */
    @Test
    void mistakesAreNamedAtConstruction() {
        Object[][] cases = {
            {new String[0], new String[] {"word"}, "empty command"},
            {null, new String[] {"word"}, "empty command"},
            {new String[] {""}, new String[] {"word"}, "program (element 0) is blank"},
            {new String[] {"  "}, new String[] {"word"}, "program (element 0) is blank"},
            {new String[] {"split-bolt", null}, new String[] {"word"}, "command element 1 is null"},
            {new String[] {"split-bolt"}, new String[] {"word", null}, "output field 1 is null"},
            {new String[] {"split-bolt"}, new String[] {""}, "output field 0 is blank"},
        };
        for (Object[] c : cases) {
            String[] command = (String[]) c[0];
            String[] fields = (String[]) c[1];
            IllegalArgumentException bolt = assertThrows(IllegalArgumentException.class, () -> new NativeShellBolt(command, fields));
            assertTrue(bolt.getMessage().startsWith("NativeShellBolt: ") && bolt.getMessage().contains((String) c[2]), bolt.getMessage());
            IllegalArgumentException spout = assertThrows(IllegalArgumentException.class, () -> new NativeShellSpout(command, fields));
            assertTrue(spout.getMessage().startsWith("NativeShellSpout: ") && spout.getMessage().contains((String) c[2]), spout.getMessage());
        }
    }

    /**
     * Flux takes the last of the declared constructors whose parameters fit the YAML's arguments,
     * public or not (a private one fitting two lists used to make it fail with IllegalAccessException):
     * for two lists, only the public (String[], String...) constructor may fit.
     */
    @Test
    void fluxFindsOnePublicConstructorForTwoLists() {
        for (Class<?> c : List.of(NativeShellBolt.class, NativeShellSpout.class)) {
            List<java.lang.reflect.Constructor<?>> twoArgs = java.util.Arrays.stream(c.getDeclaredConstructors())
                .filter(k -> k.getParameterCount() == 2)
                .toList();
            assertEquals(1, twoArgs.size(), c + ": " + twoArgs);
            assertTrue(java.lang.reflect.Modifier.isPublic(twoArgs.get(0).getModifiers()), twoArgs.get(0).toString());
            assertArrayEquals(new Class<?>[] {String[].class, String[].class}, twoArgs.get(0).getParameterTypes());
        }
    }
}
