package com.example.wordcount;

import com.example.stormnative.NativeShellSpout;

/** Emits sentences: field {@code sentence}. Runs {@code sentence-spout} (or {@code sentencespout.py}). */
public class SentenceSpout extends NativeShellSpout {
    private static final long serialVersionUID = 1L;

    public SentenceSpout() {
        this(Variant.NATIVE);
    }

    public SentenceSpout(Variant variant) {
        super(variant.command("sentence-spout", "sentencespout.py"), "sentence");
    }
}
