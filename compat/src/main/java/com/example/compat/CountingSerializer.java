package com.example.compat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.storm.multilang.BoltMsg;
import org.apache.storm.multilang.ISerializer;
import org.apache.storm.multilang.NoOutputException;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.multilang.SpoutMsg;
import org.apache.storm.task.TopologyContext;

/**
 * The SMB1 serializer (the class named by {@code -Dcompat.smb1.class}, compiled from the project's
 * one source), counting handshakes, so a test knows every child spoke it.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
public class CountingSerializer implements ISerializer {
    private static final long serialVersionUID = 1L;
    public static final AtomicInteger CONNECTS = new AtomicInteger();
    private final ISerializer inner;

    public CountingSerializer() {
        String name = System.getProperty("compat.smb1.class", "io.stormnative.BinarySerializer");
        try {
            inner = (ISerializer) Class.forName(name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("SMB1 serializer " + name + ": " + e, e);
        }
    }

    @Override
    public void initialize(OutputStream processIn, InputStream processOut) {
        inner.initialize(processIn, processOut);
    }

    @Override
    public Number connect(Map conf, TopologyContext context) throws IOException, NoOutputException {
        Number pid = inner.connect(conf, context);
        CONNECTS.incrementAndGet();
        return pid;
    }

    @Override
    public ShellMsg readShellMsg() throws IOException, NoOutputException {
        return inner.readShellMsg();
    }

    @Override
    public void writeBoltMsg(BoltMsg msg) throws IOException {
        inner.writeBoltMsg(msg);
    }

    @Override
    public void writeSpoutMsg(SpoutMsg msg) throws IOException {
        inner.writeSpoutMsg(msg);
    }

    @Override
    public void writeTaskIds(List<Integer> taskIds) throws IOException {
        inner.writeTaskIds(taskIds);
    }
}
