package com.example.wordcount;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.spout.ShellSpout;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.IRichSpout;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.tuple.Fields;

/**
 * A multilang spout given by its command and output fields: a new native spout needs no new class.
 *
 * <pre>{@code new NativeShellSpout(new String[] {"sentence-spout", "--order", "sequential"}, "sentence")}</pre>
 *
 * <p>The command runs with the topology's code dir ({@code resources/} of the jar) as working
 * directory. If its program is a file there, {@link #open} first makes it executable (see
 * {@link NativeExecutables}) and launches it by absolute path.
 */
public class NativeShellSpout extends ShellSpout implements IRichSpout {
    private static final long serialVersionUID = 1L;

    /** The very array ShellSpout launches (it keeps the reference): open() resolves its program in place. */
    private final String[] command;
    private final String program;
    private final String[] outputFields;
    private final Map<String, Object> componentConf = new HashMap<>();

    public NativeShellSpout(String[] command, String... outputFields) {
        this(List.of(outputFields), command.clone());
    }

    private NativeShellSpout(List<String> outputFields, String[] command) {
        super(command);
        if (command.length == 0) {
            throw new IllegalArgumentException("empty command");
        }
        this.command = command;
        this.program = command[0];
        this.outputFields = outputFields.toArray(new String[0]);
    }

    /** Adds a component-level conf entry (e.g. {@code topology.max.spout.pending}). */
    public NativeShellSpout withConf(String key, Object value) {
        componentConf.put(key, value);
        return this;
    }

    @Override
    public void open(Map<String, Object> topoConf, TopologyContext context, SpoutOutputCollector collector) {
        command[0] = NativeExecutables.resolve(program, context.getCodeDir(), topoConf);
        super.open(topoConf, context, collector);
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
