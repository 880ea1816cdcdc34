package com.example.wordcount;

/** Which implementation of the three components a topology runs. */
public enum Variant {
    /** The Rust binaries ({@code sentence-spout}, {@code split-bolt}, {@code count-bolt}). */
    NATIVE,
    /** The Python sample components over Storm's storm.py, run with {@code python3}. */
    PYTHON;

    /** The command for a component: the binary, or {@code python3 script}. */
    public String[] command(String binary, String pythonScript) {
        return this == NATIVE ? new String[] {binary} : new String[] {"python3", pythonScript};
    }
}
