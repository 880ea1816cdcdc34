package com.example.wordcount;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Values;
import org.apache.storm.utils.Utils;

/**
 * Emits the given values once each as field "sentence", message ids 1..n, and records acks and
 * fails, with the time (ms) of each id's emit and first ack or fail in {@link Results#marks}
 * ("emit 3", "ack 3", "fail 3").
 */
public class FixedSpout extends BaseRichSpout {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final ArrayList<Object> values;
    private transient SpoutOutputCollector collector;
    private int next;

    public FixedSpout(String key, List<Object> values) {
        this.key = key;
        this.values = new ArrayList<>(values);
    }

    @Override
    public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
        this.collector = collector;
    }

    @Override
    public void nextTuple() {
        if (next < values.size()) {
            Results.of(key).marks.put("emit " + (next + 1), System.currentTimeMillis());
            collector.emit(new Values(values.get(next)), (long) next + 1);
            next++;
        } else {
            Utils.sleep(5);
        }
    }

    @Override
    public void ack(Object msgId) {
        Results.of(key).marks.putIfAbsent("ack " + msgId, System.currentTimeMillis());
        Results.of(key).acked.add(msgId);
    }

    @Override
    public void fail(Object msgId) {
        Results.of(key).marks.putIfAbsent("fail " + msgId, System.currentTimeMillis());
        Results.of(key).failed.add(msgId);
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields("sentence"));
    }
}
