package io.stormnative;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.storm.Config;
import org.apache.storm.metric.api.IMetric;
import org.apache.storm.metric.api.rpc.IShellMetric;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.task.TopologyContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metrics of a multilang child declared in the conf instead of in Java: {@value #METRICS_CONF}
 * names them, and every generic component ({@link NativeShellBolt}, {@link NativeShellSpout},
 * {@link MultilangBolt}, {@link MultilangSpout}) registers one {@link LastValue} gauge per name in
 * its {@code prepare}/{@code open} (the only place Storm lets a component register a metric), so
 * the child's {@code metrics} commands reach Storm's metrics consumers.
 *
 * <pre>
 * multilang.metrics: ["distinct-words"]      # topology conf, or the component's (withConf)
 * multilang.metrics.bucket.secs: 10          # optional; else topology.builtin.metrics.bucket.size.secs
 * </pre>
 *
 * <p>The metrics are Storm's v1 metrics ({@link TopologyContext#registerMetric}), the only kind
 * Storm's ShellBolt/ShellSpout look a {@code metrics} command up in.
 */
public final class ShellMetrics {
    /** Conf key: the metric names a component's child may send (a list of strings, or one comma-separated string). */
    public static final String METRICS_CONF = "multilang.metrics";
    /** Conf key: seconds between two reports of these metrics to the consumers. */
    public static final String BUCKET_SECS_CONF = "multilang.metrics.bucket.secs";
    /** Storm's own default for {@code topology.builtin.metrics.bucket.size.secs}. */
    static final int DEFAULT_BUCKET_SECS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(ShellMetrics.class);

    private ShellMetrics() {
    }

    /**
     * A gauge: keeps the last value the child sent (any value: a number, a string, a list, a map)
     * and reports it every bucket, unchanged, until the child sends another; nothing before the
     * first. Updated by the thread that reads the child, read by the executor's.
     */
    public static final class LastValue implements IShellMetric {
        private volatile Object value;

        @Override
        public void updateMetricFromRPC(Object params) {
            value = params;
        }

        @Override
        public Object getValueAndReset() {
            return value;
        }
    }

    /** The names {@value #METRICS_CONF} gives in {@code conf}, in order, each once; none if unset. */
    static List<String> names(Map<String, Object> conf) {
        Object v = conf.get(METRICS_CONF);
        List<Object> raw = new ArrayList<>();
        if (v == null) {
            return List.of();
        } else if (v instanceof String s) {
            if (s.isBlank()) {
                return List.of();
            }
            for (String part : s.split(",", -1)) {
                raw.add(part.strip());
            }
        } else if (v instanceof Iterable<?> list) {
            list.forEach(raw::add);
        } else {
            throw new IllegalArgumentException(METRICS_CONF + " must be a list of metric names, got " + v);
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object name : raw) {
            if (!(name instanceof String s) || s.isBlank()) {
                throw new IllegalArgumentException(METRICS_CONF + ": every metric name must be a non-blank string, got "
                    + (name == null ? "null" : "\"" + name + "\"") + " in " + v);
            }
            out.add(((String) name).strip());
        }
        return List.copyOf(out);
    }

    /** {@value #BUCKET_SECS_CONF}, else {@code topology.builtin.metrics.bucket.size.secs}, else 60. */
    static int bucketSecs(Map<String, Object> conf) {
        if (conf.get(BUCKET_SECS_CONF) != null) {
            return HostSupport.positiveInt(conf, BUCKET_SECS_CONF, DEFAULT_BUCKET_SECS);
        }
        return HostSupport.positiveInt(conf, Config.TOPOLOGY_BUILTIN_METRICS_BUCKET_SIZE_SECS, DEFAULT_BUCKET_SECS);
    }

    /**
     * Registers a {@link LastValue} for each name {@value #METRICS_CONF} gives; call it from
     * {@code prepare}/{@code open}, before the child starts. A name already registered (by a Java
     * subclass, before this call) keeps its metric.
     *
     * @param conf the conf {@code prepare}/{@code open} got (Storm has merged the component's conf into it)
     * @return the names registered here
     * @throws IllegalArgumentException if a key's value is malformed
     */
    public static List<String> register(Map<String, Object> conf, TopologyContext context) {
        List<String> names = names(conf);
        if (names.isEmpty()) {
            return names;
        }
        int secs = bucketSecs(conf);
        List<String> done = new ArrayList<>();
        for (String name : names) {
            if (context.getRegisteredMetricByName(name) != null) {
                LOG.info("{}: metric {} is already registered; keeping it", context.getThisComponentId(), name);
                continue;
            }
            context.registerMetric(name, new LastValue(), secs);
            done.add(name);
        }
        LOG.info("{} task {}: shell metrics {} registered, reported every {} s", context.getThisComponentId(),
            context.getThisTaskId(), done, secs);
        return List.copyOf(done);
    }

    /**
     * A child's {@code metrics} command: updates the registered shell metric of that name.
     *
     * @return null, or what is wrong (the caller reports it: stock Storm kills the worker instead)
     */
    static String update(TopologyContext context, ShellMsg msg) {
        String name = msg.getMetricName();
        if (name == null || name.isEmpty()) {
            return "metrics command without a name";
        }
        IMetric metric = context.getRegisteredMetricByName(name);
        if (metric == null) {
            return "metrics command for " + name + ", which no IShellMetric of this component registers (declare it in "
                + METRICS_CONF + ")";
        }
        if (!(metric instanceof IShellMetric)) {
            return "metric " + name + " is a " + metric.getClass().getName() + ", not an IShellMetric";
        }
        try {
            ((IShellMetric) metric).updateMetricFromRPC(msg.getMetricParams());
        } catch (RuntimeException e) {
            return "metric " + name + " refused " + msg.getMetricParams() + ": " + e;
        }
        return null;
    }
}
