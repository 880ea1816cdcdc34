package io.stormnative;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.shade.net.minidev.json.JSONObject;
import org.apache.storm.shade.net.minidev.json.JSONValue;
import org.apache.storm.task.TopologyContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One in-process component instance, as {@link InProcessBolt} and {@link InProcessSpout} drive it:
 * a message in (SMB1, encoded into a reused buffer), the component's answers out (SMB1 frames,
 * copied into another), each answer handed to the caller, on the caller's thread. The log,
 * error and metrics answers are performed here, as a child's are ({@link ChildReports}); emits,
 * acks and fails go to the {@link Answers} of the caller, syncs nowhere. No thread and no queue; a session is used by its
 * task's executor thread, but for {@link #close}, which Storm may call from another thread: the
 * session's monitor (uncontended on every call but the last) keeps the two apart.
 */
final class InProcessSession {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessSession.class);
    /** The pid in the log lines, where a child's pid would stand: the worker's own. */
    private static final long WORKER_PID = ProcessHandle.current().pid();

    /** What a bolt or spout does with the answers only it understands. */
    interface Answers {
        /** An {@code emit}; {@code e} is reused for the next one. */
        void emit(Smb1.Emit e);

        /**
         * An {@code ack} ({@code ack} true) or {@code fail} of tuple {@code id}; -1 when what was
         * sent is no tuple id: then {@code sent} is it (else null).
         */
        void finish(boolean ack, long id, Object sent);
    }

    /** Answers dropped: those of a component that did not start. */
    private static final Answers NONE = new Answers() {
        @Override
        public void emit(Smb1.Emit e) {
        }

        @Override
        public void finish(boolean ack, long id, Object sent) {
        }
    };

    private final ChildReports reports;
    private final String name;
    private final long handle;
    private final Smb1.Encoder message = new Smb1.Encoder();
    private final Smb1.Decoder decoder = new Smb1.Decoder();
    private final Smb1.Emit emit = new Smb1.Emit();
    private final ArrayDeque<List<Integer>> taskIds = new ArrayDeque<>();
    /** The length of what prepare/open answered, kept in {@link #answers} until {@link #started}. */
    private int startAnswers;
    private byte[] answers = new byte[Smb1.IO_BUFFER];
    private boolean closed;

    /**
     * Loads the library from the topology's code dir (once per JVM), builds the component from
     * {@code command} (its name, then its flags) with the setup a multilang child would get, and
     * performs what it answers while starting.
     *
     * @param kind 0 for a bolt, 1 for a spout: a component of the other kind is refused
     * @throws IllegalStateException if the component does not start (its own message)
     */
    InProcessSession(String library, String[] command, int kind, Map<String, Object> conf,
                     TopologyContext context, ChildReports.ErrorSink errors) {
        this.reports = new ChildReports(context, LOG, () -> WORKER_PID, errors);
        this.name = context.getThisComponentId() + ":" + context.getThisTaskId();
        Path path = context.getCodeDir() == null ? Paths.get(library) : Paths.get(context.getCodeDir()).resolve(library);
        long table = InProcessNative.table(path, command[0]);
        int actual = InProcessNative.kind(table);
        if (actual != kind) {
            throw new IllegalArgumentException(name + ": " + command[0] + " in " + library + " is a "
                + (actual == 0 ? "bolt" : "spout") + ", not a " + (kind == 0 ? "bolt" : "spout"));
        }
        byte[] args = String.join("\0", List.of(command).subList(1, command.length)).getBytes(StandardCharsets.UTF_8);
        // The very setup a multilang child reads (BinarySerializer.connect), so a component
        // sees the same conf and context in either mode.
        JSONObject setup = new JSONObject();
        setup.put("pidDir", context.getPIDDir());
        setup.put("conf", conf);
        setup.put("context", context);
        try {
            message.setup(JSONValue.toJSONString(setup));
        } catch (IOException e) {
            throw new IllegalStateException(name + ": cannot encode the setup: " + e.getMessage(), e);
        }
        message.finish();
        byte[] setupPayload = Arrays.copyOfRange(message.array(), 4, message.size());
        this.handle = InProcessNative.create(table, args, setupPayload);
        if (!InProcessNative.started(handle)) {
            // Its reports say why: they become the exception's message (Storm reports it).
            StringBuilder failure = new StringBuilder();
            perform(fetch(), NONE, failure);
            InProcessNative.destroy(handle);
            closed = true;
            throw new IllegalStateException(name + ": in-process component " + command[0] + " (" + path
                + ") did not start: " + failure);
        }
        startAnswers = fetch();
        LOG.info("{}: in-process component {} from {}", name, command[0], path);
    }

    /**
     * Performs what the component sent while starting (logs, a reported error, emits), as a
     * child's first answers are: once its bolt or spout can take them.
     */
    synchronized void started(Answers to) {
        try {
            perform(startAnswers, to, null);
            handBackTaskIds(to);
        } finally {
            startAnswers = 0;
        }
    }

    /** The encoder for the next message; {@link #send} hands it to the component. */
    Smb1.Encoder message() {
        return message;
    }

    /**
     * Hands the encoded message to the component and performs its answers, then hands back the
     * task ids that emits asked for ({@link #taskIdsLater}), each in turn (the component may emit
     * and ask again).
     */
    synchronized void send(Answers to) {
        if (closed) {
            // Storm may call the component on its executor thread while it shuts the task down
            // from another (kill, rebalance): the instance is gone, and so is the tuple's future.
            return;
        }
        call(to);
        handBackTaskIds(to);
    }

    /** Hands back the task ids emits asked for, each in turn (the component may emit and ask again). */
    private void handBackTaskIds(Answers to) {
        try {
            List<Integer> ids;
            while ((ids = taskIds.poll()) != null) {
                message.taskIds(ids);
                call(to);
            }
        } finally {
            // After an exception, ids left here belong to no emit the component still waits for.
            taskIds.clear();
        }
    }

    /** An emit's task ids, for the component once the current answers are performed (in {@link #send}). */
    void taskIdsLater(List<Integer> ids) {
        taskIds.add(ids);
    }

    private void call(Answers to) {
        message.finish();
        int n = InProcessNative.handle(handle, message.array(), 4, message.size() - 4, answers);
        if (n < 0) {
            n = fetch();
        }
        if (message.capacity() > Smb1.KEEP_BUFFER) {
            message.shrink();
        }
        perform(n, to, null);
    }

    /** Copies the pending answers, growing the buffer as needed; their length. */
    private int fetch() {
        int n = InProcessNative.fetch(handle, answers);
        if (n < 0) {
            answers = new byte[-n];
            n = InProcessNative.fetch(handle, answers);
        }
        return n;
    }

    /**
     * Performs the {@code n} bytes of answers; the texts of {@code error} answers are appended to
     * {@code errorsSeen} when given (start-up), else reported to Storm.
     */
    private void perform(int n, Answers to, StringBuilder errorsSeen) {
        byte[] a = answers;
        int p = 0;
        while (p < n) {
            int len = (a[p] & 0xFF) << 24 | (a[p + 1] & 0xFF) << 16 | (a[p + 2] & 0xFF) << 8 | (a[p + 3] & 0xFF);
            decoder.wrap(a, p + 4, len);
            p += 4 + len;
            // Emits, acks and fails, nearly every answer, are read without a ShellMsg (and a tuple
            // id without a string); the rest as a multilang child's are.
            int kind = decoder.kind();
            ShellMsg msg = null;
            long id = -1;
            try {
                if (kind == Smb1.EMIT) {
                    decoder.emit(emit);
                } else if (kind == Smb1.ACK || kind == Smb1.FAIL) {
                    id = decoder.tupleId();
                    if (id < 0) {
                        msg = decoder.message();
                    }
                } else if (kind == Smb1.SYNC) {
                    decoder.sync();
                } else {
                    msg = decoder.message();
                }
            } catch (IOException e) {
                // Our own library wrote it: a bug, not bad input. Say so and go on with the next.
                report("an answer the host cannot read: " + e.getMessage());
                continue;
            }
            if (kind == Smb1.EMIT) {
                to.emit(emit);
            } else if (kind == Smb1.ACK || kind == Smb1.FAIL) {
                to.finish(kind == Smb1.ACK, id, msg == null ? null : msg.getId());
            } else if (kind == Smb1.SYNC) {
                continue;
            } else if (errorsSeen != null && msg.getCommand().equals("error")) {
                errorsSeen.append(errorsSeen.length() > 0 ? "; " : "").append(msg.getMsg());
            } else if (!reports.perform(msg)) {
                report("unknown answer from the component: " + msg.getCommand());
            }
        }
        if (answers.length > Smb1.KEEP_BUFFER && n < Smb1.IO_BUFFER) {
            answers = new byte[Smb1.IO_BUFFER];
        }
    }

    /** A problem the task survives: worker log and Storm UI. */
    void report(String problem) {
        reports.report(problem);
    }

    /**
     * Frees the instance (the task is being shut down). Storm calls this from its shutdown thread,
     * possibly while the executor thread is in {@link #send}: the lock makes the free wait for
     * the call, and every later call a no-op, where a free under a call would crash the worker.
     */
    synchronized void close() {
        if (!closed) {
            closed = true;
            InProcessNative.destroy(handle);
        }
    }

    @Override
    public String toString() {
        return name + " (in-process)";
    }
}
