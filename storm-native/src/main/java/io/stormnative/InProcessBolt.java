package io.stormnative;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.tuple.Tuple;

/**
 * A native bolt run inside the worker: the component is loaded from a shared library in the
 * topology's code dir ({@code resources/} of the jar, built by {@code cargo xtask dist}) and called
 * on the executor thread, with no process, pipe or thread of its own. The same component, the
 * same flags and conf keys, the same semantics as under {@link MultilangBolt}: each input tuple
 * is acked when the component's code returns and failed when it reports an error or panics;
 * emits are anchored to it; streams, direct emits, task ids and tick tuples as in multilang.
 *
 * <pre>{@code builder.setBolt("split", new InProcessBolt("libsplit_bolt.so", new String[] {"split-bolt"}, "word"), 4)}</pre>
 *
 * <p>What isolation a subprocess gave is gone: a component that aborts or crashes takes the
 * worker down (Storm restarts it and reliable spouts replay). A Rust panic is caught at the
 * boundary: the tuple is failed and reported, and the task goes on.
 */
public class InProcessBolt extends InProcessComponent<InProcessBolt> implements IRichBolt {
    private static final long serialVersionUID = 1L;

    private transient Runtime rt;

    /**
     * @param library the component library, relative to the topology's code dir (e.g. {@code libsplit_bolt.so})
     * @param command the component's name in the library, then its flags (as its binary takes them)
     * @param outputFields the fields of the default stream
     */
    public InProcessBolt(String library, String[] command, String... outputFields) {
        super("InProcessBolt", library, command, outputFields);
    }

    @Override
    public void prepare(Map<String, Object> topoConf, TopologyContext context, OutputCollector collector) {
        ShellMetrics.register(topoConf, context);
        rt = new Runtime(library(), command(), topoConf, context, collector);
    }

    @Override
    public void execute(Tuple input) {
        rt.execute(input);
    }

    @Override
    public void cleanup() {
        if (rt != null) {
            rt.session.close();
        }
    }

    /** Everything that lives only in a running task; touched by its executor thread alone. */
    private static final class Runtime implements InProcessSession.Answers {
        final InProcessSession session;
        private final OutputCollector collector;
        /** Tuples handed to the component and not yet acked or failed, by the id they were sent with. */
        private final InFlight<Tuple> inFlight = new InFlight<>();
        /** An emit's anchors; Storm reads them during the emit and keeps none. */
        private final ArrayList<Tuple> anchors = new ArrayList<>();
        private long nextId;

        Runtime(String library, String[] command, Map<String, Object> conf, TopologyContext context,
                OutputCollector collector) {
            this.collector = collector;
            this.session = new InProcessSession(library, command, 0, conf, context, collector::reportError);
            session.started(this);
        }

        void execute(Tuple input) {
            long id = nextId++;
            try {
                session.message().tuple(id, input.getSourceComponent(), input.getSourceStreamId(),
                    input.getSourceTask(), input.getValues());
            } catch (java.io.IOException e) {
                // A value SMB1 cannot carry: the tuple fails here, as a child's encoder would fail it.
                session.report("tuple " + id + " cannot be encoded: " + e.getMessage() + ": failed");
                collector.fail(input);
                return;
            }
            inFlight.startCall(id, input);
            try {
                session.send(this);
            } finally {
                inFlight.endCall();
            }
        }

        @Override
        public void finish(boolean ack, long id, Object sent) {
            Tuple t = inFlight.take(id);
            if (t == null) {
                session.report((ack ? "ack" : "fail") + " of " + (id < 0 ? sent : id) + ", which is not in flight "
                    + "(unknown, or already acked or failed): ignored");
            } else if (ack) {
                collector.ack(t);
            } else {
                collector.fail(t);
            }
        }

        @Override
        public void emit(Smb1.Emit e) {
            anchors.clear();
            for (int i = 0; i < e.anchorCount; i++) {
                long id = e.anchors[i];
                Tuple t = inFlight.get(id);
                if (t == null) {
                    notInFlight(Long.toString(id));
                } else {
                    anchors.add(t);
                }
            }
            if (e.otherAnchors != null) {
                e.otherAnchors.forEach(this::notInFlight);
            }
            List<Integer> to = List.of();
            try {
                if (e.task == 0) {
                    to = collector.emit(e.stream, anchors, e.values);
                } else {
                    collector.emitDirect(e.task, e.stream, anchors, e.values);
                }
            } catch (RuntimeException x) {
                // Storm refused it (wrong number of fields, an undeclared stream, ...): as under the
                // host, reported and its anchors failed, and the task goes on (the exception would
                // otherwise end the executor, and the worker with it).
                int failed = 0;
                for (Tuple a : anchors) {
                    if (inFlight.take(inFlight.idOf(a)) != null) {
                        collector.fail(a);
                        failed++;
                    }
                }
                session.report(HostSupport.refusedEmit(x, e.values, e.stream, failed + " anchor tuple(s) failed"));
            }
            if (e.task == 0 && e.needTaskIds) {
                session.taskIdsLater(to); // the component waits for them, even for a refused emit
            }
        }

        private void notInFlight(String anchor) {
            session.report("emit anchored to " + anchor + ", which is not in flight (unknown, or already "
                + "acked or failed): emitted without that anchor");
        }
    }
}
