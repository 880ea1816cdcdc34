package bench;

import io.stormnative.BinarySerializer;
import io.stormnative.Bridge;
import io.stormnative.MultilangSpout;
import java.io.File;
import java.io.FileWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.text.BreakIterator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.generated.TopologySummary;
import org.apache.storm.hooks.BaseTaskHook;
import org.apache.storm.hooks.info.BoltAckInfo;
import org.apache.storm.hooks.info.SpoutAckInfo;
import org.apache.storm.hooks.info.SpoutFailInfo;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

/**
 * End-to-end word count on one LocalCluster: the same topology (spout, split with shuffle
 * grouping, count with fields grouping on word, reliable spout, acking on) with Rust, Python
 * (storm.py) and pure-Java components, runs alternated, one JSON line per run.
 *
 * <p>Arguments are {@code key=value}: out, variants (rust,python,java,rustbolts, each with optional
 * {@code +} modifiers: {@code host} for storm-native's MultilangSpout / MultilangBolt, {@code inproc} for its
 * InProcessSpout / InProcessBolt (the components inside the worker), in place of
 * Storm's ShellSpout / ShellBolt (with {@code pipeN}: N {@code next} commands in the spout's child
 * at once); {@code smb1} for storm-native's binary multilang serializer; {@code batchN} for sentence-spout emitting up to N sentences per
 * {@code next}; {@code flushN} for SMB1's bolt flush window of N µs; {@code words} for split-bolt's Unicode
 * word mode (the Java variant: java.text.BreakIterator); e.g.
 * {@code rust+smb1+batch50}), shapes (spout/split/count
 * parallelism, e.g. 1/4/4,1/1/1), inputs (sample,corpus), corpus (file), reps, warmup, measure
 * (seconds), pending (max spout pending), python (interpreter path).
 *
 * <p>Throughput and latency come from a task hook ({@code topology.auto.task.hooks}) in this
 * JVM: spout acks are sentences, count-bolt acks are words, and every spout ack carries its
 * complete latency ({@code topology.stats.sample.rate} 1.0). CPU is utime+stime from /proc of
 * this JVM and every descendant process (the multilang children).
 */
public final class E2E {
    static final String[] SAMPLE = {
        "the cow jumped over the moon",
        "an apple a day keeps the doctor away",
        "four score and seven years ago",
        "snow white and the seven dwarfs",
        "i am at two with nature",
    };

    static final LongAdder SENTENCES = new LongAdder();
    static final LongAdder WORDS = new LongAdder();
    static final LongAdder FAILS = new LongAdder();
    static final int MAX_MS = 120_000;
    static final AtomicLongArray LATENCY = new AtomicLongArray(MAX_MS + 1);

    /** Counts acks and records complete latencies; runs in every task of the topology. */
    public static class Hook extends BaseTaskHook {
        private boolean count;

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context) {
            count = "count".equals(context.getThisComponentId());
        }

        @Override
        public void spoutAck(SpoutAckInfo info) {
            SENTENCES.increment();
            if (info.completeLatencyMs != null) {
                LATENCY.incrementAndGet((int) Math.min(MAX_MS, Math.max(0, info.completeLatencyMs)));
            }
        }

        @Override
        public void spoutFail(SpoutFailInfo info) {
            FAILS.increment();
        }

        @Override
        public void boltAck(BoltAckInfo info) {
            if (count) {
                WORDS.increment();
            }
        }
    }

    /** The spout in Java: reliable, random sample sentence or the corpus in order. */
    public static class JavaSpout extends BaseRichSpout {
        private SpoutOutputCollector out;
        private List<String> sentences;
        private boolean sequential;
        private Random rng;
        private long next = 1;
        private final Map<Long, String> pending = new HashMap<>();
        private final ArrayDeque<Long> replays = new ArrayDeque<>();

        @Override
        public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
            out = collector;
            Object corpus = conf.get("wordcount.spout.corpus");
            try {
                sentences = corpus == null ? List.of(SAMPLE) : readCorpus(Paths.get(corpus.toString()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            sequential = "sequential".equals(conf.get("wordcount.spout.order"));
            rng = new Random(42);
        }

        @Override
        public void nextTuple() {
            Long id = replays.poll();
            if (id == null) {
                String s = sequential ? sentences.get((int) ((next - 1) % sentences.size()))
                        : sentences.get(rng.nextInt(sentences.size()));
                id = next++;
                pending.put(id, s);
            }
            out.emit(new Values(pending.get(id)), id);
        }

        @Override
        public void ack(Object id) {
            pending.remove(id);
        }

        @Override
        public void fail(Object id) {
            if (pending.containsKey(id)) {
                replays.add((Long) id);
            }
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("sentence"));
        }
    }

    /** Python's str.split(): runs of whitespace separate words. */
    public static class JavaSplit extends BaseBasicBolt {
        @Override
        public void execute(Tuple input, BasicOutputCollector collector) {
            String s = input.getString(0);
            int n = s.length();
            int i = 0;
            while (i < n) {
                while (i < n && Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                int start = i;
                while (i < n && !Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                if (i > start) {
                    collector.emit(new Values(s.substring(start, i)));
                }
            }
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("word"));
        }
    }

    /**
     * Unicode words the way a Java Storm user would split them: java.text.BreakIterator's word
     * instance (the JDK's UAX #29-style segmentation), keeping segments with a letter or digit,
     * lowercased; the peer of split-bolt's word mode.
     */
    public static class JavaWords extends BaseBasicBolt {
        private transient BreakIterator words;

        @Override
        public void execute(Tuple input, BasicOutputCollector collector) {
            if (words == null) {
                words = BreakIterator.getWordInstance(Locale.ROOT);
            }
            String s = input.getString(0);
            words.setText(s);
            int start = words.first();
            for (int end = words.next(); end != BreakIterator.DONE; start = end, end = words.next()) {
                for (int i = start; i < end; i++) {
                    if (Character.isLetterOrDigit(s.charAt(i))) {
                        collector.emit(new Values(s.substring(start, end).toLowerCase(Locale.ROOT)));
                        break;
                    }
                }
            }
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("word"));
        }
    }

    /** A HashMap of counts. */
    public static class JavaCount extends BaseBasicBolt {
        private final Map<String, Integer> counts = new HashMap<>();

        @Override
        public void execute(Tuple input, BasicOutputCollector collector) {
            String w = input.getString(0);
            int c = counts.merge(w, 1, Integer::sum);
            collector.emit(new Values(w, c));
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("word", "count"));
        }
    }

    static List<String> readCorpus(Path p) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
                out.add(l);
            }
        }
        return out;
    }

    /** utime+stime in seconds of this JVM and all its descendants. */
    static double cpuSeconds() {
        double total = stat(ProcessHandle.current().pid());
        for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
            total += stat(h.pid());
        }
        return total;
    }

    static double stat(long pid) {
        try {
            String s = Files.readString(Paths.get("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** VmRSS (KiB) of this JVM: the worker, in local mode (it holds the in-process components). */
    static long selfRssKb() {
        try {
            for (String l : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Sum of VmRSS (KiB) of the descendant processes. */
    static long childrenRssKb() {
        long total = 0;
        for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
            try {
                for (String l : Files.readAllLines(Paths.get("/proc/" + h.pid() + "/status"))) {
                    if (l.startsWith("VmRSS:")) {
                        total += Long.parseLong(l.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone
            }
        }
        return total;
    }

    static long[] latencySnapshot() {
        long[] a = new long[MAX_MS + 1];
        for (int i = 0; i <= MAX_MS; i++) {
            a[i] = LATENCY.get(i);
        }
        return a;
    }

    static long quantile(long[] h, long total, double q) {
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < h.length; i++) {
            seen += h[i];
            if (seen >= rank && seen > 0) {
                return i;
            }
        }
        return -1;
    }

    /** Applies a variant's {@code +} modifiers to the topology conf. */
    static void applyModifiers(String variant, Config conf) {
        String[] parts = variant.split("\\+");
        for (int i = 1; i < parts.length; i++) {
            String m = parts[i];
            if (m.equals("smb1")) {
                conf.put(Config.TOPOLOGY_MULTILANG_SERIALIZER, BinarySerializer.class.getName());
            } else if (m.equals("host") || m.equals("inproc")) {
                // topology() picks the bridge: storm-native's host, or the components in process
            } else if (m.equals("words")) {
                // split-bolt's Unicode word mode (UAX #29, lowercased); the Java peer: JavaWords
                conf.put("wordcount.split.mode", "words");
            } else if (m.startsWith("pipe")) {
                conf.put(MultilangSpout.PIPELINE_CONF, Integer.parseInt(m.substring("pipe".length())));
            } else if (m.startsWith("flush")) {
                conf.put("topology.multilang.binary.flush.window.micros", Long.parseLong(m.substring("flush".length())));
            } else if (m.startsWith("batch")) {
                conf.put("wordcount.spout.batch", Integer.parseInt(m.substring("batch".length())));
            } else {
                throw new IllegalArgumentException("variant modifier " + m + " in " + variant);
            }
        }
    }

    static TopologyBuilder topology(String variant, int sp, int split, int count, String python) {
        TopologyBuilder b = new TopologyBuilder();
        List<String> mods = Arrays.asList(variant.split("\\+"));
        Bridge bridge = mods.contains("inproc") ? Bridge.INPROC : mods.contains("host") ? Bridge.HOST : Bridge.STOCK;
        String[] spout = {"sentence-spout"};
        String[] splitter = {"split-bolt"};
        String[] counter = {"count-bolt"};
        switch (variant.split("\\+")[0]) {
            case "rust", "rustbolts" -> {
            }
            case "python" -> {
                spout = new String[] {python, "sentencespout.py"};
                splitter = new String[] {python, "splitbolt.py"};
                counter = new String[] {python, "countbolt.py"};
            }
            case "java" -> {
                b.setSpout("spout", new JavaSpout(), sp);
                b.setBolt("split", mods.contains("words") ? new JavaWords() : new JavaSplit(), split).shuffleGrouping("spout");
                b.setBolt("count", new JavaCount(), count).fieldsGrouping("split", new Fields("word"));
                return b;
            }
            default -> throw new IllegalArgumentException("variant " + variant);
        }
        if (variant.startsWith("rustbolts")) {
            // The Java spout with the Rust bolts: what the bolts do without the spout's round trips.
            b.setSpout("spout", new JavaSpout(), sp);
        } else {
            b.setSpout("spout", bridge.spout(spout, "sentence"), sp);
        }
        b.setBolt("split", bridge.bolt(splitter, "word"), split).shuffleGrouping("spout");
        b.setBolt("count", bridge.bolt(counter, "word", "count"), count).fieldsGrouping("split", new Fields("word"));
        return b;
    }

    static boolean running(LocalCluster cluster, String name) throws Exception {
        for (TopologySummary t : cluster.getClusterInfo().get_topologies()) {
            if (t.get_name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String out = a.getOrDefault("out", "e2e.jsonl");
        String[] variants = a.getOrDefault("variants", "rust,python,java").split(",");
        String[] shapes = a.getOrDefault("shapes", "1/4/4").split(",");
        String[] inputs = a.getOrDefault("inputs", "sample").split(",");
        String corpus = a.get("corpus");
        int reps = Integer.parseInt(a.getOrDefault("reps", "3"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "8"));
        int measure = Integer.parseInt(a.getOrDefault("measure", "15"));
        int pending = Integer.parseInt(a.getOrDefault("pending", "1000"));
        String python = a.getOrDefault("python", "python3");

        // Killing a topology can race a ShellBolt's reader thread: the child dies, reportError
        // meets an interrupted ZooKeeper client, and ReportErrorAndDie calls Runtime.exit, which
        // would end every later run with this JVM. Only main's own exit may end it.
        installExitGuard();
        int run = 0;
        try (LocalCluster cluster = new LocalCluster();
             PrintWriter w = new PrintWriter(new FileWriter(out, StandardCharsets.UTF_8, true), true)) {
            for (int rep = 0; rep < reps; rep++) {
                for (String input : inputs) {
                    if (input.equals("corpus") && corpus == null) {
                        continue;
                    }
                    for (String shape : shapes) {
                        String[] p = shape.split("/");
                        int sp = Integer.parseInt(p[0]);
                        int split = Integer.parseInt(p[1]);
                        int count = Integer.parseInt(p[2]);
                        for (int vi = 0; vi < variants.length; vi++) {
                            // Rotate the order each rep, so no variant always follows the same one.
                            String variant = variants[(vi + rep) % variants.length];
                            String name = "wc-" + variant.replace('+', '-') + "-" + (run++);
                            Config conf = new Config();
                            conf.setNumWorkers(1);
                            conf.setMaxSpoutPending(pending);
                            conf.put("wordcount.spout.reliable", true);
                            conf.put("wordcount.spout.max.pending", pending);
                            conf.put("wordcount.spout.seed", 42);
                            conf.put(Config.TOPOLOGY_STATS_SAMPLE_RATE, 1.0);
                            conf.put(Config.TOPOLOGY_AUTO_TASK_HOOKS, List.of(Hook.class.getName()));
                            applyModifiers(variant, conf);
                            if (input.equals("corpus")) {
                                conf.put("wordcount.spout.corpus", new File(corpus).getAbsolutePath());
                                conf.put("wordcount.spout.order", "sequential");
                            }
                            cluster.submitTopology(name, conf,
                                    topology(variant, sp, split, count, python).createTopology());
                            long t0 = System.nanoTime();
                            long base = SENTENCES.sum();
                            while (SENTENCES.sum() == base) {
                                if (System.nanoTime() - t0 > 180e9) {
                                    throw new IllegalStateException(name + ": no sentence acked in 180 s");
                                }
                                Thread.sleep(50);
                            }
                            double firstAck = (System.nanoTime() - t0) / 1e9;
                            Thread.sleep(warmup * 1000L);
                            long s0 = SENTENCES.sum();
                            long w0 = WORDS.sum();
                            long f0 = FAILS.sum();
                            long[] h0 = latencySnapshot();
                            double c0 = cpuSeconds();
                            double j0 = stat(ProcessHandle.current().pid());
                            long m0 = System.nanoTime();
                            Thread.sleep(measure * 1000L);
                            long s1 = SENTENCES.sum();
                            long w1 = WORDS.sum();
                            long f1 = FAILS.sum();
                            double c1 = cpuSeconds();
                            double j1 = stat(ProcessHandle.current().pid());
                            double secs = (System.nanoTime() - m0) / 1e9;
                            long[] h1 = latencySnapshot();
                            long rss = childrenRssKb();
                            long jvmRss = selfRssKb();
                            long total = 0;
                            double sum = 0;
                            for (int i = 0; i <= MAX_MS; i++) {
                                h1[i] -= h0[i];
                                total += h1[i];
                                sum += (double) i * h1[i];
                            }
                            KillOptions ko = new KillOptions();
                            ko.set_wait_secs(0);
                            cluster.killTopologyWithOpts(name, ko);
                            String line = String.format(Locale.ROOT,
                                    "{\"variant\":\"%s\",\"input\":\"%s\",\"shape\":\"%s\",\"spout\":%d,"
                                    + "\"split\":%d,\"count\":%d,\"rep\":%d,\"secs\":%.3f,\"sentences\":%d,"
                                    + "\"words\":%d,\"fails\":%d,\"sentences_per_s\":%.1f,\"words_per_s\":%.1f,"
                                    + "\"lat_p50_ms\":%d,\"lat_p99_ms\":%d,\"lat_mean_ms\":%.2f,\"lat_samples\":%d,"
                                    + "\"cpu_s\":%.2f,\"cpu_jvm_s\":%.2f,\"cpu_cores\":%.3f,\"cpu_us_per_sentence\":%.1f,"
                                    + "\"children_rss_kb\":%d,\"jvm_rss_kb\":%d,\"first_ack_s\":%.2f,\"pending\":%d}",
                                    variant, input, shape, sp, split, count, rep, secs, s1 - s0, w1 - w0,
                                    f1 - f0, (s1 - s0) / secs, (w1 - w0) / secs, quantile(h1, total, 0.5),
                                    quantile(h1, total, 0.99), total == 0 ? 0 : sum / total, total,
                                    c1 - c0, j1 - j0, (c1 - c0) / secs, (s1 - s0) == 0 ? 0 : (c1 - c0) * 1e6 / (s1 - s0),
                                    rss, jvmRss, firstAck, pending);
                            w.println(line);
                            System.out.println(line);
                            long k0 = System.nanoTime();
                            while (running(cluster, name) && System.nanoTime() - k0 < 60e9) {
                                Thread.sleep(200);
                            }
                            // Let the worker and its children go before the next run.
                            Thread.sleep(3000);
                        }
                    }
                }
            }
        }
        EXIT_ALLOWED = true;
        System.exit(0);
    }

    static volatile boolean EXIT_ALLOWED = false;

    @SuppressWarnings("removal")
    static void installExitGuard() {
        System.setSecurityManager(new SecurityManager() {
            @Override
            public void checkExit(int status) {
                if (!EXIT_ALLOWED) {
                    throw new SecurityException("exit(" + status + ") refused: only the benchmark ends this JVM");
                }
            }

            @Override
            public void checkPermission(java.security.Permission perm) {
            }

            @Override
            public void checkPermission(java.security.Permission perm, Object context) {
            }
        });
    }
}
