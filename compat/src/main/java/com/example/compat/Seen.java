package com.example.compat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the Java side of a test topology saw, per run key (LocalCluster runs in the test's JVM). */
public final class Seen {
    public final Set<Object> acked = ConcurrentHashMap.newKeySet();
    public final Set<Object> failed = ConcurrentHashMap.newKeySet();
    /** Largest count seen per word (from count-bolt), or words seen (from split-bolt). */
    public final Map<String, Long> counts = new ConcurrentHashMap<>();
    public final AtomicLong tuples = new AtomicLong();

    private static final Map<String, Seen> BY_KEY = new ConcurrentHashMap<>();

    public static Seen of(String key) {
        return BY_KEY.computeIfAbsent(key, k -> new Seen());
    }

    private Seen() {
    }
}
