package com.example.wordcount;

import com.example.stormnative.NativeShellBolt;

/** Counts words: fields {@code word, count} (the running count). Runs {@code count-bolt} (or {@code countbolt.py}). */
public class CountBolt extends NativeShellBolt {
    private static final long serialVersionUID = 1L;

    public CountBolt() {
        this(Variant.NATIVE);
    }

    public CountBolt(Variant variant) {
        super(variant.command("count-bolt", "countbolt.py"), "word", "count");
    }
}
