package com.example.wordcount;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.ShellBolt;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.tuple.Fields;

/**
 * A multilang bolt given by its command and output fields: a new native bolt needs no new class.
 *
 * <pre>{@code new NativeShellBolt(new String[] {"split-bolt", "--mode", "words"}, "word")}</pre>
 *
 * <p>The command runs with the topology's code dir ({@code resources/} of the jar) as working
 * directory. If its program is a file there, {@link #prepare} first makes it executable (see
 * {@link NativeExecutables}) and launches it by absolute path.
 */
public class NativeShellBolt extends ShellBolt implements IRichBolt {
    private static final long serialVersionUID = 1L;

    /** The very array ShellBolt launches (it keeps the reference): prepare() resolves its program in place. */
    private final String[] command;
    private final String program;
    private final String[] outputFields;
    private final Map<String, Object> componentConf = new HashMap<>();

    public NativeShellBolt(String[] command, String... outputFields) {
        this(List.of(outputFields), command.clone());
    }

    private NativeShellBolt(List<String> outputFields, String[] command) {
        super(command);
        if (command.length == 0) {
            throw new IllegalArgumentException("empty command");
        }
        this.command = command;
        this.program = command[0];
        this.outputFields = outputFields.toArray(new String[0]);
    }

    /** Adds a component-level conf entry (e.g. {@code topology.tick.tuple.freq.secs}). */
    public NativeShellBolt withConf(String key, Object value) {
        componentConf.put(key, value);
        return this;
    }

    @Override
    public void prepare(Map<String, Object> topoConf, TopologyContext context, OutputCollector collector) {
        command[0] = NativeExecutables.resolve(program, context.getCodeDir(), topoConf);
        super.prepare(topoConf, context, collector);
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields(outputFields));
    }

    @Override
    public Map<String, Object> getComponentConfiguration() {
        return componentConf;
    }
}
