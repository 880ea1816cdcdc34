package cluster;

import com.example.stormnative.NativeShellBolt;
import com.example.wordcount.CountBolt;
import com.example.wordcount.SentenceSpout;
import com.example.wordcount.SplitBolt;
import com.example.wordcount.Variant;
import com.example.wordcount.WordCount;
import java.util.ArrayList;
import java.util.List;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;

/**
 * Submits java-topology's word count (its SentenceSpout, SplitBolt, CountBolt: the native binaries
 * from the jar named by {@code -Dstorm.jar}) to the cluster in the client's storm.yaml, with what the
 * test needs to read results from outside the worker.
 *
 * <pre>
 * Submit NAME [--workers N] [--splits N] [--counters N] [--sink DIR] [--acklog DIR]
 *             [--broken crash|missing] [-c KEY=VALUE]...
 *   --sink DIR     a CountSink after count-bolt (fields grouping on word) writing final counts to DIR
 *   --acklog DIR   the AckLog task hook: every spout ack/fail to a file in DIR
 *   --broken crash    split-bolt is started with an option it rejects: it dies on start
 *   --broken missing  split-bolt's command names a binary that is not in the jar
 * </pre>
 * CountSink and AckLog come from storm.home/extlib (cluster-tools.jar), not from the topology jar.
 */
public final class Submit {
    private Submit() {
    }

    public static void main(String[] args) throws Exception {
        String name = null;
        int workers = 1;
        int splits = 2;
        int counters = 2;
        String sink = null;
        String acklog = null;
        String broken = null;
        Config conf = new Config();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--splits" -> splits = Integer.parseInt(args[++i]);
                case "--counters" -> counters = Integer.parseInt(args[++i]);
                case "--sink" -> sink = args[++i];
                case "--acklog" -> acklog = args[++i];
                case "--broken" -> broken = args[++i];
                case "-c" -> {
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("-c wants KEY=VALUE, got " + kv);
                    }
                    conf.put(kv.substring(0, eq), value(kv.substring(eq + 1)));
                }
                default -> {
                    if (args[i].startsWith("-") || name != null) {
                        throw new IllegalArgumentException("unexpected argument " + args[i]);
                    }
                    name = args[i];
                }
            }
        }
        if (name == null) {
            throw new IllegalArgumentException("usage: Submit NAME [options] (see the class doc)");
        }
        conf.setNumWorkers(workers);

        TopologyBuilder builder;
        if (broken == null) {
            builder = WordCount.builder(new SentenceSpout(Variant.NATIVE), Variant.NATIVE, splits, counters);
        } else {
            NativeShellBolt split = switch (broken) {
                case "crash" -> new NativeShellBolt(new String[] {"split-bolt", "--mode", "no-such-mode"}, "word");
                case "missing" -> new NativeShellBolt(new String[] {"no-such-bolt"}, "word");
                default -> throw new IllegalArgumentException("--broken crash|missing");
            };
            builder = new TopologyBuilder();
            builder.setSpout(WordCount.SPOUT, new SentenceSpout(Variant.NATIVE), 1);
            builder.setBolt(WordCount.SPLIT, split, splits).shuffleGrouping(WordCount.SPOUT);
            builder.setBolt(WordCount.COUNT, new CountBolt(Variant.NATIVE), counters)
                .fieldsGrouping(WordCount.SPLIT, new Fields("word"));
        }
        if (sink != null) {
            builder.setBolt("sink", new CountSink(sink), 1).fieldsGrouping(WordCount.COUNT, new Fields("word"));
        }
        if (acklog != null) {
            conf.put(AckLog.DIR_KEY, acklog);
            List<String> hooks = new ArrayList<>();
            hooks.add(AckLog.class.getName());
            conf.put(Config.TOPOLOGY_AUTO_TASK_HOOKS, hooks);
        }
        StormSubmitter.submitTopology(name, conf, builder.createTopology());
        System.out.println("submitted " + name);
    }

    private static Object value(String v) {
        if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
        }
        try {
            return Long.valueOf(v);
        } catch (NumberFormatException e) {
            return v;
        }
    }

    /** Keeps SplitBolt referenced: the default wiring is WordCount.builder's. */
    static Class<?> defaultSplit() {
        return SplitBolt.class;
    }
}
