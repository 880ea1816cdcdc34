package com.example.wordcount;

import java.security.Permission;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps Storm's daemons from ending the test JVM. A Storm timer whose task throws calls
 * {@code Utils.exitProcess}, which is {@code Runtime.exit}; in local mode the daemons live in the
 * test JVM. {@code LocalCluster.close()} can race Nimbus' cleanup timer against its own shutdown
 * ("Timer is not active", then exit 20), which ended a failsafe fork after every test had passed.
 * The guard refuses exits that come through {@code Utils.exitProcess} and says so on stderr; every
 * other exit (surefire's own at the end of the fork, a worker halting in a child JVM) goes through.
 * Needs {@code -Djava.security.manager=allow} (the pom's failsafe argLine) on Java 17+.
 */
final class ExitGuard extends SecurityManager {
    /** Exits refused so far. */
    static final AtomicInteger REFUSED = new AtomicInteger();

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
            if (f.getClassName().equals("org.apache.storm.utils.Utils") && f.getMethodName().equals("exitProcess")) {
                REFUSED.incrementAndGet();
                String msg = "ExitGuard: refused exit(" + status + ") from Storm's Utils.exitProcess in thread "
                    + Thread.currentThread().getName();
                System.err.println(msg);
                throw new SecurityException(msg);
            }
        }
    }

    @Override
    public void checkPermission(Permission perm) {
        // Everything else is allowed: this manager only exists for checkExit.
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
    }
}
