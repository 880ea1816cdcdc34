package io.stormnative;

import java.util.Map;
import org.apache.storm.spout.ShellSpout;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.IRichSpout;
import org.apache.storm.topology.OutputFieldsDeclarer;

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

    /** The command, fields and conf; {@link #open} resolves the program in the array ShellSpout launches. */
    private final ComponentSpec spec;

    /**
     * A component that runs {@code command} and declares {@code outputFields} on the default stream.
     *
     * <p>This is also the constructor Flux calls: {@code constructorArgs} with two YAML lists, the
     * command and the output fields (Flux turns each list into a {@code String[]}):
     *
     * <pre>
     * className: "io.stormnative.NativeShellSpout"
     * constructorArgs:
     *   - ["sentence-spout", "--seed", "7"]    # quote numbers: every element is a String
     *   - ["sentence"]
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
    public NativeShellSpout(String[] command, String... outputFields) {
        this(new ComponentSpec("NativeShellSpout", command, outputFields));
    }

    /** ShellSpout is given the spec's own array: {@link #open} resolves its program there. */
    private NativeShellSpout(ComponentSpec spec) {
        super(spec.sharedCommand());
        this.spec = spec;
    }

    /** Adds a component-level conf entry (e.g. {@code topology.max.spout.pending}). */
    public NativeShellSpout withConf(String key, Object value) {
        spec.put(key, value);
        return this;
    }

    @Override
    public void open(Map<String, Object> topoConf, TopologyContext context, SpoutOutputCollector collector) {
        spec.resolveInPlace(context, topoConf);
        ShellMetrics.register(topoConf, context);
        super.open(topoConf, context, collector);
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
