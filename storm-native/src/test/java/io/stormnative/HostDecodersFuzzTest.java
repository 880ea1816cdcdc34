package io.stormnative;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.storm.multilang.JsonSerializer;
import org.apache.storm.multilang.NoOutputException;

/**
 * Coverage-guided fuzzing (Jazzer) of what the host decodes from a child: the JSON path as the
 * host reads it (ChildInput's filter and limit, then Storm's JsonSerializer, through
 * {@link ChildProcess#decode}) and SMB1 ({@link BinarySerializer}).
 *
 * <p>Contract: for JSON, a decode returns a message, throws a RuntimeException (the host reports
 * it and reads on) or an IOException / NoOutputException (the host ends the child); an Error
 * (a StackOverflowError, say) is a crash, since it would take the worker down. For SMB1 only
 * IOException and NoOutputException are allowed: the codec's own contract. No input may make the
 * decoder loop without consuming bytes.
 *
 * <p>A plain {@code mvn test} replays the committed corpus under
 * {@code src/test/resources/io/stormnative/HostDecodersFuzzTestInputs/} (milliseconds); fuzzing
 * proper: {@code JAZZER_FUZZ=1 mvn -pl storm-native test -Dtest=HostDecodersFuzzTest}, bounded by
 * each test's {@code maxDuration}. A crash input Jazzer writes there stays as a regression test.
 */
class HostDecodersFuzzTest {
    private static final int MAX_MESSAGES = 64;

    @FuzzTest(maxDuration = "60s")
    void json(byte[] data) throws Exception {
        JsonSerializer s = new JsonSerializer();
        s.initialize(new ByteArrayOutputStream(), new ChildInput(new ByteArrayInputStream(data), 4096, line -> { }));
        for (int i = 0; i < MAX_MESSAGES; i++) {
            try {
                ChildProcess.decode(s);
            } catch (IOException | NoOutputException e) {
                return;
            } catch (RuntimeException e) {
                // reported and skipped by the host
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void smb1(byte[] data) throws Exception {
        BinarySerializer s = new BinarySerializer();
        s.initialize(new ByteArrayOutputStream(), new ByteArrayInputStream(data));
        for (int i = 0; i < MAX_MESSAGES; i++) {
            try {
                if (ChildProcess.decode(s) == null) {
                    throw new IllegalStateException("SMB1 decoded a null message");
                }
            } catch (IOException | NoOutputException e) {
                return;
            }
        }
    }
}
