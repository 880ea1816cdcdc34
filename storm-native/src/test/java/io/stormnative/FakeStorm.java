package io.stormnative;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.spout.ISpoutOutputCollector;
import org.apache.storm.task.IOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.TupleImpl;

/**
 * Just enough of Storm's JVM side to run the hosts in a test, without a cluster: a context, and
 * collectors that record what the host did with the child's messages.
 */
final class FakeStorm {
    static final String SOURCE = "src";
    static final Path CODE_DIR = Path.of("target/test-classes").toAbsolutePath();

    private FakeStorm() {
    }

    /** The conf every test starts from: local mode, so a dying host never exits the JVM. */
    static Map<String, Object> conf() {
        Map<String, Object> conf = new HashMap<>();
        conf.put("storm.cluster.mode", "local");
        return conf;
    }

    static TopologyContext context(String component, Map<String, Object> conf) throws Exception {
        Path pidDir = Files.createTempDirectory("host-test-pids");
        Map<Integer, String> taskToComponent = Map.of(1, component, 2, SOURCE);
        Map<String, List<Integer>> componentTasks = Map.of(component, List.of(1), SOURCE, List.of(2));
        Map<String, Map<String, Fields>> fields = Map.of(
            SOURCE, Map.of("default", new Fields("sentence")),
            component, Map.of("default", new Fields("out")));
        return new TopologyContext(new StormTopology(), conf, taskToComponent, componentTasks, fields, new HashMap<>(),
            "test-topology", CODE_DIR.toString(), pidDir.toString(), 1, 6700, List.of(1),
            new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new AtomicBoolean(false), null) {
            @Override
            public String toJSONString() {
                return "{\"taskid\":1,\"componentid\":\"" + component + "\",\"task->component\":{\"1\":\""
                    + component + "\"}}";
            }
        };
    }

    private static final AtomicInteger TUPLES = new AtomicInteger();

    static Tuple tuple(TopologyContext context, Object value) {
        return new TupleImpl(context, List.of(value), SOURCE, 2, "default");
    }

    /** One recorded emit. */
    record Emit(String stream, List<Tuple> anchors, List<Object> values, Object msgId, String thread) {
    }

    /** A bolt's collector that records every call. */
    static final class BoltCollector implements IOutputCollector {
        final List<Emit> emits = new CopyOnWriteArrayList<>();
        final List<Tuple> acks = new CopyOnWriteArrayList<>();
        final List<Tuple> fails = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        /** If set, an emit on the default stream with another number of values throws, as Storm's TupleImpl. */
        volatile Integer fields;

        @Override
        public List<Integer> emit(String streamId, Collection<Tuple> anchors, List<Object> tuple) {
            if (fields != null && "default".equals(streamId) && tuple.size() != fields) {
                throw new IllegalArgumentException("Tuple created with wrong number of fields. Expected " + fields
                    + " fields but got " + tuple.size() + " fields");
            }
            emits.add(new Emit(streamId, List.copyOf(anchors), tuple, null, Thread.currentThread().getName()));
            return List.of(7, 8);
        }

        @Override
        public void emitDirect(int taskId, String streamId, Collection<Tuple> anchors, List<Object> tuple) {
            emits.add(new Emit(streamId, List.copyOf(anchors), tuple, taskId, Thread.currentThread().getName()));
        }

        @Override
        public void ack(Tuple input) {
            acks.add(input);
        }

        @Override
        public void fail(Tuple input) {
            fails.add(input);
        }

        @Override
        public void resetTimeout(Tuple input) {
        }

        @Override
        public void flush() {
        }

        @Override
        public void reportError(Throwable error) {
            errors.add(error);
        }

        List<String> errorTexts() {
            List<String> out = new ArrayList<>();
            for (Throwable t : errors) {
                out.add(String.valueOf(t.getMessage()));
            }
            return out;
        }
    }

    /** A spout's collector that records every call. */
    static final class SpoutCollector implements ISpoutOutputCollector {
        final List<Emit> emits = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        /** If set, an emit with another number of values throws, as Storm's TupleImpl. */
        volatile Integer fields;

        @Override
        public List<Integer> emit(String streamId, List<Object> tuple, Object messageId) {
            if (fields != null && tuple.size() != fields) {
                throw new IllegalArgumentException("Tuple created with wrong number of fields. Expected " + fields
                    + " fields but got " + tuple.size() + " fields");
            }
            emits.add(new Emit(streamId, Collections.emptyList(), tuple, messageId, Thread.currentThread().getName()));
            return List.of(3);
        }

        @Override
        public void emitDirect(int taskId, String streamId, List<Object> tuple, Object messageId) {
            emits.add(new Emit(streamId, Collections.emptyList(), tuple, messageId, Thread.currentThread().getName()));
        }

        @Override
        public long getPendingCount() {
            return 0;
        }

        @Override
        public void flush() {
        }

        @Override
        public void reportError(Throwable error) {
            errors.add(error);
        }
    }

    /** A bolt whose "more input waiting?" answer the test sets. */
    static final class ProbedBolt extends MultilangBolt {
        private static final long serialVersionUID = 1L;
        static volatile boolean moreInput;

        ProbedBolt(String[] command, String... fields) {
            super(command, fields);
        }

        @Override
        BooleanSupplier moreInputProbe(org.apache.storm.task.OutputCollector collector) {
            return () -> moreInput;
        }
    }
}
