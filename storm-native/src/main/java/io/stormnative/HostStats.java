package io.stormnative;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the hosts per component id, for this JVM: what the flush policy did. Tests read
 * them; they cost one uncontended add per tuple or write.
 */
final class HostStats {
    private static final Map<String, HostStats> BY_COMPONENT = new ConcurrentHashMap<>();

    /** Tuples written to children. */
    final LongAdder tuples = new LongAdder();
    /**
     * Writes the executor thread made: a bolt's lone tuple, end of a burst or full buffer; a
     * spout's refill of its pipeline, activate or deactivate.
     */
    final LongAdder writes = new LongAdder();
    /** Writes the watchdog made for bytes the executor thread had held (its next input was not ours). */
    final LongAdder heldWrites = new LongAdder();

    /** Lines of the children's stderr written to the worker log. */
    final LongAdder stderrLogged = new LongAdder();
    /** Lines of the children's stderr the rate limit dropped (each drop is said in a summary line). */
    final LongAdder stderrDropped = new LongAdder();

    static HostStats of(String componentId) {
        return BY_COMPONENT.computeIfAbsent(componentId, k -> new HostStats());
    }

    private HostStats() {
    }
}
