package com.example.wordcount;

import io.stormnative.Bridge;
import io.stormnative.MultilangBolt;
import org.apache.storm.topology.IRichBolt;

/**
 * Splits each sentence into words: field {@code word}. Runs {@code split-bolt} (or {@code splitbolt.py}) under
 * storm-native's host; {@link #on(Bridge, Variant)} gives the same component under either bridge.
 */
public class SplitBolt extends MultilangBolt {
    private static final long serialVersionUID = 1L;
    static final String[] FIELDS = {"word"};

    public SplitBolt() {
        this(Variant.NATIVE);
    }

    public SplitBolt(Variant variant) {
        super(command(variant), FIELDS);
    }

    static String[] command(Variant variant) {
        return variant.command("split-bolt", "splitbolt.py");
    }

    /** This component under {@code bridge}: this class for the host, a stock ShellBolt otherwise. */
    public static IRichBolt on(Bridge bridge, Variant variant) {
        return bridge == Bridge.HOST ? new SplitBolt(variant) : bridge.bolt(command(variant), FIELDS);
    }
}
