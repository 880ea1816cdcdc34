package io.stormnative;

import java.util.List;
import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.utils.ObjectReader;

/**
 * Small helpers every host uses: conf values, tuple ids, cutting what a child sent short. Imports
 * nothing of the package (ChildReports and ShellMetrics build on it, never the reverse).
 */
final class HostSupport {
    private HostSupport() {
    }

    /** {@code topology.subprocess.timeout.secs}, else {@code supervisor.worker.timeout.secs}, as stock Storm. */
    static long timeoutNanos(Map<String, Object> conf) {
        Object secs = conf.get(Config.TOPOLOGY_SUBPROCESS_TIMEOUT_SECS);
        if (secs == null) {
            secs = conf.get(Config.SUPERVISOR_WORKER_TIMEOUT_SECS);
        }
        return ObjectReader.getInt(secs, 30) * 1_000_000_000L;
    }

    /** Lines of non-protocol text on a child's stdout reported one by one before only every 1000th is. */
    static final int JUNK_REPORTED = 10;

    /** What the child sent, cut short for a report. */
    static String cut(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "... (" + s.length() + " chars)";
    }

    /** The id under which {@code t} (that very tuple) is in {@code pending}, or null. */
    static Long idOf(Map<Long, Tuple> pending, Tuple t) {
        for (Map.Entry<Long, Tuple> en : pending.entrySet()) {
            if (en.getValue() == t) {
                return en.getKey();
            }
        }
        return null;
    }

    /**
     * The report of an emit Storm refused (wrong number of fields, an undeclared stream, ...), with
     * what became of it ({@code consequence}, if not null).
     */
    static String refusedEmit(RuntimeException e, List<Object> tuple, String stream, String consequence) {
        return "emit refused by Storm (" + e.getMessage() + "): " + cut(tuple + " on stream " + stream)
            + (consequence == null ? "" : "; " + consequence);
    }

    static boolean localMode(Map<String, Object> conf) {
        return "local".equals(conf.get(Config.STORM_CLUSTER_MODE));
    }

    static int positiveInt(Map<String, Object> conf, String key, int dflt) {
        Object v = conf.get(key);
        if (v == null) {
            return dflt;
        }
        int n;
        try {
            n = v instanceof Number ? ((Number) v).intValue() : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a positive integer, got " + v);
        }
        if (n <= 0) {
            throw new IllegalArgumentException(key + " must be a positive integer, got " + v);
        }
        return n;
    }

    /** A tuple id as the host sent it (a counter, as a string) from what a child sends back; null if it is none. */
    static Long tupleId(Object wireId) {
        if (wireId instanceof Number) {
            return ((Number) wireId).longValue();
        }
        if (wireId instanceof String) {
            try {
                return Long.valueOf((String) wireId);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
