package io.stormnative;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The child's side of SMB1 (docs/binary-protocol.md), written from the spec with plain
 * DataOutputStream/DataInputStream, independently of {@link BinarySerializer}: it encodes what a
 * component sends and decodes what Storm sends.
 */
final class SmbChild {
    private SmbChild() {
    }

    /** A value sent as tag 09: JSON text. */
    record Json(String text) {
    }

    // ---- child -> JVM ------------------------------------------------------------------------

    /** Frames written back to back, as a child writes them. */
    static final class Out {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream stream = new DataOutputStream(bytes);

        /** Frames {@code payload} (kind byte first) and appends it. */
        Out frame(byte[] payload) throws IOException {
            stream.writeInt(payload.length);
            stream.write(payload);
            return this;
        }

        Out pid(int pid) throws IOException {
            Body b = new Body(0x10);
            b.d.writeInt(pid);
            return frame(b.bytes());
        }

        Out emit(String stream, Integer task, Object id, boolean hasId, List<String> anchors, List<?> tuple,
                 boolean needTaskIds) throws IOException {
            Body b = new Body(0x11);
            int flags = (needTaskIds ? 1 : 0) | (task != null ? 2 : 0) | (stream != null ? 4 : 0) | (hasId ? 8 : 0);
            b.d.writeByte(flags);
            if (stream != null) {
                str(b.d, stream);
            }
            if (task != null) {
                b.d.writeInt(task);
            }
            if (hasId) {
                value(b.d, id);
            }
            b.d.writeInt(anchors.size());
            for (String a : anchors) {
                str(b.d, a);
            }
            values(b.d, tuple);
            return frame(b.bytes());
        }

        Out ack(Object id) throws IOException {
            Body b = new Body(0x12);
            value(b.d, id);
            return frame(b.bytes());
        }

        Out fail(Object id) throws IOException {
            Body b = new Body(0x13);
            value(b.d, id);
            return frame(b.bytes());
        }

        Out sync() throws IOException {
            return frame(new Body(0x14).bytes());
        }

        Out log(int level, String msg) throws IOException {
            Body b = new Body(0x15);
            b.d.writeByte(level);
            str(b.d, msg);
            return frame(b.bytes());
        }

        Out error(String msg) throws IOException {
            Body b = new Body(0x16);
            str(b.d, msg);
            return frame(b.bytes());
        }

        Out metrics(String name, Object params) throws IOException {
            Body b = new Body(0x17);
            str(b.d, name);
            value(b.d, params);
            return frame(b.bytes());
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }

    /** A payload under construction: kind byte, then fields. */
    static final class Body {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        final DataOutputStream d = new DataOutputStream(buf);

        Body(int kind) throws IOException {
            d.writeByte(kind);
        }

        byte[] bytes() {
            return buf.toByteArray();
        }
    }

    static void str(DataOutputStream d, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.writeInt(b.length);
        d.write(b);
    }

    static void values(DataOutputStream d, List<?> values) throws IOException {
        d.writeInt(values.size());
        for (Object v : values) {
            value(d, v);
        }
    }

    /** Tags: 00 null, 01/02 bools, 03 Long/Integer, 04 Double, 05 String, 06 List, 07 Map, 08 byte[], 09 Json. */
    static void value(DataOutputStream d, Object v) throws IOException {
        if (v == null) {
            d.writeByte(0x00);
        } else if (v instanceof Boolean) {
            d.writeByte((Boolean) v ? 0x02 : 0x01);
        } else if (v instanceof Long || v instanceof Integer) {
            d.writeByte(0x03);
            d.writeLong(((Number) v).longValue());
        } else if (v instanceof Double) {
            d.writeByte(0x04);
            d.writeDouble((Double) v);
        } else if (v instanceof String) {
            d.writeByte(0x05);
            str(d, (String) v);
        } else if (v instanceof List) {
            d.writeByte(0x06);
            values(d, (List<?>) v);
        } else if (v instanceof Map) {
            d.writeByte(0x07);
            Map<?, ?> m = (Map<?, ?>) v;
            d.writeInt(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                str(d, (String) e.getKey());
                value(d, e.getValue());
            }
        } else if (v instanceof byte[]) {
            d.writeByte(0x08);
            d.writeInt(((byte[]) v).length);
            d.write((byte[]) v);
        } else if (v instanceof Json) {
            d.writeByte(0x09);
            str(d, ((Json) v).text());
        } else {
            throw new IllegalArgumentException("no tag for " + v.getClass());
        }
    }

    // ---- JVM -> child ------------------------------------------------------------------------

    record Setup(String json) {
    }

    record Tuple(String id, String comp, String stream, int task, List<Object> values) {
    }

    record Command(String command, Object id) {
    }

    record TaskIds(List<Integer> ids) {
    }

    static void expectMagic(DataInputStream in) throws IOException {
        byte[] magic = new byte[5];
        in.readFully(magic);
        if (!Arrays.equals(magic, new byte[] {0, 'S', 'M', 'B', 1})) {
            throw new IOException("bad magic " + Arrays.toString(magic));
        }
    }

    /** Reads one frame Storm wrote and decodes it (Setup, Tuple, Command or TaskIds). */
    static Object read(DataInputStream in) throws IOException {
        int len = in.readInt();
        byte[] payload = new byte[len];
        in.readFully(payload);
        DataInputStream p = new DataInputStream(new java.io.ByteArrayInputStream(payload));
        int kind = p.readUnsignedByte();
        Object msg;
        switch (kind) {
            case 0x01:
                msg = new Setup(str(p));
                break;
            case 0x02: {
                String id = str(p);
                String comp = nstr(p);
                String stream = str(p);
                int task = p.readInt();
                msg = new Tuple(id, comp, stream, task, values(p));
                break;
            }
            case 0x03:
                msg = new Command(str(p), value(p));
                break;
            case 0x04: {
                int n = p.readInt();
                List<Integer> ids = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ids.add(p.readInt());
                }
                msg = new TaskIds(ids);
                break;
            }
            default:
                throw new IOException("unknown kind " + kind);
        }
        if (p.available() != 0) {
            throw new IOException(p.available() + " trailing bytes in kind " + kind);
        }
        return msg;
    }

    static String str(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static String nstr(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len == -1) {
            return null;
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static List<Object> values(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(value(in));
        }
        return out;
    }

    static Object value(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        switch (tag) {
            case 0x00:
                return null;
            case 0x01:
                return false;
            case 0x02:
                return true;
            case 0x03:
                return in.readLong();
            case 0x04:
                return in.readDouble();
            case 0x05:
                return str(in);
            case 0x06:
                return values(in);
            case 0x07: {
                int n = in.readInt();
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    String k = str(in);
                    m.put(k, value(in));
                }
                return m;
            }
            case 0x08: {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                return b;
            }
            case 0x09:
                return new Json(str(in));
            default:
                throw new IOException("unknown tag " + tag);
        }
    }

    /** Equality that compares byte arrays by content, numbers of any integral type by value. */
    static boolean deepEquals(Object a, Object b) {
        if (a instanceof byte[] && b instanceof byte[]) {
            return Arrays.equals((byte[]) a, (byte[]) b);
        }
        if (a instanceof List && b instanceof List) {
            List<?> x = (List<?>) a;
            List<?> y = (List<?>) b;
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!deepEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map && b instanceof Map) {
            Map<?, ?> x = (Map<?, ?>) a;
            Map<?, ?> y = (Map<?, ?>) b;
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !deepEquals(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if ((a instanceof Long || a instanceof Integer) && (b instanceof Long || b instanceof Integer)) {
            return ((Number) a).longValue() == ((Number) b).longValue();
        }
        return Objects.equals(a, b);
    }

    /** Hex of bytes, for failure messages and literal vectors ("00 00 00 01 14"). */
    static String hex(byte[] b, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, max); i++) {
            sb.append(String.format("%02x", b[i] & 0xFF));
        }
        if (b.length > max) {
            sb.append("...(").append(b.length).append(" bytes)");
        }
        return sb.toString();
    }

    static byte[] unhex(String s) {
        String h = s.replaceAll("\\s+", "");
        byte[] out = new byte[h.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
