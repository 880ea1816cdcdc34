package io.stormnative;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads the hosts of one worker share: a watchdog that looks at every host every
 * {@value #TICK_MILLIS} ms and never does I/O itself (so a stuck pipe cannot stop it), and a pool
 * for the writes it asks for (heartbeats, held bytes), each of which may block on its own child
 * without holding up the others.
 */
final class HostThreads {
    /** How often the watchdog looks: the longest a held buffer can wait (see MultilangBolt). */
    static final long TICK_MILLIS = 5;

    /** What the watchdog calls on each host. */
    interface Watched {
        /** Must not block: hand blocking work to {@link #WRITERS}. */
        void watch(long nowNanos);
    }

    private static final Logger LOG = LoggerFactory.getLogger(HostThreads.class);
    private static final CopyOnWriteArrayList<Watched> WATCHED = new CopyOnWriteArrayList<>();
    private static final ScheduledExecutorService WATCHDOG =
        Executors.newSingleThreadScheduledExecutor(daemons("multilang-host-watchdog"));
    static final ExecutorService WRITERS = Executors.newCachedThreadPool(daemons("multilang-host-write"));

    static {
        WATCHDOG.scheduleWithFixedDelay(HostThreads::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private HostThreads() {
    }

    /** Runs {@code r} on the watchdog thread after {@code nanos}; {@code r} must not block. */
    static ScheduledFuture<?> after(long nanos, Runnable r) {
        return WATCHDOG.schedule(r, nanos, TimeUnit.NANOSECONDS);
    }

    static void watch(Watched w) {
        WATCHED.add(w);
    }

    static void unwatch(Watched w) {
        WATCHED.remove(w);
    }

    private static void tick() {
        long now = System.nanoTime();
        for (Watched w : WATCHED) {
            try {
                w.watch(now);
            } catch (RuntimeException e) {
                LOG.warn("multilang host watchdog: {}", e.toString(), e);
            }
        }
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
