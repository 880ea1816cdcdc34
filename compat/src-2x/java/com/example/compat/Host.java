package com.example.compat;

import io.stormnative.MultilangBolt;
import io.stormnative.MultilangSpout;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.topology.IRichSpout;

/** storm-native's host (compiled from its sources against this 2.x version: see compat/pom.xml). */
public final class Host {
    /** Why there is no host on this line; null: there is one. */
    public static final String MISSING = null;

    public static final Bridge BRIDGE = new Bridge() {
        @Override
        public String prefix() {
            return "host-";
        }

        @Override
        public IRichSpout spout(String key, String[] command, String... fields) {
            return new RecordingSpout(key, command, fields);
        }

        @Override
        public IRichBolt bolt(String[] command, String... fields) {
            return new MultilangBolt(command, fields);
        }
    };

    private Host() {
    }

    /** MultilangSpout, recording the message ids Storm acks and fails (then passing them on). */
    static final class RecordingSpout extends MultilangSpout {
        private static final long serialVersionUID = 1L;
        private final String key;

        RecordingSpout(String key, String[] command, String... fields) {
            super(command, fields);
            this.key = key;
        }

        @Override
        public void ack(Object msgId) {
            Seen.of(key).acked.add(msgId);
            super.ack(msgId);
        }

        @Override
        public void fail(Object msgId) {
            Seen.of(key).failed.add(msgId);
            super.fail(msgId);
        }
    }
}
