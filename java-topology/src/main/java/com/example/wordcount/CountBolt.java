package com.example.wordcount;

import io.stormnative.Bridge;
import io.stormnative.MultilangBolt;
import org.apache.storm.topology.IRichBolt;

/**
 * Counts words: fields {@code word, count} (the running count). Runs {@code count-bolt} (or {@code countbolt.py}) under
 * storm-native's host; {@link #on(Bridge, Variant)} gives the same component under either bridge.
 */
public class CountBolt extends MultilangBolt {
    private static final long serialVersionUID = 1L;
    static final String[] FIELDS = {"word", "count"};

    public CountBolt() {
        this(Variant.NATIVE);
    }

    public CountBolt(Variant variant) {
        super(command(variant), FIELDS);
    }

    static String[] command(Variant variant) {
        return variant.command("count-bolt", "countbolt.py");
    }

    /** This component under {@code bridge}: this class for the host, a stock ShellBolt otherwise. */
    public static IRichBolt on(Bridge bridge, Variant variant) {
        return bridge == Bridge.HOST ? new CountBolt(variant) : bridge.bolt(command(variant), FIELDS);
    }
}
