package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.storm.metric.api.IMetric;
import org.apache.storm.metric.api.rpc.IShellMetric;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.tuple.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code multilang.metrics}: the generic components register the names it gives, and a child's
 * {@code metrics} command for a name it does not give: reported by the host, fatal under stock
 * ShellBolt. The child is scripted_child.py: mode {@code logerror} sends
 * {@code metrics no-such-metric 1} for each tuple (with a log, an error and a fail).
 */
class ShellMetricsTest {
    private final List<Runnable> cleanups = new ArrayList<>();
    private final FakeStorm.BoltCollector out = new FakeStorm.BoltCollector();

    @AfterEach
    void stop() {
        cleanups.forEach(Runnable::run);
    }

    private static Map<String, Object> conf(Object metrics) {
        Map<String, Object> conf = FakeStorm.conf();
        // Stock ShellBolt/ShellSpout read these without defaults.
        conf.put("topology.multilang.serializer", "org.apache.storm.multilang.JsonSerializer");
        conf.put("topology.subprocess.timeout.secs", 30);
        conf.put("topology.shellbolt.max.pending", 100);
        if (metrics != null) {
            conf.put(ShellMetrics.METRICS_CONF, metrics);
        }
        return conf;
    }

    private static final String[] LOGERROR = {"python3", "scripted_child.py", "logerror"};

    @Test
    void namesComeFromAListOrACommaSeparatedStringEachOnce() {
        assertEquals(List.of(), ShellMetrics.names(Map.of()));
        assertEquals(List.of(), ShellMetrics.names(Map.of(ShellMetrics.METRICS_CONF, " ")));
        assertEquals(List.of("a", "b"), ShellMetrics.names(Map.of(ShellMetrics.METRICS_CONF, List.of("a", " b", "a"))));
        assertEquals(List.of("a", "b"), ShellMetrics.names(Map.of(ShellMetrics.METRICS_CONF, "a, b")));
        for (Object bad : new Object[] {List.of("a", ""), "a,,b", Arrays.asList("a", null), List.of(1), 7}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShellMetrics.names(Map.of(ShellMetrics.METRICS_CONF, bad)), String.valueOf(bad));
            assertTrue(e.getMessage().startsWith("multilang.metrics"), e.getMessage());
        }
    }

    @Test
    void theBucketIsOwnKeyElseStormsBuiltinBucketElse60() {
        assertEquals(60, ShellMetrics.bucketSecs(Map.of()));
        assertEquals(5, ShellMetrics.bucketSecs(Map.of("topology.builtin.metrics.bucket.size.secs", 5)));
        assertEquals(2, ShellMetrics.bucketSecs(Map.of("topology.builtin.metrics.bucket.size.secs", 5,
            ShellMetrics.BUCKET_SECS_CONF, "2")));
        assertThrows(IllegalArgumentException.class, () -> ShellMetrics.bucketSecs(Map.of(ShellMetrics.BUCKET_SECS_CONF, 0)));
    }

    @Test
    void theGaugeKeepsTheLastValueAndReportsNothingBeforeTheFirst() {
        ShellMetrics.LastValue g = new ShellMetrics.LastValue();
        assertNull(g.getValueAndReset());
        g.updateMetricFromRPC(3L);
        g.updateMetricFromRPC(Map.of("k", "v"));
        assertEquals(Map.of("k", "v"), g.getValueAndReset());
        assertEquals(Map.of("k", "v"), g.getValueAndReset(), "a gauge: not reset");
    }

    @Test
    void aNameAlreadyRegisteredKeepsItsMetric() throws Exception {
        Map<String, Object> conf = conf(List.of("mine", "new"));
        TopologyContext context = FakeStorm.context("pre", conf);
        IMetric mine = context.registerMetric("mine", () -> 1, 60);
        assertEquals(List.of("new"), ShellMetrics.register(conf, context));
        assertEquals(mine, context.getRegisteredMetricByName("mine"));
        assertInstanceOf(ShellMetrics.LastValue.class, context.getRegisteredMetricByName("new"));
    }

    private Tuple prepare(org.apache.storm.topology.IRichBolt bolt, TopologyContext context, Map<String, Object> conf) {
        bolt.prepare(conf, context, new OutputCollector(out));
        cleanups.add(bolt::cleanup);
        return FakeStorm.tuple(context, "x");
    }

    private static Object value(TopologyContext context, String name) {
        return context.getRegisteredMetricByName(name).getValueAndReset();
    }

    @Test
    void hostBoltDeclaredMetricGetsTheChildsValue() throws Exception {
        Map<String, Object> conf = conf(List.of("no-such-metric"));
        TopologyContext context = FakeStorm.context("host-declared", conf);
        MultilangBolt bolt = new MultilangBolt(LOGERROR, "out");
        Tuple t = prepare(bolt, context, conf);
        bolt.execute(t);
        MultilangBoltTest.waitFor("the fail", () -> out.fails.size() == 1);
        MultilangBoltTest.waitFor("the metric", () -> value(context, "no-such-metric") != null);
        assertEquals(1L, ((Number) value(context, "no-such-metric")).longValue());
        Thread.sleep(100);
        assertEquals(List.of("Shell Process Exception: an error from the child"), out.errorTexts(),
            "only the child's own error");
    }

    @Test
    void hostBoltUndeclaredMetricIsReportedAndTheBoltLivesOn() throws Exception {
        Map<String, Object> conf = conf(null);
        TopologyContext context = FakeStorm.context("host-undeclared", conf);
        MultilangBolt bolt = new MultilangBolt(LOGERROR, "out");
        bolt.execute(prepare(bolt, context, conf));
        MultilangBoltTest.waitFor("the fail", () -> out.fails.size() == 1);
        MultilangBoltTest.waitFor("two errors", () -> out.errors.size() == 2);
        String error = out.errorTexts().get(1);
        assertTrue(error.contains("metrics command for no-such-metric") && error.contains("multilang.metrics"), error);
        Tuple again = FakeStorm.tuple(context, "y");
        bolt.execute(again);
        MultilangBoltTest.waitFor("the second fail", () -> out.fails.size() == 2);
        assertEquals(again, out.fails.get(1), "the bolt still runs");
    }

    @Test
    void stockBoltDeclaredMetricGetsTheChildsValue() throws Exception {
        Map<String, Object> conf = conf("no-such-metric");
        TopologyContext context = FakeStorm.context("stock-declared", conf);
        NativeShellBolt bolt = new NativeShellBolt(LOGERROR, "out");
        Tuple t = prepare(bolt, context, conf);
        bolt.execute(t);
        MultilangBoltTest.waitFor("the fail", () -> out.fails.size() == 1);
        MultilangBoltTest.waitFor("the metric", () -> value(context, "no-such-metric") != null);
        assertEquals(1L, ((Number) value(context, "no-such-metric")).longValue());
        bolt.execute(FakeStorm.tuple(context, "y"));
        MultilangBoltTest.waitFor("the second fail", () -> out.fails.size() == 2);
        assertEquals(List.of("Shell Process Exception: an error from the child",
            "Shell Process Exception: an error from the child"), out.errorTexts(), "only the child's own errors");
    }

    /**
     * Storm's own behaviour, kept: ShellBolt's reader throws, {@code die} reports the error (and
     * outside local mode calls {@code System.exit(11)}); in local mode the next {@code execute}
     * throws, which kills the executor and with it the worker.
     */
    @Test
    void stockBoltUndeclaredMetricKillsTheBolt() throws Exception {
        Map<String, Object> conf = conf(null);
        TopologyContext context = FakeStorm.context("stock-undeclared", conf);
        NativeShellBolt bolt = new NativeShellBolt(LOGERROR, "out");
        bolt.execute(prepare(bolt, context, conf));
        MultilangBoltTest.waitFor("the death", () -> out.errorTexts().stream()
            .anyMatch(e -> e.contains("Could not find metric by name[no-such-metric]")));
        RuntimeException e = assertThrows(RuntimeException.class, () -> bolt.execute(FakeStorm.tuple(context, "y")));
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(root.getMessage().contains("Could not find metric by name[no-such-metric]"), root.toString());
    }

    @Test
    void spoutsRegisterTheNamesInOpen() throws Exception {
        for (boolean host : new boolean[] {true, false}) {
            Map<String, Object> conf = conf(List.of("spout-metric"));
            TopologyContext context = FakeStorm.context(host ? "host-spout" : "stock-spout", conf);
            String[] cmd = {"python3", "scripted_child.py", "spout"};
            FakeStorm.SpoutCollector collector = new FakeStorm.SpoutCollector();
            if (host) {
                MultilangSpout s = new MultilangSpout(cmd, "sentence");
                s.open(conf, context, new SpoutOutputCollector(collector));
                cleanups.add(s::close);
            } else {
                NativeShellSpout s = new NativeShellSpout(cmd, "sentence");
                s.open(conf, context, new SpoutOutputCollector(collector));
                cleanups.add(s::close);
            }
            assertInstanceOf(IShellMetric.class, context.getRegisteredMetricByName("spout-metric"), "host " + host);
        }
    }
}
