package io.stormnative;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.storm.Config;
import org.apache.storm.flux.FluxBuilder;
import org.apache.storm.flux.model.ExecutionContext;
import org.apache.storm.flux.model.ObjectDef;
import org.apache.storm.flux.model.TopologyDef;
import org.apache.storm.flux.parser.FluxParser;
import org.apache.storm.generated.StormTopology;

/**
 * A Flux YAML checked before anything starts: {@code java -cp JAR:STORM io.stormnative.FluxCheck FILE}
 * (scripts/flux-local.sh runs it before the LocalCluster). It builds the topology as Flux would, in
 * a JVM whose classpath has the topology jar, and prints the first mistake as one line naming the
 * component, the cause and the fix:
 * <ul>
 *   <li>a {@code MultilangBolt}/{@code MultilangSpout} (or the ShellBolt-based pair) given its
 *       command alone, without its output fields (Flux's own message would be "Couldn't find a
 *       suitable constructor");</li>
 *   <li>anything the components' constructors reject (a blank program, a blank field);</li>
 *   <li>a program that is not in the jar's {@code resources/} ({@link TopologyCheck}).</li>
 * </ul>
 * Exit status 0 when the topology is fine, 2 otherwise. Needs flux-core on the classpath (the
 * topology jar of a Flux user carries it).
 */
public final class FluxCheck {
    private static final Set<String> OURS = Set.of(MultilangBolt.class.getName(), MultilangSpout.class.getName(),
        NativeShellBolt.class.getName(), NativeShellSpout.class.getName());

    private FluxCheck() {
    }

    /** {@code FluxCheck FILE}: prints "flux check: ok ..." or the problems, first line first. */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: java -cp JAR:STORM io.stormnative.FluxCheck FILE.yaml");
            System.exit(2);
        }
        List<String> problems;
        try {
            problems = problems(args[0]);
        } catch (Exception e) {
            problems = List.of(args[0] + ": " + rootMessage(e));
        }
        if (problems.isEmpty()) {
            System.out.println("flux check: ok (" + args[0] + ")");
            System.exit(0);
        }
        problems.forEach(System.err::println);
        System.exit(2);
    }

    /** The mistakes of a Flux YAML, one line each; empty if none. */
    public static List<String> problems(String file) throws Exception {
        TopologyDef def = FluxParser.parseFile(file, false, true, null, false);
        if (def == null) {
            return List.of(file + ": not a Flux topology");
        }
        List<String> out = new ArrayList<>();
        if (def.getSpouts() != null) {
            def.getSpouts().forEach(s -> noFields("spout", s.getId(), s, out));
        }
        if (def.getBolts() != null) {
            def.getBolts().forEach(b -> noFields("bolt", b.getId(), b, out));
        }
        if (!out.isEmpty()) {
            return out;
        }
        StormTopology topology;
        try {
            Config conf = FluxBuilder.buildConfig(def);
            topology = FluxBuilder.buildTopology(new ExecutionContext(def, conf));
        } catch (Exception e) {
            return List.of(file + ": Flux cannot build the topology: " + rootMessage(e));
        }
        return TopologyCheck.problems(topology, TopologyCheck.CodeDir.find());
    }

    /**
     * A className that does not load (with the nearest of the library's components), or one of them
     * with one constructor argument, the command: the output fields were left out.
     */
    private static void noFields(String kind, String id, ObjectDef def, List<String> out) {
        String className = def.getClassName();
        if (className != null && !OURS.contains(className)) {
            try {
                Class.forName(className, false, Thread.currentThread().getContextClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                String near = Names.nearest(className, OURS);
                out.add(kind + " \"" + id + "\": no class " + className + " on the classpath"
                    + (near != null ? "; did you mean " + near + "?" : ": check className (and the jar)"));
                return;
            }
        }
        if (!OURS.contains(className) || def.getConstructorArgs() == null
            || def.getConstructorArgs().size() != 1 || !(def.getConstructorArgs().get(0) instanceof List<?> cmd)) {
            return;
        }
        String simple = def.getClassName().substring(def.getClassName().lastIndexOf('.') + 1);
        out.add(kind + " \"" + id + "\" (" + simple + " " + cmd + "): no output fields: add them as the second"
            + " constructorArg, e.g. `- [\"word\"]` under `- " + yamlList(cmd) + "`");
    }

    private static String yamlList(List<?> items) {
        List<String> quoted = new ArrayList<>();
        items.forEach(i -> quoted.add("\"" + i + "\""));
        return "[" + String.join(", ", quoted) + "]";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
