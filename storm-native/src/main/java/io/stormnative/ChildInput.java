package io.stormnative;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * The child's stdout as the serializer reads it, watched: the last {@value #TAIL} bytes are kept
 * so that a message the host cannot use is reported with its bytes, and, for the JSON protocol,
 * a message may not grow past {@value #MAX_MESSAGE_CONF} (default 64 MiB, as SMB1's frame limit):
 * Storm's JsonSerializer gathers lines until {@code end} without a limit, so a child that never
 * writes {@code end} would fill the worker's heap. Also for JSON only, a line that cannot begin
 * a message (it does not start with a brace or bracket: a child's debugging print on stdout, a
 * stray {@code end}) is taken out of the stream and reported; Storm's reader would glue it to the
 * next message and lose both.
 */
final class ChildInput extends FilterInputStream {
    /** Topology conf key: the largest JSON message a child may send, in bytes. */
    static final String MAX_MESSAGE_CONF = "multilang.max.message.bytes";
    static final int DEFAULT_MAX_MESSAGE = 64 << 20;
    static final int TAIL = 256;
    private static final byte[] END = {'\n', 'e', 'n', 'd', '\n'};

    private final byte[] tail = new byte[TAIL];
    private long total;
    /** -1: no limit and no filtering (a framed protocol with a limit of its own). */
    private final long maxMessage;
    private long sinceEnd;
    /** How many bytes of "\nend\n" the last bytes matched. */
    private int endMatch;
    private static final int START = 0;
    private static final int PASS = 1;
    private static final int JUNK = 2;
    /** JSON only: before a message's first byte, inside a message, or in a line that is not one. */
    private int state = START;
    private final StringBuilder junk = new StringBuilder();
    private long junkBytes;
    private volatile Consumer<String> onJunk;
    private final byte[] raw = new byte[8192];

    /**
     * @param maxMessage the JSON message limit, or -1 for a serializer with frames of its own
     *     (then the bytes pass untouched)
     * @param onJunk told each line (cut short) dropped before a message because it cannot start
     *     one, e.g. a child's debugging print on stdout
     */
    ChildInput(InputStream in, long maxMessage, Consumer<String> onJunk) {
        super(in);
        this.maxMessage = maxMessage;
        this.onJunk = onJunk;
    }

    /** Who is told of dropped lines from now on. */
    void onJunk(Consumer<String> c) {
        onJunk = c;
    }

    /**
     * JSON: 0, always. A reader that sees bytes available reads on before it returns what it
     * has; if those bytes are a line this stream drops, that read would wait for the child's next
     * message while a whole one is already decoded.
     */
    @Override
    public int available() throws IOException {
        return maxMessage < 0 ? super.available() : 0;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (maxMessage < 0) {
            int n = super.read(b, off, len);
            for (int i = 0; i < n; i++) {
                record(b[off + i]);
            }
            return n;
        }
        // JSON: lines that cannot begin a message are taken out, so the reader sees messages only.
        while (true) {
            int n = in.read(raw, 0, Math.min(len, raw.length));
            if (n < 0) {
                return -1;
            }
            int out = 0;
            for (int i = 0; i < n; i++) {
                byte c = raw[i];
                record(c);
                if (++sinceEnd > maxMessage) {
                    throw new IOException("a message longer than " + maxMessage + " bytes without its end line ("
                        + MAX_MESSAGE_CONF + "); the last bytes: " + lastBytes());
                }
                switch (state) {
                    case START -> {
                        if (c == '{' || c == '[') {
                            state = PASS;
                            endMatch = 0;
                            b[off + out++] = c;
                        } else if (c == '\n') {
                            sinceEnd = 0; // a blank line between messages: nothing to drop
                        } else if (c != ' ' && c != '\t' && c != '\r') {
                            state = JUNK;
                            junkByte(c);
                        }
                    }
                    case PASS -> {
                        b[off + out++] = c;
                        if (c != '\r') { // "end\r\n" ends a message as well (Storm reads lines)
                            endMatch = c == END[endMatch] ? endMatch + 1 : (c == '\n' ? 1 : 0);
                            if (endMatch == END.length) {
                                state = START;
                                sinceEnd = 0;
                            }
                        }
                    }
                    default -> {
                        if (c == '\n') {
                            state = START;
                            sinceEnd = 0;
                            String line = junk + (junkBytes > junk.length() ? "... (" + junkBytes + " bytes)" : "");
                            junk.setLength(0);
                            junkBytes = 0;
                            Consumer<String> c2 = onJunk;
                            if (c2 != null) {
                                c2.accept(line);
                            }
                        } else {
                            junkByte(c);
                        }
                    }
                }
            }
            if (out > 0) {
                return out;
            }
        }
    }

    private void junkByte(byte c) {
        junkBytes++;
        if (junk.length() < 200) {
            int u = c & 0xff;
            junk.append(u >= 0x20 && u < 0x7f ? String.valueOf((char) u) : String.format("\\x%02x", u));
        }
    }

    private void record(byte b) {
        synchronized (tail) {
            tail[(int) (total % TAIL)] = b;
            total++;
        }
    }

    /** The last bytes read, printable: non-ASCII and control bytes as \xNN, newlines as \n. */
    String lastBytes() {
        StringBuilder s = new StringBuilder();
        synchronized (tail) {
            long from = Math.max(0, total - TAIL);
            if (from > 0) {
                s.append("...");
            }
            for (long i = from; i < total; i++) {
                int c = tail[(int) (i % TAIL)] & 0xff;
                if (c == '\n') {
                    s.append("\\n");
                } else if (c >= 0x20 && c < 0x7f && c != '\\') {
                    s.append((char) c);
                } else {
                    s.append(String.format("\\x%02x", c));
                }
            }
        }
        return "\"" + s + "\"";
    }
}
