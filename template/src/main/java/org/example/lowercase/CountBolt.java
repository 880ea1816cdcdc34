package org.example.lowercase;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.tuple.Tuple;

/** Counts words. The totals are kept in {@link #COUNTS}, which only a local run (one JVM) can read. */
public class CountBolt extends BaseBasicBolt {
    /** Word to count, over every task of this JVM. */
    public static final Map<String, Long> COUNTS = new ConcurrentHashMap<>();

    private static final long serialVersionUID = 1L;

    @Override
    public void execute(Tuple input, BasicOutputCollector collector) {
        COUNTS.merge(input.getString(0), 1L, Long::sum);
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
    }
}
