package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.storm.multilang.BoltMsg;
import org.apache.storm.multilang.ShellMsg;
import org.junit.jupiter.api.Test;

/**
 * The JNI boundary against the real component library ({@code cargo xtask dist} builds
 * multilang/resources/libsplit_bolt.so; test.sh runs that stage first), without Storm: what
 * InProcessSession sends, what the component answers, and how the boundary refuses what it must.
 */
class InProcessNativeTest {
    /** multilang/resources, from storm-native/ (the module's tests) or the repository root (exec:java). */
    static final Path RESOURCES = (Files.isDirectory(Path.of("multilang", "resources"))
        ? Path.of("multilang", "resources") : Path.of("..", "multilang", "resources")).toAbsolutePath().normalize();
    static final Path SPLIT = RESOURCES.resolve("libsplit_bolt.so");

    static long splitTable() {
        assumeTrue(Files.isRegularFile(SPLIT), SPLIT + " is not built (cargo xtask dist)");
        return InProcessNative.table(SPLIT, "split-bolt");
    }

    /** A split-bolt instance started with {@code args}; its start-up answers are left unread. */
    static long startSplit(String... args) throws IOException {
        long table = splitTable();
        Smb1.Encoder setup = new Smb1.Encoder();
        setup.setup("{\"conf\":{},\"context\":{\"componentid\":\"split\",\"taskid\":4},\"pidDir\":\"\"}");
        setup.finish();
        byte[] payload = Arrays.copyOfRange(setup.array(), 4, setup.size());
        return InProcessNative.create(table, String.join("\0", args).getBytes(StandardCharsets.UTF_8), payload);
    }

    /** Encodes a tuple with {@code values} and id {@code id} into {@code enc}. */
    static void tuple(Smb1.Encoder enc, String id, List<Object> values) throws IOException {
        BoltMsg m = new BoltMsg();
        m.setId(id);
        m.setComp("spout");
        m.setStream("default");
        m.setTask(1);
        m.setTuple(values);
        enc.tuple(m);
        enc.finish();
    }

    /** The answers in {@code out[0, n)}, decoded. */
    static List<ShellMsg> decode(byte[] out, int n) throws IOException {
        Smb1.Decoder d = new Smb1.Decoder();
        List<ShellMsg> msgs = new ArrayList<>();
        for (int p = 0; p < n; ) {
            int len = (out[p] & 0xFF) << 24 | (out[p + 1] & 0xFF) << 16 | (out[p + 2] & 0xFF) << 8 | (out[p + 3] & 0xFF);
            d.wrap(out, p + 4, len);
            msgs.add(d.message());
            p += 4 + len;
        }
        return msgs;
    }

    static List<ShellMsg> send(long h, Smb1.Encoder enc, byte[] out) throws IOException {
        int n = InProcessNative.handle(h, enc.array(), 4, enc.size() - 4, out);
        assertTrue(n >= 0, "answers larger than the buffer: " + -n);
        return decode(out, n);
    }

    @Test
    void theLibrarySpeaksThisAbiAndExportsItsComponentOnly() {
        long table = splitTable();
        assertEquals(InProcessNative.ABI, InProcessNative.abi());
        assertEquals(0, InProcessNative.kind(table), "split-bolt is a bolt");
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
            () -> InProcessNative.table(SPLIT, "count-bolt"));
        assertTrue(none.getMessage().contains("exports no component \"count-bolt\""), none.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> InProcessNative.table(RESOURCES.resolve("libnothing.so"), "x"));
        assertTrue(missing.getMessage().contains("no in-process library"), missing.getMessage());
    }

    @Test
    void eachWordIsEmittedAnchoredAndTheTupleAckedOnce() throws IOException {
        long h = startSplit();
        try {
            assertTrue(InProcessNative.started(h));
            Smb1.Encoder enc = new Smb1.Encoder();
            byte[] out = new byte[1 << 16];
            InProcessNative.fetch(h, out);
            tuple(enc, "17", List.of("the cow\u3000jumped"));
            List<ShellMsg> msgs = send(h, enc, out);
            List<String> commands = msgs.stream().map(ShellMsg::getCommand).toList();
            assertEquals(List.of("emit", "emit", "emit", "ack"), commands);
            assertEquals(List.of("the"), msgs.get(0).getTuple());
            assertEquals(List.of("jumped"), msgs.get(2).getTuple());
            assertEquals(List.of("17"), msgs.get(1).getAnchors());
            assertEquals("17", msgs.get(3).getId());
        } finally {
            InProcessNative.destroy(h);
        }
    }

    @Test
    void aBadValueFailsItsTupleWithAReportAndTheNextOneIsHandled() throws IOException {
        long h = startSplit();
        try {
            Smb1.Encoder enc = new Smb1.Encoder();
            byte[] out = new byte[1 << 16];
            tuple(enc, "5", List.of(42L));
            List<ShellMsg> bad = send(h, enc, out);
            assertEquals(List.of("error", "fail"), bad.stream().map(ShellMsg::getCommand).toList());
            assertTrue(bad.get(0).getMsg().contains("42"), bad.get(0).getMsg());
            tuple(enc, "6", List.of("moo"));
            assertEquals(List.of("emit", "ack"), send(h, enc, out).stream().map(ShellMsg::getCommand).toList());
        } finally {
            InProcessNative.destroy(h);
        }
    }

    @Test
    void answersLargerThanTheBufferAreFetchedAfterGrowing() throws IOException {
        long h = startSplit();
        try {
            Smb1.Encoder enc = new Smb1.Encoder();
            tuple(enc, "1", List.of("w ".repeat(2000)));
            byte[] small = new byte[64];
            int n = InProcessNative.handle(h, enc.array(), 4, enc.size() - 4, small);
            assertTrue(n < -64, "asks for more room: " + n);
            byte[] big = new byte[-n];
            assertEquals(-n, InProcessNative.fetch(h, big));
            List<ShellMsg> msgs = decode(big, -n);
            assertEquals(2001, msgs.size(), "2000 emits and the ack");
        } finally {
            InProcessNative.destroy(h);
        }
    }

    @Test
    void anUnknownFlagIsTheComponentsOwnErrorWhenItStarts() throws IOException {
        long h = startSplit("--mood", "words");
        try {
            assertEquals(false, InProcessNative.started(h));
            byte[] out = new byte[1 << 16];
            List<ShellMsg> start = decode(out, InProcessNative.fetch(h, out));
            assertEquals("error", start.get(start.size() - 1).getCommand());
            assertTrue(start.get(start.size() - 1).getMsg().contains("unknown option --mood"),
                start.get(start.size() - 1).getMsg());
            Smb1.Encoder enc = new Smb1.Encoder();
            tuple(enc, "1", List.of("x"));
            RuntimeException e = assertThrows(RuntimeException.class,
                () -> InProcessNative.handle(h, enc.array(), 4, enc.size() - 4, out));
            assertTrue(e.getMessage().contains("cannot take messages"), e.getMessage());
        } finally {
            InProcessNative.destroy(h);
        }
    }
}
