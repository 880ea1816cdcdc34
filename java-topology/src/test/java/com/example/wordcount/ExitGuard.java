package com.example.wordcount;

import java.security.Permission;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps Storm's daemons from ending the test JVM. A Storm timer whose task throws calls
 * {@code Utils.exitProcess}, which is {@code Runtime.exit}; in local mode the daemons live in the
 * test JVM. {@code LocalCluster.close()} can race Nimbus' cleanup timer against its own shutdown
 * ("Timer is not active", then exit 20), which ended a failsafe fork after every test had passed.
 * The guard refuses exits that come through {@code Utils.exitProcess} and says so on stderr; every
 * other exit (surefire's own at the end of the fork, a worker halting in a child JVM) goes through.
 * It also refuses the {@code System.exit(11)} of ShellSpout's and ShellBolt's {@code die()}:
 * ShellSpout's exits even in local mode (a stock spout child silent past the subprocess timeout
 * would end the test JVM).
 * Needs {@code -Djava.security.manager=allow} (the pom's failsafe argLine) on Java 17+.
 */
final class ExitGuard extends SecurityManager {
    /** Exits refused so far. */
    static final AtomicInteger REFUSED = new AtomicInteger();
    /** The refusals' messages (status, where from, thread), in order. */
    static final List<String> REFUSALS = new CopyOnWriteArrayList<>();

    private ExitGuard() {
    }

    /** Installs the guard once per JVM. */
    @SuppressWarnings("removal")
    static synchronized void install() {
        if (!(System.getSecurityManager() instanceof ExitGuard)) {
            System.setSecurityManager(new ExitGuard());
        }
    }

    @Override
    public void checkExit(int status) {
        for (StackTraceElement f : Thread.currentThread().getStackTrace()) {
            String from = refused(f);
            if (from != null) {
                REFUSED.incrementAndGet();
                String msg = "ExitGuard: refused exit(" + status + ") from Storm's " + from + " in thread "
                    + Thread.currentThread().getName();
                REFUSALS.add(msg);
                System.err.println(msg);
                throw new SecurityException(msg);
            }
        }
    }

    /** The Storm method a refused exit comes through, or null if this frame is none of them. */
    private static String refused(StackTraceElement f) {
        String c = f.getClassName();
        String m = f.getMethodName();
        if (c.equals("org.apache.storm.utils.Utils") && m.equals("exitProcess")) {
            return "Utils.exitProcess";
        }
        if ((c.equals("org.apache.storm.spout.ShellSpout") || c.equals("org.apache.storm.task.ShellBolt"))
            && m.equals("die")) {
            return c.substring(c.lastIndexOf('.') + 1) + ".die";
        }
        return null;
    }

    @Override
    public void checkPermission(Permission perm) {
        // Everything else is allowed: this manager only exists for checkExit.
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
    }
}
