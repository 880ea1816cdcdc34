package cluster;

import com.example.wordcount.CountBolt;
import com.example.wordcount.SentenceSpout;
import com.example.wordcount.SplitBolt;
import com.example.wordcount.Variant;
import com.example.wordcount.WordCount;
import io.stormnative.Bridge;
import io.stormnative.InProcessBolt;
import java.util.ArrayList;
import java.util.List;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;

/**
 * Submits java-topology's word count (its SentenceSpout, SplitBolt, CountBolt: the native binaries
 * from the jar named by {@code -Dstorm.jar}) to the cluster in the client's storm.yaml, with what the
 * test needs to read results from outside the worker.
 *
 * <pre>
 * Submit NAME [--bridge host|stock|inproc] [--workers N] [--splits N] [--split-tasks N] [--counters N] [--sink DIR]
 *             [--acklog DIR] [--gate DIR] [--broken crash|missing] [-c KEY=VALUE]...
 *   --bridge B     the JVM side of every component: host (storm-native's MultilangSpout/MultilangBolt,
 *                  the default unless -Dwordcount.bridge says otherwise), stock (Storm's
 *                  ShellSpout/ShellBolt) or inproc (InProcessSpout/InProcessBolt: the libraries)
 *   --split-tasks N  split-bolt's tasks (default: its executors): room for a rebalance to add executors
 *   --sink DIR     a CountSink after count-bolt (fields grouping on word) writing final counts to DIR
 *   --acklog DIR   the AckLog task hook: every spout ack/fail to a file in DIR
 *   --gate DIR     a crash-gate (cluster/crash-gate, in-process, as many tasks as count-bolt)
 *                  between split-bolt and count-bolt, armed by files in DIR; the jar must carry
 *                  resources/libcrash_gate.so (test.sh adds it to a copy of java-topology's)
 *   --broken crash    split-bolt is started with an option it rejects: it dies on start
 *   --broken missing  split-bolt's command names a binary that is not in the jar
 * </pre>
 * CountSink and AckLog come from storm.home/extlib (cluster-tools.jar), not from the topology jar.
 */
public final class Submit {
    /** The crash-gate's component id (--gate). */
    static final String GATE = "crash-gate";

    private Submit() {
    }

    public static void main(String[] args) throws Exception {
        String name = null;
        int workers = 1;
        int splits = 2;
        int splitTasks = 0;
        int counters = 2;
        String sink = null;
        String acklog = null;
        String broken = null;
        String gate = null;
        Bridge bridge = Bridge.fromSystemProperty();
        Config conf = new Config();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--splits" -> splits = Integer.parseInt(args[++i]);
                case "--split-tasks" -> splitTasks = Integer.parseInt(args[++i]);
                case "--counters" -> counters = Integer.parseInt(args[++i]);
                case "--sink" -> sink = args[++i];
                case "--acklog" -> acklog = args[++i];
                case "--broken" -> broken = args[++i];
                case "--gate" -> gate = args[++i];
                case "--bridge" -> bridge = Bridge.parse(args[++i]);
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

        IRichBolt split = switch (broken == null ? "none" : broken) {
            case "none" -> SplitBolt.on(bridge, Variant.NATIVE);
            case "crash" -> bridge.bolt(new String[] {"split-bolt", "--mode", "no-such-mode"}, "word");
            case "missing" -> bridge.bolt(new String[] {"no-such-bolt"}, "word");
            default -> throw new IllegalArgumentException("--broken crash|missing");
        };
        // WordCount.builder's wiring, with the split-bolt above
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout(WordCount.SPOUT, SentenceSpout.on(bridge, Variant.NATIVE), 1);
        // more tasks than executors leave room for `storm rebalance -e split-bolt=N` (up to the tasks)
        builder.setBolt(WordCount.SPLIT, split, splits).setNumTasks(Math.max(splits, splitTasks))
            .shuffleGrouping(WordCount.SPOUT);
        String counted = WordCount.SPLIT;
        if (gate != null) {
            // between split-bolt and count-bolt, on the fields grouping: every gate task gets words
            // (a shuffle from the spout would favour the spout's own worker: Storm's load-aware
            // shuffle keeps tuples local while the local tasks keep up)
            builder.setBolt(GATE, new InProcessBolt("libcrash_gate.so", new String[] {"crash-gate", "--arm-dir", gate},
                "word"), counters).fieldsGrouping(WordCount.SPLIT, new Fields("word"));
            counted = GATE;
        }
        builder.setBolt(WordCount.COUNT, CountBolt.on(bridge, Variant.NATIVE), counters)
            .fieldsGrouping(counted, new Fields("word"));
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
        System.out.println("submitted " + name + " (bridge " + bridge.name().toLowerCase(java.util.Locale.ROOT)
            + (broken == null ? "" : ", broken " + broken) + (gate == null ? "" : ", crash-gate armed from " + gate) + ")");
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
}
