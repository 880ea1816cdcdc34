package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.apache.storm.utils.Utils;
import org.junit.jupiter.api.Test;

/** The guard the LocalCluster tests install refuses Storm's exitProcess, and this JVM goes on. */
class ExitGuardIT {
    @Test
    void stormsExitProcessIsRefused() throws Exception {
        ExitGuard.install();
        int before = ExitGuard.REFUSED.get();
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                Utils.exitProcess(20, "ExitGuardIT: a daemon timer failing during shutdown");
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }, "nimbus:cleanupTimer-like");
        t.start();
        t.join();
        assertEquals(SecurityException.class, thrown[0] == null ? null : thrown[0].getClass());
        assertEquals(before + 1, ExitGuard.REFUSED.get());
        // Exits that do not come through Utils.exitProcess are left alone (checked without exiting).
        assertDoesNotThrow(() -> System.getSecurityManager().checkExit(20));
    }
}
