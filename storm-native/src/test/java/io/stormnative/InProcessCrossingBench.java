package io.stormnative;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.apache.storm.multilang.ShellMsg;

/**
 * What one in-process call costs, measured in thread CPU time: a one-word tuple handed to
 * split-bolt's library (encode, JNI call, copy in, the component, copy out, decode), against the
 * same tuple's encode and decode alone (no call), and a call with an empty answer. The
 * difference is the crossing. The codec alone is timed twice: the way the bridge does it (a
 * numeric tuple id, the emit read into a reused holder, the ack's id as a number) and the general
 * way (BoltMsg, ShellMsg: what the bridge did before 2026-12-06, and BinarySerializer still does).
 * Needs multilang/resources/libsplit_bolt.so (cargo xtask dist).
 *
 * <pre>mvn -q -pl storm-native test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.stormnative.InProcessCrossingBench [-Dexec.args="calls=1000000 rounds=7"]</pre>
 */
public final class InProcessCrossingBench {
    private InProcessCrossingBench() {
    }

    public static void main(String[] args) throws Exception {
        int calls = 1_000_000;
        int rounds = 7;
        for (String a : args) {
            if (a.startsWith("calls=")) {
                calls = Integer.parseInt(a.substring(6));
            } else if (a.startsWith("rounds=")) {
                rounds = Integer.parseInt(a.substring(7));
            }
        }
        long h = InProcessNativeTest.startSplit();
        byte[] out = new byte[1 << 16];
        InProcessNative.fetch(h, out);
        Smb1.Encoder enc = new Smb1.Encoder();
        Smb1.Decoder dec = new Smb1.Decoder();
        Smb1.Emit emit = new Smb1.Emit();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        List<Object> word = List.of("moo");
        System.out.println("round  call+component (ns)  codec only, bridge's (ns)  difference (ns)  codec only, general (ns)");
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < calls; i++) {
                enc.tuple(i, "spout", "default", 1, word);
                enc.finish();
                int n = InProcessNative.handle(h, enc.array(), 4, enc.size() - 4, out);
                sink += drain(dec, emit, out, n);
            }
            long t1 = cpu.getCurrentThreadCpuTime();
            // The same bytes decoded without a call: the answers of the last call, replayed.
            int n = InProcessNative.fetch(h, out);
            for (int i = 0; i < calls; i++) {
                enc.tuple(i, "spout", "default", 1, word);
                enc.finish();
                sink += drain(dec, emit, out, n);
            }
            long t2 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < calls; i++) {
                InProcessNativeTest.tuple(enc, Integer.toString(i), word);
                sink += drainGeneral(dec, out, n);
            }
            long t3 = cpu.getCurrentThreadCpuTime();
            double withCall = (t1 - t0) / (double) calls;
            double without = (t2 - t1) / (double) calls;
            double general = (t3 - t2) / (double) calls;
            System.out.printf("%5d  %19.0f  %25.0f  %15.0f  %24.0f%n", r, withCall, without, withCall - without, general);
        }
        InProcessNative.destroy(h);
        if (sink == 42) {
            System.out.println();
        }
    }

    /** The answers as InProcessSession reads them. */
    private static long drain(Smb1.Decoder dec, Smb1.Emit emit, byte[] out, int n) throws java.io.IOException {
        long seen = 0;
        for (int p = 0; p < n; ) {
            int len = (out[p] & 0xFF) << 24 | (out[p + 1] & 0xFF) << 16 | (out[p + 2] & 0xFF) << 8 | (out[p + 3] & 0xFF);
            dec.wrap(out, p + 4, len);
            if (dec.kind() == Smb1.EMIT) {
                dec.emit(emit);
                seen += emit.anchors[0] + emit.values.size();
            } else if (dec.kind() == Smb1.ACK) {
                seen += dec.tupleId();
            } else {
                throw new IllegalStateException("kind " + dec.kind());
            }
            p += 4 + len;
        }
        return seen;
    }

    /** The answers as ShellMsgs, as BinarySerializer reads them. */
    private static long drainGeneral(Smb1.Decoder dec, byte[] out, int n) throws java.io.IOException {
        long seen = 0;
        for (int p = 0; p < n; ) {
            int len = (out[p] & 0xFF) << 24 | (out[p + 1] & 0xFF) << 16 | (out[p + 2] & 0xFF) << 8 | (out[p + 3] & 0xFF);
            dec.wrap(out, p + 4, len);
            ShellMsg m = dec.message();
            seen += m.getCommand().length();
            if (m.getAnchors() != null) {
                // what the bridge did with an anchor: the string back to its tuple id
                seen += Long.parseLong(m.getAnchors().get(0));
            } else {
                seen += Long.parseLong((String) m.getId());
            }
            p += 4 + len;
        }
        return seen;
    }
}
