package com.example.wordcount;

import java.util.Map;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

/**
 * Between the spout and split-bolt: fails the first delivery of the sentence {@code victim}, passes
 * every other delivery on (anchored), and records each sentence it saw, in order, in
 * {@link Results#deliveries}.
 */
public class FailFirstDeliveryBolt extends BaseRichBolt {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final String victim;
    private transient OutputCollector collector;
    private transient boolean failed;

    public FailFirstDeliveryBolt(String key, String victim) {
        this.key = key;
        this.victim = victim;
    }

    @Override
    public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
        this.collector = collector;
    }

    @Override
    public void execute(Tuple tuple) {
        String sentence = tuple.getString(0);
        Results.of(key).deliveries.add(sentence);
        if (!failed && sentence.equals(victim)) {
            failed = true;
            collector.fail(tuple);
            return;
        }
        collector.emit(tuple, new Values(sentence));
        collector.ack(tuple);
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields("sentence"));
    }
}
