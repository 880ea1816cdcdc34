package io.stormnative;

import java.util.HashMap;
import java.util.Map;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.IComponent;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.tuple.Fields;

/**
 * What {@link MultilangSpout} and {@link MultilangBolt} share: a multilang child given by its
 * command and the fields of its default stream, plus component conf.
 *
 * @param <T> the component itself, so that {@link #withConf} chains
 */
public abstract class MultilangComponent<T extends MultilangComponent<T>> implements IComponent {
    private static final long serialVersionUID = 1L;

    private final String[] command;
    private final String[] outputFields;
    private final Map<String, Object> componentConf = new HashMap<>();

    MultilangComponent(String kind, String[] command, String[] outputFields) {
        this.command = NativeExecutables.checkedCommand(kind, command);
        this.outputFields = NativeExecutables.checkedFields(kind, outputFields);
    }

    /** Adds a component-level conf entry (e.g. {@code topology.tick.tuple.freq.secs}). */
    @SuppressWarnings("unchecked")
    public T withConf(String key, Object value) {
        componentConf.put(key, value);
        return (T) this;
    }

    /** The child's command line, as given (a copy). */
    public String[] command() {
        return command.clone();
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields(outputFields));
    }

    @Override
    public Map<String, Object> getComponentConfiguration() {
        return componentConf;
    }

    /** The command to launch: its program made executable in the code dir first (NativeExecutables). */
    String[] launchCommand(TopologyContext context, Map<String, Object> conf) {
        String[] cmd = command.clone();
        cmd[0] = NativeExecutables.resolve(command[0], context.getCodeDir(), conf);
        return cmd;
    }
}
