package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.storm.multilang.BoltMsg;
import org.apache.storm.multilang.NoOutputException;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.shade.net.minidev.json.JSONValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Java side's fuzzing: seeded random and mutated SMB1 streams into the decoder. It returns
 * messages or throws IOException / NoOutputException, nothing else, and never hangs. Unmutated
 * random messages decode to exactly what was encoded, both directions.
 *
 * <p>Seed and case count: {@code -Dsmb1.fuzz.seed=N -Dsmb1.fuzz.cases=N} (defaults 20240607, 100000).
 */
class BinarySerializerFuzzTest {
    private static final long SEED = Long.getLong("smb1.fuzz.seed", 20240607L);
    private static final int CASES = Integer.getInteger("smb1.fuzz.cases", 100_000);

    private final Random rnd = new Random(SEED);

    // ---- random values and messages ------------------------------------------------------------

    private String randomString(int maxLen) {
        int len = rnd.nextInt(maxLen + 1);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            switch (rnd.nextInt(6)) {
                case 0:
                    sb.appendCodePoint(0x80 + rnd.nextInt(0x780));      // 2-byte UTF-8
                    break;
                case 1:
                    sb.appendCodePoint(0x800 + rnd.nextInt(0xD000 - 0x800)); // 3-byte, below surrogates
                    break;
                case 2:
                    sb.appendCodePoint(0x10000 + rnd.nextInt(0x100000)); // 4-byte
                    break;
                default:
                    sb.append((char) rnd.nextInt(0x80));
            }
        }
        return sb.toString();
    }

    private Object randomValue(int depth) {
        int n = depth > 3 ? 6 : 10;
        switch (rnd.nextInt(n)) {
            case 0:
                return null;
            case 1:
                return rnd.nextBoolean();
            case 2:
                return rnd.nextBoolean() ? rnd.nextLong() : (long) rnd.nextInt(100);
            case 3:
                return rnd.nextInt(20) == 0 ? Double.NaN : rnd.nextGaussian() * 1e6;
            case 4:
                return randomString(12);
            case 5: {
                byte[] b = new byte[rnd.nextInt(8)];
                rnd.nextBytes(b);
                return b;
            }
            case 6:
            case 7: {
                List<Object> l = new ArrayList<>();
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    l.add(randomValue(depth + 1));
                }
                return l;
            }
            case 8: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    m.put(randomString(5), randomValue(depth + 1));
                }
                return m;
            }
            default: {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("k", rnd.nextInt(1000));
                m.put("s", randomString(4));
                return new SmbChild.Json(JSONValue.toJSONString(m));
            }
        }
    }

    private List<Object> randomTuple() {
        List<Object> t = new ArrayList<>();
        for (int i = rnd.nextInt(5); i > 0; i--) {
            t.add(randomValue(0));
        }
        return t;
    }

    /** What a decoded tag-09 value is: json-smart's parse of its text. */
    private static Object expected(Object v) {
        if (v instanceof SmbChild.Json) {
            return JSONValue.parse(((SmbChild.Json) v).text());
        }
        if (v instanceof List) {
            List<Object> out = new ArrayList<>();
            for (Object o : (List<?>) v) {
                out.add(expected(o));
            }
            return out;
        }
        if (v instanceof Map) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<?, ?>) v).forEach((k, o) -> out.put((String) k, expected(o)));
            return out;
        }
        return v;
    }

    /** One random child message: its bytes into {@code out}, and the ShellMsg it must decode to. */
    private ShellMsg randomMessage(SmbChild.Out out) throws IOException {
        ShellMsg m = new ShellMsg();
        m.setStream("default");
        switch (rnd.nextInt(7)) {
            case 0: {
                String stream = rnd.nextBoolean() ? randomString(6) : null;
                Integer task = rnd.nextBoolean() ? rnd.nextInt() : null;
                boolean hasId = rnd.nextBoolean();
                Object id = hasId ? randomValue(2) : null;
                List<String> anchors = new ArrayList<>();
                for (int i = rnd.nextInt(3); i > 0; i--) {
                    anchors.add(Long.toString(rnd.nextLong()));
                }
                List<Object> tuple = randomTuple();
                boolean need = rnd.nextBoolean();
                out.emit(stream, task, id, hasId, anchors, tuple, need);
                m.setCommand("emit");
                if (stream != null) {
                    m.setStream(stream);
                }
                m.setTask(task == null ? 0 : task);
                m.setId(expected(id));
                anchors.forEach(m::addAnchor);
                m.setTuple((List<Object>) expected(tuple));
                m.setNeedTaskIds(need);
                return m;
            }
            case 1:
            case 2: {
                Object id = rnd.nextBoolean() ? Long.toString(rnd.nextLong()) : randomValue(2);
                if (rnd.nextBoolean()) {
                    out.ack(id);
                    m.setCommand("ack");
                } else {
                    out.fail(id);
                    m.setCommand("fail");
                }
                m.setId(expected(id));
                return m;
            }
            case 3:
                out.sync();
                m.setCommand("sync");
                return m;
            case 4: {
                int level = rnd.nextInt(6);
                String msg = randomString(30);
                out.log(level, msg);
                m.setCommand("log");
                m.setLogLevel(level);
                m.setMsg(msg);
                return m;
            }
            case 5: {
                String msg = randomString(30);
                out.error(msg);
                m.setCommand("error");
                m.setMsg(msg);
                return m;
            }
            default: {
                String name = randomString(8);
                Object params = randomValue(1);
                out.metrics(name, params);
                m.setCommand("metrics");
                m.setMetricName(name);
                m.setMetricParams(expected(params));
                return m;
            }
        }
    }

    private static void assertSameMsg(ShellMsg want, ShellMsg got, String ctx) {
        assertEquals(want.getCommand(), got.getCommand(), ctx);
        assertTrue(SmbChild.deepEquals(want.getId(), got.getId()), ctx + " id " + want.getId() + " vs " + got.getId());
        assertEquals(want.getAnchors(), got.getAnchors(), ctx);
        assertEquals(want.getStream(), got.getStream(), ctx);
        assertEquals(want.getTask(), got.getTask(), ctx);
        assertEquals(want.getMsg(), got.getMsg(), ctx);
        assertTrue(SmbChild.deepEquals(want.getTuple(), got.getTuple()), ctx + " tuple");
        assertEquals(want.areTaskIdsNeeded(), got.areTaskIdsNeeded(), ctx);
        assertEquals(want.getMetricName(), got.getMetricName(), ctx);
        assertTrue(SmbChild.deepEquals(want.getMetricParams(), got.getMetricParams()), ctx + " params");
        assertEquals(want.getLogLevel(), got.getLogLevel(), ctx);
    }

    private static BinarySerializer over(byte[] bytes) {
        BinarySerializer s = new BinarySerializer();
        s.initialize(new ByteArrayOutputStream(), new ByteArrayInputStream(bytes));
        return s;
    }

    // ---- the tests -----------------------------------------------------------------------------

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void randomValidStreamsDecodeExactly() throws Exception {
        for (int c = 0; c < 5_000; c++) {
            SmbChild.Out out = new SmbChild.Out();
            List<ShellMsg> want = new ArrayList<>();
            for (int i = 1 + rnd.nextInt(5); i > 0; i--) {
                want.add(randomMessage(out));
            }
            BinarySerializer s = over(out.toByteArray());
            for (int i = 0; i < want.size(); i++) {
                assertSameMsg(want.get(i), s.readShellMsg(), "seed " + SEED + " case " + c + " msg " + i);
            }
            try {
                s.readShellMsg();
                fail("read past the end");
            } catch (NoOutputException expectedEof) {
                // the child's output ends there
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void randomTuplesReachTheChildExactly() throws Exception {
        for (int c = 0; c < 5_000; c++) {
            List<Object> tuple = randomTuple();
            // What Storm holds is what the JSON serializer would have had: no tag-09 wrappers.
            List<Object> jvmTuple = new ArrayList<>();
            for (Object v : tuple) {
                jvmTuple.add(expected(v));
            }
            BoltMsg msg = new BoltMsg();
            msg.setId(Long.toString(rnd.nextLong()));
            msg.setComp(rnd.nextBoolean() ? null : randomString(6));
            msg.setStream(randomString(6));
            msg.setTask(rnd.nextInt());
            msg.setTuple(jvmTuple);
            ByteArrayOutputStream toChild = new ByteArrayOutputStream();
            BinarySerializer s = new BinarySerializer();
            s.initialize(toChild, new ByteArrayInputStream(new byte[0]));
            s.writeBoltMsg(msg);

            SmbChild.Tuple t = (SmbChild.Tuple) SmbChild.read(
                new DataInputStream(new ByteArrayInputStream(toChild.toByteArray())));
            String ctx = "seed " + SEED + " case " + c;
            assertEquals(msg.getId(), t.id(), ctx);
            assertEquals(msg.getComp(), t.comp(), ctx);
            assertEquals(msg.getStream(), t.stream(), ctx);
            assertEquals(msg.getTask(), t.task(), ctx);
            // json-smart maps come back as maps (tag 07), which is what a JSON child would see too.
            assertTrue(SmbChild.deepEquals(jvmTuple, t.values()), ctx + ": " + jvmTuple + " vs " + t.values());
        }
    }

    /** ~100k random and mutated frames: only IOException / NoOutputException, within a time bound. */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void mutatedAndRandomFramesOnlyEverThrowIoExceptions() throws Exception {
        int messages = 0;
        int ioErrors = 0;
        int eofs = 0;
        long started = System.nanoTime();
        for (int c = 0; c < CASES; c++) {
            byte[] bytes = rnd.nextInt(4) == 0 ? randomBytes() : mutate(validStream());
            BinarySerializer s = over(bytes);
            try {
                for (int i = 0; i < 64; i++) {
                    ShellMsg m = s.readShellMsg();
                    if (m == null || m.getCommand() == null) {
                        fail("case " + c + " (seed " + SEED + "): a message without a command from "
                            + SmbChild.hex(bytes, 200));
                    }
                    messages++;
                }
            } catch (NoOutputException e) {
                eofs++;
            } catch (IOException e) {
                if (e.getMessage() == null || !e.getMessage().startsWith("SMB1")) {
                    fail("case " + c + " (seed " + SEED + "): unexplained IOException " + e + " from "
                        + SmbChild.hex(bytes, 200), e);
                }
                ioErrors++;
            } catch (Throwable t) {
                fail("case " + c + " (seed " + SEED + "): " + t + " from " + SmbChild.hex(bytes, 200), t);
            }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("SMB1 fuzz: seed %d, %d cases in %d ms: %d messages decoded, %d IOException, %d EOF%n",
            SEED, CASES, ms, messages, ioErrors, eofs);
        assertEquals(CASES, ioErrors + eofs, "every case ends in an exception (the inputs are finite)");
        assertTrue(ioErrors > CASES / 10 && eofs > CASES / 10, "both kinds of ending are exercised");
    }

    private byte[] validStream() throws IOException {
        SmbChild.Out out = new SmbChild.Out();
        for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
            randomMessage(out);
        }
        return out.toByteArray();
    }

    /** Random bytes, often behind a plausible length prefix and a real kind byte. */
    private byte[] randomBytes() {
        byte[] b = new byte[rnd.nextInt(64)];
        rnd.nextBytes(b);
        if (b.length >= 5 && rnd.nextBoolean()) {
            int len = rnd.nextBoolean() ? b.length - 4 : rnd.nextInt(b.length + 8);
            b[0] = (byte) (len >>> 24);
            b[1] = (byte) (len >>> 16);
            b[2] = (byte) (len >>> 8);
            b[3] = (byte) len;
            b[4] = (byte) (0x10 + rnd.nextInt(9));
        }
        return b;
    }

    private byte[] mutate(byte[] in) {
        byte[] b = in;
        for (int n = 1 + rnd.nextInt(4); n > 0; n--) {
            switch (rnd.nextInt(8)) {
                case 0: // flip a bit
                    if (b.length > 0) {
                        b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                    break;
                case 1: // random byte
                    if (b.length > 0) {
                        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                    }
                    break;
                case 2: // truncate
                    b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                    break;
                case 3: { // insert random bytes
                    int at = rnd.nextInt(b.length + 1);
                    byte[] extra = new byte[1 + rnd.nextInt(8)];
                    rnd.nextBytes(extra);
                    byte[] out = new byte[b.length + extra.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(extra, 0, out, at, extra.length);
                    System.arraycopy(b, at, out, at + extra.length, b.length - at);
                    b = out;
                    break;
                }
                case 4: { // delete a range
                    if (b.length > 1) {
                        int at = rnd.nextInt(b.length);
                        int len = 1 + rnd.nextInt(Math.min(8, b.length - at));
                        byte[] out = new byte[b.length - len];
                        System.arraycopy(b, 0, out, 0, at);
                        System.arraycopy(b, at + len, out, at, b.length - at - len);
                        b = out;
                    }
                    break;
                }
                case 5: // an interesting 32-bit value (lengths, counts) somewhere
                    if (b.length >= 4) {
                        int[] interesting = {0, 1, -1, 0x7FFFFFFF, 0x80000000, 0x04000001, 0xFFFF, b.length};
                        int v = interesting[rnd.nextInt(interesting.length)];
                        int at = rnd.nextInt(b.length - 3);
                        b[at] = (byte) (v >>> 24);
                        b[at + 1] = (byte) (v >>> 16);
                        b[at + 2] = (byte) (v >>> 8);
                        b[at + 3] = (byte) v;
                    }
                    break;
                case 6: // a tag or kind byte
                    if (b.length > 0) {
                        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(0x20);
                    }
                    break;
                default: { // duplicate a slice (splicing frames)
                    if (b.length > 0) {
                        int at = rnd.nextInt(b.length);
                        int len = 1 + rnd.nextInt(b.length - at);
                        byte[] out = Arrays.copyOf(b, b.length + len);
                        System.arraycopy(b, at, out, b.length, len);
                        b = out;
                    }
                }
            }
        }
        return b;
    }
}
