package com.example.wordcount;

import io.stormnative.Bridge;
import java.util.Map;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.IRichSpout;
import org.apache.storm.topology.OutputFieldsDeclarer;

/**
 * The real sentence spout under the bridge the run uses ({@link Bridge#fromSystemProperty()}),
 * recording which message ids Storm acks and fails before passing them on.
 */
public class TrackingSentenceSpout implements IRichSpout {
    private static final long serialVersionUID = 1L;
    private final IRichSpout spout;
    private final String key;

    public TrackingSentenceSpout(Variant variant, String key) {
        this.spout = SentenceSpout.on(Bridge.fromSystemProperty(), variant);
        this.key = key;
    }

    @Override
    public void ack(Object msgId) {
        Results.of(key).acked.add(msgId);
        spout.ack(msgId);
    }

    @Override
    public void fail(Object msgId) {
        Results.of(key).failed.add(msgId);
        spout.fail(msgId);
    }

    @Override
    public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
        spout.open(conf, context, collector);
    }

    @Override
    public void close() {
        spout.close();
    }

    @Override
    public void activate() {
        spout.activate();
    }

    @Override
    public void deactivate() {
        spout.deactivate();
    }

    @Override
    public void nextTuple() {
        spout.nextTuple();
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        spout.declareOutputFields(declarer);
    }

    @Override
    public Map<String, Object> getComponentConfiguration() {
        return spout.getComponentConfiguration();
    }
}
