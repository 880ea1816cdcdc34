package com.example.compat;

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
 * A Java spout that emits given values (unreliably), each once, the i-th {@code delaysMs[i]} ms
 * after the one before (the first after open()): e.g. a sentence, a silence longer than the
 * subprocess timeout, another sentence; or a number where split-bolt expects a sentence.
 */
@SuppressWarnings("rawtypes")
public class ScriptSpout extends BaseRichSpout {
    private static final long serialVersionUID = 1L;
    private final List<Object> values;
    private final long[] delaysMs;
    private transient SpoutOutputCollector collector;
    private transient long last;
    private transient int next;

    public ScriptSpout(List<Object> values, long... delaysMs) {
        this.values = values;
        this.delaysMs = delaysMs;
    }

    @Override
    public void open(Map conf, TopologyContext context, SpoutOutputCollector collector) {
        this.collector = collector;
        this.last = System.currentTimeMillis();
    }

    @Override
    public void nextTuple() {
        long now = System.currentTimeMillis();
        if (next < values.size() && now - last >= delaysMs[next]) {
            collector.emit(new Values(values.get(next)));
            next++;
            last = now;
        } else {
            Utils.sleep(5);
        }
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields("sentence"));
    }
}
