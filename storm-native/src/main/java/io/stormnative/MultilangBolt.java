package io.stormnative;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.storm.Config;
import org.apache.storm.multilang.BoltMsg;
import org.apache.storm.multilang.NoOutputException;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.utils.JCQueue;
import org.apache.storm.utils.ObjectReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bolt that runs any multilang child (a native binary, storm.py, storm.js, ...) and speaks
 * Storm's multilang protocol to it, in place of Storm's {@code ShellBolt}: same command, same
 * protocol, same serializers, fewer threads and system calls per tuple.
 *
 * <pre>{@code builder.setBolt("split", new MultilangBolt(new String[] {"split-bolt"}, "word"), 4)}</pre>
 *
 * <p>How it differs from ShellBolt, and why:
 * <ul>
 *   <li>The executor thread encodes each tuple into one buffer and writes the buffer to the child
 *       when the executor has no more input waiting (it looks at its own receive queue), when the
 *       buffer holds {@value #FLUSH_BYTES_CONF} bytes (default 64 KiB), or before it waits for
 *       room. A lone tuple is written at once; a burst shares one write. No writer thread, no
 *       queue hand-off.</li>
 *   <li>One reader thread performs the child's emits, acks and fails itself, as ShellBolt's
 *       reader does (Storm 2's queues take emits from any thread while
 *       {@code topology.producer.batch.size} is 1, the default; with larger producer batches the
 *       reader flushes after each read burst).</li>
 *   <li>Tuple ids are a counter, not random strings; the in-flight map is a plain map under one
 *       lock.</li>
 *   <li>At most {@code topology.shellbolt.max.pending} (default 100) tuples are in the child at
 *       once: {@code execute} waits for room, as ShellBolt's queue does. Their encodings are
 *       bounded too, which ShellBolt does not do: once they add up to
 *       {@value #MAX_PENDING_BYTES_CONF} (default 16 MiB), {@code execute} waits until the child
 *       has answered enough of them, so a few large tuples cannot fill the worker's heap behind a
 *       slow child.</li>
 *   <li>Heartbeats every second, as ShellBolt; a child silent for
 *       {@code topology.subprocess.timeout.secs} is killed and the bolt dies with it. An ack or
 *       fail of an unknown id, an emit anchored to a finished tuple, an unknown metric: reported
 *       (log and {@code reportError}) and skipped, where ShellBolt kills the worker.</li>
 * </ul>
 */
public class MultilangBolt extends MultilangComponent<MultilangBolt> implements IRichBolt {
    private static final long serialVersionUID = 1L;

    /** Topology conf key: bytes held before the executor writes them without waiting for a pause. */
    public static final String FLUSH_BYTES_CONF = "storm.native.host.flush.bytes";
    static final int DEFAULT_FLUSH_BYTES = 64 << 10;
    /**
     * Topology conf key: the encoded bytes of the tuples in the child (sent, not yet acked or
     * failed) at which {@code execute} waits for room; one tuple is always let in, however large.
     */
    public static final String MAX_PENDING_BYTES_CONF = "storm.native.host.max.pending.bytes";
    static final int DEFAULT_MAX_PENDING_BYTES = 16 << 20;
    static final String HEARTBEAT_STREAM = "__heartbeat";
    /** How long bytes may be held when the executor's next input is not for this task. */
    static final long HOLD_NANOS = 2_000_000;

    private static final Logger LOG = LoggerFactory.getLogger(MultilangBolt.class);


    private transient Runtime rt;


    /**
     * @param command the child's command line; its program is looked up in the topology's code dir
     *     ({@code resources/} of the jar) and made executable there first (see NativeExecutables)
     * @param outputFields the fields of the default stream
     */
    public MultilangBolt(String[] command, String... outputFields) {
        super("MultilangBolt", command, outputFields);
    }

    /**
     * The command without output fields: always throws, naming the fix. Flux picks this constructor
     * for {@code constructorArgs} holding the command alone, so the mistake is said where Flux
     * builds the topology instead of as "Couldn't find a suitable constructor".
     *
     * @deprecated name the output fields: {@code new MultilangBolt(command, "word")}; for a component
     *     that emits nothing, {@code new MultilangBolt(command, new String[0])}
     * @throws IllegalArgumentException always
     */
    @Deprecated
    public MultilangBolt(String[] command) {
        super("MultilangBolt", command, new String[0]);
        throw noOutputFields("MultilangBolt", command);
    }


    @Override
    public void prepare(Map<String, Object> topoConf, TopologyContext context, OutputCollector collector) {
        String[] cmd = launchCommand(context, topoConf);
        ShellMetrics.register(topoConf, context);
        rt = new Runtime(cmd, topoConf, context, collector, moreInputProbe(collector));
        rt.start();
    }

    @Override
    public void execute(Tuple input) {
        rt.execute(input);
    }

    /**
     * Tells whether more input is waiting for this bolt's executor thread: Storm gives a bolt no
     * sign of the end of a batch, so this looks at the executor's receive queue, reached by
     * reflection into Storm's collector. Where that fails (another Storm), it always says no, and
     * every tuple is written at once. Tests substitute their own.
     */
    BooleanSupplier moreInputProbe(OutputCollector collector) {
        try {
            Field delegate = OutputCollector.class.getDeclaredField("delegate");
            delegate.setAccessible(true);
            Object impl = delegate.get(collector);
            Field executor = impl.getClass().getDeclaredField("executor");
            executor.setAccessible(true);
            Object ex = executor.get(impl);
            JCQueue queue = (JCQueue) ex.getClass().getMethod("getReceiveQueue").invoke(ex);
            return () -> queue.size() > 0;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.info("multilang bolt: cannot see the executor's receive queue ({}); every tuple is written "
                + "at once", e.toString());
            return () -> false;
        }
    }

    @Override
    public void cleanup() {
        if (rt != null) {
            rt.stop();
        }
    }

    /** Everything that lives only in a running task. */
    private static final class Runtime implements HostThreads.Watched {
        private final TopologyContext context;
        private final OutputCollector collector;
        private final ChildReports reports;
        private final boolean localMode;
        private final int maxPending;
        private final long maxPendingBytes;
        private final int flushBytes;
        private final long timeoutNanos;
        /** Every second, as ShellBolt, or more often if the timeout is shorter than 2 s. */
        private final long heartbeatNanos;
        private final boolean producerBatching;
        private final BooleanSupplier moreInput;
        private final HostStats stats;
        private final ChildProcess child;

        /** Tuples in the child, by the id they were sent with; guarded by itself. */
        private final HashMap<Long, Tuple> pending = new HashMap<>();
        /** The bytes each of those took on the wire, and their sum; guarded by {@link #pending}. */
        private final HashMap<Long, Integer> pendingSizes = new HashMap<>();
        private long pendingBytes;
        /** The next tuple id; the executor thread's alone. */
        private long nextId;
        private final Thread reader;
        /** Undecodable messages so far; the reader thread's alone. */
        private int garbageSeen;
        private volatile boolean running = true;
        private volatile long lastHeard = System.nanoTime();
        private volatile long lastHeartbeat = System.nanoTime();
        /** When the executor thread left bytes in the buffer for its next tuple; 0 if it did not. */
        private volatile long heldSince;
        private final AtomicBoolean writeInFlight = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Runtime(String[] command, Map<String, Object> conf, TopologyContext context, OutputCollector collector,
                BooleanSupplier moreInput) {
            this.context = context;
            this.collector = collector;
            this.localMode = HostSupport.localMode(conf);
            this.maxPending = HostSupport.positiveInt(conf, Config.TOPOLOGY_SHELLBOLT_MAX_PENDING, 100);
            this.maxPendingBytes = HostSupport.positiveInt(conf, MAX_PENDING_BYTES_CONF, DEFAULT_MAX_PENDING_BYTES);
            this.flushBytes = HostSupport.positiveInt(conf, FLUSH_BYTES_CONF, DEFAULT_FLUSH_BYTES);
            this.timeoutNanos = HostSupport.timeoutNanos(conf);
            this.heartbeatNanos = Math.min(1_000_000_000L, timeoutNanos / 2);
            this.producerBatching = ObjectReader.getInt(conf.get(Config.TOPOLOGY_PRODUCER_BATCH_SIZE), 1) > 1;
            this.moreInput = moreInput;
            this.stats = HostStats.of(context.getThisComponentId());
            this.child = ChildProcess.launch(command, conf, context);
            this.reports = new ChildReports(context, LOG, child::pid, t -> {
                synchronized (collector) {
                    collector.reportError(t);
                }
            });
            this.child.onJunk(reports::junk);
            this.reader = new Thread(this::readLoop,
                "multilang-bolt-reader-" + context.getThisComponentId() + "-" + context.getThisTaskId());
            this.reader.setDaemon(true);
        }

        void start() {
            reader.start();
            HostThreads.watch(this);
        }

        void execute(Tuple input) {
            if (failure.get() != null && running) {
                // Storm's executor dies of the exception below; fail the input so that it is
                // replayed at once rather than after the message timeout.
                synchronized (collector) {
                    collector.fail(input);
                }
            }
            throwIfDead();
            long id = nextId++;
            BoltMsg msg = new BoltMsg();
            msg.setId(Long.toString(id));
            msg.setComp(input.getSourceComponent());
            msg.setStream(input.getSourceStreamId());
            msg.setTask(input.getSourceTask());
            msg.setTuple(input.getValues());
            try {
                try {
                    awaitRoom();
                } catch (RuntimeException dead) {
                    if (failure.get() != null && running) {
                        synchronized (collector) {
                            collector.fail(input); // the child died while this one waited for room
                        }
                    }
                    throw dead;
                }
                synchronized (pending) {
                    pending.put(id, input);
                }
                int size = child.queue(msg);
                synchronized (pending) {
                    if (pending.containsKey(id)) { // else the child answered it already
                        pendingSizes.put(id, size);
                        pendingBytes += size;
                    }
                }
                if (child.queuedBytes() < flushBytes && moreInput.getAsBoolean()) {
                    // More input is waiting: let it share this write (the next execute or the
                    // watchdog writes it).
                    if (heldSince == 0) {
                        heldSince = System.nanoTime();
                    }
                } else {
                    heldSince = 0;
                    child.drain();
                    stats.writes.increment();
                }
                stats.tuples.increment();
            } catch (IOException e) {
                if (!running) {
                    throw new IllegalStateException("the bolt was stopped", e);
                }
                die(new IOException("cannot write to the multilang child: " + e.getMessage(), e));
                throwIfDead();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeException("interrupted while waiting for room in the multilang child", e);
            }
        }

        /**
         * Waits while {@code maxPending} tuples, or {@code maxPendingBytes} of their encodings, are
         * in the child, after writing what is held.
         */
        private void awaitRoom() throws IOException, InterruptedException {
            while (true) {
                synchronized (pending) {
                    if (!full()) {
                        return;
                    }
                }
                heldSince = 0;
                child.drain();
                synchronized (pending) {
                    while (full() && failure.get() == null && running) {
                        pending.wait(100);
                    }
                }
                throwIfDead();
                if (!running) {
                    throw new IllegalStateException("the bolt was stopped while waiting for room in its child");
                }
            }
        }

        /** Guarded by {@link #pending}. */
        private boolean full() {
            return pending.size() >= maxPending || (pendingBytes >= maxPendingBytes && !pending.isEmpty());
        }

        /** Fails every tuple still in the child (it will never answer them); returns how many. */
        private int failPending() {
            List<Tuple> lost;
            synchronized (pending) {
                lost = new ArrayList<>(pending.values());
                pending.clear();
                pendingSizes.clear();
                pendingBytes = 0;
                pending.notifyAll();
            }
            synchronized (collector) {
                for (Tuple in : lost) {
                    collector.fail(in);
                }
            }
            return lost.size();
        }

        private void throwIfDead() {
            Throwable t = failure.get();
            if (t != null) {
                if (running) {
                    failPending(); // one execute may have added its tuple as the child died
                }
                throw child.died(t);
            }
        }

        private void readLoop() {
            try {
                while (true) {
                    ShellMsg msg;
                    try {
                        msg = child.read();
                    } catch (RuntimeException e) {
                        if (!running || !garbage(e)) {
                            return;
                        }
                        continue;
                    }
                    if (!running) {
                        return; // stopped: whatever the child still says has no tuple to go to
                    }
                    lastHeard = System.nanoTime();
                    handle(msg);
                    if (producerBatching) {
                        synchronized (collector) {
                            collector.flush();
                        }
                    }
                }
            } catch (NoOutputException | IOException e) {
                if (child.closing() || !running) {
                    LOG.info("multilang child of {}:{} ended after the bolt was stopped",
                        context.getThisComponentId(), context.getThisTaskId());
                } else {
                    die(new IOException("the multilang child's output ended or could not be read (" + e.getMessage()
                        + "): " + child.describeWhenGone() + "; the last bytes it wrote: " + child.lastBytes(), e));
                }
            } catch (Throwable t) {
                die(t);
            }
        }

        /**
         * A message the serializer could not decode. JSON: reported and skipped, the stream goes
         * on after its {@code end} line (up to {@value ChildProcess#MAX_GARBAGE} such messages:
         * then this is no multilang child). Other serializers: the bolt dies (Storm restarts it).
         *
         * @return whether to read on
         */
        private boolean garbage(RuntimeException e) {
            String what = child.notMultilang(e);
            if (!child.resynchronises()) {
                die(new IOException(what + "; the stream cannot be resynchronised", e));
                return false;
            }
            if (++garbageSeen > ChildProcess.MAX_GARBAGE) {
                die(new IOException(what + "; " + ChildProcess.MAX_GARBAGE + " such messages: not a multilang child?",
                    e));
                return false;
            }
            reports.report(what + ": skipped; the tuples it concerned stay in flight until the child answers them or "
                + "they time out");
            return true;
        }

        private void handle(ShellMsg msg) throws IOException {
            String command = msg.getCommand();
            if (command == null) {
                reports.report("a message from the child without a command: " + msg);
                return;
            }
            switch (command) {
                case "ack" -> finish(msg.getId(), true);
                case "fail" -> finish(msg.getId(), false);
                case "emit" -> emit(msg);
                case "sync" -> { }
                default -> {
                    if (!reports.perform(msg)) {
                        reports.report("unknown command from the child: " + HostSupport.cut(command)
                            + ", skipped; the last bytes read: " + child.lastBytes());
                    }
                }
            }
        }

        private void finish(Object wireId, boolean ack) {
            Long id = HostSupport.tupleId(wireId);
            Tuple t;
            synchronized (pending) {
                boolean wasFull = full();
                t = id == null ? null : pending.remove(id);
                if (t != null) {
                    Integer size = pendingSizes.remove(id);
                    if (size != null) {
                        pendingBytes -= size;
                    }
                    if (wasFull && !full()) {
                        pending.notifyAll();
                    }
                }
            }
            if (t == null) {
                reports.report((ack ? "ack" : "fail") + " of " + wireId + ", which is not in flight (unknown, or "
                    + "already acked or failed): ignored");
                return;
            }
            synchronized (collector) {
                if (ack) {
                    collector.ack(t);
                } else {
                    collector.fail(t);
                }
            }
        }

        private void emit(ShellMsg msg) throws IOException {
            List<String> anchorIds = msg.getAnchors();
            List<Tuple> anchors = new ArrayList<>(anchorIds == null ? 0 : anchorIds.size());
            if (anchorIds != null) {
                for (String a : anchorIds) {
                    Long id = HostSupport.tupleId(a);
                    Tuple t;
                    synchronized (pending) {
                        t = id == null ? null : pending.get(id);
                    }
                    if (t == null) {
                        reports.report("emit anchored to " + a + ", which is not in flight (unknown, or already acked "
                            + "or failed): emitted without that anchor");
                    } else {
                        anchors.add(t);
                    }
                }
            }
            long task = msg.getTask();
            List<Integer> to = List.of();
            try {
                synchronized (collector) {
                    if (task == 0) {
                        to = collector.emit(msg.getStream(), anchors, msg.getTuple());
                    } else {
                        collector.emitDirect((int) task, msg.getStream(), anchors, msg.getTuple());
                    }
                }
            } catch (RuntimeException e) {
                // Storm refused it (wrong number of fields, an undeclared stream, ...): the inputs it
                // came from cannot be processed as the child meant, so they fail (and are replayed).
                int failed = 0;
                for (Tuple a : anchors) {
                    Long id;
                    synchronized (pending) {
                        id = HostSupport.idOf(pending, a);
                    }
                    if (id != null) {
                        finish(id, false);
                        failed++;
                    }
                }
                reports.report(HostSupport.refusedEmit(e, msg.getTuple(), msg.getStream(),
                    failed + " anchor tuple(s) failed"));
            }
            child.answerTaskIds(msg, to);
        }

        @Override
        public void watch(long now) {
            if (!running || failure.get() != null) {
                return;
            }
            if (now - lastHeard > timeoutNanos) {
                IOException silent = child.silence(now - lastHeard);
                HostThreads.WRITERS.execute(() -> die(silent)); // die waits for the child: not here
                return;
            }
            long held = heldSince;
            boolean heartbeat = now - lastHeartbeat >= heartbeatNanos;
            if ((heartbeat || (held != 0 && now - held > HOLD_NANOS)) && writeInFlight.compareAndSet(false, true)) {
                if (heartbeat) {
                    lastHeartbeat = now;
                }
                HostThreads.WRITERS.execute(() -> {
                    try {
                        if (heartbeat) {
                            BoltMsg hb = new BoltMsg();
                            hb.setId("-1");
                            hb.setTask(-1);
                            hb.setStream(HEARTBEAT_STREAM);
                            hb.setTuple(new ArrayList<>());
                            child.queue(hb);
                        }
                        if (held != 0 && heldSince != 0) {
                            stats.heldWrites.increment();
                        }
                        heldSince = 0;
                        child.drain();
                    } catch (IOException e) {
                        if (running) {
                            die(new IOException("cannot write to the multilang child: " + e.getMessage(), e));
                        }
                    } finally {
                        writeInFlight.set(false);
                    }
                });
            }
        }

        private void die(Throwable t) {
            if (!failure.compareAndSet(null, t)) {
                return;
            }
            boolean wasRunning = running;
            child.kill();
            if (!wasRunning) {
                // Storm stopped the bolt (kill, rebalance, shutdown): the child's end is expected.
                LOG.info("multilang bolt {}:{} stopped; its child: {}", context.getThisComponentId(),
                    context.getThisTaskId(), t.toString());
                return;
            }
            // The tuples in the child will never be answered: fail them now, so a reliable spout
            // replays them at once instead of after topology.message.timeout.secs.
            int lost = failPending();
            String message = String.format("Halting process: multilang bolt %s:%d died, %d tuples in flight failed "
                    + "for replay. %s", context.getThisComponentId(), context.getThisTaskId(), lost,
                child.describeWhenGone());
            LOG.error(message, t);
            reports.reportError(t);
            synchronized (pending) {
                pending.notifyAll();
            }
            HostThreads.unwatch(this);
            if (!localMode && wasRunning) {
                // As ShellBolt: the supervisor restarts the worker and the spouts replay.
                System.exit(11);
            }
        }

        void stop() {
            running = false;
            reports.stop();
            HostThreads.unwatch(this);
            child.close();
            reader.interrupt();
            synchronized (pending) {
                pending.notifyAll();
            }
        }

    }
}
