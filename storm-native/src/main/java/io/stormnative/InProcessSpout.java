package io.stormnative;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.IRichSpout;

/**
 * A native spout run inside the worker, as {@link InProcessBolt} runs a bolt: {@code nextTuple},
 * {@code ack}, {@code fail}, {@code activate} and {@code deactivate} call the component on the
 * executor thread, and its emits (with their message ids) are performed before the call
 * returns. Reliable spouts replay exactly as under {@link MultilangSpout}; the component's own
 * flags ({@code --reliable}, {@code --max-replays}, {@code --batch}, ...) and conf keys apply.
 *
 * <pre>{@code builder.setSpout("sentences", new InProcessSpout("libsentence_spout.so", new String[] {"sentence-spout"}, "sentence"))}</pre>
 */
public class InProcessSpout extends InProcessComponent<InProcessSpout> implements IRichSpout {
    private static final long serialVersionUID = 1L;

    private transient Runtime rt;

    /**
     * @param library the component library, relative to the topology's code dir (e.g. {@code libsentence_spout.so})
     * @param command the component's name in the library, then its flags (as its binary takes them)
     * @param outputFields the fields of the default stream
     */
    public InProcessSpout(String library, String[] command, String... outputFields) {
        super("InProcessSpout", library, command, outputFields);
    }

    @Override
    public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
        ShellMetrics.register(conf, context);
        rt = new Runtime(library(), command(), conf, context, collector);
    }

    @Override
    public void nextTuple() {
        rt.command("next", null);
    }

    @Override
    public void ack(Object msgId) {
        rt.command("ack", msgId);
    }

    @Override
    public void fail(Object msgId) {
        rt.command("fail", msgId);
    }

    @Override
    public void activate() {
        rt.command("activate", null);
    }

    @Override
    public void deactivate() {
        rt.command("deactivate", null);
    }

    @Override
    public void close() {
        if (rt != null) {
            rt.session.close();
        }
    }

    /** Everything that lives only in a running task; touched by its executor thread alone. */
    private static final class Runtime implements InProcessSession.Answers {
        final InProcessSession session;
        private final SpoutOutputCollector collector;
        /** Ids of emits Storm refused, to be failed back to the component after the current call. */
        private final ArrayDeque<Object> refused = new ArrayDeque<>();

        Runtime(String library, String[] command, Map<String, Object> conf, TopologyContext context,
                SpoutOutputCollector collector) {
            this.collector = collector;
            this.session = new InProcessSession(library, command, 1, conf, context, collector::reportError);
            session.started(this);
        }

        void command(String command, Object id) {
            try {
                session.message().command(command, id);
            } catch (IOException e) {
                session.report(command + " of " + id + " cannot be encoded: " + e.getMessage() + ": not sent");
                return;
            }
            session.send(this);
            // The ids of refused emits, told to the component now that its answers are performed
            // (not from inside them: the session's answer buffer is in use until then).
            Object failed;
            while ((failed = refused.poll()) != null) {
                command("fail", failed);
            }
        }

        @Override
        public void finish(boolean ack, long id, Object sent) {
            session.report("unknown answer from the component: " + (ack ? "ack" : "fail"));
        }

        @Override
        public void emit(Smb1.Emit m) {
            Object id = m.id;
            int task = m.task;
            List<Integer> to = List.of();
            try {
                if (task == 0) {
                    to = collector.emit(m.stream, m.values, id);
                } else {
                    collector.emitDirect(task, m.stream, m.values, id);
                }
            } catch (RuntimeException e) {
                // Storm refused it (wrong number of fields, an undeclared stream, ...): as under the
                // host, reported, and the component told it failed (once its answers are performed),
                // so a reliable spout replays it; the task goes on.
                session.report(HostSupport.refusedEmit(e, m.values, m.stream,
                    id == null ? null : "id " + id + " failed back to the component"));
                if (id != null) {
                    refused.add(id);
                }
            }
            if (task == 0 && m.needTaskIds) {
                session.taskIdsLater(to); // the component waits for them, even for a refused emit
            }
        }
    }
}
