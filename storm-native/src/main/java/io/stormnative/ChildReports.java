package io.stormnative;

import java.util.function.Supplier;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.task.TopologyContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a task does with its child's {@code log}, {@code error} and {@code metrics} commands, and
 * with the problems the child causes that the task survives: one copy for the three hosts
 * ({@link MultilangBolt}, {@link MultilangSpout} and {@link InProcessSession}, whose "child" is
 * the component's answers), so each says the same thing the same way.
 * <ul>
 *   <li>{@code log}: at its level on the component's logger (named after the component id), as
 *       {@code ShellLog pid:P, text}, as stock Storm;</li>
 *   <li>{@code error}: to Storm as {@code Shell Process Exception: text}, as stock Storm;</li>
 *   <li>{@code metrics}: the shell metric of that name updated ({@link ShellMetrics#update}); a
 *       bad one is reported (stock Storm kills the worker).</li>
 * </ul>
 * A report is one ERROR line on the host's logger and one {@code reportError}, both
 * {@code component:task: problem}.
 */
final class ChildReports {
    /** Where errors go: the task's collector, under whatever lock the host's threads need. */
    interface ErrorSink {
        void reportError(Throwable t);
    }

    private final TopologyContext context;
    private final Logger hostLog;
    private final Logger childLog;
    private final Supplier<Number> pid;
    private final ErrorSink errors;
    private final String name;
    private volatile boolean stopped;
    /** Lines dropped from the child's stdout; the thread's that reads the child alone. */
    private long junkLines;

    /**
     * @param hostLog the host class's logger: reports go there
     * @param pid the pid in the child's log lines (a process's, known after its handshake, or the worker's)
     */
    ChildReports(TopologyContext context, Logger hostLog, Supplier<Number> pid, ErrorSink errors) {
        this.context = context;
        this.hostLog = hostLog;
        this.childLog = LoggerFactory.getLogger(context.getThisComponentId());
        this.pid = pid;
        this.errors = errors;
        this.name = context.getThisComponentId() + ":" + context.getThisTaskId();
    }

    /**
     * Performs a {@code log}, {@code error} or {@code metrics} command.
     *
     * @return false for any other command (the caller's to perform)
     */
    boolean perform(ShellMsg msg) {
        switch (msg.getCommand()) {
            case "log" -> log(msg);
            case "error" -> errors.reportError(new Exception("Shell Process Exception: " + msg.getMsg()));
            case "metrics" -> {
                String problem = ShellMetrics.update(context, msg);
                if (problem != null) {
                    report(problem);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** A {@code log} command, at its level, on the component's logger (as stock Storm does). */
    private void log(ShellMsg msg) {
        String text = "ShellLog pid:" + pid.get() + ", " + msg.getMsg();
        ShellMsg.ShellLogLevel level = msg.getLogLevel();
        switch (level == null ? ShellMsg.ShellLogLevel.INFO : level) {
            case TRACE -> childLog.trace(text);
            case DEBUG -> childLog.debug(text);
            case WARN -> childLog.warn(text);
            case ERROR -> childLog.error(text);
            default -> childLog.info(text);
        }
    }

    /** A problem the child caused that the task survives: worker log and Storm UI; nothing after {@link #stop}. */
    void report(String problem) {
        if (stopped) {
            return;
        }
        String text = name + ": " + problem;
        hostLog.error(text);
        errors.reportError(new IllegalStateException(text));
    }

    /** A line on the child's stdout that is not multilang (dropped): the first few reported, then every 1000th. */
    void junk(String line) {
        long n = ++junkLines;
        if (n <= HostSupport.JUNK_REPORTED || n % 1000 == 0) {
            report("a line on the child's stdout that is not multilang, dropped (" + n + " so far; "
                + HostSupport.JUNK_REPORTED + " are reported, then every 1000th): " + line);
        }
    }

    /** What ends the task (the host's death), to Storm as it is. */
    void reportError(Throwable t) {
        errors.reportError(t);
    }

    /** Storm stopped the task: what the child still causes is no longer reported. */
    void stop() {
        stopped = true;
    }
}
