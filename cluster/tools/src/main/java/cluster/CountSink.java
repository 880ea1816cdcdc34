package cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import org.apache.storm.Config;
import org.apache.storm.Constants;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.tuple.Tuple;

/**
 * The results sink: takes count-bolt's {@code (word, count)} tuples (fields grouping on word), keeps
 * the largest count seen per word (a counter emits 1, 2, 3, ...) and, on each tick when something
 * changed, writes {@code word<TAB>count} lines plus a {@code #tuples N} line to
 * {@code <dir>/counts-task<N>.tsv} (write to a temporary file, then rename: a reader never sees half).
 */
public class CountSink extends BaseRichBolt {
    private static final long serialVersionUID = 1L;

    private final String dir;
    private transient OutputCollector collector;
    private transient Map<String, Long> counts;
    private transient Path file;
    private long tuples;
    private boolean dirty;

    public CountSink(String dir) {
        this.dir = dir;
    }

    @Override
    public void prepare(Map<String, Object> topoConf, TopologyContext context, OutputCollector collector) {
        this.collector = collector;
        this.counts = new TreeMap<>();
        this.file = Paths.get(dir).resolve("counts-task" + context.getThisTaskId() + ".tsv");
    }

    @Override
    public void execute(Tuple tuple) {
        if (Constants.SYSTEM_COMPONENT_ID.equals(tuple.getSourceComponent())
            && Constants.SYSTEM_TICK_STREAM_ID.equals(tuple.getSourceStreamId())) {
            if (dirty) {
                write();
                dirty = false;
            }
        } else {
            counts.merge(tuple.getString(0), ((Number) tuple.getValue(1)).longValue(), Math::max);
            tuples++;
            dirty = true;
        }
        collector.ack(tuple);
    }

    private void write() {
        StringBuilder sb = new StringBuilder();
        sb.append("#tuples\t").append(tuples).append('\n');
        counts.forEach((w, c) -> sb.append(w).append('\t').append(c).append('\n'));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
    }

    @Override
    public Map<String, Object> getComponentConfiguration() {
        Config conf = new Config();
        conf.put(Config.TOPOLOGY_TICK_TUPLE_FREQ_SECS, 1);
        return conf;
    }
}
