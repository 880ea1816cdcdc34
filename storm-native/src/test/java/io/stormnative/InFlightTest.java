package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The in-process bolt's tuples in flight: the call's own slot, and the map for those that outlive it. */
class InFlightTest {
    private final InFlight<String> f = new InFlight<>();

    @Test
    void aTupleAckedInItsCallLeavesNothingBehind() {
        String t = "t0";
        f.startCall(0, t);
        assertSame(t, f.get(0));
        assertEquals(0, f.idOf(t));
        assertSame(t, f.take(0));
        assertNull(f.take(0), "taken once only: a second ack finds nothing");
        assertNull(f.get(0));
        f.endCall();
        assertEquals(0, f.size());
        assertEquals(-1, f.idOf(t));
    }

    @Test
    void aTupleThatOutlivesItsCallStaysInFlightUntilTaken() {
        f.startCall(0, "t0");
        f.endCall();
        f.startCall(1, "t1");
        assertSame("t0", f.get(0), "the earlier tuple, anchored to from a later call");
        assertSame("t1", f.get(1));
        assertEquals(0, f.idOf("t0"));
        assertEquals(2, f.size());
        assertSame("t0", f.take(0));
        assertSame("t1", f.take(1));
        f.endCall();
        assertEquals(0, f.size());
        assertNull(f.take(0));
        assertNull(f.take(1));
    }

    @Test
    void aNewCallKeepsTheLastCallsTupleIfItWasNotEnded() {
        f.startCall(0, "t0");
        f.startCall(1, "t1");
        assertSame("t0", f.take(0));
        assertSame("t1", f.take(1));
        assertEquals(0, f.size());
    }

    @Test
    void unknownAndNegativeIdsFindNothing() {
        f.startCall(3, "t3");
        assertNull(f.get(-1));
        assertNull(f.take(-1));
        assertNull(f.take(4));
        assertEquals(-1, f.idOf("other"));
        assertEquals(1, f.size(), "nothing taken by the misses");
    }
}
