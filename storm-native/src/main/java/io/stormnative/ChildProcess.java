package io.stormnative;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.storm.multilang.BoltMsg;
import org.apache.storm.multilang.ISerializer;
import org.apache.storm.multilang.JsonSerializer;
import org.apache.storm.multilang.NoOutputException;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.multilang.SpoutMsg;
import org.apache.storm.task.TopologyContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One multilang child process as the host sees it: launched in the topology's code dir, spoken to
 * through the topology's {@code ISerializer} (JSON unless {@code topology.multilang.serializer}
 * says otherwise), its stderr drained to the worker log by a thread of its own.
 *
 * <p>Output is batched. The serializer writes (and "flushes") each message into an in-memory
 * buffer; only {@link #drain} writes the buffer to the child's stdin, in one system call for
 * everything queued. Encoding is serialized by this object's monitor and never touches the pipe;
 * the pipe write is guarded by a lock that is only ever tried: a thread that finds another one
 * draining leaves its bytes to that thread, which looks again after it lets go. So no thread
 * blocks on the pipe because of another one, and the reader thread can always answer a child that
 * waits for task ids while the executor thread is stuck writing to that child (a child that
 * blocks on its stdout while we block on its stdin would otherwise deadlock both).
 */
final class ChildProcess {
    /** Storm's own conf key for the serializer class. */
    static final String SERIALIZER_CONF = "topology.multilang.serializer";
    /** Undecodable messages a host skips before it decides its child does not speak multilang. */
    static final int MAX_GARBAGE = 100;

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);

    private final String[] command;
    private final String componentId;
    private final int taskId;
    private final Process process;
    private final ISerializer serializer;
    private final BatchingOutput out;
    private final ChildInput in;
    /** How long {@link #destroy} waits for a child to end on the end of its input before SIGTERM. */
    static final long EXIT_GRACE_MS = 200;
    private final StderrPump stderr;
    private final Thread stderrThread;
    private volatile boolean closing;
    private volatile boolean handshakeTimedOut;
    private Number pid;

    private ChildProcess(String[] command, Map<String, Object> conf, TopologyContext context, Process process,
                         ISerializer serializer) {
        this.command = command;
        this.componentId = context.getThisComponentId();
        this.taskId = context.getThisTaskId();
        this.process = process;
        this.serializer = serializer;
        this.out = new BatchingOutput(process.getOutputStream());
        // Only JSON needs a limit of ours: SMB1 frames have theirs (BinarySerializer.MAX_FRAME_CONF).
        this.in = new ChildInput(process.getInputStream(), serializer instanceof JsonSerializer
            ? HostSupport.positiveInt(conf, ChildInput.MAX_MESSAGE_CONF, ChildInput.DEFAULT_MAX_MESSAGE) : -1,
            line -> LOG.warn("{}:{}: a line on the child's stdout that is not multilang, dropped: {}", componentId,
                taskId, line));
        this.stderr = new StderrPump(process.getErrorStream(), process::isAlive, LoggerFactory.getLogger(componentId),
            componentId + ":" + taskId, () -> pid, conf, System::nanoTime, HostStats.of(componentId));
        this.stderrThread = new Thread(stderr,
            "multilang-stderr-" + componentId + "-" + taskId);
        this.stderrThread.setDaemon(true);
    }

    /**
     * Starts the child in the code dir and does the handshake (conf, context, pidDir in; pid out).
     *
     * @throws RuntimeException naming the command and what the child wrote on stderr, if it cannot
     *     be started or does not answer the handshake
     */
    static ChildProcess launch(String[] command, Map<String, Object> conf, TopologyContext context) {
        ISerializer serializer = newSerializer(conf);
        ProcessBuilder builder = new ProcessBuilder(command);
        String codeDir = context.getCodeDir();
        if (codeDir != null) {
            builder.directory(new File(codeDir));
        }
        String component = context.getThisComponentId();
        int task = context.getThisTaskId();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw logged(component, LaunchFailure.notStarted(component, task, command, codeDir, e));
        }
        ChildProcess child = new ChildProcess(command, conf, context, process, serializer);
        child.stderrThread.start();
        serializer.initialize(child.out, child.in);
        Map<String, Object> childConf = conf;
        if (serializer instanceof BinarySerializer) {
            // The serializer would hold messages back on a timer of its own; the host decides.
            childConf = new HashMap<>(conf);
            childConf.put(BinarySerializer.FLUSH_WINDOW_CONF, 0);
        }
        // A child that never answers would hold the executor in prepare for good (JsonSerializer
        // waits without a limit): the subprocess timeout applies to the handshake as well.
        long timeoutNanos = HostSupport.timeoutNanos(conf);
        ScheduledFuture<?> deadline = HostThreads.after(timeoutNanos, () -> {
            child.handshakeTimedOut = true;
            child.kill();
        });
        try {
            child.out.passThroughFlush = true;
            child.pid = serializer.connect(childConf, context);
            child.out.passThroughFlush = false;
        } catch (IOException | NoOutputException | RuntimeException e) {
            deadline.cancel(false);
            child.destroy();
            Throwable cause = child.handshakeTimedOut
                ? new IOException("no answer within " + timeoutNanos / 1_000_000_000L
                    + " s (topology.subprocess.timeout.secs): killed", e)
                : e;
            throw logged(component, LaunchFailure.handshakeFailed(component, task, command, codeDir, cause,
                child.describeWhenGone()));
        }
        deadline.cancel(false);
        if (child.pid == null) {
            child.destroy();
            throw logged(component, new IllegalStateException(component + ":" + task + ": its multilang child "
                + Arrays.toString(command) + " answered the handshake without a pid; " + child.describeWhenGone()));
        }
        LOG.info("launched multilang child {} for {}:{}, pid {}, serializer {}", Arrays.toString(command),
            child.componentId, child.taskId, child.pid, serializer.getClass().getName());
        return child;
    }

    /**
     * Logs a launch failure before it is thrown (Storm then reports it and halts the worker): in
     * full the first time for its component and cause in this JVM, in one line after that, so the
     * tasks of one component (or a relaunch) do not repeat the whole story.
     */
    private static RuntimeException logged(String component, RuntimeException e) {
        String message = e.getMessage();
        if (LaunchFailure.firstOfItsKind(component, message)) {
            LOG.error(message);
        } else {
            LOG.error("{} (as logged before for {})", message.substring(0, message.indexOf(": ") + 2)
                + "cannot start its multilang child: same cause", component);
        }
        return e;
    }

    private static ISerializer newSerializer(Map<String, Object> conf) {
        Object name = conf.get(SERIALIZER_CONF);
        if (name == null) {
            return new JsonSerializer();
        }
        try {
            return (ISerializer) Class.forName(name.toString()).getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new RuntimeException(SERIALIZER_CONF + " = " + name + ": not a usable ISerializer (" + e + ")", e);
        }
    }

    Number pid() {
        return pid;
    }

    /**
     * Queues a tuple (or heartbeat) for the child; {@link #drain} sends it.
     *
     * @return the bytes its encoding took
     */
    synchronized int queue(BoltMsg msg) throws IOException {
        long before = out.appended();
        serializer.writeBoltMsg(msg);
        return (int) Math.min(Integer.MAX_VALUE, out.appended() - before);
    }

    /** Queues a spout command; {@link #drain} sends it. */
    synchronized void queue(SpoutMsg msg) throws IOException {
        serializer.writeSpoutMsg(msg);
    }

    /** Queues the task ids an emit asked for; {@link #drain} sends them. */
    synchronized void queueTaskIds(List<Integer> taskIds) throws IOException {
        serializer.writeTaskIds(taskIds);
    }

    /**
     * After an emit: the task ids it went to, written at once if the child asked for them (it
     * waits for them, even for an emit Storm refused: {@code to} is then empty).
     */
    void answerTaskIds(ShellMsg emit, List<Integer> to) throws IOException {
        if (emit.getTask() == 0 && emit.areTaskIdsNeeded()) {
            queueTaskIds(to);
            drain();
        }
    }

    /** Bytes queued and not yet written to the child. */
    int queuedBytes() {
        return out.queued();
    }

    /** Writes everything queued to the child, unless another thread is doing it (then it will). */
    void drain() throws IOException {
        out.drain();
    }

    /** The child's next message; one reading thread at a time. */
    ShellMsg read() throws IOException, NoOutputException {
        return decode(serializer);
    }

    /**
     * The serializer's next message, with what Storm's JSON reader throws for a message it read
     * but could not parse turned into an IllegalArgumentException (the stream goes on after it).
     * Any other RuntimeException is undecodable as well; IOException and NoOutputException mean
     * the stream cannot go on. HostDecodersFuzzTest holds this to that.
     */
    static ShellMsg decode(ISerializer serializer) throws IOException, NoOutputException {
        try {
            return serializer.readShellMsg();
        } catch (StackOverflowError e) {
            // json-smart parses nested values recursively; the message was read through its end.
            throw new IllegalArgumentException("a message nested too deep to parse", e);
        } catch (IOException e) {
            // JsonSerializer wraps a message that is not JSON in an IOException, like a broken
            // pipe; it has read that message through its end line, so the stream can go on.
            // Only JsonSerializer's: SMB1 also wraps json-smart's ParseException (a bad tag-09
            // value), in a frame after which it cannot go on (found by HostDecodersFuzzTest).
            if (serializer instanceof JsonSerializer && e.getCause() != null
                && e.getCause().getClass().getSimpleName().equals("ParseException")) {
                throw new IllegalArgumentException("not JSON: " + e.getCause().getMessage(), e);
            }
            throw e;
        }
    }

    /** Who is told of lines dropped from the child's stdout (the component reports them). */
    void onJunk(java.util.function.Consumer<String> c) {
        in.onJunk(c);
    }

    /** The last bytes the child wrote to its stdout, printable, for reports of what it got wrong. */
    String lastBytes() {
        return in.lastBytes();
    }

    /**
     * Whether the stream can be read on after a message that could not be decoded: Storm's JSON
     * reader has consumed the bad message through its {@code end} line; after a bad frame of
     * another serializer (SMB1) where the next one starts is unknown.
     */
    boolean resynchronises() {
        return serializer instanceof JsonSerializer;
    }

    /** Marks the end as expected (Storm stopped the component), then ends the child. */
    void close() {
        closing = true;
        destroy();
    }

    boolean closing() {
        return closing;
    }

    /**
     * Ends the child: its stdin is closed (a well-behaved child exits on end of input, and is
     * given {@value #EXIT_GRACE_MS} ms to), then SIGTERM, then SIGKILL if it is still there after a
     * short grace (a stopped child only dies of SIGKILL). A child that ended by itself has its last
     * stderr lines logged first: {@code Process.destroy()} closes this side of the stderr pipe, and
     * whatever the pump had not read yet would be lost.
     */
    void destroy() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (process.waitFor(EXIT_GRACE_MS, TimeUnit.MILLISECONDS) && Thread.currentThread() != stderrThread) {
                stderrThread.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
        try {
            if (!process.waitFor(500, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the child at once (a hung child does not answer SIGTERM while stopped). */
    void kill() {
        process.destroyForcibly();
    }

    /** How a report of a message the serializer could not decode begins: the error, the last bytes read. */
    String notMultilang(RuntimeException e) {
        return "a message from the child that is not multilang (" + e + "); the last bytes it wrote: " + lastBytes();
    }

    /** Why the watchdog kills a child that has not answered for {@code nanos}. */
    IOException silence(long nanos) {
        return new IOException("the multilang child did not answer for " + nanos / 1_000_000
            + " ms (topology.subprocess.timeout.secs): killed; the last bytes it wrote: " + lastBytes());
    }

    /** What the component throws on Storm's thread once its child is dead of {@code cause}. */
    RuntimeException died(Throwable cause) {
        return new RuntimeException("multilang child died: " + describe(), cause);
    }

    /** For error messages: the command, pid, exit status if it ended, and its last stderr lines. */
    String describe() {
        StringBuilder s = new StringBuilder();
        s.append("command ").append(Arrays.toString(command)).append(", pid ").append(pid);
        if (!process.isAlive()) {
            s.append(", ").append(LaunchFailure.exitStatus(process.exitValue()));
        }
        s.append(stderrTail());
        return s.toString();
    }

    /**
     * As {@link #describe}, after giving a dying child a moment to end and its stderr thread to log
     * its last lines (the reason it died is usually there).
     */
    String describeWhenGone() {
        try {
            process.waitFor(1, TimeUnit.SECONDS);
            stderrThread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return describe();
    }

    private String stderrTail() {
        List<String> lines = stderr.lastLines();
        if (lines.isEmpty()) {
            return "";
        }
        return "; its last stderr lines:\n  " + String.join("\n  ", lines);
    }

    /**
     * What the serializer writes to: a growing buffer that {@link #drain} empties into the pipe.
     * The serializer's per-message flush is ignored after the handshake.
     */
    static final class BatchingOutput extends OutputStream {
        private final OutputStream pipe;
        private final ReentrantLock pipeLock = new ReentrantLock();
        /** Guarded by this: bytes being appended. */
        private byte[] buf = new byte[8192];
        private int len;
        /** Guarded by this: every byte ever appended, to tell what one message took. */
        private long appended;
        /** Guarded by pipeLock: the other buffer, written to the pipe or free. */
        private byte[] spare = new byte[8192];
        /** During the handshake every flush goes through (the child must see the setup message). */
        volatile boolean passThroughFlush;

        BatchingOutput(OutputStream pipe) {
            this.pipe = pipe;
        }

        @Override
        public synchronized void write(int b) {
            ensure(1);
            buf[len++] = (byte) b;
            appended++;
        }

        @Override
        public synchronized void write(byte[] b, int off, int n) {
            ensure(n);
            System.arraycopy(b, off, buf, len, n);
            len += n;
            appended += n;
        }

        synchronized long appended() {
            return appended;
        }

        private void ensure(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }

        synchronized int queued() {
            return len;
        }

        @Override
        public void flush() throws IOException {
            if (passThroughFlush) {
                drain();
            }
        }

        @Override
        public void close() throws IOException {
            pipe.close();
        }

        void drain() throws IOException {
            while (true) {
                if (!pipeLock.tryLock()) {
                    // The holder looks at the buffer again after it lets go: our bytes go with it.
                    return;
                }
                try {
                    while (true) {
                        byte[] b;
                        int n;
                        synchronized (this) {
                            if (len == 0) {
                                break;
                            }
                            b = buf;
                            n = len;
                            buf = spare;
                            len = 0;
                        }
                        spare = b;
                        pipe.write(b, 0, n);
                        pipe.flush();
                    }
                } finally {
                    pipeLock.unlock();
                }
                synchronized (this) {
                    if (len == 0) {
                        return;
                    }
                }
                // Bytes came while we held the lock from a thread whose tryLock failed: ours now.
            }
        }
    }
}
