package io.stormnative;

import java.util.Arrays;
import java.util.Map;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.IComponent;
import org.apache.storm.topology.OutputFieldsDeclarer;

/**
 * What {@link MultilangSpout} and {@link MultilangBolt} (and, through {@link InProcessComponent},
 * the in-process pair) share: a multilang child given by its command and the fields of its
 * default stream, plus component conf.
 *
 * @param <T> the component itself, so that {@link #withConf} chains
 */
public abstract class MultilangComponent<T extends MultilangComponent<T>> implements IComponent {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final ComponentSpec spec;

    MultilangComponent(String kind, String[] command, String[] outputFields) {
        this.kind = kind;
        this.spec = new ComponentSpec(kind, command, outputFields);
    }

    /**
     * The output fields were left out: Flux calls a constructor with the command alone (Flux
     * cannot pass an empty list, nor call a varargs constructor with one argument), and Java
     * picks this over the varargs one for {@code new MultilangBolt(command)}. Always throws.
     */
    static IllegalArgumentException noOutputFields(String kind, String[] command) {
        String cmd = command == null ? "null" : Arrays.toString(command);
        return new IllegalArgumentException(kind + " " + cmd + ": no output fields: add them as the second"
            + " constructorArg, e.g. [\"word\"] (Java: new " + kind + "(command, \"word\"); a component that emits"
            + " nothing: new " + kind + "(command, new String[0]))");
    }

    /** Adds a component-level conf entry (e.g. {@code topology.tick.tuple.freq.secs}). */
    @SuppressWarnings("unchecked")
    public T withConf(String key, Object value) {
        spec.put(key, value);
        return (T) this;
    }

    /** The child's command line, as given (a copy). */
    public String[] command() {
        return spec.command();
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        spec.declareOutputFields(declarer);
    }

    @Override
    public Map<String, Object> getComponentConfiguration() {
        return spec.conf();
    }

    /** The class's name in messages ({@code MultilangBolt}, ...), as its constructor was given it. */
    String kind() {
        return kind;
    }

    @Override
    public String toString() {
        return kind + Arrays.toString(command());
    }

    /** The command to launch: its program made executable in the code dir first (NativeExecutables). */
    String[] launchCommand(TopologyContext context, Map<String, Object> conf) {
        return spec.launchCommand(context, conf);
    }
}
