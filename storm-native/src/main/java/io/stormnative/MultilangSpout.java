package io.stormnative;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.storm.multilang.NoOutputException;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.multilang.SpoutMsg;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.IRichSpout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A spout that runs any multilang child (a native binary, storm.py, ...) and speaks Storm's
 * multilang protocol to it, in place of Storm's {@code ShellSpout}: same command, same protocol,
 * same serializers, without waiting for a round trip per command.
 *
 * <pre>{@code builder.setSpout("sentences", new MultilangSpout(new String[] {"sentence-spout"}, "sentence"), 1)}</pre>
 *
 * <p>ShellSpout writes {@code next}, {@code ack} or {@code fail} and blocks the executor thread
 * until the child's {@code sync}. This host keeps up to {@value #PIPELINE_CONF} (default
 * {@value #DEFAULT_PIPELINE}) {@code next} commands in the child: each {@code nextTuple} performs
 * the answer to the oldest one (its emits, on the executor thread, as Storm wants) and sends
 * another, so the child computes the next answer while Storm handles this one. {@code ack} and
 * {@code fail} are written without waiting for their {@code sync}, and sent together with the
 * next {@code next} (or by the watchdog within a few milliseconds when the spout is idle). The
 * child answers commands in order, so the host knows which {@code sync} ends which command.
 * {@code activate} and {@code deactivate} are passed on and waited for, as in ShellSpout: after
 * {@code deactivate} returns, no emit of the child is performed until {@code activate}.
 *
 * <p>Everything runs on the executor thread but the watchdog: a child the executor thread has
 * waited on (a read or a write) for {@code topology.subprocess.timeout.secs} is killed and the
 * spout dies with it (as ShellSpout, time Storm does not call the spout does not count). With the
 * pipeline, the child may be asked for up to {@value #DEFAULT_PIPELINE} tuples more than
 * {@code topology.max.spout.pending} allows (set the pipeline to 1 for ShellSpout's exact
 * behaviour).
 */
public class MultilangSpout extends MultilangComponent<MultilangSpout> implements IRichSpout {
    private static final long serialVersionUID = 1L;

    /** Topology conf key: how many {@code next} commands may be in the child at once. */
    public static final String PIPELINE_CONF = "storm.native.host.spout.pipeline";
    static final int DEFAULT_PIPELINE = 16;
    /** Unanswered acks and fails after which {@code ack}/{@code fail} read answers before writing more. */
    static final int MAX_UNANSWERED = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(MultilangSpout.class);


    private transient Runtime rt;

    /**
     * @param command the child's command line; its program is looked up in the topology's code dir
     *     ({@code resources/} of the jar) and made executable there first (see NativeExecutables)
     * @param outputFields the fields of the default stream
     */
    public MultilangSpout(String[] command, String... outputFields) {
        super("MultilangSpout", command, outputFields);
    }

    /**
     * The command without output fields: always throws, naming the fix. Flux picks this constructor
     * for {@code constructorArgs} holding the command alone, so the mistake is said where Flux
     * builds the topology instead of as "Couldn't find a suitable constructor".
     *
     * @deprecated name the output fields: {@code new MultilangSpout(command, "word")}; for a component
     *     that emits nothing, {@code new MultilangSpout(command, new String[0])}
     * @throws IllegalArgumentException always
     */
    @Deprecated
    public MultilangSpout(String[] command) {
        super("MultilangSpout", command, new String[0]);
        throw noOutputFields("MultilangSpout", command);
    }


    @Override
    public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
        String[] cmd = launchCommand(context, conf);
        ShellMetrics.register(conf, context);
        rt = new Runtime(cmd, conf, context, collector);
        HostThreads.watch(rt);
    }

    @Override
    public void nextTuple() {
        rt.nextTuple();
    }

    @Override
    public void ack(Object msgId) {
        rt.command("ack", msgId);
    }

    @Override
    public void fail(Object msgId) {
        rt.command("fail", msgId);
    }

    @Override
    public void activate() {
        rt.sync("activate");
    }

    @Override
    public void deactivate() {
        rt.sync("deactivate");
    }

    @Override
    public void close() {
        if (rt != null) {
            rt.stop();
        }
    }


    /** Everything that lives only in a running task; used by the executor thread but for {@link #watch}. */
    private static final class Runtime implements HostThreads.Watched {
        private final TopologyContext context;
        private final SpoutOutputCollector collector;
        private final ChildReports reports;
        private final boolean localMode;
        private final int pipeline;
        /** Sends more {@code next}s when no more than this many are in the child. */
        private final int refillAt;
        private final long timeoutNanos;
        private final ChildProcess child;
        private final HostStats stats;

        /** The commands sent and not yet answered by a sync, oldest first. */
        private final ArrayDeque<String> unanswered = new ArrayDeque<>();
        private int nextsInChild;
        /** The child's emits performed so far. */
        private long emits;
        private volatile boolean active = true;
        private int garbageSeen;
        /** Since when the executor thread waits on the child (a read or a write); 0 when it does not. */
        private volatile long blockedSince;
        /** Bytes queued by ack/fail that no nextTuple has written yet. */
        private volatile boolean held;
        private volatile boolean running = true;
        private final AtomicBoolean writeInFlight = new AtomicBoolean();
        /** When Storm last called nextTuple, and the fails it passed on since (for {@link #reportHeldBack}). */
        private volatile long lastNextTuple = System.nanoTime();
        private volatile int failsSinceNextTuple;
        private boolean heldBackReported;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Runtime(String[] command, Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
            this.context = context;
            this.collector = collector;
            this.localMode = HostSupport.localMode(conf);
            this.pipeline = HostSupport.positiveInt(conf, PIPELINE_CONF, DEFAULT_PIPELINE);
            this.refillAt = pipeline / 2;
            this.timeoutNanos = HostSupport.timeoutNanos(conf);
            this.child = ChildProcess.launch(command, conf, context);
            this.reports = new ChildReports(context, LOG, child::pid, collector::reportError);
            this.child.onJunk(reports::junk);
            this.stats = HostStats.of(context.getThisComponentId());
        }

        void nextTuple() {
            lastNextTuple = System.nanoTime();
            failsSinceNextTuple = 0;
            throwIfDead();
            try {
                if (!active) {
                    return;
                }
                if (nextsInChild <= refillAt) {
                    // Refilled in halves: one write (and one wake-up of the child) per half a
                    // pipeline of sentences, not per sentence.
                    refill();
                }
                // Perform the answer to the oldest next (after any ack/fail answered before it).
                // An answer without emits was computed before the acks and fails Storm has sent
                // since (a child with its own pending window, say): those, and fresh nexts behind
                // them, go out at once, and the answers are read on until one emits or every next
                // in the child has been answered, so a lone sentence is not kept waiting behind
                // stale empty answers.
                int toAnswer = nextsInChild;
                boolean refilled = false;
                while (toAnswer > 0) {
                    int before = nextsInChild;
                    long emitsBefore = emits;
                    while (nextsInChild == before) {
                        answerOldest();
                    }
                    toAnswer--;
                    if (emits != emitsBefore) {
                        return;
                    }
                    if (!refilled) {
                        refill();
                        refilled = true;
                        toAnswer = nextsInChild;
                    }
                }
            } catch (IOException | NoOutputException e) {
                throw dead(e);
            }
        }

        private void refill() throws IOException {
            while (nextsInChild < pipeline) {
                send("next", null);
            }
            flush();
        }

        void command(String command, Object msgId) {
            if (command.equals("fail")) {
                failsSinceNextTuple++;
            }
            throwIfDead();
            try {
                send(command, msgId);
                held = true;
                while (unanswered.size() - nextsInChild > (active ? MAX_UNANSWERED : 0)) { // deactivated: no nextTuple reads it
                    flush();
                    answerOldest();
                }
            } catch (IOException | NoOutputException e) {
                throw dead(e);
            }
        }

        /** activate/deactivate: everything before it answered, then the command itself. */
        void sync(String command) {
            throwIfDead();
            try {
                send(command, null);
                flush();
                while (!unanswered.isEmpty()) {
                    answerOldest();
                }
                active = command.equals("activate");
            } catch (IOException | NoOutputException e) {
                throw dead(e);
            }
        }

        private void send(String command, Object msgId) throws IOException {
            SpoutMsg msg = new SpoutMsg();
            msg.setCommand(command);
            msg.setId(msgId == null ? "" : msgId);
            child.queue(msg);
            unanswered.addLast(command);
            if (command.equals("next")) {
                nextsInChild++;
            }
        }

        private void flush() throws IOException {
            held = false;
            blockedSince = System.nanoTime();
            try {
                child.drain();
            } finally {
                blockedSince = 0;
            }
            stats.writes.increment();
        }

        /** Reads and performs messages until the oldest unanswered command's sync. */
        private void answerOldest() throws IOException, NoOutputException {
            while (true) {
                ShellMsg msg;
                blockedSince = System.nanoTime();
                try {
                    msg = child.read();
                } catch (RuntimeException e) {
                    // Undecodable. JSON goes on after the bad message's end line; SMB1 cannot.
                    String what = child.notMultilang(e);
                    if (!child.resynchronises() || ++garbageSeen > ChildProcess.MAX_GARBAGE) {
                        throw new IOException(what + (child.resynchronises() ? "; too many such messages"
                            : "; the stream cannot be resynchronised"), e);
                    }
                    reports.report(what + ": skipped");
                    continue;
                } finally {
                    blockedSince = 0;
                }
                String command = msg.getCommand();
                if (command == null) {
                    reports.report("a message from the child without a command: " + msg);
                    continue;
                }
                switch (command) {
                    case "sync" -> {
                        String done = unanswered.pollFirst();
                        if (done == null) {
                            reports.report("a sync that answers no command: ignored");
                            continue;
                        }
                        if (done.equals("next")) {
                            nextsInChild--;
                        }
                        return;
                    }
                    case "emit" -> emit(msg);
                    default -> {
                        if (!reports.perform(msg)) {
                            reports.report("unknown command from the child: " + HostSupport.cut(command)
                                + ", skipped; the last bytes read: " + child.lastBytes());
                        }
                    }
                }
            }
        }

        private void emit(ShellMsg msg) throws IOException {
            emits++;
            Object id = msg.getId();
            long task = msg.getTask();
            List<Integer> to = List.of();
            try {
                if (task == 0) {
                    to = collector.emit(msg.getStream(), msg.getTuple(), id);
                } else {
                    collector.emitDirect((int) task, msg.getStream(), msg.getTuple(), id);
                }
            } catch (RuntimeException e) {
                // Storm refused it (wrong number of fields, an undeclared stream, ...): the child
                // is told it failed, as if downstream had failed it, so a reliable child replays it.
                reports.report(HostSupport.refusedEmit(e, msg.getTuple(), msg.getStream(),
                    id == null ? null : "id " + id + " failed back to the child"));
                if (id != null) {
                    send("fail", id);
                    held = true;
                }
            }
            child.answerTaskIds(msg, to);
        }

        private void throwIfDead() {
            Throwable t = failure.get();
            if (t != null) {
                throw child.died(t);
            }
        }

        private RuntimeException dead(Exception e) {
            Throwable cause = failure.get();
            if (cause == null) {
                cause = new IOException("the multilang child's pipe broke: " + child.describeWhenGone(), e);
                die(cause, false);
            }
            return new RuntimeException("multilang spout " + context.getThisComponentId() + ":"
                + context.getThisTaskId() + " died: " + child.describe(), cause);
        }

        @Override
        public void watch(long now) {
            if (!running || failure.get() != null) {
                return;
            }
            // As ShellSpout: only time the executor thread spends waiting on the child counts
            // (not time Storm does not call the spout, e.g. at max spout pending).
            long blocked = blockedSince;
            if (blocked != 0 && now - blocked > timeoutNanos) {
                IOException silent = child.silence(now - blocked);
                HostThreads.WRITERS.execute(() -> die(silent, true)); // die waits for the child: not here
                return;
            }
            reportHeldBack(now);
            if (held && writeInFlight.compareAndSet(false, true)) {
                HostThreads.WRITERS.execute(() -> {
                    try {
                        held = false;
                        child.drain();
                    } catch (IOException e) {
                        // the executor thread sees it on its next write or read
                    } finally {
                        writeInFlight.set(false);
                    }
                });
            }
        }

        /**
         * A child replays a failed tuple only when it is asked for tuples: if Storm stops calling
         * nextTuple for longer than the subprocess timeout after passing fails on (emits waiting
         * to be transferred hold the spout executor back), say so once, so a stalled spout shows
         * where it stalls. Nothing is done about it: it is Storm's call.
         */
        private void reportHeldBack(long now) {
            int fails = failsSinceNextTuple;
            if (fails == 0) {
                heldBackReported = false;
                return;
            }
            long since = now - lastNextTuple;
            if (!heldBackReported && active && since > timeoutNanos) {
                heldBackReported = true;
                LOG.warn("{}:{}: Storm has not called nextTuple for {} ms, although it passed {} fails on since: the "
                        + "child cannot replay them until it is asked for tuples (the spout executor holds nextTuple "
                        + "back at topology.max.spout.pending and while emits wait to be transferred)",
                    context.getThisComponentId(), context.getThisTaskId(), since / 1_000_000, fails);
            }
        }

        /** Reports the death; off the executor thread, it also ends the worker (as ShellSpout). */
        private void die(Throwable t, boolean fromWatchdog) {
            if (!failure.compareAndSet(null, t)) {
                return;
            }
            child.kill();
            LOG.error(String.format("Halting process: multilang spout %s:%d died. %s",
                context.getThisComponentId(), context.getThisTaskId(), child.describeWhenGone()), t);
            reports.reportError(t);
            HostThreads.unwatch(this);
            if (fromWatchdog && !localMode && running) {
                System.exit(11);
            }
        }

        void stop() {
            running = false;
            HostThreads.unwatch(this);
            child.close();
        }
    }
}
