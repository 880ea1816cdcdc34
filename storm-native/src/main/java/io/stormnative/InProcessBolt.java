package io.stormnative;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.multilang.BoltMsg;
import org.apache.storm.multilang.ShellMsg;
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
        private final HashMap<Long, Tuple> pending = new HashMap<>();
        private final BoltMsg msg = new BoltMsg();
        private long nextId;

        Runtime(String library, String[] command, Map<String, Object> conf, TopologyContext context,
                OutputCollector collector) {
            this.collector = collector;
            this.session = new InProcessSession(library, command, 0, conf, context, collector::reportError);
            session.started(this);
        }

        void execute(Tuple input) {
            long id = nextId++;
            msg.setId(Long.toString(id));
            msg.setComp(input.getSourceComponent());
            msg.setStream(input.getSourceStreamId());
            msg.setTask(input.getSourceTask());
            msg.setTuple(input.getValues());
            pending.put(id, input);
            try {
                session.message().tuple(msg);
            } catch (java.io.IOException e) {
                // A value SMB1 cannot carry: the tuple fails here, as a child's encoder would fail it.
                pending.remove(id);
                session.report("tuple " + id + " cannot be encoded: " + e.getMessage() + ": failed");
                collector.fail(input);
                return;
            }
            session.send(this);
        }

        @Override
        public void answer(ShellMsg m) {
            switch (m.getCommand()) {
                case "emit" -> emit(m);
                case "ack" -> finish(m.getId(), true);
                case "fail" -> finish(m.getId(), false);
                case "sync" -> { }
                default -> session.report("unknown answer from the component: " + m.getCommand());
            }
        }

        private void finish(Object wireId, boolean ack) {
            Long id = HostSupport.tupleId(wireId);
            Tuple t = id == null ? null : pending.remove(id);
            if (t == null) {
                session.report((ack ? "ack" : "fail") + " of " + wireId + ", which is not in flight (unknown, or "
                    + "already acked or failed): ignored");
            } else if (ack) {
                collector.ack(t);
            } else {
                collector.fail(t);
            }
        }

        private void emit(ShellMsg m) {
            List<String> anchorIds = m.getAnchors();
            List<Tuple> anchors = new ArrayList<>(anchorIds == null ? 0 : anchorIds.size());
            if (anchorIds != null) {
                for (String a : anchorIds) {
                    Long id = HostSupport.tupleId(a);
                    Tuple t = id == null ? null : pending.get(id);
                    if (t == null) {
                        session.report("emit anchored to " + a + ", which is not in flight (unknown, or already "
                            + "acked or failed): emitted without that anchor");
                    } else {
                        anchors.add(t);
                    }
                }
            }
            long task = m.getTask();
            List<Integer> to = List.of();
            try {
                if (task == 0) {
                    to = collector.emit(m.getStream(), anchors, m.getTuple());
                } else {
                    collector.emitDirect((int) task, m.getStream(), anchors, m.getTuple());
                }
            } catch (RuntimeException e) {
                // Storm refused it (wrong number of fields, an undeclared stream, ...): as under the
                // host, reported and its anchors failed, and the task goes on (the exception would
                // otherwise end the executor, and the worker with it).
                int failed = 0;
                for (Tuple a : anchors) {
                    Long id = HostSupport.idOf(pending, a);
                    if (id != null) {
                        finish(id, false);
                        failed++;
                    }
                }
                session.report(HostSupport.refusedEmit(e, m.getTuple(), m.getStream(), failed + " anchor tuple(s) failed"));
            }
            if (task == 0 && m.areTaskIdsNeeded()) {
                session.taskIdsLater(to); // the component waits for them, even for a refused emit
            }
        }
    }
}
