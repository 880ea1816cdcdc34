package com.example.wordcount;

import io.stormnative.BinarySerializer;
import io.stormnative.Bridge;
import io.stormnative.TopologyCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.StormSubmitter;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.topology.IRichSpout;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;

/**
 * The word-count topology: sentence-spout (1) -> split-bolt (4, shuffle) -> count-bolt (4, fields
 * on {@code word}) -> report (1, global).
 *
 * <pre>
 * WordCount [options]         run on a LocalCluster for --seconds, printing the top words
 * WordCount [options] NAME    submit to the cluster as NAME (storm jar wordcount.jar ... NAME)
 *
 *   --python           the Python sample components (python3 + storm.py) instead of the binaries
 *   --bridge B         host (storm-native's MultilangSpout/MultilangBolt, the default) or stock
 *                      (Storm's ShellSpout/ShellBolt), the JVM side that runs the processes
 *   --seconds N        local run length (default 30)
 *   --report-secs N    seconds between reports (default 5)
 *   --workers N        topology.workers (default 1)
 *   -c KEY=VALUE       any topology conf, e.g. -c wordcount.spout.order=sequential
 * </pre>
 */
public final class WordCount {
    /** Component ids. */
    public static final String SPOUT = "sentence-spout";
    public static final String SPLIT = "split-bolt";
    public static final String COUNT = "count-bolt";
    public static final String REPORT = "report";

    private WordCount() {
    }

    /** The sample's wiring, without the report bolt: spout 1, split 4 (shuffle), count 4 (fields on word). */
    public static TopologyBuilder builder(Variant variant) {
        return builder(Bridge.fromSystemProperty(), variant);
    }

    /** As {@link #builder(Variant)}, under the given bridge. */
    public static TopologyBuilder builder(Bridge bridge, Variant variant) {
        return builder(SentenceSpout.on(bridge, variant), bridge, variant, 4, 4);
    }

    /**
     * As {@link #builder(Variant)} with a given spout and parallelism (tests), the bolts under the
     * bridge {@link Bridge#fromSystemProperty()} names (the host unless told otherwise).
     */
    public static TopologyBuilder builder(IRichSpout spout, Variant variant, int splits, int counters) {
        return builder(spout, Bridge.fromSystemProperty(), variant, splits, counters);
    }

    /** As {@link #builder(IRichSpout, Variant, int, int)}, the bolts under {@code bridge}. */
    public static TopologyBuilder builder(IRichSpout spout, Bridge bridge, Variant variant, int splits, int counters) {
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout(SPOUT, spout, 1);
        builder.setBolt(SPLIT, SplitBolt.on(bridge, variant), splits).shuffleGrouping(SPOUT);
        builder.setBolt(COUNT, CountBolt.on(bridge, variant), counters).fieldsGrouping(SPLIT, new Fields("word"));
        return builder;
    }

    public static void main(String[] args) throws Exception {
        Variant variant = Variant.NATIVE;
        Bridge bridge = Bridge.fromSystemProperty();
        int seconds = 30;
        int reportSecs = 5;
        // Plain collections until the mode is known: Storm classes initialize logging when loaded.
        Map<String, Object> settings = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--python":
                    variant = Variant.PYTHON;
                    break;
                case "--bridge":
                    bridge = Bridge.parse(args[++i]);
                    break;
                case "--stock":
                    bridge = Bridge.STOCK;
                    break;
                case "--seconds":
                    seconds = Integer.parseInt(args[++i]);
                    break;
                case "--report-secs":
                    reportSecs = Integer.parseInt(args[++i]);
                    break;
                case "--workers":
                    settings.put(Config.TOPOLOGY_WORKERS, Integer.parseInt(args[++i]));
                    break;
                case "-c":
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("-c wants KEY=VALUE, got " + kv);
                    }
                    settings.put(kv.substring(0, eq), parseValue(kv.substring(eq + 1)));
                    break;
                case "-h":
                case "--help":
                    System.out.println("usage: WordCount [--python] [--bridge host|stock|inproc] [--seconds N] [--report-secs N] [--workers N] "
                        + "[-c KEY=VALUE]... [NAME]\n  no NAME: run on a LocalCluster; NAME: submit to the cluster");
                    return;
                default:
                    if (args[i].startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
                    }
                    names.add(args[i]);
            }
        }
        if (names.isEmpty()) {
            // Storm logs at INFO to the console by default; keep the local run readable unless told otherwise.
            if (System.getProperty("log4j.configurationFile") == null && System.getProperty("log4j2.configurationFile") == null) {
                System.setProperty("log4j.configurationFile", "wordcount-local-log4j2.xml");
            }
        }
        Config conf = new Config();
        conf.putAll(settings);
        if (variant == Variant.PYTHON
            && BinarySerializer.class.getName().equals(conf.get(Config.TOPOLOGY_MULTILANG_SERIALIZER))) {
            // storm.py speaks JSON only; with SMB1 it would wait forever for an `end` line.
            throw new IllegalArgumentException("--python needs the JSON serializer: storm.py does not speak "
                + BinarySerializer.class.getSimpleName() + " (SMB1); drop -c " + Config.TOPOLOGY_MULTILANG_SERIALIZER);
        }
        TopologyBuilder builder = builder(bridge, variant);
        builder.setBolt(REPORT, new ReportBolt(reportSecs), 1).globalGrouping(COUNT);
        StormTopology topology = builder.createTopology();
        try {
            // Before anything starts: every program is in the jar's resources/ (else one line names
            // the component, what resources/ holds and the nearest name).
            TopologyCheck.check(topology);
        } catch (IllegalArgumentException e) {
            System.err.println("wordcount: " + e.getMessage());
            System.exit(2);
        }

        if (!names.isEmpty()) {
            StormSubmitter.submitTopologyWithProgressBar(names.get(0), conf, topology);
            return;
        }
        runLocally(variant, bridge, seconds, conf, topology);
    }

    private static void runLocally(Variant variant, Bridge bridge, int seconds, Config conf, StormTopology topology)
        throws Exception {
        System.out.printf("wordcount: %s components under %s on a LocalCluster for %d s%n",
            variant == Variant.NATIVE ? "native (Rust)" : "Python",
            bridge.describe(), seconds);
        try (LocalCluster cluster = new LocalCluster()) {
            cluster.submitTopology("wordcount", conf, topology);
            Thread.sleep(seconds * 1000L);
            System.out.println("wordcount: time is up, stopping");
            quietShellShutdown();
            KillOptions now = new KillOptions();
            now.set_wait_secs(0);
            cluster.killTopologyWithOpts("wordcount", now);
        }
        System.out.println("wordcount: stopped");
        // Storm leaves an idle non-daemon pool thread behind after LocalCluster.close(), and exec:java
        // waits for every non-daemon thread: end the JVM ourselves.
        System.exit(0);
    }

    /**
     * Killing a topology destroys the subprocesses, and ShellBolt's reader thread then logs the pipe's
     * end as "Halting process: ShellBolt died" at ERROR (Storm's behaviour, also on a clean stop).
     * Once the run is over, those two loggers are silenced so a normal stop does not look like a crash.
     */
    private static void quietShellShutdown() {
        try {
            org.apache.logging.log4j.core.config.Configurator.setLevel("org.apache.storm.task.ShellBolt",
                org.apache.logging.log4j.Level.OFF);
            org.apache.logging.log4j.core.config.Configurator.setLevel("org.apache.storm.executor.error.ReportError",
                org.apache.logging.log4j.Level.OFF);
        } catch (LinkageError e) {
            // another logging backend: leave it alone
        }
    }

    /** Conf values as the components read them: booleans and integers as such, anything else a string. */
    static Object parseValue(String value) {
        if (value.equals("true") || value.equals("false")) {
            return Boolean.valueOf(value);
        }
        try {
            return Long.valueOf(value);
        } catch (NumberFormatException e) {
            return value;
        }
    }
}
