package com.example.wordcount;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the test components saw, per run key. LocalCluster runs in the test's JVM, so statics are shared. */
final class Results {
    /** Spout message ids acked / failed. */
    final Set<Object> acked = ConcurrentHashMap.newKeySet();
    final Set<Object> failed = ConcurrentHashMap.newKeySet();
    /** Largest count seen per word, and the number of (word, count) tuples. */
    final Map<String, Long> counts = new ConcurrentHashMap<>();
    final AtomicLong countTuples = new AtomicLong();

    private static final Map<String, Results> BY_KEY = new ConcurrentHashMap<>();

    static Results of(String key) {
        return BY_KEY.computeIfAbsent(key, k -> new Results());
    }

    /** Message ids as longs (multilang ids arrive as JSON numbers: Long, or Integer from Java spouts). */
    static Set<Long> asLongs(Set<Object> ids) {
        Set<Long> out = new java.util.TreeSet<>();
        for (Object id : ids) {
            out.add(((Number) id).longValue());
        }
        return out;
    }

    private Results() {
    }
}
