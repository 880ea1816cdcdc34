package org.example.lowercase;

import java.util.List;
import java.util.Map;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Values;
import org.apache.storm.utils.Utils;

/** Emits {@link #WORDS} {@code rounds} times (reliably: a failed word is sent again), then idles. */
public class WordsSpout extends BaseRichSpout {
    /** Lowercased, without stop words: storm 2, rust 2, bolts 1 per round. */
    public static final List<String> WORDS = List.of("The", "Storm", "and", "RUST", "storm", "of", "Rust", "bolts");

    private static final long serialVersionUID = 1L;
    private final int rounds;
    private transient SpoutOutputCollector collector;
    private int next;

    public WordsSpout(int rounds) {
        this.rounds = rounds;
    }

    @Override
    public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
        this.collector = collector;
    }

    @Override
    public void nextTuple() {
        if (next >= rounds * WORDS.size()) {
            Utils.sleep(10);
            return;
        }
        collector.emit(new Values(WORDS.get(next % WORDS.size())), next);
        next++;
    }

    @Override
    public void fail(Object msgId) {
        int i = (Integer) msgId;
        collector.emit(new Values(WORDS.get(i % WORDS.size())), i);
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields("word"));
    }
}
