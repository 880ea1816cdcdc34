package com.example.wordcount;

import io.stormnative.BinarySerializer;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.storm.multilang.NoOutputException;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.task.TopologyContext;

/**
 * {@link BinarySerializer} counting its handshakes and the messages it decodes, so a test can tell
 * that the components really spoke SMB1 (LocalCluster runs the workers in the test's JVM).
 */
public class CountingBinarySerializer extends BinarySerializer {
    private static final long serialVersionUID = 1L;
    static final AtomicLong CONNECTS = new AtomicLong();
    static final AtomicLong READS = new AtomicLong();

    @Override
    public Number connect(Map<String, Object> conf, TopologyContext context) throws IOException, NoOutputException {
        Number pid = super.connect(conf, context);
        CONNECTS.incrementAndGet();
        return pid;
    }

    @Override
    public ShellMsg readShellMsg() throws IOException, NoOutputException {
        ShellMsg msg = super.readShellMsg();
        READS.incrementAndGet();
        return msg;
    }
}
