package io.stormnative;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.storm.multilang.BoltMsg;
import org.apache.storm.multilang.ISerializer;
import org.apache.storm.multilang.NoOutputException;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.multilang.SpoutMsg;
import org.apache.storm.shade.net.minidev.json.JSONObject;
import org.apache.storm.shade.net.minidev.json.JSONValue;
import org.apache.storm.task.TopologyContext;

/**
 * Storm's multilang protocol in SMB1, the binary encoding of {@code docs/binary-protocol.md}: a
 * 5-byte magic, then length-prefixed frames. Same messages and semantics as Storm's
 * {@code JsonSerializer}, without building or parsing JSON per message.
 *
 * <p>Enable it per topology with {@code topology.multilang.serializer:
 * io.stormnative.BinarySerializer}. Every multilang component of that topology must then
 * speak SMB1: the native binaries do (they detect it from the magic); storm.py, and so the Python
 * components, only speak JSON.
 *
 * <p>Decoding is strict: a frame longer than the limit ({@value #MAX_FRAME_CONF}, default 64 MiB;
 * reported as soon as its header is read, not skipped), an unknown kind or tag, a length running past its frame, bytes left over after a message,
 * invalid UTF-8 or nesting deeper than {@value Smb1#MAX_DEPTH} is an {@link IOException}; the end of
 * the child's output (or its pipe closed under a read, as ShellProcess.destroy() does) is a
 * {@link NoOutputException}, as with the JSON serializer, so Storm reports both as it always did. ShellBolt reads and writes from two threads: reading and writing keep
 * separate state, and each side is used by one thread at a time (the writing side also by the
 * deferred flush below, under a lock).
 *
 * <p>Flushing: the handshake and every spout message are flushed at once (ShellSpout waits for
 * the child's answer). A bolt's messages (tuples, task ids) are coalesced when they come fast:
 * while more than {@value #BUSY_PER_WINDOW} arrive per flush window ({@value #FLUSH_WINDOW_CONF},
 * default {@value #DEFAULT_FLUSH_WINDOW_MICROS} µs) on average, one written less than a window
 * after the last flush stays in the buffer and a deferred flush writes it at the end of the
 * window, together with whatever followed. Otherwise (light traffic, or a window since the last
 * flush) every message is flushed at once, as before. So a busy bolt makes at most about one
 * write per window, and no message waits longer than about a window. The deferred flush runs on a thread shared by the JVM's serializers and takes
 * the same lock as the writer; if it fails, the next write throws.
 */
public class BinarySerializer implements ISerializer {
    private static final long serialVersionUID = 1L;

    /** What the JVM writes first: {@code \0 S M B}, version 1. */
    static final byte[] MAGIC = {0x00, 0x53, 0x4D, 0x42, 0x01};

    /** Topology conf key: the largest frame accepted from a child, in bytes. */
    public static final String MAX_FRAME_CONF = "topology.multilang.binary.max.frame.bytes";
    static final int DEFAULT_MAX_FRAME = 64 << 20;
    /**
     * Topology conf key: seconds a child has to answer the SMB1 handshake (0: wait forever). Past
     * it the child's stdin is closed and {@link #connect} throws an {@link IOException} that says
     * why, instead of the worker waiting for ever.
     */
    public static final String HANDSHAKE_TIMEOUT_CONF = "topology.multilang.binary.handshake.timeout.secs";
    /**
     * 30 s, Storm's default {@code supervisor.worker.timeout.secs}: the native binaries answer in
     * milliseconds, while a component that does not speak SMB1 never does (storm.py waits for a
     * JSON {@code end} line that never comes), and Storm's ShellProcess.launch has no timeout.
     */
    static final int DEFAULT_HANDSHAKE_TIMEOUT_SECS = 30;
    /**
     * Topology conf key: how long, in microseconds, a bolt's message may wait in the buffer for
     * the ones after it, so they share one write (0: flush every message).
     */
    public static final String FLUSH_WINDOW_CONF = "topology.multilang.binary.flush.window.micros";
    /**
     * 100 µs: a tenth of Storm's own batch flush interval ({@code topology.batch.flush.interval.millis},
     * 1 ms) and small next to a multilang round trip through a loaded worker, yet long enough to
     * put several messages in one write when a bolt receives tens of thousands per second, the
     * rates at which a write syscall (and a wakeup of the child) per message shows. Light traffic
     * does not wait at all: a message after a quiet window is flushed at once.
     */
    static final long DEFAULT_FLUSH_WINDOW_MICROS = 100;
    /** The largest window accepted (1 s): the window is a bound on latency, not a heartbeat. */
    static final long MAX_FLUSH_WINDOW_MICROS = 1_000_000;
    /**
     * Held bytes that are flushed at once rather than at the end of the window: half of the
     * buffer, so a frame of up to as much again still fits in it whole.
     */
    static final int FLUSH_BYTES = 32 << 10;
    /** A bolt's messages are held only while, on average, more than this many come per window. */
    static final long BUSY_PER_WINDOW = 4;
    /** The gap average weighs each new gap 1/8. */
    static final int GAP_SHIFT = 3;
    private int maxFrame = DEFAULT_MAX_FRAME;
    private int handshakeTimeoutSecs = DEFAULT_HANDSHAKE_TIMEOUT_SECS;
    private long flushWindowNanos = TimeUnit.MICROSECONDS.toNanos(DEFAULT_FLUSH_WINDOW_MICROS);

    // Writing (ShellBolt's writer thread, or the spout's executor).
    /** The frame being written: 4 bytes for its length, then the payload (one write per frame). */
    private transient Smb1.Encoder body;

    // Shared by the writing thread and a deferred flush, under writeLock.
    private transient Object writeLock;
    private transient DataOutputStream out;
    /** Bytes written to {@link #out} since its last flush. */
    private transient int unflushed;
    /** {@link #nanoTime()} of the last flush. */
    private transient long lastFlush;
    /** {@link #nanoTime()} of the last bolt-path write. */
    private transient long lastWrite;
    /** Moving average of the gaps between bolt-path writes, in ns (weight 1/2^{@link #GAP_SHIFT}). */
    private transient long gapAverage;
    private transient boolean flushScheduled;
    /** What a deferred flush threw: every later write throws it (wrapped), the stream is broken. */
    private transient IOException flushFailure;
    /** Runs on the timer: hands {@link #flushHeld} to a flusher thread. */
    private transient Runnable flushLater;

    // Reading (ShellBolt's reader thread, or the spout's executor).
    private transient DataInputStream in;
    /** The frame being read (grown as bytes arrive), and the decoder pointed at it. */
    private transient byte[] frame;
    private transient Smb1.Decoder decoder;

    public BinarySerializer() {
    }

    @Override
    public void initialize(OutputStream processIn, InputStream processOut) {
        writeLock = new Object();
        out = new DataOutputStream(new BufferedOutputStream(processIn, Smb1.IO_BUFFER));
        // As if the last flush were a whole window ago: the first message goes out at once.
        lastFlush = nanoTime() - TimeUnit.MICROSECONDS.toNanos(MAX_FLUSH_WINDOW_MICROS);
        lastWrite = nanoTime();
        Runnable flush = this::flushHeld;
        flushLater = () -> Flushers.POOL.execute(flush);
        body = new Smb1.Encoder();
        in = new DataInputStream(new BufferedInputStream(processOut, Smb1.IO_BUFFER));
        frame = new byte[Smb1.IO_BUFFER];
        decoder = new Smb1.Decoder();
    }

    @Override
    public Number connect(Map<String, Object> conf, TopologyContext context) throws IOException, NoOutputException {
        configure(conf);
        // The very object JsonSerializer sends, so a child reads the same setup in either encoding.
        JSONObject setup = new JSONObject();
        setup.put("pidDir", context.getPIDDir());
        setup.put("conf", conf);
        setup.put("context", context);
        return handshake(JSONValue.toJSONString(setup));
    }

    /**
     * Reads this serializer's settings ({@value #MAX_FRAME_CONF}, {@value #FLUSH_WINDOW_CONF},
     * {@value #HANDSHAKE_TIMEOUT_CONF}) from the topology conf.
     */
    void configure(Map<String, Object> conf) {
        Object timeout = conf == null ? null : conf.get(HANDSHAKE_TIMEOUT_CONF);
        if (timeout != null) {
            handshakeTimeoutSecs = timeout instanceof Number ? ((Number) timeout).intValue()
                : Integer.parseInt(timeout.toString().trim());
            if (handshakeTimeoutSecs < 0) {
                throw new IllegalArgumentException(HANDSHAKE_TIMEOUT_CONF + " must be 0 or more, got " + timeout);
            }
        }
        Object limit = conf == null ? null : conf.get(MAX_FRAME_CONF);
        if (limit != null) {
            maxFrame = limit instanceof Number ? ((Number) limit).intValue() : Integer.parseInt(limit.toString().trim());
            if (maxFrame <= 0) {
                throw new IllegalArgumentException(MAX_FRAME_CONF + " must be positive, got " + limit);
            }
        }
        Object window = conf == null ? null : conf.get(FLUSH_WINDOW_CONF);
        if (window != null) {
            long micros = window instanceof Number ? ((Number) window).longValue() : Long.parseLong(window.toString().trim());
            if (micros < 0 || micros > MAX_FLUSH_WINDOW_MICROS) {
                throw new IllegalArgumentException(FLUSH_WINDOW_CONF + " must be 0 to " + MAX_FLUSH_WINDOW_MICROS
                    + " (µs), got " + window);
            }
            flushWindowNanos = TimeUnit.MICROSECONDS.toNanos(micros);
        }
    }

    /** Writes the magic and the setup frame holding {@code setupJson}, then reads the child's pid. */
    Number handshake(String setupJson) throws IOException, NoOutputException {
        body.setup(setupJson);
        synchronized (writeLock) {
            out.write(MAGIC);
        }
        sendNow();

        // A child that does not answer gets its stdin closed: storm.py, say, then fails on EOF and
        // exits, which ends the read below, and the error names the likely cause. State: 0 waiting,
        // 1 answered, 2 timed out; whichever comes first wins, so a child that answers is never cut.
        AtomicInteger state = new AtomicInteger();
        ScheduledFuture<?> watchdog = handshakeTimeoutSecs == 0 ? null : Flushers.TIMER.schedule(() -> {
            if (state.compareAndSet(0, 2)) {
                Flushers.POOL.execute(this::closeChildStdin);
            }
        }, handshakeTimeoutSecs, TimeUnit.SECONDS);
        try {
            readFrame();
            int pid = decoder.pid();
            if (!state.compareAndSet(0, 1)) {
                throw new IOException("SMB1: the pid came after the handshake timeout had closed the"
                    + " subprocess' stdin (" + HANDSHAKE_TIMEOUT_CONF + " = " + handshakeTimeoutSecs + ")");
            }
            return pid;
        } catch (IOException | NoOutputException e) {
            if (state.get() == 2) {
                throw new IOException("SMB1: the subprocess did not answer the handshake within " + handshakeTimeoutSecs
                    + " s (" + HANDSHAKE_TIMEOUT_CONF + "), so its stdin was closed. Does it speak SMB1? storm.py"
                    + " and other JSON-only components cannot run under " + getClass().getName() + " (" + e.getMessage()
                    + ")", e);
            }
            throw e;
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
    }

    /** The handshake watchdog: closes the child's stdin, which a multilang child reads as the end. */
    private void closeChildStdin() {
        synchronized (writeLock) {
            try {
                out.close();
            } catch (IOException e) {
                // Already broken: the child has its EOF either way.
            }
        }
    }

    @Override
    public void writeBoltMsg(BoltMsg msg) throws IOException {
        body.tuple(msg);
        sendCoalesced();
    }

    @Override
    public void writeSpoutMsg(SpoutMsg msg) throws IOException {
        body.command(msg);
        sendNow();
    }

    @Override
    public void writeTaskIds(List<Integer> taskIds) throws IOException {
        body.taskIds(taskIds);
        sendCoalesced();
    }

    /**
     * Frames the payload, writes it and flushes it with anything still held: the handshake and
     * spout messages, after which Storm waits for the child's answer.
     */
    private void sendNow() throws IOException {
        synchronized (writeLock) {
            checkFlushFailure();
            body.writeTo(out);
            out.flush();
            unflushed = 0;
            lastFlush = nanoTime();
        }
        trimBody();
    }

    /**
     * Frames the payload and writes it; flushes at once if traffic is light, the last flush is a
     * window ago or more than {@link #FLUSH_BYTES} are held, else leaves it for the deferred flush
     * at the end of the window: a bolt's messages, which Storm writes back to back without waiting.
     */
    private void sendCoalesced() throws IOException {
        synchronized (writeLock) {
            checkFlushFailure();
            body.writeTo(out);
            long window = flushWindowNanos;
            if (window == 0) {
                out.flush();
            } else {
                unflushed += body.size();
                long now = nanoTime();
                gapAverage += (now - lastWrite - gapAverage) >> GAP_SHIFT;
                lastWrite = now;
                // Held only while messages come faster than BUSY_PER_WINDOW per window: a deferred
                // flush costs two thread hand-offs, worth it only when it saves several writes, and
                // a light stream's little bursts (a sentence's words) then go out as they come.
                boolean busy = gapAverage < window / BUSY_PER_WINDOW;
                long due = lastFlush + window;
                if (!busy || now - due >= 0 || unflushed > FLUSH_BYTES) {
                    out.flush();
                    unflushed = 0;
                    lastFlush = now;
                } else if (!flushScheduled) {
                    flushScheduled = true;
                    Flushers.TIMER.schedule(flushLater, due - now, TimeUnit.NANOSECONDS);
                }
            }
        }
        trimBody();
    }

    /**
     * The deferred flush, on a {@link Flushers#POOL} thread: writes what the window held, unless
     * a flush since did. A failure is kept for the next write to throw; after Storm closed the
     * stream (ShellProcess.destroy) there is no next write, and the failure goes no further.
     */
    private void flushHeld() {
        synchronized (writeLock) {
            flushScheduled = false;
            if (unflushed == 0 || flushFailure != null) {
                return;
            }
            try {
                out.flush();
                unflushed = 0;
                lastFlush = nanoTime();
            } catch (IOException e) {
                flushFailure = e;
            } catch (RuntimeException e) {
                flushFailure = new IOException("SMB1: deferred flush failed: " + e, e);
            }
        }
    }

    private void checkFlushFailure() throws IOException {
        if (flushFailure != null) {
            throw new IOException("SMB1: an earlier deferred flush to the subprocess failed: "
                + flushFailure.getMessage(), flushFailure);
        }
    }

    private void trimBody() {
        if (body.capacity() > Smb1.KEEP_BUFFER) {
            body = new Smb1.Encoder();
        }
    }

    /** {@link System#nanoTime()}; tests stop the clock to make the window deterministic. */
    long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public ShellMsg readShellMsg() throws IOException, NoOutputException {
        readFrame();
        return decoder.message();
    }

    /**
     * Reads one frame into {@link #frame} and points {@link #decoder} at it.
     */
    private void readFrame() throws IOException, NoOutputException {
        int n;
        try {
            n = in.readInt();
        } catch (EOFException e) {
            throw broken("No output read.");
        } catch (IOException e) {
            // ShellProcess.destroy() closes the child's stdout under the reader thread ("Stream closed"):
            // the pipe is gone just as at EOF, so Storm hears the same as from JsonSerializer.
            throw broken("No output read (" + e.getMessage() + ").", e);
        }
        long len = n & 0xFFFFFFFFL;
        if (len > maxFrame) {
            // Not skipped: both Storm's ShellBolt/ShellSpout and storm-native's host end the
            // component on any decoding error, so skipping would gain nothing, and a length that
            // is a lie (garbage read as a header) would keep the reader waiting for gigabytes
            // until the subprocess timeout.
            throw new IOException(String.format("SMB1: a frame header says %d bytes (%08x), larger than the limit of %d"
                + " bytes (%s): a message that large, or bytes that are not SMB1 frames; the stream cannot be"
                + " resynchronised", len, n, maxFrame, MAX_FRAME_CONF));
        }
        if (len == 0) {
            throw new IOException("SMB1: empty frame (no message kind)");
        }
        if (frame.length > Smb1.KEEP_BUFFER) {
            frame = new byte[Smb1.IO_BUFFER];
        }
        int total = (int) len;
        int got = 0;
        while (got < total) {
            if (got == frame.length) {
                // Grow as bytes arrive, not to the announced length: a lying header costs no memory.
                frame = Arrays.copyOf(frame, (int) Math.min(total, 2L * frame.length));
            }
            int r;
            try {
                r = in.read(frame, got, Math.min(total, frame.length) - got);
            } catch (IOException e) {
                throw broken("Currently read output: " + got + " of the " + len + " bytes of a frame ("
                    + e.getMessage() + ").", e);
            }
            if (r < 0) {
                throw broken("Currently read output: " + got + " of the " + len + " bytes of a frame.");
            }
            got += r;
        }
        decoder.wrap(frame, 0, total);
    }

    private static NoOutputException broken(String what) {
        // JsonSerializer's wording: ShellProcess appends the child's stderr to it.
        return new NoOutputException("Pipe to subprocess seems to be broken! " + what + "\nSerializer Exception:\n");
    }

    private static NoOutputException broken(String what, IOException cause) {
        NoOutputException e = broken(what);
        e.initCause(cause);
        return e;
    }

    /**
     * The JVM's deferred flushes: one timer thread that only keeps time, and a pool of threads that
     * run the flushes. A flush can block while a child does not read (its stdin pipe full); on the
     * timer thread that would hold back every other component's flushes. At most one deferred
     * flush per serializer is under way at a time, so the pool needs at most one thread per
     * component whose pipe is full, and normally one. Daemon threads; pool threads end after a
     * minute idle.
     */
    private static final class Flushers {
        static final ScheduledExecutorService TIMER = new ScheduledThreadPoolExecutor(1, daemon("smb1-flush-timer"));
        static final ExecutorService POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), daemon("smb1-flush"));

        private static ThreadFactory daemon(String name) {
            AtomicInteger n = new AtomicInteger();
            return r -> {
                Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
        }
    }


}
