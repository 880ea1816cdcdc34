package io.stormnative;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.storm.generated.ComponentObject;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.utils.Utils;

/**
 * The check before submit: every native component's program is where its worker will look for it.
 *
 * <p>A multilang child runs in the topology's code dir, the {@code resources/} folder of the
 * topology jar. A program missing there (a typo in the command, or a binary built but never put
 * into the jar) otherwise shows only when a worker starts the component, as a launch failure in
 * the worker's log. Where a topology is built, before it is submitted, the jar (or the build's
 * classes directory) is on the classpath and the component ids are known: {@link #check} looks
 * at each {@link MultilangBolt}, {@link MultilangSpout}, {@link NativeShellBolt} and
 * {@link NativeShellSpout} of a built topology and names, in one line, the component, the
 * program, what {@code resources/} holds, and the nearest name there.
 *
 * <pre>{@code
 * StormTopology topology = builder.createTopology();
 * TopologyCheck.check(topology);            // before StormSubmitter / LocalCluster
 * }</pre>
 *
 * <p>{@code resources/} is found as LocalCluster finds it: in the first jar on
 * {@code java.class.path} that has one, else as a directory on the classpath
 * ({@code target/classes/resources}). A program that is not a file there is fine if it is a name
 * on the PATH ({@code python3}) or an absolute path that exists. For a Flux YAML, {@link FluxCheck}
 * does the same before anything starts.
 */
public final class TopologyCheck {
    private TopologyCheck() {
    }

    /**
     * Throws if a native component's program is not in the topology's {@code resources/}.
     *
     * @throws IllegalArgumentException whose message's first line names the component, the cause
     *     and the fix; one line per faulty component
     */
    public static void check(StormTopology topology) {
        List<String> problems = problems(topology, CodeDir.find());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }

    /** One line per faulty component, bolts and spouts in id order. */
    static List<String> problems(StormTopology topology, CodeDir codeDir) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, ComponentObject> e : objects(topology.get_spouts().entrySet().stream()
            .map(s -> Map.entry(s.getKey(), s.getValue().get_spout_object())))) {
            problem("spout", e.getKey(), e.getValue(), codeDir, out);
        }
        for (Map.Entry<String, ComponentObject> e : objects(topology.get_bolts().entrySet().stream()
            .map(b -> Map.entry(b.getKey(), b.getValue().get_bolt_object())))) {
            problem("bolt", e.getKey(), e.getValue(), codeDir, out);
        }
        return out;
    }

    private static List<Map.Entry<String, ComponentObject>> objects(Stream<Map.Entry<String, ComponentObject>> s) {
        return s.sorted(Map.Entry.comparingByKey()).toList();
    }

    private static void problem(String kind, String id, ComponentObject object, CodeDir codeDir, List<String> out) {
        if (object == null || !object.is_set_serialized_java()) {
            return;
        }
        Object component;
        try {
            component = Utils.javaDeserialize(object.get_serialized_java(), Object.class);
        } catch (RuntimeException e) {
            return; // not ours to judge: Storm itself reports a component it cannot deserialize
        }
        String[] command = command(component);
        if (command == null || command.length == 0) {
            return;
        }
        // An in-process component's file is its library; its command's first word names the
        // component inside it.
        String library = component instanceof InProcessComponent<?> c ? c.library() : null;
        String program = library != null ? library : command[0];
        String what = library != null ? "library" : "program";
        if (codeDir.has(program) || (library == null && onPathOrAbsolute(program))) {
            return;
        }
        String who = kind + " \"" + id + "\" (" + component.getClass().getSimpleName() + ")";
        String name = program.startsWith("./") ? program.substring(2) : program;
        String near = Names.nearest(name, codeDir.names());
        String holds = codeDir.describe();
        if (near != null) {
            out.add(who + ": " + what + " \"" + program + "\" is not in the topology's resources/; did you mean \""
                + near + "\"? Fix the command's first element. (" + holds + ")");
        } else {
            out.add(who + ": " + what + " \"" + program + "\" is not in the topology's resources/: build it and put it"
                + " into the jar's resources/ (e.g. `cargo xtask dist --from PATH`, or a resource entry in your"
                + " pom), or fix the name. (" + holds + ")");
        }
    }

    /** The command of one of the library's native components, or null for any other component. */
    static String[] command(Object component) {
        if (component instanceof MultilangComponent<?> c) {
            return c.command();
        }
        if (component instanceof NativeShellBolt b) {
            return b.command();
        }
        if (component instanceof NativeShellSpout s) {
            return s.command();
        }
        return null;
    }

    private static boolean onPathOrAbsolute(String program) {
        if (program.startsWith("/")) {
            return Files.exists(Paths.get(program));
        }
        if (program.contains("/")) {
            return false;
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** The topology's {@code resources/} as a worker will see it: a jar's folder, a directory, or none. */
    static final class CodeDir {
        private final String where;
        private final TreeSet<String> entries;

        CodeDir(String where, TreeSet<String> entries) {
            this.where = where;
            this.entries = entries;
        }

        /** Found as LocalCluster finds it: the first jar on java.class.path with resources/, else a directory. */
        static CodeDir find() {
            String cp = System.getProperty("java.class.path", "");
            for (String entry : cp.split(File.pathSeparator)) {
                if (entry.endsWith(".jar") && Files.isRegularFile(Paths.get(entry))) {
                    TreeSet<String> names = jarEntries(entry);
                    if (names != null) {
                        return new CodeDir("resources/ of " + entry, names);
                    }
                }
            }
            for (ClassLoader cl : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
                TopologyCheck.class.getClassLoader()}) {
                if (cl == null) {
                    continue;
                }
                try {
                    Enumeration<URL> urls = cl.getResources("resources");
                    while (urls.hasMoreElements()) {
                        URL url = urls.nextElement();
                        if ("file".equals(url.getProtocol())) {
                            Path dir = Paths.get(url.toURI());
                            return new CodeDir(dir.toString(), dirEntries(dir));
                        }
                        if ("jar".equals(url.getProtocol())) {
                            String file = url.getPath().replaceFirst("^file:", "").replaceFirst("!/.*$", "");
                            TreeSet<String> names = jarEntries(file);
                            if (names != null) {
                                return new CodeDir("resources/ of " + file, names);
                            }
                        }
                    }
                } catch (IOException | URISyntaxException | RuntimeException e) {
                    // fall through: no resources/ found
                }
            }
            return new CodeDir(null, new TreeSet<>());
        }

        /** Top-level names under resources/ in a jar, or null if it has no resources/. */
        private static TreeSet<String> jarEntries(String jar) {
            try (JarFile f = new JarFile(jar)) {
                TreeSet<String> names = new TreeSet<>();
                boolean any = false;
                for (Enumeration<JarEntry> en = f.entries(); en.hasMoreElements(); ) {
                    String n = en.nextElement().getName();
                    if (n.startsWith("resources/")) {
                        any = true;
                        String rest = n.substring("resources/".length());
                        if (!rest.isEmpty() && !rest.endsWith("/")) {
                            names.add(rest);
                        }
                    }
                }
                return any ? names : null;
            } catch (IOException e) {
                return null;
            }
        }

        private static TreeSet<String> dirEntries(Path dir) throws IOException {
            TreeSet<String> names = new TreeSet<>();
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(Files::isRegularFile).forEach(p -> names.add(dir.relativize(p).toString()));
            }
            return names;
        }

        boolean has(String program) {
            String p = program.startsWith("./") ? program.substring(2) : program;
            return entries.contains(p);
        }

        TreeSet<String> names() {
            return entries;
        }

        String describe() {
            if (where == null) {
                return "no resources/ on the classpath: run from the topology jar, or put the programs into"
                    + " src/main/resources/resources/";
            }
            return where + " holds: " + (entries.isEmpty() ? "nothing" : String.join(", ", entries));
        }
    }
}
