package com.example.compat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

/**
 * Between the native spout and split-bolt: fails the first tuple it gets (without passing it on),
 * passes every other one on, anchored. So the spout sees one fail, replays that id, and the
 * replay is what gets counted.
 */
@SuppressWarnings("rawtypes")
public class FailOnceBolt extends BaseRichBolt {
    private static final long serialVersionUID = 1L;
    private static final Map<String, AtomicBoolean> FAILED = new java.util.concurrent.ConcurrentHashMap<>();
    private final String key;
    private transient OutputCollector collector;

    public FailOnceBolt(String key) {
        this.key = key;
    }

    @Override
    public void prepare(Map conf, TopologyContext context, OutputCollector collector) {
        this.collector = collector;
    }

    @Override
    public void execute(Tuple tuple) {
        if (FAILED.computeIfAbsent(key, k -> new AtomicBoolean()).compareAndSet(false, true)) {
            collector.fail(tuple);
            return;
        }
        collector.emit(tuple, new Values(tuple.getValue(0)));
        collector.ack(tuple);
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields("sentence"));
    }
}
