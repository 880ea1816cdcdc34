package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.storm.multilang.BoltMsg;
import org.apache.storm.multilang.SpoutMsg;
import org.junit.jupiter.api.Test;

/**
 * The coalescing flush of the bolt path: light traffic goes out at once, a burst shares writes and
 * arrives whole and in order, a held message goes out by itself, spout messages never wait, and a
 * deferred flush that fails is reported by the next write (or, after Storm closed the stream, by
 * nothing). The window is measured on a clock the test moves ({@link StoppedClock}), never on the
 * real one, so a loaded machine cannot change what is flushed when; only the deferred flush runs on
 * the real timer, and waits are for its delivery (deadline {@value #DEADLINE_SECONDS} s); where
 * a check must see a message still held, the test holds the stream's lock so the deferred flush
 * cannot get there first.
 */
class BinarySerializerFlushTest {
    private static final long DEADLINE_SECONDS = 5;

    /** What reaches the child, and how many flushes; can be made to fail, or closed as Storm does. */
    private static final class Recording extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private int flushes;
        /** Flushes made by {@link #owner}'s thread (the writer's), not by deferred flushes. */
        private int ownerFlushes;
        volatile Thread owner;
        /** How many bytes had arrived at the last flush. */
        private int flushed;
        private boolean failing;
        private boolean closed;
        /** Counted down by the first write or flush refused (failing or closed). */
        final CountDownLatch refused = new CountDownLatch(1);

        @Override
        public synchronized void write(int b) throws IOException {
            check();
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            check();
            bytes.write(b, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            check();
            flushes++;
            if (Thread.currentThread() == owner) {
                ownerFlushes++;
            }
            flushed = bytes.size();
            notifyAll();
        }

        /** What ShellProcess.destroy() does to the child's stdin. */
        @Override
        public synchronized void close() {
            closed = true;
        }

        synchronized void fail() {
            failing = true;
        }

        private void check() throws IOException {
            if (closed || failing) {
                refused.countDown();
                throw new IOException(closed ? "Stream closed" : "Broken pipe");
            }
        }

        synchronized int flushes() {
            return flushes;
        }

        synchronized int ownerFlushes() {
            return ownerFlushes;
        }

        synchronized byte[] bytes() {
            return bytes.toByteArray();
        }

        /** Waits until a flush has carried {@code n} bytes in all, or the deadline. */
        synchronized byte[] awaitFlushed(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
            while (flushed < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return bytes.toByteArray();
        }
    }

    /** A serializer whose clock stands still unless the test moves it. */
    private static final class StoppedClock extends BinarySerializer {
        private static final long serialVersionUID = 1L;
        final AtomicLong now = new AtomicLong(1_000_000_000_000L);

        @Override
        long nanoTime() {
            return now.get();
        }
    }

    private static <S extends BinarySerializer> S init(S s, OutputStream toChild, long windowMicros) {
        s.initialize(toChild, InputStream.nullInputStream());
        s.configure(Map.of(BinarySerializer.FLUSH_WINDOW_CONF, windowMicros)); // as connect() does
        return s;
    }

    private static BoltMsg tuple(int i) {
        BoltMsg m = new BoltMsg();
        m.setId(Integer.toString(i));
        m.setComp("split-bolt");
        m.setStream("default");
        m.setTask(i % 7);
        m.setTuple(new ArrayList<>(List.of("word" + i, (long) i)));
        return m;
    }

    private static SpoutMsg next() {
        SpoutMsg m = new SpoutMsg();
        m.setCommand("next");
        return m;
    }

    private interface Writes {
        void to(BinarySerializer s) throws IOException;
    }

    /** The bytes {@code w} writes with a flush per message: what must arrive, in this order. */
    private static byte[] expected(Writes w) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        w.to(init(new BinarySerializer(), b, 0));
        return b.toByteArray();
    }

    private static List<Object> decode(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        List<Object> msgs = new ArrayList<>();
        while (true) {
            try {
                msgs.add(SmbChild.read(in));
            } catch (EOFException end) {
                return msgs;
            }
        }
    }

    @Test
    void aLoneBoltMessageAfterAQuietWindowIsFlushedBeforeTheWriteReturns() throws Exception {
        Recording toChild = new Recording();
        StoppedClock s = init(new StoppedClock(), toChild, 50_000);

        s.writeBoltMsg(tuple(1));
        assertEquals(1, toChild.flushes());
        assertArrayEquals(expected(w -> w.writeBoltMsg(tuple(1))), toChild.bytes());

        s.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(50)); // a window of silence
        s.writeTaskIds(List.of(3, 4));
        assertEquals(2, toChild.flushes());
        s.now.addAndGet(TimeUnit.SECONDS.toNanos(2));
        s.writeBoltMsg(tuple(2));
        assertEquals(3, toChild.flushes());
        assertArrayEquals(expected(w -> {
            w.writeBoltMsg(tuple(1));
            w.writeTaskIds(List.of(3, 4));
            w.writeBoltMsg(tuple(2));
        }), toChild.bytes());
    }

    /**
     * 1,000 tuples (and some task ids) 5 µs apart on the test's clock, a 50 ms window: few writes
     * of their own, and all arrive in order (the deferred flush, on the real timer, writes the rest).
     */
    @Test
    void aBurstSharesFlushesAndArrivesWholeAndInOrder() throws Exception {
        Writes burst = w -> {
            for (int i = 0; i < 1000; i++) {
                if (w instanceof StoppedClock c) {
                    c.now.addAndGet(TimeUnit.MICROSECONDS.toNanos(5));
                }
                w.writeBoltMsg(tuple(i));
                if (i % 100 == 99) {
                    w.writeTaskIds(List.of(i, i + 1));
                }
            }
        };
        byte[] want = expected(burst);
        Recording toChild = new Recording();
        StoppedClock s = init(new StoppedClock(), toChild, 50_000);
        toChild.owner = Thread.currentThread(); // the writes' own flushes, not the deferred ones

        burst.to(s);
        // The burst takes 5 ms of the 50 ms window: the first message (the last flush is "a window
        // ago"), then one per 32 KiB held (the burst is ~60 KB). Flushing each message would be 1,010.
        int own = toChild.ownerFlushes();
        assertTrue(own >= 2 && own <= 3, own + " flushes of their own for 1,010 messages");

        assertArrayEquals(want, toChild.awaitFlushed(want.length), "every byte, in order, with no further write");
        List<Object> msgs = decode(toChild.bytes());
        assertEquals(1010, msgs.size());
        assertEquals(new SmbChild.Tuple("0", "split-bolt", "default", 0, List.of("word0", 0L)), msgs.get(0));
        assertEquals(new SmbChild.TaskIds(List.of(99, 100)), msgs.get(100));
        assertEquals(new SmbChild.Tuple("999", "split-bolt", "default", 999 % 7, List.of("word999", 999L)),
            msgs.get(1008));
        assertEquals(new SmbChild.TaskIds(List.of(999, 1000)), msgs.get(1009));
    }

    @Test
    void aHeldMessageIsFlushedWithNoFurtherWrite() throws Exception {
        Recording toChild = new Recording();
        StoppedClock s = init(new StoppedClock(), toChild, 10_000);
        byte[] first = expected(w -> w.writeBoltMsg(tuple(1)));
        byte[] both = expected(w -> {
            w.writeBoltMsg(tuple(1));
            w.writeTaskIds(List.of(5));
        });

        s.writeBoltMsg(tuple(1));
        synchronized (toChild) { // the deferred flush cannot reach the stream before the check
            s.writeTaskIds(List.of(5));
            assertEquals(1, toChild.flushes());
            assertArrayEquals(first, toChild.bytes(), "the task ids wait within the window");
        }
        assertArrayEquals(both, toChild.awaitFlushed(both.length));
        assertEquals(2, toChild.flushes());
    }

    /**
     * Light traffic: a sentence's words come in a little burst, then nothing for a millisecond.
     * The gaps average well over a quarter window, so nothing is held.
     */
    @Test
    void lightTrafficWithLittleBurstsIsNeverHeld() throws Exception {
        Recording toChild = new Recording();
        StoppedClock s = init(new StoppedClock(), toChild, 100);
        int writes = 0;
        for (int sentence = 0; sentence < 20; sentence++) {
            s.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
            for (int word = 0; word < 6; word++) {
                s.now.addAndGet(TimeUnit.MICROSECONDS.toNanos(10));
                s.writeBoltMsg(tuple(word));
                writes++;
                assertEquals(writes, toChild.flushes(), "sentence " + sentence + ", word " + word);
            }
        }
    }

    /** Sustained traffic faster than 4 messages per window is held and shares writes. */
    @Test
    void sustainedFastTrafficSharesWrites() throws Exception {
        Recording toChild = new Recording();
        StoppedClock s = init(new StoppedClock(), toChild, 100);
        toChild.owner = Thread.currentThread(); // count the writes' own flushes, not deferred ones
        Writes fast = w -> {
            for (int i = 0; i < 200; i++) {
                s.now.addAndGet(TimeUnit.MICROSECONDS.toNanos(5));
                w.writeBoltMsg(tuple(i));
            }
        };
        s.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1)); // starts after a quiet spell
        fast.to(s);
        // Until the average gap falls under 25 µs (about 13 messages) each goes out alone; then at
        // most one per 100 µs window, every 20 messages.
        assertTrue(toChild.ownerFlushes() < 40, toChild.ownerFlushes() + " flushes for 200 messages 5 µs apart");
        byte[] want = expected(fast);
        assertArrayEquals(want, toChild.awaitFlushed(want.length), "all of it arrives, in order");
    }

    @Test
    void windowZeroFlushesEveryMessage() throws Exception {
        Recording toChild = new Recording();
        StoppedClock s = init(new StoppedClock(), toChild, 0);
        for (int i = 0; i < 50; i++) {
            s.writeBoltMsg(tuple(i));
            s.writeTaskIds(List.of(i));
            assertEquals(2 * i + 2, toChild.flushes());
        }
    }

    @Test
    void spoutMessagesFlushAtOnceRightAfterABoltPathWrite() throws Exception {
        Recording toChild = new Recording();
        StoppedClock s = init(new StoppedClock(), toChild, BinarySerializer.MAX_FLUSH_WINDOW_MICROS);

        s.writeBoltMsg(tuple(1));
        synchronized (toChild) {
            s.writeBoltMsg(tuple(2));
            assertEquals(1, toChild.flushes(), "the second tuple waits within the window");
        }
        s.writeSpoutMsg(next()); // the clock stands still: still within the window
        assertArrayEquals(expected(w -> {
            w.writeBoltMsg(tuple(1));
            w.writeBoltMsg(tuple(2));
            w.writeSpoutMsg(next());
        }), toChild.bytes(), "the spout message, and what was held, before writeSpoutMsg returns");
    }

    @Test
    void aFailedDeferredFlushIsThrownByTheNextWrite() throws Exception {
        Recording toChild = new Recording();
        StoppedClock s = init(new StoppedClock(), toChild, 10_000);

        s.writeBoltMsg(tuple(1));
        toChild.fail(); // the child is gone
        s.writeBoltMsg(tuple(2)); // held: nothing written yet, so nothing fails yet
        assertTrue(toChild.refused.await(DEADLINE_SECONDS, TimeUnit.SECONDS), "the deferred flush ran");

        IOException e = assertThrows(IOException.class, () -> s.writeBoltMsg(tuple(3)));
        assertTrue(e.getMessage().contains("deferred flush"), e.getMessage());
        assertEquals("Broken pipe", e.getCause().getMessage());
        // The stream's state is unknown from then on: every write says so, spout messages too.
        assertThrows(IOException.class, () -> s.writeTaskIds(List.of(1)));
        assertThrows(IOException.class, () -> s.writeSpoutMsg(next()));
    }

    @Test
    void aFlushDueAfterStormClosedTheStreamWritesNothingAndThrowsNothing() throws Exception {
        Recording toChild = new Recording();
        StoppedClock s = init(new StoppedClock(), toChild, 10_000);
        byte[] first = expected(w -> w.writeBoltMsg(tuple(1)));

        s.writeBoltMsg(tuple(1));
        synchronized (toChild) { // closed before the deferred flush can reach it
            s.writeBoltMsg(tuple(2));
            toChild.close(); // ShellProcess.destroy()
        }
        assertTrue(toChild.refused.await(DEADLINE_SECONDS, TimeUnit.SECONDS), "the deferred flush ran");
        assertArrayEquals(first, toChild.bytes(), "nothing written after close");
        // The flush thread caught it (it would only be thrown by a next write, which Storm no longer makes).
        IOException e = assertThrows(IOException.class, () -> s.writeBoltMsg(tuple(3)));
        assertEquals("Stream closed", e.getCause().getMessage());
    }

    @Test
    void theWindowIsReadFromTheConf() {
        BinarySerializer s = new BinarySerializer();
        s.initialize(new ByteArrayOutputStream(), InputStream.nullInputStream());
        s.configure(Map.of(BinarySerializer.FLUSH_WINDOW_CONF, " 250 "));
        s.configure(Map.of(BinarySerializer.FLUSH_WINDOW_CONF, 0));
        for (Object bad : Arrays.asList(-1, BinarySerializer.MAX_FLUSH_WINDOW_MICROS + 1, "1e3")) {
            assertThrows(IllegalArgumentException.class,
                () -> s.configure(Map.of(BinarySerializer.FLUSH_WINDOW_CONF, bad)), String.valueOf(bad));
        }
    }
}
