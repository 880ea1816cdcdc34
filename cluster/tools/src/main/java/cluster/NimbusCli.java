package cluster;

import java.util.Map;
import java.util.TreeMap;
import org.apache.storm.generated.ClusterSummary;
import org.apache.storm.generated.ErrorInfo;
import org.apache.storm.generated.ExecutorStats;
import org.apache.storm.generated.ExecutorSummary;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.generated.Nimbus;
import org.apache.storm.generated.NotAliveException;
import org.apache.storm.generated.RebalanceOptions;
import org.apache.storm.generated.TopologyInfo;
import org.apache.storm.generated.TopologySummary;
import org.apache.storm.utils.NimbusClient;
import org.apache.storm.utils.Utils;

/**
 * What the test asks Nimbus, over its Thrift API (what {@code storm list}, {@code storm kill} and the
 * UI's topology page show). Output is one fact per line, for the shell:
 *
 * <pre>
 * NimbusCli list                       topology NAME ID STATUS WORKERS       (one per topology)
 * NimbusCli info NAME                  status S / worker HOST:PORT / stat COMPONENT KEY N / error COMPONENT HOST:PORT TEXT
 * NimbusCli kill NAME WAIT_SECS        killed NAME
 * NimbusCli deactivate NAME            deactivated NAME (the spouts get deactivate, no more nextTuple)
 * NimbusCli activate NAME              activated NAME (the spouts get activate, nextTuple again)
 * NimbusCli rebalance NAME WAIT_SECS WORKERS [COMPONENT=EXECUTORS]...
 *                                      rebalanced NAME (what {@code storm rebalance NAME -w -n -e} does)
 * NimbusCli supervisors                supervisors N slots N used N
 * </pre>
 * stat keys: emitted, acked, failed, executed (all-time totals over the component's executors).
 */
public final class NimbusCli {
    private NimbusCli() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> conf = Utils.readStormConfig();
        try (NimbusClient nc = NimbusClient.getConfiguredClient(conf, 10_000)) {
            Nimbus.Iface nimbus = nc.getClient();
            switch (args[0]) {
                case "list" -> {
                    for (TopologySummary t : nimbus.getClusterInfo().get_topologies()) {
                        System.out.printf("topology %s %s %s %d%n", t.get_name(), t.get_id(), t.get_status(), t.get_num_workers());
                    }
                }
                case "supervisors" -> {
                    ClusterSummary c = nimbus.getClusterInfo();
                    int slots = c.get_supervisors().stream().mapToInt(s -> s.get_num_workers()).sum();
                    int used = c.get_supervisors().stream().mapToInt(s -> s.get_num_used_workers()).sum();
                    System.out.printf("supervisors %d slots %d used %d%n", c.get_supervisors_size(), slots, used);
                }
                case "info" -> info(nimbus, args[1]);
                case "kill" -> {
                    KillOptions opts = new KillOptions();
                    opts.set_wait_secs(Integer.parseInt(args[2]));
                    try {
                        nimbus.killTopologyWithOpts(args[1], opts);
                        System.out.println("killed " + args[1]);
                    } catch (NotAliveException e) {
                        System.out.println("notalive " + args[1]);
                    }
                }
                case "deactivate" -> {
                    nimbus.deactivate(args[1]);
                    System.out.println("deactivated " + args[1]);
                }
                case "activate" -> {
                    nimbus.activate(args[1]);
                    System.out.println("activated " + args[1]);
                }
                case "rebalance" -> {
                    RebalanceOptions opts = new RebalanceOptions();
                    opts.set_wait_secs(Integer.parseInt(args[2]));
                    opts.set_num_workers(Integer.parseInt(args[3]));
                    for (int i = 4; i < args.length; i++) {
                        String[] kv = args[i].split("=", 2);
                        opts.put_to_num_executors(kv[0], Integer.parseInt(kv[1]));
                    }
                    nimbus.rebalance(args[1], opts);
                    System.out.println("rebalanced " + args[1]);
                }
                default -> throw new IllegalArgumentException(
                    "list | info NAME | kill NAME SECS | deactivate NAME | activate NAME | rebalance NAME SECS WORKERS [C=N]... | supervisors");
            }
        }
    }

    private static void info(Nimbus.Iface nimbus, String name) throws Exception {
        TopologyInfo info;
        try {
            info = nimbus.getTopologyInfoByName(name);
        } catch (NotAliveException e) {
            System.out.println("status NOTALIVE");
            return;
        }
        System.out.println("status " + info.get_status());
        System.out.println("id " + info.get_id());
        Map<String, Long> stats = new TreeMap<>();
        java.util.Set<String> workers = new java.util.TreeSet<>();
        for (ExecutorSummary e : info.get_executors()) {
            String c = e.get_component_id();
            workers.add(e.get_host() + ":" + e.get_port());
            System.out.printf("executor %s %s:%d%n", c, e.get_host(), e.get_port());
            ExecutorStats s = e.get_stats();
            if (s == null) {
                continue;
            }
            add(stats, c + " emitted", s.get_emitted().get(":all-time"));
            if (s.get_specific().is_set_spout()) {
                add(stats, c + " acked", s.get_specific().get_spout().get_acked().get(":all-time"));
                add(stats, c + " failed", s.get_specific().get_spout().get_failed().get(":all-time"));
            } else if (s.get_specific().is_set_bolt()) {
                add(stats, c + " acked", s.get_specific().get_bolt().get_acked().get(":all-time"));
                add(stats, c + " failed", s.get_specific().get_bolt().get_failed().get(":all-time"));
                add(stats, c + " executed", s.get_specific().get_bolt().get_executed().get(":all-time"));
            }
        }
        workers.forEach(w -> System.out.println("worker " + w));
        stats.forEach((k, v) -> System.out.println("stat " + k + " " + v));
        for (Map.Entry<String, java.util.List<ErrorInfo>> e : info.get_errors().entrySet()) {
            for (ErrorInfo err : e.getValue()) {
                // A stack trace: its first line and its causes say what went wrong; the frames don't.
                StringBuilder text = new StringBuilder();
                for (String line : err.get_error().split("\n")) {
                    if (text.length() == 0 || line.startsWith("Caused by:")) {
                        text.append(text.length() == 0 ? "" : " | ").append(line.trim().replace('\t', ' '));
                    }
                }
                System.out.printf("error %s %s:%d %s%n", e.getKey(), err.get_host(), err.get_port(), text);
            }
        }
    }

    private static void add(Map<String, Long> stats, String key, Map<?, Long> byStream) {
        if (byStream == null) {
            return;
        }
        long sum = 0;
        for (Map.Entry<?, Long> e : byStream.entrySet()) {
            // Storm's own streams (__ack_init, __metrics, ...) are not the topology's tuples.
            if (!e.getKey().toString().contains("__")) {
                sum += e.getValue();
            }
        }
        stats.merge(key, sum, Long::sum);
    }
}
