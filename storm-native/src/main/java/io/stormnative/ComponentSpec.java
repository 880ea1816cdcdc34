package io.stormnative;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.tuple.Fields;

/**
 * A native component as a topology declares it: its command, the fields of its default stream and
 * its component conf, checked at construction. One copy for every generic component: the host's
 * and the in-process ones (through {@link MultilangComponent}) and the two ShellBolt/ShellSpout
 * wrappers, {@link NativeShellBolt} and {@link NativeShellSpout}, which extend Storm's classes and
 * so cannot share a base class with them.
 */
final class ComponentSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The checked copy; ShellBolt/ShellSpout are given this very array (see {@link #resolveInPlace}). */
    private final String[] command;
    /** The program as given, before {@link #resolveInPlace}. */
    private final String program;
    private final String[] outputFields;
    private final HashMap<String, Object> componentConf = new HashMap<>();

    /**
     * @param kind the component's class, for the messages
     * @throws IllegalArgumentException if the command is empty, its program blank, or an element or a field null
     */
    ComponentSpec(String kind, String[] command, String[] outputFields) {
        this.command = NativeExecutables.checkedCommand(kind, command);
        this.program = this.command[0];
        this.outputFields = NativeExecutables.checkedFields(kind, outputFields);
    }

    /** The command as given (a copy). */
    String[] command() {
        String[] copy = command.clone();
        copy[0] = program;
        return copy;
    }

    /** The array itself, for ShellBolt/ShellSpout, which keep the reference they are given. */
    String[] sharedCommand() {
        return command;
    }

    /** The command to launch: its program made executable in the code dir first (NativeExecutables). */
    String[] launchCommand(TopologyContext context, Map<String, Object> conf) {
        String[] cmd = command();
        cmd[0] = NativeExecutables.resolve(program, context.getCodeDir(), conf);
        return cmd;
    }

    /** {@link #launchCommand} into the shared array, for ShellBolt/ShellSpout to launch. */
    void resolveInPlace(TopologyContext context, Map<String, Object> conf) {
        command[0] = NativeExecutables.resolve(program, context.getCodeDir(), conf);
    }

    void put(String key, Object value) {
        componentConf.put(key, value);
    }

    /** The component conf, itself (Storm reads it; withConf adds to it). */
    Map<String, Object> conf() {
        return componentConf;
    }

    void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields(outputFields));
    }
}
