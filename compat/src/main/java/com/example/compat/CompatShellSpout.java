package com.example.compat;

import java.util.HashMap;
import java.util.Map;
import org.apache.storm.spout.ShellSpout;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.IRichSpout;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.tuple.Fields;

/**
 * Storm's stock ShellSpout running a binary from the code dir, recording the message ids Storm
 * acks and fails (then passing them on). Raw {@code Map}s: the same source overrides 1.x's raw
 * and 2.x's generic signatures.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
public class CompatShellSpout extends ShellSpout implements IRichSpout {
    private static final long serialVersionUID = 1L;
    /** ShellSpout keeps this very array: open() puts the absolute path into [0]. */
    private final String[] command;
    private final String program;
    private final String key;
    private final String[] fields;

    public CompatShellSpout(String key, String[] command, String... fields) {
        this(command.clone(), key, fields);
    }

    private CompatShellSpout(String[] command, String key, String[] fields) {
        super(command);
        this.command = command;
        this.program = command[0];
        this.key = key;
        this.fields = fields;
    }

    @Override
    public void open(Map conf, TopologyContext context, SpoutOutputCollector collector) {
        command[0] = Executable.resolve(program, context.getCodeDir());
        super.open(conf, context, collector);
    }

    @Override
    public void ack(Object msgId) {
        Seen.of(key).acked.add(msgId);
        super.ack(msgId);
    }

    @Override
    public void fail(Object msgId) {
        Seen.of(key).failed.add(msgId);
        super.fail(msgId);
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields(fields));
    }

    @Override
    public Map getComponentConfiguration() {
        return new HashMap();
    }
}
