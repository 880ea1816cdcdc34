package com.example.wordcount;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** What the test components saw, per run key. LocalCluster runs in the test's JVM, so statics are shared. */
final class Results {
    /**
     * Spout message ids and how many times each was acked / failed: counted, not a set, so that an
     * id acked twice (a sentence emitted twice under one id, an ack passed on twice) shows.
     */
    final Ids acked = new Ids();
    final Ids failed = new Ids();
    /** Largest count seen per word, and the number of (word, count) tuples. */
    final Map<String, Long> counts = new ConcurrentHashMap<>();
    final AtomicLong countTuples = new AtomicLong();
    /** Sentences a test bolt saw, in the order it saw them (FailFirstDeliveryBolt). */
    final List<String> deliveries = new CopyOnWriteArrayList<>();
    /** Times (ms) a test component noted (PacedSpout: "idle-from", "idle-to"). */
    final Map<String, Long> marks = new ConcurrentHashMap<>();

    private static final Map<String, Results> BY_KEY = new ConcurrentHashMap<>();

    static Results of(String key) {
        return BY_KEY.computeIfAbsent(key, k -> new Results());
    }

    /** Message ids with how many times each was seen (ids arrive as Long, or Integer from Java spouts). */
    static final class Ids {
        private final Map<Long, AtomicLong> times = new ConcurrentHashMap<>();
        private final AtomicLong events = new AtomicLong();

        /** Records one ack (or fail) of {@code id}; always true (the Set.add the spouts call). */
        boolean add(Object id) {
            times.computeIfAbsent(((Number) id).longValue(), k -> new AtomicLong()).incrementAndGet();
            events.incrementAndGet();
            return true;
        }

        /** Distinct ids seen. */
        int size() {
            return times.size();
        }

        /** Acks (or fails) seen, an id as often as it came. */
        long events() {
            return events.get();
        }

        /** Each id with the number of times it came, in id order. */
        Map<Long, Long> times() {
            Map<Long, Long> out = new TreeMap<>();
            times.forEach((id, n) -> out.put(id, n.get()));
            return out;
        }

        /** How many times {@code id} came. */
        long times(long id) {
            AtomicLong n = times.get(id);
            return n == null ? 0 : n.get();
        }
    }

    /** {@code ids} each once: what {@link Ids#times()} must equal when every id came exactly once. */
    static Map<Long, Long> once(Iterable<Long> ids) {
        Map<Long, Long> out = new TreeMap<>();
        ids.forEach(id -> out.put(id, 1L));
        return out;
    }

    private Results() {
    }
}
