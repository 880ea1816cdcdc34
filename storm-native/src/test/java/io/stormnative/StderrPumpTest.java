package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** A child's stderr: always drained, logged at a bounded rate, losses said. */
class StderrPumpTest {
    /** What a logger was asked to log: level and the message with its arguments. */
    private final List<String> records = new CopyOnWriteArrayList<>();

    private Logger recordingLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
                String m = method.getName();
                if ((m.equals("info") || m.equals("warn")) && args != null) {
                    records.add(m + " " + args[0] + " " + Arrays.deepToString(Arrays.copyOfRange(args, 1, args.length)));
                }
                return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
            });
    }

    private static InputStream lines(int n, String text) {
        return new ByteArrayInputStream((text + "\n").repeat(n).getBytes(StandardCharsets.UTF_8));
    }

    private long count(String level, String contains) {
        return records.stream().filter(r -> r.startsWith(level) && r.contains(contains)).count();
    }

    @Test
    void aFloodIsCutToTheBurstAndTheLossIsSaidOnce() {
        AtomicLong now = new AtomicLong(0);
        Map<String, Object> conf = Map.of(StderrPump.RATE_CONF, 10);
        HostStats stats = HostStats.of("pump-flood");
        // 1000 lines at one instant: a burst of 10 s x 10 lines/s = 100 are logged.
        StderrPump pump = new StderrPump(lines(1000, "noise"), () -> true, recordingLogger(), "c:1", () -> 42, conf,
            now::get, stats);
        pump.run();
        assertEquals(100, count("info", "noise"));
        assertEquals(900, stats.stderrDropped.sum());
        assertEquals(1, count("warn", "900, 5400"), records.toString()); // 900 lines, 6 bytes each, said at the end
        assertEquals(StderrPump.KEPT, pump.lastLines().size(), "the tail is kept whatever was dropped");
    }

    @Test
    void theRateRefillsWithTimeAndTheSummaryComesBeforeTheNextLoggedLine() {
        AtomicLong now = new AtomicLong(0);
        Map<String, Object> conf = Map.of(StderrPump.RATE_CONF, 1);
        HostStats stats = HostStats.of("pump-refill");
        byte[] burst = "a\n".repeat(15).getBytes(StandardCharsets.UTF_8);
        InputStream in = new InputStream() {
            private int call;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                switch (call++) {
                    case 0:
                        System.arraycopy(burst, 0, b, off, burst.length);
                        return burst.length;
                    case 1:
                        now.addAndGet(2_000_000_000L); // 2 s later: two tokens back
                        byte[] late = "late\n".getBytes(StandardCharsets.UTF_8);
                        System.arraycopy(late, 0, b, off, late.length);
                        return late.length;
                    default:
                        return -1;
                }
            }
        };
        new StderrPump(in, () -> true, recordingLogger(), "c:1", () -> 1, conf, now::get, stats).run();
        assertEquals(10, count("info", "[c:1, 1, a]"), records.toString());
        assertEquals(1, count("warn", "5, 10"), records.toString());
        int summary = indexOf("warn");
        assertTrue(summary >= 0 && records.get(summary + 1).contains("late"), "summary, then the line: " + records);
    }

    private int indexOf(String prefix) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aLineWithoutEndIsCutAtTheLimit() {
        AtomicLong now = new AtomicLong(0);
        String huge = "y".repeat(1 << 20);
        StderrPump pump = new StderrPump(new ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8)), () -> true,
            recordingLogger(), "c:1", () -> 1, Map.of(), now::get, HostStats.of("pump-long"));
        pump.run();
        String line = pump.lastLines().get(0);
        assertTrue(line.startsWith("y".repeat(StderrPump.MAX_LINE_BYTES) + " ... ("
            + ((1 << 20) - StderrPump.MAX_LINE_BYTES) + " more bytes cut)"), line.substring(line.length() - 40));
    }

    @Test
    void aReadThatFailsAsTheChildExitsIsRetried() {
        AtomicLong now = new AtomicLong(0);
        InputStream in = new InputStream() {
            private int call;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (call++ == 0) {
                    throw new IOException("Stream closed");
                }
                if (call == 2) {
                    byte[] last = "the reason it died\n".getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(last, 0, b, off, last.length);
                    return last.length;
                }
                return -1;
            }
        };
        StderrPump pump = new StderrPump(in, () -> false, recordingLogger(), "c:1", () -> 1, Map.of(), now::get,
            HostStats.of("pump-retry"));
        pump.run();
        assertEquals(List.of("the reason it died"), pump.lastLines());
    }

    /**
     * A child's last stderr lines, written after its input ends, reach the log: cleanup gives it a
     * moment to end by itself and lets the pump read to the end before the streams are closed
     * (Process.destroy() closes this side of stderr; unread lines used to be lost, which also made
     * the chatty test below fail now and then on a loaded machine).
     */
    @Test
    void aChildsLastWordsOnStderrAreLoggedWhenItIsStopped() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        TopologyContext context = FakeStorm.context("farewell", conf);
        FakeStorm.BoltCollector out = new FakeStorm.BoltCollector();
        MultilangBolt bolt = new MultilangBolt(new String[] {"python3", "scripted_child.py", "farewell"}, "out");
        bolt.prepare(conf, context, new OutputCollector(out));
        try {
            bolt.execute(FakeStorm.tuple(context, "s"));
            MultilangBoltTest.waitFor("the ack", () -> out.acks.size() == 1);
        } finally {
            bolt.cleanup();
        }
        HostStats stats = HostStats.of("farewell");
        MultilangBoltTest.waitFor("500 last lines counted", () -> stats.stderrLogged.sum() + stats.stderrDropped.sum() >= 500);
        assertEquals(500, stats.stderrLogged.sum() + stats.stderrDropped.sum());
    }

    /** A real child: megabytes on stderr before its handshake and 100 lines with each tuple. */
    @Test
    void aChattyChildNeitherBlocksNorFloodsTheLog() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        TopologyContext context = FakeStorm.context("chatty", conf);
        FakeStorm.BoltCollector out = new FakeStorm.BoltCollector();
        // 50,000 lines of 100 bytes (5 MB) before the handshake: far beyond a 64 KiB pipe.
        MultilangBolt bolt = new MultilangBolt(new String[] {"python3", "scripted_child.py", "chatty", "50000"}, "out");
        bolt.prepare(conf, context, new OutputCollector(out));
        try {
            for (int i = 0; i < 200; i++) {
                bolt.execute(FakeStorm.tuple(context, "s" + i));
            }
            MultilangBoltTest.waitFor("200 acks", () -> out.acks.size() == 200);
        } finally {
            bolt.cleanup();
        }
        HostStats stats = HostStats.of("chatty");
        MultilangBoltTest.waitFor("every line counted", () ->
            stats.stderrLogged.sum() + stats.stderrDropped.sum() == 50_000 + 200 * 100);
        assertTrue(stats.stderrDropped.sum() > 0, "the limit dropped lines");
        assertTrue(stats.stderrLogged.sum() >= StderrPump.DEFAULT_RATE * 10, "the burst was logged");
        assertEquals(List.of(), out.fails);
        assertEquals(new ArrayList<>(), out.errors);
    }
}
