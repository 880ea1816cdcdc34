package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.storm.multilang.BoltMsg;
import org.apache.storm.multilang.SpoutMsg;
import org.junit.jupiter.api.Test;

/**
 * The codec paths only the in-process bridge takes: tuples with a numeric id and cached
 * component and stream names, spout commands without a SpoutMsg, emits read into a reused
 * {@link Smb1.Emit} and ack ids read as numbers. Each must mean exactly what the general path
 * means (BinarySerializerTest has the literal bytes of that one).
 */
class Smb1InProcessTest {
    private static byte[] frame(Smb1.Encoder e) {
        e.finish();
        return Arrays.copyOf(e.array(), e.size());
    }

    private static byte[] viaBoltMsg(String id, String comp, String stream, int task, List<Object> values) throws IOException {
        BoltMsg m = new BoltMsg();
        m.setId(id);
        m.setComp(comp);
        m.setStream(stream);
        m.setTask(task);
        m.setTuple(values);
        Smb1.Encoder e = new Smb1.Encoder();
        e.tuple(m);
        return frame(e);
    }

    @Test
    void aTupleWithANumericIdIsTheBytesOfItsDecimalString() throws IOException {
        Smb1.Encoder e = new Smb1.Encoder();
        long[] ids = {0, 7, 9, 10, 99, 100, 123456789012345678L, Long.MAX_VALUE, -5};
        // the names change between calls, and come back as equal but other String objects
        String[][] names = {{"split", "default"}, {"split", null}, {null, "words"}, {new String("split"), "default"},
            {"spout", new String("words")}, {"", ""}, {"Zähler", "поток"}};
        int k = 0;
        for (long id : ids) {
            for (String[] n : names) {
                List<Object> values = List.of("w" + k++, 3L);
                e.tuple(id, n[0], n[1], 4, values);
                assertArrayEquals(viaBoltMsg(Long.toString(id), n[0], n[1], 4, values), frame(e),
                    "id " + id + ", comp " + n[0] + ", stream " + n[1]);
            }
        }
    }

    @Test
    void spoutCommandsAreTheBytesOfTheirSpoutMsg() throws IOException {
        Smb1.Encoder e = new Smb1.Encoder();
        for (String command : List.of("next", "ack", "fail", "activate", "deactivate")) {
            for (Object id : new Object[] {null, 7L, "m-1"}) {
                SpoutMsg m = new SpoutMsg();
                m.setCommand(command);
                m.setId(id);
                e.command(m);
                byte[] general = frame(e);
                e.command(command, id);
                assertArrayEquals(general, frame(e), command + " " + id);
            }
        }
    }

    private static Smb1.Decoder wrap(String hex) {
        byte[] b = SmbChild.unhex(hex);
        Smb1.Decoder d = new Smb1.Decoder();
        d.wrap(b, 0, b.length);
        return d;
    }

    @Test
    void anEmitIsReadIntoTheReusedHolderWithDecimalAnchorsAsNumbers() throws IOException {
        Smb1.Emit e = new Smb1.Emit();
        // every flag: stream "s", task 7, id 1, anchors ["12", "x", "0"], tuple [5]
        Smb1.Decoder d = wrap("11 0f 00000001 73 00000007 03 0000000000000001 00000003 00000002 3132 00000001 78"
            + " 00000001 30 00000001 03 0000000000000005");
        assertEquals(Smb1.EMIT, d.kind());
        d.emit(e);
        assertEquals("s", e.stream);
        assertEquals(7, e.task);
        assertEquals(1L, e.id);
        assertTrue(e.needTaskIds);
        assertEquals(2, e.anchorCount);
        assertEquals(12, e.anchors[0]);
        assertEquals(0, e.anchors[1]);
        assertEquals(List.of("x"), e.otherAnchors, "an anchor that is no tuple id, as sent");
        assertEquals(List.of(5L), e.values);

        // no flags, no anchors: the defaults, and nothing left from the emit before
        wrap("11 00 00000000 00000001 05 00000001 61").emit(e);
        assertEquals("default", e.stream);
        assertEquals(0, e.task);
        assertNull(e.id);
        assertFalse(e.needTaskIds);
        assertEquals(0, e.anchorCount);
        assertNull(e.otherAnchors);
        assertEquals(List.of("a"), e.values);

        // more anchors than the holder had room for; a 19-digit one overflows no long: kept as sent
        StringBuilder hex = new StringBuilder("11 00 00000006");
        for (int i = 0; i < 5; i++) {
            hex.append(" 00000001 3").append(i);
        }
        hex.append(" 00000013 ").append("39".repeat(19)).append(" 00000000");
        wrap(hex.toString()).emit(e);
        assertEquals(5, e.anchorCount);
        assertEquals(4, e.anchors[4]);
        assertEquals(List.of("9".repeat(19)), e.otherAnchors);
        assertEquals(List.of(), e.values);
    }

    @Test
    void aBadEmitIsStillAnIoExceptionThatSaysWhy() {
        Smb1.Emit e = new Smb1.Emit();
        IOException flags = assertThrows(IOException.class, () -> wrap("11 10 00000000 00000000").emit(e));
        assertTrue(flags.getMessage().contains("unknown flags 0x10"), flags.getMessage());
        IOException anchor = assertThrows(IOException.class, () -> wrap("11 00 00000001 00000009 3132 00000000").emit(e));
        assertTrue(anchor.getMessage().contains("anchor needs 9 bytes"), anchor.getMessage());
        IOException left = assertThrows(IOException.class, () -> wrap("11 00 00000000 00000000 ff").emit(e));
        assertTrue(left.getMessage().contains("1 bytes left over"), left.getMessage());
    }

    @Test
    void ackIdsAreReadAsNumbersAndAnythingElseAsSent() throws IOException {
        assertEquals(42, wrap("12 05 00000002 3432").tupleId());
        assertEquals(42, wrap("13 03 000000000000002a").tupleId());
        for (String other : List.of("12 05 00000003 616263", "12 05 00000000", "12 03 ffffffffffffffff", "12 00",
            "12 05 00000002 2d31")) {
            Smb1.Decoder d = wrap(other);
            assertEquals(-1, d.tupleId(), other);
            Object sent = d.message().getId();
            assertEquals(wrap(other).message().getId(), sent, "then the message reads as the general path reads it");
        }
        assertThrows(IOException.class, () -> wrap("12 05 00000002 3432 00").tupleId(), "bytes left over");
        assertThrows(IOException.class, () -> wrap("12 05 00000009 3432").tupleId(), "string past the frame");
    }
}
