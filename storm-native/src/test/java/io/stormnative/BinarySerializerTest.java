package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.storm.multilang.BoltMsg;
import org.apache.storm.multilang.JsonSerializer;
import org.apache.storm.multilang.NoOutputException;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.multilang.SpoutMsg;
import org.apache.storm.shade.net.minidev.json.JSONValue;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;
import org.junit.jupiter.api.Test;

/**
 * SMB1 as docs/binary-protocol.md writes it: literal byte vectors for every message kind, every
 * value tag both ways (through {@link SmbChild}, a child written from the spec), Unicode, a
 * multi-megabyte string, EOF and malformed frames.
 */
class BinarySerializerTest {

    /** A serializer reading {@code childBytes}; what it writes goes to {@code toChild}. */
    private static BinarySerializer reading(byte[] childBytes, ByteArrayOutputStream toChild) {
        BinarySerializer s = new BinarySerializer();
        s.initialize(toChild, new ByteArrayInputStream(childBytes));
        return s;
    }

    private static BinarySerializer reading(String hex) {
        return reading(SmbChild.unhex(hex), new ByteArrayOutputStream());
    }

    private static byte[] written(java.util.function.Consumer<BinarySerializer> write) {
        ByteArrayOutputStream toChild = new ByteArrayOutputStream();
        write.accept(reading(new byte[0], toChild));
        return toChild.toByteArray();
    }

    private interface IoWrite {
        void write(BinarySerializer s) throws IOException;
    }

    private static byte[] writes(IoWrite w) {
        return written(s -> {
            try {
                w.write(s);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    // ---- literal vectors, child -> JVM --------------------------------------------------------

    @Test
    void syncAckFailErrorLogMetricsFromLiteralBytes() throws Exception {
        BinarySerializer s = reading(String.join(" ",
            "00000001 14",                                   // sync
            "00000009 12 05 00000003 616263",                // ack "abc"
            "0000000a 13 03 000000000000002a",               // fail 42
            "00000009 16 00000004 626f6f6d",                 // error "boom"
            "00000008 15 03 00000002 6869",                  // log warn "hi"
            "00000008 15 09 00000002 6869",                  // log, level 9 -> INFO (as JSON's fromInt)
            "0000000f 17 00000001 6d 03 0000000000000002"));  // metrics "m" 2

        ShellMsg sync = s.readShellMsg();
        assertEquals("sync", sync.getCommand());
        assertEquals("default", sync.getStream());
        assertEquals(0, sync.getTask());

        ShellMsg ack = s.readShellMsg();
        assertEquals("ack", ack.getCommand());
        assertEquals("abc", ack.getId());

        ShellMsg fail = s.readShellMsg();
        assertEquals("fail", fail.getCommand());
        assertEquals(42L, fail.getId());

        ShellMsg error = s.readShellMsg();
        assertEquals("error", error.getCommand());
        assertEquals("boom", error.getMsg());

        ShellMsg log = s.readShellMsg();
        assertEquals("log", log.getCommand());
        assertEquals("hi", log.getMsg());
        assertEquals(ShellMsg.ShellLogLevel.WARN, log.getLogLevel());
        assertEquals(ShellMsg.ShellLogLevel.INFO, s.readShellMsg().getLogLevel());

        ShellMsg metrics = s.readShellMsg();
        assertEquals("metrics", metrics.getCommand());
        assertEquals("m", metrics.getMetricName());
        assertEquals(2L, metrics.getMetricParams());

        NoOutputException eof = assertThrows(NoOutputException.class, s::readShellMsg);
        assertTrue(eof.getMessage().startsWith("Pipe to subprocess seems to be broken! No output read."), eof.getMessage());
    }

    @Test
    void emitsFromLiteralBytes() throws Exception {
        BinarySerializer s = reading(String.join(" ",
            // no flags: default stream, task 0, no id, no anchors, need_task_ids off; tuple ["a"]
            "00000010 11 00 00000000 00000001 05 00000001 61",
            // every flag: stream "s", task 7, id 1, anchors ["x"], tuple [5]
            "0000002a 11 0f 00000001 73 00000007 03 0000000000000001 00000001 00000001 78 00000001 03 0000000000000005",
            // need task ids, two anchors, string id, empty tuple
            "0000001f 11 09 05 00000002 6964 00000002 00000003 616161 00000003 626262 00000000"));

        ShellMsg plain = s.readShellMsg();
        assertEquals("emit", plain.getCommand());
        assertEquals("default", plain.getStream());
        assertEquals(0, plain.getTask());
        assertNull(plain.getId());
        assertNull(plain.getAnchors());
        assertFalse(plain.areTaskIdsNeeded());
        assertEquals(List.of("a"), plain.getTuple());

        ShellMsg full = s.readShellMsg();
        assertEquals("s", full.getStream());
        assertEquals(7, full.getTask());
        assertEquals(1L, full.getId());
        assertEquals(List.of("x"), full.getAnchors());
        assertTrue(full.areTaskIdsNeeded());
        assertEquals(List.of(5L), full.getTuple());

        ShellMsg anchored = s.readShellMsg();
        assertTrue(anchored.areTaskIdsNeeded());
        assertEquals("id", anchored.getId());
        assertEquals(List.of("aaa", "bbb"), anchored.getAnchors());
        assertEquals(List.of(), anchored.getTuple());
    }

    // ---- literal vectors, JVM -> child --------------------------------------------------------

    @Test
    void taskIdsSpoutCommandsAndHeartbeatAsLiteralBytes() {
        assertEquals("0000000d04000000020000000100000002",
            SmbChild.hex(writes(s -> s.writeTaskIds(List.of(1, 2))), 1000));

        SpoutMsg next = new SpoutMsg();
        next.setCommand("next");
        assertEquals("0000000a03000000046e65787400", SmbChild.hex(writes(s -> s.writeSpoutMsg(next)), 1000));

        SpoutMsg ack = new SpoutMsg();
        ack.setCommand("ack");
        ack.setId(7L);
        assertEquals("00000011030000000361636b030000000000000007",
            SmbChild.hex(writes(s -> s.writeSpoutMsg(ack)), 1000));

        BoltMsg heartbeat = new BoltMsg();
        heartbeat.setId("1");
        heartbeat.setStream("__heartbeat");
        heartbeat.setTask(-1);
        heartbeat.setTuple(new ArrayList<>());
        assertEquals("00000021" + "02" + "0000000131" + "ffffffff" + "0000000b5f5f6865617274626561" + "74"
                + "ffffffff" + "00000000",
            SmbChild.hex(writes(s -> s.writeBoltMsg(heartbeat)), 1000));
    }

    @Test
    void handshakeWritesMagicAndSetupThenReadsThePid() throws Exception {
        ByteArrayOutputStream toChild = new ByteArrayOutputStream();
        BinarySerializer s = reading(SmbChild.unhex("00000005 10 000004d2"), toChild);
        assertEquals(1234, s.handshake("{}").intValue());
        assertEquals("00534d4201" + "00000007" + "01" + "00000002" + "7b7d", SmbChild.hex(toChild.toByteArray(), 1000));
    }

    @Test
    void handshakeWantsThePidFirst() {
        BinarySerializer s = reading("00000001 14");
        IOException e = assertThrows(IOException.class, () -> s.handshake("{}"));
        assertTrue(e.getMessage().contains("pid"), e.getMessage());
        assertThrows(NoOutputException.class, () -> reading("").handshake("{}"));
    }

    /** The setup frame carries exactly the JSON text Storm's JsonSerializer sends, from a real TopologyContext. */
    @Test
    void setupIsTheJsonSerializersObject() throws Exception {
        TopologyBuilder b = new TopologyBuilder();
        b.setSpout("spout", new org.apache.storm.testing.TestWordSpout(), 1);
        Map<String, Object> conf = new HashMap<>();
        conf.put("wordcount.spout.order", "sequential");
        conf.put("topology.workers", 1);
        Map<String, Map<String, Fields>> fields = new HashMap<>();
        fields.put("spout", Map.of("default", new Fields("sentence")));
        TopologyContext context = new TopologyContext(b.createTopology(), conf, Map.of(1, "spout"),
            Map.of("spout", List.of(1)), fields, new HashMap<>(), "wc-1-1", "/tmp/code", "/tmp/pids", 1, 6700,
            List.of(1), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new AtomicBoolean(false),
            null);

        ByteArrayOutputStream jsonOut = new ByteArrayOutputStream();
        JsonSerializer json = new JsonSerializer();
        json.initialize(jsonOut, new ByteArrayInputStream("{\"pid\": 77}\nend\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(77, json.connect(conf, context).intValue());
        String jsonText = jsonOut.toString(StandardCharsets.UTF_8);
        assertTrue(jsonText.endsWith("\nend\n"));

        ByteArrayOutputStream binOut = new ByteArrayOutputStream();
        BinarySerializer bin = reading(SmbChild.unhex("00000005 10 0000004d"), binOut);
        assertEquals(77, bin.connect(conf, context).intValue());
        DataInputStream child = new DataInputStream(new ByteArrayInputStream(binOut.toByteArray()));
        SmbChild.expectMagic(child);
        SmbChild.Setup setup = (SmbChild.Setup) SmbChild.read(child);
        assertEquals(jsonText.substring(0, jsonText.length() - "\nend\n".length()), setup.json());
        assertTrue(setup.json().contains("\"pidDir\":\"\\/tmp\\/pids\"") || setup.json().contains("\"pidDir\":\"/tmp/pids\""));
    }

    // ---- every tag, both ways -----------------------------------------------------------------

    private static Map<String, Object> mapOf(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void everyTagFromTheChild() throws Exception {
        List<Object> tuple = Arrays.asList(null, false, true, Long.MIN_VALUE, -0.5, "str", List.of(1L, List.of()),
            mapOf("k", "v", "n", null), new byte[] {0, -1, 2}, new SmbChild.Json("{\"a\":[1,2.5,\"x\"]}"),
            Double.NaN, Long.MAX_VALUE);
        byte[] bytes = new SmbChild.Out().emit(null, null, null, false, List.of(), tuple, false).toByteArray();
        List<Object> got = reading(bytes, new ByteArrayOutputStream()).readShellMsg().getTuple();

        assertEquals(tuple.size(), got.size());
        for (int i = 0; i < 9; i++) {
            assertTrue(SmbChild.deepEquals(tuple.get(i), got.get(i)), i + ": " + tuple.get(i) + " vs " + got.get(i));
        }
        // Tag 09 comes out as json-smart parses it, as with the JSON serializer.
        assertEquals(JSONValue.parse("{\"a\":[1,2.5,\"x\"]}"), got.get(9));
        assertTrue(((Double) got.get(10)).isNaN());
        assertEquals(Long.MAX_VALUE, got.get(11));
    }

    @Test
    void everyTagToTheChild() throws Exception {
        Map<Object, Object> intKeys = new HashMap<>();
        intKeys.put(1, "one");
        List<Object> tuple = Arrays.asList(null, false, true, 5, 6L, (short) 7, (byte) 8, 0.25, 0.1f, "s",
            List.of("a", 1L), Set.of("only"), mapOf("k", List.of()), intKeys, new byte[] {1, 2, 3},
            new Object[] {"arr", 2}, BigInteger.TEN, new BigInteger("123456789012345678901234567890"),
            new java.math.BigDecimal("1.5"));
        BoltMsg msg = new BoltMsg();
        msg.setId("-42");
        msg.setComp("split-bolt");
        msg.setStream("default");
        msg.setTask(3);
        msg.setTuple(tuple);
        byte[] bytes = writes(s -> s.writeBoltMsg(msg));

        SmbChild.Tuple t = (SmbChild.Tuple) SmbChild.read(new DataInputStream(new ByteArrayInputStream(bytes)));
        assertEquals("-42", t.id());
        assertEquals("split-bolt", t.comp());
        assertEquals("default", t.stream());
        assertEquals(3, t.task());
        List<Object> v = t.values();
        assertNull(v.get(0));
        assertEquals(false, v.get(1));
        assertEquals(true, v.get(2));
        assertEquals(5L, v.get(3));
        assertEquals(6L, v.get(4));
        assertEquals(7L, v.get(5));
        assertEquals(8L, v.get(6));
        assertEquals(0.25, v.get(7));
        assertEquals(0.1, v.get(8));
        assertEquals("s", v.get(9));
        assertEquals(List.of("a", 1L), v.get(10));
        assertEquals(List.of("only"), v.get(11));
        assertEquals(Map.of("k", List.of()), v.get(12));
        assertEquals(Map.of("1", "one"), v.get(13));
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) v.get(14));
        assertEquals(List.of("arr", 2L), v.get(15));
        assertEquals(10L, v.get(16));
        // What does not fit a tag travels as the JSON the JSON serializer would write.
        assertEquals(new SmbChild.Json("123456789012345678901234567890"), v.get(17));
        assertEquals(new SmbChild.Json("1.5"), v.get(18));
    }

    @Test
    void unicodeAndAMultiMegabyteStringBothWays() throws Exception {
        StringBuilder big = new StringBuilder();
        String unit = "Über café naïve — 日本語 🎉 \u0000 plain ascii ";
        while (big.length() < 6_000_000) {
            big.append(unit);
        }
        String huge = big.toString();
        List<Object> tuple = List.of("Über", "日本語", "🎉", huge);

        BoltMsg msg = new BoltMsg();
        msg.setId("1");
        msg.setComp("c");
        msg.setStream("ünï");
        msg.setTask(1);
        msg.setTuple(tuple);
        byte[] toChild = writes(s -> s.writeBoltMsg(msg));
        assertTrue(toChild.length > 6_000_000, "frame of " + toChild.length + " bytes");
        SmbChild.Tuple t = (SmbChild.Tuple) SmbChild.read(new DataInputStream(new ByteArrayInputStream(toChild)));
        assertEquals("ünï", t.stream());
        assertEquals(tuple, t.values());

        byte[] fromChild = new SmbChild.Out()
            .emit("ünï", null, null, false, List.of("⚓"), tuple, false)
            .log(2, huge)
            .toByteArray();
        BinarySerializer s = reading(fromChild, new ByteArrayOutputStream());
        ShellMsg emit = s.readShellMsg();
        assertEquals("ünï", emit.getStream());
        assertEquals(List.of("⚓"), emit.getAnchors());
        assertEquals(tuple, emit.getTuple());
        assertEquals(huge, s.readShellMsg().getMsg());
        assertThrows(NoOutputException.class, s::readShellMsg);
    }

    /** A message after a quiet window (here the first) is flushed: the child sees it without the JVM closing anything. */
    @Test
    void everyMessageIsFlushed() throws Exception {
        PipedInputStream childIn = new PipedInputStream(1 << 20);
        PipedOutputStream jvmOut = new PipedOutputStream(childIn);
        BinarySerializer s = new BinarySerializer();
        s.initialize(jvmOut, InputStream.nullInputStream());
        s.writeTaskIds(List.of(9));
        assertEquals(4 + 1 + 4 + 4, childIn.available());
        assertEquals(new SmbChild.TaskIds(List.of(9)), SmbChild.read(new DataInputStream(childIn)));
    }

    // ---- EOF and malformed frames -------------------------------------------------------------

    @Test
    void endOfOutputIsNoOutputExceptionLikeJsons() {
        for (String hex : new String[] {"", "0000", "00000005 10 00", "0000000a 13 03 0000"}) {
            NoOutputException e = assertThrows(NoOutputException.class, () -> reading(hex).readShellMsg(), hex);
            assertTrue(e.getMessage().startsWith("Pipe to subprocess seems to be broken!"), e.getMessage());
            assertTrue(e.getMessage().endsWith("Serializer Exception:\n"), e.getMessage());
        }
    }

    /** ShellProcess.destroy() closes the child's stdout under the reader: the same as EOF for Storm. */
    @Test
    void aPipeClosedUnderTheReaderIsNoOutputException() {
        InputStream closed = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("Stream closed");
            }
        };
        BinarySerializer s = new BinarySerializer();
        s.initialize(new ByteArrayOutputStream(), closed);
        NoOutputException e = assertThrows(NoOutputException.class, s::readShellMsg);
        assertTrue(e.getMessage().startsWith("Pipe to subprocess seems to be broken! No output read (Stream closed)."),
            e.getMessage());
        assertEquals("Stream closed", e.getCause().getMessage());
    }

    @Test
    void malformedFramesAreIoExceptionsWithAReason() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("00000000", "empty frame");
        cases.put("00000001 20", "unknown message kind 0x20");
        cases.put("00000001 02", "unknown message kind 0x02");
        cases.put("00000002 14 00", "1 bytes left over");
        cases.put("00000002 12 0a", "unknown value tag 0x0a");
        cases.put("00000006 16 00000005 61", "string needs 5 bytes, 1 left");
        cases.put("00000006 16 ffffffff 61", "string needs 4294967295 bytes");
        cases.put("00000007 16 00000002 c328", "not valid UTF-8");
        cases.put("0000000a 11 10 00000000 00000000", "unknown flags 0x10");
        cases.put("0000000a 11 00 00000000 7fffffff", "values do not fit");
        cases.put("0000000a 11 00 00000002 00000000", "anchors do not fit");
        cases.put("0000000b 17 00000001 6d 07 ffffffff", "map entries do not fit");
        cases.put("00000008 12 09 00000002 7b7b", "no valid JSON");
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            deep.append("06 00000001 ");
        }
        deep.append("00");
        int len = 1 + 300 * 5 + 1;
        cases.put(String.format("%08x 12 ", len) + deep, "nested deeper than 256");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            IOException e = assertThrows(IOException.class, () -> reading(c.getKey()).readShellMsg(), c.getKey());
            assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + " -> " + e.getMessage());
            assertTrue(e.getMessage().startsWith("SMB1"), e.getMessage());
        }
    }

    /**
     * A length over the limit is reported as soon as the header is read: here no payload follows
     * (a lying length), and skipping it would have waited for bytes that never come.
     */
    @Test
    void anOversizedFrameIsReportedFromItsHeaderAlone() throws Exception {
        Map<String, Object> conf = new HashMap<>();
        conf.put(BinarySerializer.MAX_FRAME_CONF, 16);
        BinarySerializer s = reading(new byte[] {0, 0, 0, 40}, new ByteArrayOutputStream());
        s.configure(conf); // what connect() does with the topology conf
        IOException e = assertThrows(IOException.class, s::readShellMsg);
        assertTrue(e.getMessage().contains("says 40 bytes (00000028), larger than the limit of 16"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot be resynchronised"), e.getMessage());
    }

    @Test
    void isSerializableWithANoArgConstructor() throws Exception {
        BinarySerializer s = BinarySerializer.class.getConstructor().newInstance();
        new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(s);
        s.initialize(new ByteArrayOutputStream(), InputStream.nullInputStream());
        new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(s);
    }
}
