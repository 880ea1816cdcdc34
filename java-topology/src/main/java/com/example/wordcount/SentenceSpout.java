package com.example.wordcount;

import io.stormnative.Bridge;
import io.stormnative.MultilangSpout;
import org.apache.storm.topology.IRichSpout;

/**
 * Emits sentences: field {@code sentence}. Runs {@code sentence-spout} (or {@code sentencespout.py}) under
 * storm-native's host; {@link #on(Bridge, Variant)} gives the same component under either bridge.
 */
public class SentenceSpout extends MultilangSpout {
    private static final long serialVersionUID = 1L;
    static final String[] FIELDS = {"sentence"};

    public SentenceSpout() {
        this(Variant.NATIVE);
    }

    public SentenceSpout(Variant variant) {
        super(command(variant), FIELDS);
    }

    static String[] command(Variant variant) {
        return variant.command("sentence-spout", "sentencespout.py");
    }

    /** This component under {@code bridge}: this class for the host, a stock ShellSpout otherwise. */
    public static IRichSpout on(Bridge bridge, Variant variant) {
        return bridge == Bridge.HOST ? new SentenceSpout(variant) : bridge.spout(command(variant), FIELDS);
    }
}
