package com.example.compat;

import java.security.Permission;

/**
 * Refuses exits through Storm's {@code Utils.exitProcess} (a daemon timer racing LocalCluster's
 * shutdown can call it in the test JVM), so a row's report is written. Java 17 needs
 * {@code -Djava.security.manager=allow} (the pom's argLine).
 */
final class ExitGuard extends SecurityManager {
    private ExitGuard() {
    }

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
                String msg = "ExitGuard: refused exit(" + status + ") from Utils.exitProcess in " + Thread.currentThread().getName();
                System.err.println(msg);
                throw new SecurityException(msg);
            }
        }
    }

    @Override
    public void checkPermission(Permission perm) {
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
    }
}
