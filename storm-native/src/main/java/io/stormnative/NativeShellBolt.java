package io.stormnative;

import java.util.Map;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.ShellBolt;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.topology.OutputFieldsDeclarer;

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

    /** The command, fields and conf; {@link #prepare} resolves the program in the array ShellBolt launches. */
    private final ComponentSpec spec;

    /**
     * A component that runs {@code command} and declares {@code outputFields} on the default stream.
     *
     * <p>This is also the constructor Flux calls: {@code constructorArgs} with two YAML lists, the
     * command and the output fields (Flux turns each list into a {@code String[]}):
     *
     * <pre>
     * className: "io.stormnative.NativeShellBolt"
     * constructorArgs:
     *   - ["split-bolt", "--mode", "words"]
     *   - ["word"]
     * </pre>
     *
     * <p>A mistake in the lists is an {@link IllegalArgumentException} naming it, thrown when Flux builds
     * the topology; only an empty list ({@code []}) never gets here: Flux 2.8.4's own argument matching
     * fails on it with an {@code IndexOutOfBoundsException}.
     *
     * @param command the program (a file in the topology's {@code resources/}, or a name on PATH) and
     *     its arguments; copied
     * @param outputFields the default stream's fields; none for a component that emits nothing
     * @throws IllegalArgumentException if the command is empty, its program blank, or an element null
     */
    public NativeShellBolt(String[] command, String... outputFields) {
        this(new ComponentSpec("NativeShellBolt", command, outputFields));
    }

    /** ShellBolt is given the spec's own array: {@link #prepare} resolves its program there. */
    private NativeShellBolt(ComponentSpec spec) {
        super(spec.sharedCommand());
        this.spec = spec;
    }

    /** Adds a component-level conf entry (e.g. {@code topology.tick.tuple.freq.secs}). */
    public NativeShellBolt withConf(String key, Object value) {
        spec.put(key, value);
        return this;
    }

    @Override
    public void prepare(Map<String, Object> topoConf, TopologyContext context, OutputCollector collector) {
        spec.resolveInPlace(context, topoConf);
        ShellMetrics.register(topoConf, context);
        super.prepare(topoConf, context, collector);
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        spec.declareOutputFields(declarer);
    }

    @Override
    public Map<String, Object> getComponentConfiguration() {
        return spec.conf();
    }

    /** The command as given (a copy), for {@link TopologyCheck}. */
    String[] command() {
        return spec.command();
    }
}
