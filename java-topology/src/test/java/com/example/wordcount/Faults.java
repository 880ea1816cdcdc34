package com.example.wordcount;

import io.stormnative.Bridge;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.storm.LocalCluster;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

/**
 * What HostFaultsIT and StockFaultsIT share: the scripted child, the topology pieces around it
 * and the wait for Nimbus' errors. The two suites run the same children under the two bridges.
 */
final class Faults {
    /** The scripted misbehaving child (src/test/resources/faulty_child.py), by absolute path. */
    static final Path CHILD = Path.of("target/test-classes/faulty_child.py").toAbsolutePath();

    private Faults() {
    }

    /** "sentence 1" .. "sentence n". */
    static List<Object> values(int n) {
        List<Object> v = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            v.add("sentence " + i);
        }
        return v;
    }

    /** {@code python3 faulty_child.py MODE ARGS...}. */
    static String[] child(String... modeAndArgs) {
        String[] cmd = new String[modeAndArgs.length + 2];
        cmd[0] = "python3";
        cmd[1] = CHILD.toString();
        System.arraycopy(modeAndArgs, 0, cmd, 2, modeAndArgs.length);
        return cmd;
    }

    /**
     * A {@link FixedSpout} of 10 sentences (run key {@code spoutKey}) feeding a bolt that runs
     * {@code command} under {@code bridge}, declaring the field "word".
     */
    static void bolt(TopologyBuilder builder, Bridge bridge, String spoutKey, String bolt, String... command) {
        builder.setSpout(spoutKey, new FixedSpout(spoutKey, values(10)), 1);
        builder.setBolt(bolt, bridge.bolt(command, "word"), 1).shuffleGrouping(spoutKey);
    }

    /** Waits (60 s at most) until Nimbus holds an error of each of {@code components}, and returns them all. */
    static Map<String, List<String>> errorsOf(LocalCluster cluster, String name, List<String> components)
        throws Exception {
        Harness.waitUntil("an error of each of " + components, 60_000, () -> {
            try {
                Map<String, List<String>> errors = Harness.errors(cluster, name);
                return components.stream().allMatch(c -> !errors.getOrDefault(c, List.of()).isEmpty());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return Harness.errors(cluster, name);
    }

    /** Emits a counter as fast as Storm lets it, without message ids; counts its emits. */
    public static class FloodSpout extends BaseRichSpout {
        private static final long serialVersionUID = 1L;
        private static final Map<String, AtomicLong> EMITTED = new ConcurrentHashMap<>();
        private final String key;
        private transient SpoutOutputCollector collector;
        private transient AtomicLong count;

        FloodSpout(String key) {
            this.key = key;
        }

        static AtomicLong emitted(String key) {
            return EMITTED.computeIfAbsent(key, k -> new AtomicLong());
        }

        @Override
        public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
            this.collector = collector;
            this.count = emitted(key);
        }

        @Override
        public void nextTuple() {
            collector.emit(new Values("flood " + count.incrementAndGet()));
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("sentence"));
        }
    }

    /** Takes anything, emits nothing (acks, as a basic bolt). */
    public static class Sink extends BaseBasicBolt {
        private static final long serialVersionUID = 1L;

        @Override
        public void execute(Tuple input, BasicOutputCollector collector) {
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }
    }
}
