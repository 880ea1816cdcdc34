package com.example.compat;

/**
 * storm-native's host is not built for 1.x: its sources do not compile against storm-core 1.x
 * (README "Storm version matrix"), and it is not ported. The host* cells say so.
 */
public final class Host {
    /** Why there is no host on this line (the cells' text). */
    public static final String MISSING = "no host (2.x API)";

    public static final Bridge BRIDGE = null;

    private Host() {
    }
}
