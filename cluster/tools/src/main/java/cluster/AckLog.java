package cluster;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.apache.storm.hooks.BaseTaskHook;
import org.apache.storm.hooks.info.SpoutAckInfo;
import org.apache.storm.hooks.info.SpoutFailInfo;
import org.apache.storm.task.TopologyContext;

/**
 * A task hook ({@code topology.auto.task.hooks}) that appends every spout ack and fail to a file:
 * {@code A <msgId> <millis>} or {@code F <msgId> <millis>} (the wall clock when the spout executor
 * handled it), one line each, flushed at once.
 *
 * <p>It runs inside the spout's executor, in the worker JVM, and writes to a file outside the worker
 * ({@value #DIR_KEY}), one file per worker incarnation and task: so the record of what was acked
 * outlives a worker that is killed, which the spout's own pending set does not. The test reads the
 * union of these files to decide whether every sentence was acked in the end.
 */
public class AckLog extends BaseTaskHook {
    /** Topology conf key: directory for the ack logs. */
    public static final String DIR_KEY = "cluster.acklog.dir";

    private transient BufferedWriter out;

    @Override
    public void prepare(Map<String, Object> conf, TopologyContext context) {
        Object dir = conf.get(DIR_KEY);
        if (dir == null || !context.getRawTopology().get_spouts().containsKey(context.getThisComponentId())) {
            return;
        }
        String name = String.format("acks-%d-%d-task%d.log", System.currentTimeMillis(), ProcessHandle.current().pid(),
            context.getThisTaskId());
        try {
            Path file = Paths.get(dir.toString()).resolve(name);
            Files.createDirectories(file.getParent());
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void spoutAck(SpoutAckInfo info) {
        write("A ", info.messageId);
    }

    @Override
    public void spoutFail(SpoutFailInfo info) {
        write("F ", info.messageId);
    }

    private void write(String kind, Object id) {
        if (out == null) {
            return;
        }
        try {
            out.write(kind);
            out.write(String.valueOf(id));
            out.write(' ');
            out.write(Long.toString(System.currentTimeMillis()));
            out.write('\n');
            // Unbuffered in effect: a kill -9 of the worker loses nothing that was recorded.
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void cleanup() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // the worker is going away
            }
        }
    }
}
