package com.example.compat;

import org.apache.storm.topology.IRichBolt;
import org.apache.storm.topology.IRichSpout;

/**
 * What runs the binaries in a cell: Storm's stock ShellSpout/ShellBolt ({@link #SHELL}, every
 * version) or storm-native's host, MultilangSpout/MultilangBolt ({@code Host.BRIDGE}, 2.x only).
 *
 * <p>Not storm-native's {@code io.stormnative.Bridge}: that enum names classes compat does not
 * compile (the in-process pair and its JNI library, NativeShellSpout/NativeShellBolt), and on
 * 1.x none of storm-native compiles; the cells also need spouts that record acks and fails
 * ({@link CompatShellSpout}, {@code Host.RecordingSpout}) and a name prefix per bridge.
 */
public interface Bridge {
    /** For names: "" for the shell (the original cells keep their names), "host-" for the host. */
    String prefix();

    /** A spout running {@code command} that records into {@code Seen.of(key)} the ids Storm acks and fails. */
    IRichSpout spout(String key, String[] command, String... fields);

    IRichBolt bolt(String[] command, String... fields);

    Bridge SHELL = new Bridge() {
        @Override
        public String prefix() {
            return "";
        }

        @Override
        public IRichSpout spout(String key, String[] command, String... fields) {
            return new CompatShellSpout(key, command, fields);
        }

        @Override
        public IRichBolt bolt(String[] command, String... fields) {
            return new CompatShellBolt(command, fields);
        }
    };
}
