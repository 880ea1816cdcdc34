package com.example.compat;

import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.tuple.Tuple;

/**
 * The end of a test topology: from count-bolt ([word, count]) keeps each word's largest count;
 * from split-bolt ([word]) counts the words itself. Acks, so spout tuples complete.
 */
public class CollectorBolt extends BaseBasicBolt {
    private static final long serialVersionUID = 1L;
    private final String key;

    public CollectorBolt(String key) {
        this.key = key;
    }

    @Override
    public void execute(Tuple tuple, BasicOutputCollector collector) {
        Seen s = Seen.of(key);
        if (tuple.size() > 1) {
            s.counts.merge(tuple.getString(0), ((Number) tuple.getValue(1)).longValue(), Math::max);
        } else {
            s.counts.merge(tuple.getString(0), 1L, Long::sum);
        }
        s.tuples.incrementAndGet();
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
    }
}
