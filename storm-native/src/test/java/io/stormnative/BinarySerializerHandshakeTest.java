package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.storm.multilang.BoltMsg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The handshake watchdog, against real child processes. */
class BinarySerializerHandshakeTest {

    private static BinarySerializer serializer(Process p, Object timeoutSecs) {
        BinarySerializer s = new BinarySerializer();
        s.initialize(p.getOutputStream(), p.getInputStream());
        s.configure(Map.of(BinarySerializer.HANDSHAKE_TIMEOUT_CONF, timeoutSecs));
        return s;
    }

    /** storm.py waits for a JSON `end` line that SMB1 never sends: without the watchdog the worker would hang. */
    @Test
    @Timeout(90) // without the watchdog this hangs: fail instead
    void aJsonOnlyComponentGetsAClearErrorInsteadOfAHang() throws Exception {
        Path resources = Path.of(getClass().getResource("/resources/splitbolt.py").toURI()).getParent();
        assertTrue(Files.isRegularFile(resources.resolve("storm.py")), "storm.py beside splitbolt.py in " + resources);
        Process p = new ProcessBuilder("python3", "splitbolt.py").directory(resources.toFile())
            .redirectError(Redirect.DISCARD).start();
        try {
            BinarySerializer s = serializer(p, 2);
            IOException e = assertThrows(IOException.class, () -> s.handshake("{\"pidDir\": \"/nonexistent\"}"));
            assertTrue(e.getMessage().contains("did not answer the handshake within 2 s"), e.getMessage());
            assertTrue(e.getMessage().contains("storm.py"), e.getMessage());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "storm.py ends on the closed stdin");
        } finally {
            p.destroyForcibly();
        }
    }

    /** A child that answers keeps its stdin after the timeout has passed. */
    @Test
    void aChildThatAnswersIsNotCutOff() throws Exception {
        // The pid frame for 1234, then read stdin until it ends.
        Process p = new ProcessBuilder("sh", "-c", "printf '\\000\\000\\000\\005\\020\\000\\000\\004\\322'; exec cat >/dev/null")
            .redirectError(Redirect.INHERIT).start();
        try {
            BinarySerializer s = serializer(p, 1);
            assertEquals(1234, s.handshake("{}").intValue());
            Thread.sleep(2500);
            BoltMsg msg = new BoltMsg();
            msg.setId("1");
            msg.setComp("c");
            msg.setStream("default");
            msg.setTask(1);
            msg.setTuple(List.of("still open"));
            s.writeBoltMsg(msg);
            assertTrue(p.isAlive(), "the child still has its stdin");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aNegativeTimeoutIsRefused() {
        assertThrows(IllegalArgumentException.class,
            () -> new BinarySerializer().configure(Map.of(BinarySerializer.HANDSHAKE_TIMEOUT_CONF, -1)));
    }
}
