package com.example.wordcount;

import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.tuple.Tuple;

/** Downstream of count-bolt: keeps each word's largest count (acks, so spout tuples complete). */
public class CollectorBolt extends BaseBasicBolt {
    private static final long serialVersionUID = 1L;
    private final String key;

    public CollectorBolt(String key) {
        this.key = key;
    }

    @Override
    public void execute(Tuple tuple, BasicOutputCollector collector) {
        Results r = Results.of(key);
        r.counts.merge(tuple.getString(0), ((Number) tuple.getValue(1)).longValue(), Math::max);
        r.countTuples.incrementAndGet();
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
    }
}
