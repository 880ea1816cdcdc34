package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stormnative.BinarySerializer;
import org.junit.jupiter.api.Test;

/** WordCount's command line: what it refuses before starting anything (BINARY.md's claim). */
class WordCountMainTest {
    @Test
    void pythonUnderTheBinarySerializerIsRefusedUpFront() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WordCount.main(new String[] {
            "--python", "--seconds", "1", "-c", "topology.multilang.serializer=" + BinarySerializer.class.getName()}));
        assertTrue(e.getMessage().startsWith("--python needs the JSON serializer: storm.py does not speak"),
            e.getMessage());
        assertTrue(Harness.componentProcesses().isEmpty(), "nothing started: " + Harness.componentProcesses());
    }
}
