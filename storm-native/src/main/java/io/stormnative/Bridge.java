package com.example.wordcount;

import io.stormnative.MultilangBolt;
import io.stormnative.MultilangSpout;
import io.stormnative.NativeShellBolt;
import io.stormnative.NativeShellSpout;
import java.util.Locale;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.topology.IRichSpout;

/**
 * Which JVM side runs the components' processes: storm-native's host (the default) or Storm's own
 * ShellSpout/ShellBolt, kept for comparison. Both speak the same multilang protocol to the same
 * processes; the host is faster (java-topology/README.md).
 */
public enum Bridge {
    /** storm-native's {@link MultilangSpout} / {@link MultilangBolt}. */
    HOST,
    /** Storm's ShellSpout / ShellBolt, through storm-native's {@link NativeShellSpout} / {@link NativeShellBolt}. */
    STOCK;

    /** System property that picks the default bridge: {@code host} or {@code stock}. */
    public static final String PROPERTY = "wordcount.bridge";

    /** {@link #HOST} unless {@value #PROPERTY} says otherwise. */
    public static Bridge fromSystemProperty() {
        return parse(System.getProperty(PROPERTY, "host"));
    }

    /** {@code host} or {@code stock}, any case. */
    public static Bridge parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bridge must be host or stock, got " + name);
        }
    }

    /** A spout running {@code command}, declaring {@code fields}. */
    public IRichSpout spout(String[] command, String... fields) {
        return this == HOST ? new MultilangSpout(command, fields) : new NativeShellSpout(command, fields);
    }

    /** A bolt running {@code command}, declaring {@code fields}. */
    public IRichBolt bolt(String[] command, String... fields) {
        return this == HOST ? new MultilangBolt(command, fields) : new NativeShellBolt(command, fields);
    }
}
