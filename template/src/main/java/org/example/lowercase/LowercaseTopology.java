package org.example.lowercase;

import io.stormnative.MultilangBolt;
import io.stormnative.TopologyCheck;
import java.util.Map;
import java.util.TreeMap;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.StormSubmitter;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;

/**
 * words (Java) -> lowercase (the native lowercase-bolt, from the jar's resources/) -> count (Java).
 *
 * <pre>
 * mvn compile exec:java                          # on a LocalCluster for 20 s, then the counts
 * storm jar target/lowercase-topology-0.1.0.jar org.example.lowercase.LowercaseTopology NAME
 * </pre>
 */
public final class LowercaseTopology {
    private LowercaseTopology() {
    }

    /** The topology, checked: every native program is in resources/ (else one line says which and why). */
    public static StormTopology build(int rounds) {
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("words", new WordsSpout(rounds), 1);
        builder.setBolt("lowercase", new MultilangBolt(new String[] {"lowercase-bolt"}, "word"), 2)
            .shuffleGrouping("words");
        builder.setBolt("count", new CountBolt(), 2).fieldsGrouping("lowercase", new Fields("word"));
        StormTopology topology = builder.createTopology();
        TopologyCheck.check(topology);
        return topology;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 && System.getProperty("log4j.configurationFile") == null) {
            // Before Storm's first log line: its INFO lines would bury the counts.
            System.setProperty("log4j.configurationFile", "lowercase-local-log4j2.xml");
        }
        Config conf = new Config();
        StormTopology topology;
        try {
            topology = build(100);
        } catch (IllegalArgumentException e) {
            System.err.println("lowercase-topology: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (args.length > 0) {
            StormSubmitter.submitTopology(args[0], conf, topology);
            return;
        }
        try (LocalCluster cluster = new LocalCluster()) {
            cluster.submitTopology("lowercase", conf, topology);
            Thread.sleep(20_000);
            System.out.println("lowercase-topology: counts " + new TreeMap<>(Map.copyOf(CountBolt.COUNTS)));
        }
        System.exit(0);
    }
}
