package com.example.wordcount;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.storm.Config;
import org.apache.storm.Constants;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.utils.ObjectReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the counters' {@code (word, count)} tuples (global grouping) and logs, every few seconds
 * (a tick tuple), the top {@value #TOP_KEY} words with their counts and the rate of counted words
 * (one tuple per word) since the last report.
 */
public class ReportBolt extends BaseRichBolt {
    /** Topology conf key: words shown per report (default 10). */
    public static final String TOP_KEY = "wordcount.report.top";

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReportBolt.class);

    private final int intervalSecs;
    private transient OutputCollector collector;
    private transient Map<String, Long> counts;
    private int top;
    private long tuples;
    private long tuplesAtLastReport;
    private long startNanos;
    private long lastReportNanos;

    /** Reports every 5 seconds. */
    public ReportBolt() {
        this(5);
    }

    /** Reports every {@code intervalSecs} seconds. */
    public ReportBolt(int intervalSecs) {
        this.intervalSecs = intervalSecs;
    }

    @Override
    public void prepare(Map<String, Object> topoConf, TopologyContext context, OutputCollector collector) {
        this.collector = collector;
        this.counts = new HashMap<>();
        this.top = ObjectReader.getInt(topoConf.get(TOP_KEY), 10);
        this.startNanos = System.nanoTime();
        this.lastReportNanos = startNanos;
    }

    @Override
    public void execute(Tuple tuple) {
        if (Constants.SYSTEM_COMPONENT_ID.equals(tuple.getSourceComponent())
            && Constants.SYSTEM_TICK_STREAM_ID.equals(tuple.getSourceStreamId())) {
            report();
        } else {
            // A word's counter emits 1, 2, 3, ...: the largest value seen is its count.
            long count = ((Number) tuple.getValue(1)).longValue();
            counts.merge(tuple.getString(0), count, Math::max);
            tuples++;
        }
        collector.ack(tuple);
    }

    private void report() {
        long now = System.nanoTime();
        double secs = (now - lastReportNanos) / 1e9;
        long rate = secs > 0 ? Math.round((tuples - tuplesAtLastReport) / secs) : 0;
        String topWords = counts.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
            .limit(top)
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining("  "));
        LOG.info(String.format("%4d s: %,d words counted, %,d words/s, %,d distinct | top: %s",
            Math.round((now - startNanos) / 1e9), tuples, rate, counts.size(), topWords));
        lastReportNanos = now;
        tuplesAtLastReport = tuples;
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
    }

    @Override
    public Map<String, Object> getComponentConfiguration() {
        Config conf = new Config();
        conf.put(Config.TOPOLOGY_TICK_TUPLE_FREQ_SECS, intervalSecs);
        return conf;
    }
}
