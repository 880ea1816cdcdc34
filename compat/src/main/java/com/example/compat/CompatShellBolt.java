package com.example.compat;

import java.util.HashMap;
import java.util.Map;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.ShellBolt;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.tuple.Fields;

/** Storm's stock ShellBolt running a binary from the code dir (raw Maps: compiles on 1.x and 2.x). */
@SuppressWarnings({"rawtypes", "unchecked"})
public class CompatShellBolt extends ShellBolt implements IRichBolt {
    private static final long serialVersionUID = 1L;
    private final String[] command;
    private final String program;
    private final String[] fields;

    public CompatShellBolt(String[] command, String... fields) {
        this(java.util.List.of(fields), command.clone());
    }

    private CompatShellBolt(java.util.List<String> fields, String[] command) {
        super(command);
        this.command = command;
        this.program = command[0];
        this.fields = fields.toArray(new String[0]);
    }

    @Override
    public void prepare(Map conf, TopologyContext context, OutputCollector collector) {
        command[0] = Executable.resolve(program, context.getCodeDir());
        super.prepare(conf, context, collector);
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
