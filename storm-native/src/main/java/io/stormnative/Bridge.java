package io.stormnative;

import java.util.Locale;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.topology.IRichSpout;

/**
 * How the JVM runs a native component: the one place that choice is made, for the topologies,
 * the benchmark and the cluster tools.
 * <ul>
 *   <li>{@link #HOST} (the default): a subprocess under storm-native's host,
 *       {@link MultilangSpout} / {@link MultilangBolt}. Isolation (a crash is the child's), and
 *       any multilang child.</li>
 *   <li>{@link #STOCK}: a subprocess under Storm's own ShellSpout / ShellBolt, through
 *       {@link NativeShellSpout} / {@link NativeShellBolt}, kept for comparison.</li>
 *   <li>{@link #INPROC}: the component's library loaded into the worker,
 *       {@link InProcessSpout} / {@link InProcessBolt}: no process, no pipe; native components
 *       only (the library of program {@code split-bolt} is {@code libsplit_bolt.so}, as
 *       {@code cargo xtask dist} names it).</li>
 * </ul>
 */
public enum Bridge {
    /** storm-native's {@link MultilangSpout} / {@link MultilangBolt}. */
    HOST,
    /** Storm's ShellSpout / ShellBolt, through {@link NativeShellSpout} / {@link NativeShellBolt}. */
    STOCK,
    /** {@link InProcessSpout} / {@link InProcessBolt}: the component inside the worker. */
    INPROC;

    /** System property that picks the default bridge: {@code host}, {@code stock} or {@code inproc}. */
    public static final String PROPERTY = "wordcount.bridge";

    /** {@link #HOST} unless {@value #PROPERTY} says otherwise. */
    public static Bridge fromSystemProperty() {
        return parse(System.getProperty(PROPERTY, "host"));
    }

    /** {@code host}, {@code stock} or {@code inproc}, any case. */
    public static Bridge parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bridge must be host, stock or inproc, got " + name);
        }
    }

    /** The in-process library of a component program: {@code split-bolt} is {@code libsplit_bolt.so}. */
    public static String library(String program) {
        return "lib" + program.replace('-', '_') + ".so";
    }

    /** A spout running {@code command}, declaring {@code fields}. */
    public IRichSpout spout(String[] command, String... fields) {
        return switch (this) {
            case HOST -> new MultilangSpout(command, fields);
            case STOCK -> new NativeShellSpout(command, fields);
            case INPROC -> new InProcessSpout(library(nativeProgram(command)), command, fields);
        };
    }

    /** A bolt running {@code command}, declaring {@code fields}. */
    public IRichBolt bolt(String[] command, String... fields) {
        return switch (this) {
            case HOST -> new MultilangBolt(command, fields);
            case STOCK -> new NativeShellBolt(command, fields);
            case INPROC -> new InProcessBolt(library(nativeProgram(command)), command, fields);
        };
    }

    /** What runs the components, in words. */
    public String describe() {
        return switch (this) {
            case HOST -> "storm-native's host";
            case STOCK -> "Storm's ShellSpout/ShellBolt";
            case INPROC -> "storm-native's in-process bridge";
        };
    }

    private static String nativeProgram(String[] command) {
        String program = command == null || command.length == 0 ? "" : command[0];
        if (program.startsWith("python") || program.contains("/") || program.endsWith(".py")) {
            throw new IllegalArgumentException("the in-process bridge runs native components only, not "
                + String.join(" ", command) + ": use --bridge host or stock for it");
        }
        return program;
    }
}
