package io.stormnative;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.storm.multilang.BoltMsg;
import org.apache.storm.multilang.ISerializer;
import org.apache.storm.multilang.JsonSerializer;
import org.apache.storm.multilang.ShellMsg;
import org.apache.storm.multilang.SpoutMsg;

/**
 * The JVM-side serializer work of one word-count sentence, JSON vs SMB1, measured in thread CPU
 * time (so a loaded machine slows it down but hardly changes it). Per sentence, as the topology
 * does it: the spout's next / emit / sync / ack / sync, split's tuple in and one emit per word plus
 * an ack, count's tuple in, emit and ack per word. The child's side is replayed from bytes in the
 * exact shape the native binaries write (JSON as they print it, SMB1 through {@link SmbChild});
 * what Storm writes goes to a null stream. Pipes and syscalls are left out: the same for both.
 *
 * <pre>SerializerMicroBench [sentences=20000] [rounds=15]</pre>
 */
public final class SerializerMicroBench {
    private SerializerMicroBench() {
    }

    /** The word-count sample's five sentences, the native spout's default corpus. */
    private static final String[] SENTENCES = {
        "the cow jumped over the moon",
        "an apple a day keeps the doctor away",
        "four score and seven years ago",
        "snow white and the seven dwarfs",
        "i am at two with nature",
    };

    /** The child's output for {@code n} sentences, per component: [spout, split, count]. */
    static byte[][] childBytes(boolean smb1, int n) throws IOException {
        if (smb1) {
            SmbChild.Out spout = new SmbChild.Out();
            SmbChild.Out split = new SmbChild.Out();
            SmbChild.Out count = new SmbChild.Out();
            for (int i = 0; i < n; i++) {
                String s = SENTENCES[i % SENTENCES.length];
                spout.emit(null, null, (long) i + 1, true, List.of(), List.of(s), false).sync().sync();
                String anchor = Long.toString(-6955024471612356609L + i);
                for (String w : s.split(" ")) {
                    split.emit(null, null, null, false, List.of(anchor), List.of(w), false);
                    count.emit(null, null, null, false, List.of(anchor), List.of(w, (long) i + 1), false).ack(anchor);
                }
                split.ack(anchor);
            }
            return new byte[][] {spout.toByteArray(), split.toByteArray(), count.toByteArray()};
        }
        StringBuilder spout = new StringBuilder();
        StringBuilder split = new StringBuilder();
        StringBuilder count = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String s = SENTENCES[i % SENTENCES.length];
            spout.append("{\"command\":\"emit\",\"id\":").append(i + 1)
                .append(",\"need_task_ids\":false,\"tuple\":[\"").append(s).append("\"]}\nend\n")
                .append("{\"command\":\"sync\"}\nend\n{\"command\":\"sync\"}\nend\n");
            String anchor = Long.toString(-6955024471612356609L + i);
            for (String w : s.split(" ")) {
                split.append("{\"command\":\"emit\",\"anchors\":[\"").append(anchor)
                    .append("\"],\"need_task_ids\":false,\"tuple\":[\"").append(w).append("\"]}\nend\n");
                count.append("{\"command\":\"emit\",\"anchors\":[\"").append(anchor)
                    .append("\"],\"need_task_ids\":false,\"tuple\":[\"").append(w).append("\",").append(i + 1)
                    .append("]}\nend\n{\"command\":\"ack\",\"id\":\"").append(anchor).append("\"}\nend\n");
            }
            split.append("{\"command\":\"ack\",\"id\":\"").append(anchor).append("\"}\nend\n");
        }
        return new byte[][] {bytes(spout), bytes(split), bytes(count)};
    }

    private static byte[] bytes(StringBuilder sb) {
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static ISerializer serializer(boolean smb1, byte[] in, OutputStream out) {
        ISerializer s = smb1 ? new BinarySerializer() : new JsonSerializer();
        s.initialize(out, new ByteArrayInputStream(in));
        return s;
    }

    /** One round over n sentences; returns a checksum so nothing is optimised away. */
    static long round(boolean smb1, byte[][] child, int n) throws Exception {
        OutputStream sink = OutputStream.nullOutputStream();
        ISerializer spout = serializer(smb1, child[0], sink);
        ISerializer split = serializer(smb1, child[1], sink);
        ISerializer count = serializer(smb1, child[2], sink);
        SpoutMsg next = new SpoutMsg();
        next.setCommand("next");
        long check = 0;
        for (int i = 0; i < n; i++) {
            String s = SENTENCES[i % SENTENCES.length];
            spout.writeSpoutMsg(next);
            ShellMsg emit = spout.readShellMsg();
            check += spout.readShellMsg().getCommand().length();
            SpoutMsg ack = new SpoutMsg();
            ack.setCommand("ack");
            ack.setId(emit.getId());
            spout.writeSpoutMsg(ack);
            check += spout.readShellMsg().getCommand().length();

            String tupleId = Long.toString(-6955024471612356609L + i);
            split.writeBoltMsg(boltMsg(tupleId, "sentence-spout", 6, new ArrayList<>(List.of(s))));
            String[] words = s.split(" ");
            for (String w : words) {
                ShellMsg wordEmit = split.readShellMsg();
                check += wordEmit.getTuple().size();
                count.writeBoltMsg(boltMsg(Long.toString(i * 31L + w.length()), "split-bolt", 7,
                    new ArrayList<>(List.of(w))));
                check += count.readShellMsg().getTuple().size();
                check += count.readShellMsg().getCommand().length();
            }
            check += split.readShellMsg().getCommand().length();
        }
        return check;
    }

    private static BoltMsg boltMsg(String id, String comp, int task, List<Object> tuple) {
        BoltMsg m = new BoltMsg();
        m.setId(id);
        m.setComp(comp);
        m.setStream("default");
        m.setTask(task);
        m.setTuple(tuple);
        return m;
    }

    public static void main(String[] args) throws Exception {
        int n = 20_000;
        int rounds = 15;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (kv[0].equals("sentences")) {
                n = Integer.parseInt(kv[1]);
            } else if (kv[0].equals("rounds")) {
                rounds = Integer.parseInt(kv[1]);
            } else {
                throw new IllegalArgumentException(a);
            }
        }
        byte[][] json = childBytes(false, n);
        byte[][] smb1 = childBytes(true, n);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][] nsPerSentence = new double[2][rounds];
        long check = 0;
        for (int r = -5; r < rounds; r++) { // 5 warm-up rounds each, not counted
            for (int k = 0; k < 2; k++) {
                boolean isSmb1 = (k == 1) ^ (r % 2 != 0); // alternate which goes first
                long c0 = mx.getCurrentThreadCpuTime();
                check += round(isSmb1, isSmb1 ? smb1 : json, n);
                long c1 = mx.getCurrentThreadCpuTime();
                if (r >= 0) {
                    nsPerSentence[isSmb1 ? 1 : 0][r] = (c1 - c0) / (double) n;
                }
            }
        }
        for (int k = 0; k < 2; k++) {
            double[] v = nsPerSentence[k].clone();
            Arrays.sort(v);
            System.out.printf(Locale.ROOT, "micro: %s serializer CPU per sentence: median %.1f us (min %.1f, max %.1f, %d rounds of "
                + "%d sentences; child bytes per sentence %.0f)%n", k == 0 ? "json" : "smb1", v[v.length / 2] / 1e3,
                v[0] / 1e3, v[v.length - 1] / 1e3, rounds, n,
                (double) Arrays.stream(k == 0 ? json : smb1).mapToInt(b -> b.length).sum() / n);
        }
        System.out.println("micro: checksum " + check);
    }
}
