package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.storm.multilang.JsonSerializer;
import org.junit.jupiter.api.Test;

/** ChildInput under Storm's own JsonSerializer, with a pipe whose reads the test scripts. */
class ChildInputTest {
    /** Hands out the given chunks one read at a time; says the next is available; then "would block". */
    private static InputStream pipe(String... chunks) {
        return new InputStream() {
            private int next;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (next == chunks.length) {
                    throw new IOException("would block: the child has written nothing more");
                }
                byte[] c = chunks[next++].getBytes(StandardCharsets.UTF_8);
                System.arraycopy(c, 0, b, off, c.length);
                return c.length;
            }

            @Override
            public int available() {
                return next < chunks.length ? chunks[next].length() : 0;
            }
        };
    }

    @Test
    void aMessageIsDeliveredWithoutWaitingForBytesOnlyToBeDropped() throws Exception {
        List<String> junk = new ArrayList<>();
        JsonSerializer s = new JsonSerializer();
        s.initialize(new ByteArrayOutputStream(), new ChildInput(pipe("{\"command\":\"sync\"}\nend\n", "a print\n"),
            1 << 20, junk::add));
        assertEquals("sync", s.readShellMsg().getCommand());
    }

    @Test
    void linesThatCannotBeginAMessageAreDroppedAndTold() throws Exception {
        List<String> junk = new ArrayList<>();
        JsonSerializer s = new JsonSerializer();
        s.initialize(new ByteArrayOutputStream(), new ChildInput(pipe(
            "hello\n  \nend\n{\"command\":\"ack\",\n\"id\":\"1\"}\nend\r\n\u00ff junk\n{\"command\":\"sync\"}\nend\n"), 1 << 20,
            junk::add));
        assertEquals("1", s.readShellMsg().getId());
        assertEquals("sync", s.readShellMsg().getCommand());
        assertEquals(List.of("hello", "end", "\\xc3\\xbf junk"), junk);
    }
}
