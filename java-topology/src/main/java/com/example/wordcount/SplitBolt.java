package com.example.wordcount;

import com.example.stormnative.NativeShellBolt;

/** Splits each sentence into words: field {@code word}. Runs {@code split-bolt} (or {@code splitbolt.py}). */
public class SplitBolt extends NativeShellBolt {
    private static final long serialVersionUID = 1L;

    public SplitBolt() {
        this(Variant.NATIVE);
    }

    public SplitBolt(Variant variant) {
        super(variant.command("split-bolt", "splitbolt.py"), "word");
    }
}
