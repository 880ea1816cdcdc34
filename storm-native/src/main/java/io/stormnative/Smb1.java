package io.stormnative;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.multilang.BoltMsg;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.multilang.SpoutMsg;
import org.apache.storm.shade.net.minidev.json.JSONValue;
import org.apache.storm.shade.net.minidev.json.parser.ParseException;

/**
 * The SMB1 codec (docs/binary-protocol.md) on byte arrays, with no I/O: {@link Encoder} builds
 * the frames the JVM sends (setup, tuples, spout commands, task ids), {@link Decoder} reads the
 * ones a component sends back into Storm's {@link ShellMsg} (or, in process, emits into a reused
 * {@link Emit} and ack ids as numbers). {@link BinarySerializer} puts them on
 * a child's pipes; {@link InProcessBolt} and {@link InProcessSpout} hand them to a component
 * library in the worker.
 */
final class Smb1 {
    /** Deepest list/map nesting accepted in a value (also bounds tag-09 JSON text). */
    static final int MAX_DEPTH = 256;

    // Kinds, JVM -> child.
    static final int SETUP = 0x01;
    static final int TUPLE = 0x02;
    static final int COMMAND = 0x03;
    static final int TASK_IDS = 0x04;
    // Kinds, child -> JVM.
    static final int PID = 0x10;
    static final int EMIT = 0x11;
    static final int ACK = 0x12;
    static final int FAIL = 0x13;
    static final int SYNC = 0x14;
    static final int LOG = 0x15;
    static final int ERROR = 0x16;
    static final int METRICS = 0x17;
    // Emit flags.
    static final int NEED_TASK_IDS = 1;
    static final int HAS_TASK = 2;
    static final int HAS_STREAM = 4;
    static final int HAS_ID = 8;
    // Value tags.
    static final int T_NULL = 0x00;
    static final int T_FALSE = 0x01;
    static final int T_TRUE = 0x02;
    static final int T_INT = 0x03;
    static final int T_FLOAT = 0x04;
    static final int T_STRING = 0x05;
    static final int T_LIST = 0x06;
    static final int T_MAP = 0x07;
    static final int T_BYTES = 0x08;
    static final int T_JSON = 0x09;

    static final String DEFAULT_STREAM = "default";
    /** Buffers start at this size. */
    static final int IO_BUFFER = 64 << 10;
    /** Buffers grown past this by a large message are dropped afterwards rather than kept. */
    static final int KEEP_BUFFER = 1 << 20;

    private Smb1() {
    }

    static String hex(int b) {
        return String.format("0x%02x", b);
    }

    /**
     * A frame being built: 4 bytes for its length, then the payload. A growable buffer with
     * big-endian puts: what DataOutputStream over a ByteArrayOutputStream does, without a
     * synchronized call per byte.
     */
    static final class Encoder {
        private byte[] buf = new byte[IO_BUFFER];
        private int count = 4;

        void reset() {
            count = 4;
        }

        /** Drops a buffer a large message grew, for a new one of the first size. */
        void shrink() {
            buf = new byte[IO_BUFFER];
            count = 4;
        }

        /** The framed size: length prefix and payload. */
        int size() {
            return count;
        }

        int capacity() {
            return buf.length;
        }

        private void ensure(int n) {
            if (n > buf.length - count) {
                long want = Math.max((long) count + n, 2L * buf.length);
                if (want > Integer.MAX_VALUE - 8) {
                    if ((long) count + n > Integer.MAX_VALUE - 8) {
                        throw new OutOfMemoryError("SMB1: a frame over 2 GiB");
                    }
                    want = Integer.MAX_VALUE - 8;
                }
                buf = Arrays.copyOf(buf, (int) want);
            }
        }

        void writeByte(int v) {
            ensure(1);
            buf[count++] = (byte) v;
        }

        void writeInt(int v) {
            ensure(4);
            byte[] b = buf;
            int c = count;
            b[c] = (byte) (v >>> 24);
            b[c + 1] = (byte) (v >>> 16);
            b[c + 2] = (byte) (v >>> 8);
            b[c + 3] = (byte) v;
            count = c + 4;
        }

        void writeLong(long v) {
            writeInt((int) (v >>> 32));
            writeInt((int) v);
        }

        void writeDouble(double v) {
            writeLong(Double.doubleToRawLongBits(v));
        }

        void write(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, count, bytes.length);
            count += bytes.length;
        }

        /** Fills in the length and writes the whole frame. */
        void writeTo(OutputStream out) throws IOException {
            int len = count - 4;
            buf[0] = (byte) (len >>> 24);
            buf[1] = (byte) (len >>> 16);
            buf[2] = (byte) (len >>> 8);
            buf[3] = (byte) len;
            out.write(buf, 0, count);
        }

        /** The frame so far, length prefix included (filled in by {@link #finish}). */
        byte[] array() {
            return buf;
        }

        /** Fills in the length prefix: the frame is {@code array()[0 .. size())}. */
        void finish() {
            int len = count - 4;
            buf[0] = (byte) (len >>> 24);
            buf[1] = (byte) (len >>> 16);
            buf[2] = (byte) (len >>> 8);
            buf[3] = (byte) len;
        }

        /** Starts a new frame with the setup message carrying {@code json}. */
        void setup(String json) throws IOException {
            reset();
            writeByte(SETUP);
            writeStr(json);
        }

        /** Starts a new frame with a tuple. */
        void tuple(BoltMsg msg) throws IOException {
            reset();
            writeByte(TUPLE);
            String id = msg.getId();
            if (id == null) {
                throw new IOException("SMB1: a tuple needs an id");
            }
            writeStr(id);
            tupleRest(msg.getComp(), msg.getStream(), (int) msg.getTask(), msg.getTuple());
        }

        /**
         * Starts a new frame with a tuple whose id is {@code id} in decimal: the same bytes as
         * {@link #tuple(BoltMsg)} with {@code Long.toString(id)}, written without the string.
         */
        void tuple(long id, String comp, String stream, int task, List<Object> values) throws IOException {
            reset();
            writeByte(TUPLE);
            writeDecimal(id);
            tupleRest(comp, stream, task, values);
        }

        private void tupleRest(String comp, String stream, int task, List<Object> values) throws IOException {
            if (comp == null) {
                writeInt(-1);
            } else {
                write(comp == lastComp ? lastCompUtf8 : compUtf8(comp));
            }
            stream = stream == null ? DEFAULT_STREAM : stream;
            write(stream == lastStream ? lastStreamUtf8 : streamUtf8(stream));
            writeInt(task);
            writeValues(values == null ? Collections.emptyList() : values, 0);
        }

        // A task's tuples come from few components and streams, each the same String object
        // (Storm's context), so the last one's bytes (length prefix included) are kept.
        private String lastComp;
        private byte[] lastCompUtf8;
        private String lastStream;
        private byte[] lastStreamUtf8;

        private byte[] compUtf8(String comp) {
            lastCompUtf8 = prefixed(comp);
            lastComp = comp;
            return lastCompUtf8;
        }

        private byte[] streamUtf8(String stream) {
            lastStreamUtf8 = prefixed(stream);
            lastStream = stream;
            return lastStreamUtf8;
        }

        /** A string as {@link #writeStr} writes it. */
        private static byte[] prefixed(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[4 + utf8.length];
            int n = utf8.length;
            out[0] = (byte) (n >>> 24);
            out[1] = (byte) (n >>> 16);
            out[2] = (byte) (n >>> 8);
            out[3] = (byte) n;
            System.arraycopy(utf8, 0, out, 4, n);
            return out;
        }

        /** {@code v} as the string {@code Long.toString(v)}. */
        private void writeDecimal(long v) throws IOException {
            if (v < 0) {
                writeStr(Long.toString(v));
                return;
            }
            int digits = 1;
            for (long rest = v / 10; rest != 0; rest /= 10) {
                digits++;
            }
            writeInt(digits);
            ensure(digits);
            byte[] b = buf;
            for (int i = count + digits - 1; i >= count; i--) {
                b[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            count += digits;
        }

        /** Starts a new frame with a spout command. */
        void command(SpoutMsg msg) throws IOException {
            command(msg.getCommand(), msg.getId());
        }

        /** Starts a new frame with the spout command {@code command} and its id (null: none). */
        void command(String command, Object id) throws IOException {
            reset();
            writeByte(COMMAND);
            switch (command) {
                case "next" -> write(NEXT_UTF8);
                case "ack" -> write(ACK_UTF8);
                case "fail" -> write(FAIL_UTF8);
                default -> writeStr(command);
            }
            writeValue(id, 0);
        }

        private static final byte[] NEXT_UTF8 = prefixed("next");
        private static final byte[] ACK_UTF8 = prefixed("ack");
        private static final byte[] FAIL_UTF8 = prefixed("fail");

        /** Starts a new frame with the task ids of an emit. */
        void taskIds(List<Integer> taskIds) {
            reset();
            writeByte(TASK_IDS);
            writeInt(taskIds.size());
            for (Integer task : taskIds) {
                writeInt(task);
            }
        }

        private void writeStr(String s) throws IOException {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            writeInt(utf8.length);
            write(utf8);
        }

        private void writeValues(Collection<?> values, int depth) throws IOException {
            writeInt(values.size());
            int n = 0;
            for (Object v : values) {
                writeValue(v, depth);
                n++;
            }
            if (n != values.size()) {
                throw new IOException("SMB1: a collection changed size while being written");
            }
        }

        private void writeValue(Object v, int depth) throws IOException {
            if (depth > MAX_DEPTH) {
                throw new IOException("SMB1: value nested deeper than " + MAX_DEPTH + " (a cycle?)");
            }
            if (v == null) {
                writeByte(T_NULL);
            } else if (v instanceof String) {
                writeByte(T_STRING);
                writeStr((String) v);
            } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                writeByte(T_INT);
                writeLong(((Number) v).longValue());
            } else if (v instanceof Double) {
                writeByte(T_FLOAT);
                writeDouble((Double) v);
            } else if (v instanceof Float) {
                // The value a JSON child would read from Float.toString (0.1f reads as 0.1, not 0.100000001).
                writeByte(T_FLOAT);
                writeDouble(Double.parseDouble(v.toString()));
            } else if (v instanceof Boolean) {
                writeByte((Boolean) v ? T_TRUE : T_FALSE);
            } else if (v instanceof List || v instanceof Collection) {
                writeByte(T_LIST);
                writeValues((Collection<?>) v, depth + 1);
            } else if (v instanceof Map) {
                writeByte(T_MAP);
                Map<?, ?> map = (Map<?, ?>) v;
                writeInt(map.size());
                int n = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    // JSON keys are strings: the JSON serializer writes any other key as its toString.
                    writeStr(String.valueOf(e.getKey()));
                    writeValue(e.getValue(), depth + 1);
                    n++;
                }
                if (n != map.size()) {
                    throw new IOException("SMB1: a map changed size while being written");
                }
            } else if (v instanceof byte[]) {
                byte[] bytes = (byte[]) v;
                writeByte(T_BYTES);
                writeInt(bytes.length);
                write(bytes);
            } else if (v instanceof Object[]) {
                Object[] array = (Object[]) v;
                writeByte(T_LIST);
                writeInt(array.length);
                for (Object o : array) {
                    writeValue(o, depth + 1);
                }
            } else if (v instanceof BigInteger && ((BigInteger) v).bitLength() < 64) {
                writeByte(T_INT);
                writeLong(((BigInteger) v).longValue());
            } else {
                // Anything else travels as the JSON text the JSON serializer would have written for it.
                writeByte(T_JSON);
                writeStr(JSONValue.toJSONString(v));
            }
        }
    }

    /**
     * An emit as {@link Decoder#emit} reads it, for the in-process bridge: one object reused for
     * every emit of a task, read before the next is decoded (the values list is new each time:
     * Storm keeps it).
     */
    static final class Emit {
        String stream;
        int task;
        /** The spout's message id; null if none. */
        Object id;
        boolean needTaskIds;
        List<Object> values;
        /** Anchors that are tuple ids, the first {@link #anchorCount} of them. */
        long[] anchors = new long[4];
        int anchorCount;
        /** Anchors that are not (as sent, to be reported); null if none. */
        List<String> otherAnchors;

        void addAnchor(long id) {
            if (anchorCount == anchors.length) {
                anchors = Arrays.copyOf(anchors, anchorCount * 2);
            }
            anchors[anchorCount++] = id;
        }
    }

    /**
     * Reads messages from frames in a byte array: {@link #wrap} one frame's payload (its kind
     * byte first), then {@link #message} or {@link #pid}. Strict: a length running past the
     * frame, an unknown kind or tag, bytes left over, invalid UTF-8 or nesting deeper than
     * {@value #MAX_DEPTH} is an {@link IOException} that says where.
     */
    static final class Decoder {
        private byte[] frame;
        private int start;
        private int pos;
        private int end;
        private int kind;
        private final CharsetDecoder strictUtf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

        /** Points at the payload of {@code len} bytes (kind first) at {@code from} in {@code frame}. */
        void wrap(byte[] frame, int from, int len) {
            this.frame = frame;
            this.start = from;
            this.kind = frame[from] & 0xFF;
            this.pos = from + 1;
            this.end = from + len;
        }

        int kind() {
            return kind;
        }

        /** The pid message's pid. */
        int pid() throws IOException {
            if (kind != PID) {
                throw malformed("expected the pid message (kind 0x10) first, got kind " + hex(kind));
            }
            int pid = readI32();
            finishFrame();
            return pid;
        }

        /** Decodes the message between {@link #wrap}'s bounds; it must use them exactly. */
        ShellMsg message() throws IOException {
            ShellMsg msg = new ShellMsg();
            // JsonSerializer's defaults for keys a message lacks.
            msg.setStream(DEFAULT_STREAM);
            msg.setTask(0);
            switch (kind) {
                case EMIT:
                    msg.setCommand("emit");
                    readEmit(msg);
                    break;
                case ACK:
                    msg.setCommand("ack");
                    msg.setId(readValue(0));
                    break;
                case FAIL:
                    msg.setCommand("fail");
                    msg.setId(readValue(0));
                    break;
                case SYNC:
                    msg.setCommand("sync");
                    break;
                case LOG:
                    msg.setCommand("log");
                    msg.setLogLevel(readU8());
                    msg.setMsg(readStr());
                    break;
                case ERROR:
                    msg.setCommand("error");
                    msg.setMsg(readStr());
                    break;
                case METRICS:
                    msg.setCommand("metrics");
                    msg.setMetricName(readStr());
                    msg.setMetricParams(readValue(0));
                    break;
                case PID:
                    // Only expected in connect(); Storm ignores (bolt) or rejects (spout) unknown commands.
                    msg.setCommand("pid");
                    msg.setId(readI32());
                    break;
                default:
                    throw malformed("unknown message kind " + hex(kind));
            }
            finishFrame();
            return msg;
        }

        /**
         * Decodes an emit ({@link #kind} {@link #EMIT}) into {@code e}, which is reused: what
         * {@link #message} would put in a {@link ShellMsg}, with anchors that are decimal tuple
         * ids as numbers (the in-process bolt's own ids) and no other object made for them.
         */
        void emit(Emit e) throws IOException {
            int flags = readU8();
            if ((flags & ~0x0F) != 0) {
                throw malformed("emit with unknown flags " + hex(flags));
            }
            e.needTaskIds = (flags & NEED_TASK_IDS) != 0;
            e.stream = (flags & HAS_STREAM) != 0 ? readStr() : DEFAULT_STREAM;
            e.task = (flags & HAS_TASK) != 0 ? readI32() : 0;
            e.id = (flags & HAS_ID) != 0 ? readValue(0) : null;
            int anchors = readCount(4, "anchor");
            e.anchorCount = 0;
            e.otherAnchors = null;
            for (int i = 0; i < anchors; i++) {
                int len = readI32();
                need(len, "anchor");
                long id = decimal(pos, len);
                if (id >= 0) {
                    e.addAnchor(id);
                    pos += len;
                } else {
                    if (e.otherAnchors == null) {
                        e.otherAnchors = new ArrayList<>(1);
                    }
                    e.otherAnchors.add(utf8(len));
                }
            }
            e.values = readValues(0);
            finishFrame();
        }

        /**
         * The id of an ack or fail ({@link #kind} {@link #ACK} or {@link #FAIL}) when it is a tuple
         * id (a decimal string, or an integer, from 0), else -1: then {@link #message} on the same
         * frame gives what was sent.
         */
        long tupleId() throws IOException {
            int tag = readU8();
            long id = -1;
            if (tag == T_STRING) {
                int len = readI32();
                need(len, "string");
                id = decimal(pos, len);
                pos += len;
            } else if (tag == T_INT) {
                id = readI64();
            } else {
                pos--;
                readValue(0);
            }
            finishFrame();
            if (id < 0) {
                pos = start + 1;
                return -1;
            }
            return id;
        }

        /** A sync: nothing but its kind. */
        void sync() throws IOException {
            finishFrame();
        }

        /** The value of the {@code len} ASCII digits at {@code at} (1 to 18 of them), else -1. */
        private long decimal(int at, int len) {
            if (len < 1 || len > 18) {
                return -1;
            }
            long v = 0;
            for (int i = at; i < at + len; i++) {
                int d = frame[i] - '0';
                if (d < 0 || d > 9) {
                    return -1;
                }
                v = v * 10 + d;
            }
            return v;
        }

        private void readEmit(ShellMsg msg) throws IOException {
            int flags = readU8();
            if ((flags & ~0x0F) != 0) {
                throw malformed("emit with unknown flags " + hex(flags));
            }
            msg.setNeedTaskIds((flags & NEED_TASK_IDS) != 0);
            if ((flags & HAS_STREAM) != 0) {
                msg.setStream(readStr());
            }
            if ((flags & HAS_TASK) != 0) {
                msg.setTask(readI32());
            }
            if ((flags & HAS_ID) != 0) {
                msg.setId(readValue(0));
            }
            int anchors = readCount(4, "anchor");
            for (int i = 0; i < anchors; i++) {
                msg.addAnchor(readStr());
            }
            msg.setTuple(readValues(0));
        }

        /** A message must use its frame exactly. */
        private void finishFrame() throws IOException {
            if (pos != end) {
                throw malformed((end - pos) + " bytes left over after the message");
            }
        }

        private IOException malformed(String what) {
            return new IOException("SMB1: malformed frame (kind " + hex(kind) + ", " + (end - start) + " bytes, at offset "
                + (pos - start) + "): " + what);
        }

        private void need(int n, String what) throws IOException {
            if (n < 0 || n > end - pos) {
                throw malformed(what + " needs " + (n & 0xFFFFFFFFL) + " bytes, " + (end - pos) + " left");
            }
        }

        private int readU8() throws IOException {
            need(1, "u8");
            return frame[pos++] & 0xFF;
        }

        private int readI32() throws IOException {
            need(4, "i32");
            byte[] b = frame;
            int p = pos;
            pos = p + 4;
            return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
        }

        private long readI64() throws IOException {
            need(8, "i64");
            long hi = readI32() & 0xFFFFFFFFL;
            return hi << 32 | (readI32() & 0xFFFFFFFFL);
        }

        /** A u32 count of items at least {@code minSize} bytes each: more than the frame holds is malformed. */
        private int readCount(int minSize, String what) throws IOException {
            int n = readI32();
            if (n < 0 || (long) n * minSize > end - pos) {
                throw malformed((n & 0xFFFFFFFFL) + " " + what + "s do not fit in the " + (end - pos) + " bytes left");
            }
            return n;
        }

        private String readStr() throws IOException {
            int len = readI32();
            need(len, "string");
            return utf8(len);
        }

        private String utf8(int len) throws IOException {
            int p = pos;
            String s = new String(frame, p, len, StandardCharsets.UTF_8);
            pos = p + len;
            // The decoder above replaces bad bytes with U+FFFD; only then check strictly (rare: never for ASCII).
            if (s.indexOf('\uFFFD') >= 0) {
                try {
                    strictUtf8.reset().decode(ByteBuffer.wrap(frame, p, len));
                } catch (CharacterCodingException e) {
                    pos = p;
                    throw malformed("string of " + len + " bytes is not valid UTF-8");
                }
            }
            return s;
        }

        private List<Object> readValues(int depth) throws IOException {
            int n = readCount(1, "value");
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(readValue(depth));
            }
            return list;
        }

        private Object readValue(int depth) throws IOException {
            int tag = readU8();
            switch (tag) {
                case T_NULL:
                    return null;
                case T_FALSE:
                    return Boolean.FALSE;
                case T_TRUE:
                    return Boolean.TRUE;
                case T_INT:
                    return readI64();
                case T_FLOAT:
                    return Double.longBitsToDouble(readI64());
                case T_STRING:
                    return readStr();
                case T_LIST:
                    checkDepth(depth);
                    return readValues(depth + 1);
                case T_MAP: {
                    checkDepth(depth);
                    int n = readCount(5, "map entrie");
                    Map<String, Object> map = new HashMap<>(Math.max(4, n * 4 / 3 + 1));
                    for (int i = 0; i < n; i++) {
                        String key = readStr();
                        map.put(key, readValue(depth + 1));
                    }
                    return map;
                }
                case T_BYTES: {
                    int len = readI32();
                    need(len, "bytes");
                    byte[] bytes = new byte[len];
                    System.arraycopy(frame, pos, bytes, 0, len);
                    pos += len;
                    return bytes;
                }
                case T_JSON:
                    return parseJson(readStr(), depth);
                default:
                    pos--;
                    throw malformed("unknown value tag " + hex(tag));
            }
        }

        private void checkDepth(int depth) throws IOException {
            if (depth >= MAX_DEPTH) {
                throw malformed("value nested deeper than " + MAX_DEPTH);
            }
        }

        private Object parseJson(String text, int depth) throws IOException {
            // json-smart parses recursively: refuse what could overflow the stack before it sees it.
            int nesting = depth;
            boolean inString = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (inString) {
                    if (c == '\\') {
                        i++;
                    } else if (c == '"') {
                        inString = false;
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == '[' || c == '{') {
                    if (++nesting > MAX_DEPTH) {
                        throw malformed("JSON value nested deeper than " + MAX_DEPTH);
                    }
                } else if (c == ']' || c == '}') {
                    nesting--;
                }
            }
            try {
                return JSONValue.parseWithException(text);
            } catch (ParseException | RuntimeException | StackOverflowError e) {
                // The scan above does not know json-smart's permissive syntax (e.g. single quotes): the
                // stack guard is the last line.
                IOException io = malformed("tag 09 holds no valid JSON value: " + e);
                io.initCause(e);
                throw io;
            }
        }
    }
}
