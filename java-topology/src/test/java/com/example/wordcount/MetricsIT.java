package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stormnative.Bridge;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.metric.LoggingMetricsConsumer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * count-bolt's {@code distinct-words} metric, declared by {@code multilang.metrics} (no Java
 * metric class), seen through Storm's {@link LoggingMetricsConsumer}: the test adds a log4j2
 * appender to that consumer's logger and reads its lines. Runs under the bridge
 * {@code -Dwordcount.bridge} names (the pom's default and SMB1 executions: the host, JSON and
 * SMB1 kind 0x17; its {@code stock} execution: Storm's ShellBolt/ShellSpout).
 */
class MetricsIT {
    private static final String CONSUMER_LOGGER = LoggingMetricsConsumer.class.getName();
    private static final String METRIC = "distinct-words";
    /** The consumer's lines, as it logs them. */
    private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();

    private static LocalCluster cluster;
    private static AbstractAppender appender;

    @BeforeAll
    static void startCluster() throws Exception {
        ExitGuard.install();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        appender = new AbstractAppender("metrics-it", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                LINES.add(event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        cfg.addAppender(appender);
        LoggerConfig logger = new LoggerConfig(CONSUMER_LOGGER, Level.INFO, true);
        logger.addAppender(appender, Level.INFO, null);
        cfg.addLogger(CONSUMER_LOGGER, logger);
        ctx.updateLoggers();
        cluster = new LocalCluster();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        Harness.waitUntil("no component process after LocalCluster.close()", 30_000,
            () -> Harness.componentProcesses().isEmpty());
    }

    /**
     * The latest {@value #METRIC} value per count-bolt task in the consumer's lines. A line is
     * {@code timestamp \t host:port \t task:component \t name(padded) \t value}.
     */
    private static Map<Integer, Long> latestPerTask() {
        Map<Integer, Long> out = new HashMap<>();
        for (String line : LINES) {
            String[] f = line.split("\t");
            if (f.length != 5 || !f[3].strip().equals(METRIC)) {
                continue;
            }
            String[] task = f[2].strip().split(":", 2);
            if (!task[1].strip().equals(WordCount.COUNT)) {
                continue;
            }
            out.put(Integer.parseInt(task[0].strip()), Long.parseLong(f[4].strip()));
        }
        return out;
    }

    /** The word count with count-bolt's metric on, every second, ticks to count-bolt every second. */
    private static Results run(String name, Bridge bridge, int limit, Map<String, Object> extra) throws Exception {
        return run(name, bridge, limit, extra, Map.of());
    }

    /** As above, {@code countConf} added to count-bolt's own component conf. */
    private static Results run(String name, Bridge bridge, int limit, Map<String, Object> extra,
                               Map<String, Object> countConf) throws Exception {
        Config conf = Harness.conf();
        conf.putAll(extra);
        conf.put("wordcount.spout.reliable", true);
        conf.put("wordcount.spout.order", "sequential");
        conf.put("wordcount.spout.limit", limit);
        conf.put("wordcount.count.metrics.secs", 1);
        conf.registerMetricsConsumer(LoggingMetricsConsumer.class, 1);
        conf.setNumWorkers(1);
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout(WordCount.SPOUT, new TrackingSentenceSpout(Variant.NATIVE, name), 1);
        builder.setBolt(WordCount.SPLIT, SplitBolt.on(bridge, Variant.NATIVE), 4).shuffleGrouping(WordCount.SPOUT);
        // Ticks (count-bolt also reports on them) on count-bolt only: on the spout they would rotate timeouts.
        builder.setBolt(WordCount.COUNT, CountBolt.on(bridge, Variant.NATIVE), 4)
            .fieldsGrouping(WordCount.SPLIT, new Fields("word"))
            .addConfiguration(Config.TOPOLOGY_TICK_TUPLE_FREQ_SECS, 1)
            .addConfigurations(countConf);
        builder.setBolt("collector", new CollectorBolt(name), 1).globalGrouping(WordCount.COUNT);
        Results r = Results.of(name);
        LINES.clear();
        cluster.submitTopology(name, conf, builder.createTopology());
        Harness.waitUntil(limit + " sentences acked in " + name, 180_000,
            () -> r.acked.size() + r.failed.size() >= limit);
        return r;
    }

    @Test
    void distinctWordsPerTaskAddUpToTheCorpusThroughLoggingMetricsConsumer() throws Exception {
        Bridge bridge = Bridge.fromSystemProperty();
        declaredAndSeen("metrics-" + bridge.name().toLowerCase(), bridge,
            Map.of("multilang.metrics", List.of(METRIC), "multilang.metrics.bucket.secs", 1), Map.of());
    }

    /** The names in count-bolt's own conf instead (Storm merges it into the conf prepare gets). */
    @Test
    void theNamesMayComeFromTheComponentsConf() throws Exception {
        assumeTrue(Bridge.fromSystemProperty() == Bridge.HOST, "the conf merge is Storm's, the same for both bridges");
        declaredAndSeen("metrics-component-conf", Bridge.HOST, Map.of(),
            Map.of("multilang.metrics", List.of(METRIC), "multilang.metrics.bucket.secs", 1));
    }

    private static void declaredAndSeen(String name, Bridge bridge, Map<String, Object> topoConf,
                                        Map<String, Object> countConf) throws Exception {
        int limit = 500;
        Map<String, Long> expected = Harness.expectedCounts(Harness.SAMPLE_SENTENCES, limit);
        long t0 = System.nanoTime();
        Results r = run(name, bridge, limit, topoConf, countConf);
        Harness.waitUntil("4 count-bolt tasks' " + METRIC + " adding up to " + expected.size(), 60_000, () -> {
            Map<Integer, Long> last = latestPerTask();
            return last.size() == 4 && last.values().stream().mapToLong(Long::longValue).sum() == expected.size();
        });
        Map<Integer, Long> last = latestPerTask();
        System.out.printf("MetricsIT %s %s: %s per count-bolt task (sum %d) after %d ms%n", name, bridge, last,
            last.values().stream().mapToLong(Long::longValue).sum(), (System.nanoTime() - t0) / 1_000_000);
        Map<String, List<String>> errors = Harness.errors(cluster, name);
        Harness.killAndWaitForProcesses(cluster, name);

        assertEquals(27, expected.size(), "the sample's distinct words");
        last.forEach((task, n) -> assertTrue(n > 0, "task " + task + " holds no word: " + last));
        Harness.assertExact(r, expected, limit);
        assertTrue(errors.values().stream().allMatch(List::isEmpty), "errors: " + errors);
    }

    @Test
    void undeclaredMetricUnderTheHostIsReportedAndTheCountsStayExact() throws Exception {
        assumeTrue(Bridge.fromSystemProperty() == Bridge.HOST,
            "under Storm's ShellBolt an undeclared metric kills the worker (ShellMetricsTest shows it)");
        String name = "metrics-undeclared";
        int limit = 200;
        Results r = run(name, Bridge.HOST, limit, Map.of());
        Harness.waitUntil("count-bolt's error for the undeclared metric", 60_000, () -> {
            try {
                return Harness.errors(cluster, name).getOrDefault(WordCount.COUNT, List.of()).stream()
                    .anyMatch(e -> e.contains("metrics command for " + METRIC));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String error = Harness.errors(cluster, name).get(WordCount.COUNT).get(0);
        System.out.println("MetricsIT undeclared, count-bolt's first error: " + error.lines().findFirst().orElse(""));
        Harness.killAndWaitForProcesses(cluster, name);

        assertTrue(error.contains("multilang.metrics"), error);
        Harness.assertExact(r, Harness.expectedCounts(Harness.SAMPLE_SENTENCES, limit), limit);
        assertEquals(Map.of(), latestPerTask(), "nothing registered, nothing reported");
    }
}
