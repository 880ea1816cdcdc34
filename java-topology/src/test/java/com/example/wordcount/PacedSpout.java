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
 * Emits the given sentences once each as field "sentence", message ids 1..n, in two batches: the
 * first {@code pauseAfter}, then, once all of those are acked or failed, nothing for
 * {@code pauseMs} (the topology idle), then the rest. Records acks and fails in {@link Results}.
 */
public class PacedSpout extends BaseRichSpout {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final ArrayList<String> sentences;
    private final int pauseAfter;
    private final long pauseMs;
    private transient SpoutOutputCollector collector;
    private int next;
    private long resumeAt;

    public PacedSpout(String key, List<String> sentences, int pauseAfter, long pauseMs) {
        this.key = key;
        this.sentences = new ArrayList<>(sentences);
        this.pauseAfter = pauseAfter;
        this.pauseMs = pauseMs;
    }

    @Override
    public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
        this.collector = collector;
    }

    @Override
    public void nextTuple() {
        if (next == pauseAfter && resumeAt == 0) {
            Results r = Results.of(key);
            if (r.acked.events() + r.failed.events() < pauseAfter) {
                Utils.sleep(5);
                return;
            }
            resumeAt = System.currentTimeMillis() + pauseMs;
            Results.of(key).marks.put("idle-from", System.currentTimeMillis());
        }
        if (next == pauseAfter && System.currentTimeMillis() < resumeAt) {
            Utils.sleep(5);
            return;
        }
        if (next < sentences.size()) {
            if (next == pauseAfter) {
                Results.of(key).marks.put("idle-to", System.currentTimeMillis());
            }
            collector.emit(new Values(sentences.get(next)), (long) next + 1);
            next++;
        } else {
            Utils.sleep(5);
        }
    }

    @Override
    public void ack(Object msgId) {
        Results.of(key).acked.add(msgId);
    }

    @Override
    public void fail(Object msgId) {
        Results.of(key).failed.add(msgId);
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields("sentence"));
    }
}
