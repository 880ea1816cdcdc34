package io.stormnative;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Drains a child's stderr on a thread of its own, always, so a chatty child never blocks on a
 * full pipe (stock Storm reads stderr only after it writes to the child). Lines go to the worker
 * log at INFO, rate-limited so that a child cannot fill the disk: a token bucket of
 * {@value #RATE_CONF} lines a second (default {@value #DEFAULT_RATE}) with a burst of ten
 * seconds' worth; a line longer than {@value #MAX_LINE_BYTES} bytes is cut. What the limit drops
 * is counted and said in one WARN line ("N stderr lines (B bytes) dropped ...") before the next
 * line that is logged, at most every {@value #SUMMARY_NANOS_TEXT}, and when the stream ends. The
 * last {@value #KEPT} lines are kept whatever the limit did, for the message when the child dies.
 */
final class StderrPump implements Runnable {
    /** Topology conf key: stderr lines a second a child may put in the worker log. */
    static final String RATE_CONF = "storm.native.host.stderr.lines.per.sec";
    static final int DEFAULT_RATE = 100;
    static final int MAX_LINE_BYTES = 4096;
    static final int KEPT = 20;
    private static final long SUMMARY_NANOS = 10_000_000_000L;
    private static final String SUMMARY_NANOS_TEXT = "10 s";

    private final InputStream in;
    private final Supplier<Boolean> childAlive;
    private final Logger log;
    private final String who;
    private final Supplier<Object> pid;
    private final LongSupplier clock;
    private final int rate;
    private final long burst;
    private final ArrayDeque<String> last = new ArrayDeque<>();

    private double tokens;
    private long refilledAt;
    private long dropped;
    private long droppedBytes;
    private long droppedSince;
    private final HostStats stats;

    StderrPump(InputStream in, Supplier<Boolean> childAlive, Logger log, String who, Supplier<Object> pid,
               Map<String, Object> conf, LongSupplier clock, HostStats stats) {
        this.stats = stats;
        this.in = in;
        this.childAlive = childAlive;
        this.log = log;
        this.who = who;
        this.pid = pid;
        this.clock = clock;
        this.rate = HostSupport.positiveInt(conf, RATE_CONF, DEFAULT_RATE);
        this.burst = rate * 10L;
        this.tokens = burst;
        this.refilledAt = clock.getAsLong();
    }

    /** The last lines the child wrote, oldest first (whether logged or dropped). */
    List<String> lastLines() {
        synchronized (last) {
            return List.copyOf(last);
        }
    }

    @Override
    public void run() {
        byte[] buf = new byte[8192];
        byte[] line = new byte[MAX_LINE_BYTES];
        int len = 0;
        long cut = 0;
        int retries = 0;
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e) {
                // When the child exits, Java swaps the pipe for a buffer of what was left in it;
                // a read in progress at that moment fails with "Stream closed": read on, once.
                if (retries++ < 2 && !childAlive.get()) {
                    continue;
                }
                break;
            }
            if (n < 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b == '\n') {
                    line(line, len, cut);
                    len = 0;
                    cut = 0;
                } else if (len < MAX_LINE_BYTES) {
                    line[len++] = b;
                } else {
                    cut++;
                }
            }
        }
        if (len > 0) {
            line(line, len, cut);
        }
        synchronized (this) {
            summarize();
        }
    }

    private void line(byte[] bytes, int len, long cut) {
        int end = len > 0 && bytes[len - 1] == '\r' ? len - 1 : len;
        String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
        if (cut > 0) {
            text += " ... (" + cut + " more bytes cut)";
        }
        synchronized (last) {
            if (last.size() == KEPT) {
                last.removeFirst();
            }
            last.addLast(text);
        }
        synchronized (this) {
            long now = clock.getAsLong();
            tokens = Math.min(burst, tokens + (now - refilledAt) * (rate / 1e9));
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                summarize();
                stats.stderrLogged.increment();
                log.info("stderr of {} (pid {}): {}", who, pid.get(), text);
            } else {
                if (dropped == 0) {
                    droppedSince = now;
                }
                dropped++;
                stats.stderrDropped.increment();
                droppedBytes += len + cut + 1;
                if (now - droppedSince >= SUMMARY_NANOS) {
                    summarize();
                }
            }
        }
    }

    /** Says what was dropped since the last summary, if anything. */
    private void summarize() {
        if (dropped == 0) {
            return;
        }
        double secs = (clock.getAsLong() - droppedSince) / 1e9;
        log.warn("stderr of {} (pid {}): {} lines ({} bytes) dropped in {} s: over the limit of {} lines/s, "
            + "burst {} ({})", who, pid.get(), dropped, droppedBytes, String.format("%.1f", secs), rate, burst, RATE_CONF);
        dropped = 0;
        droppedBytes = 0;
    }
}
