package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.storm.LocalCluster;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.generated.TopologySummary;

/** Helpers for tests on a real LocalCluster. */
final class Harness {
    /** The names the components' processes run under (binaries, or python3 + script). */
    static final List<String> COMPONENT_NAMES = List.of(
        "sentence-spout", "split-bolt", "count-bolt", "sentencespout.py", "splitbolt.py", "countbolt.py");

    private Harness() {
    }

    /** The sample's five sentences (the components' default corpus). */
    static final List<String> SAMPLE_SENTENCES = List.of(
        "the cow jumped over the moon",
        "an apple a day keeps the doctor away",
        "four score and seven years ago",
        "snow white and the seven dwarfs",
        "i am at two with nature");

    /** Word counts of the first n sentences emitted in sequential order (cycling), split like Python's str.split(). */
    static Map<String, Long> expectedCounts(List<String> corpus, int n) {
        Map<String, Long> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String s = corpus.get(i % corpus.size()).strip();
            if (s.isEmpty()) {
                continue;
            }
            for (String w : s.split("\\s+")) {
                counts.merge(w, 1L, Long::sum);
            }
        }
        return counts;
    }

    static void waitUntil(String what, long timeoutMs, BooleanSupplier done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Live processes below this JVM whose command or arguments name one of our components. */
    static List<String> componentProcesses() {
        List<String> found = new ArrayList<>();
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).forEach(p -> {
            ProcessHandle.Info info = p.info();
            String cmdline = info.command().orElse("") + " " + String.join(" ", info.arguments().orElse(new String[0]));
            for (String name : COMPONENT_NAMES) {
                if (cmdline.contains(name)) {
                    found.add(p.pid() + " " + cmdline.strip());
                    break;
                }
            }
        });
        return found;
    }

    static Optional<String> topologyId(LocalCluster cluster, String name) throws Exception {
        for (TopologySummary t : cluster.getClusterInfo().get_topologies()) {
            if (t.get_name().equals(name)) {
                return Optional.of(t.get_id());
            }
        }
        return Optional.empty();
    }

    /** Errors the cluster recorded per component (reportError, multilang "error" commands). */
    static Map<String, List<String>> errors(LocalCluster cluster, String name) throws Exception {
        String id = topologyId(cluster, name).orElseThrow();
        Map<String, List<String>> out = new HashMap<>();
        cluster.getTopologyInfo(id).get_errors().forEach((component, errs) ->
            out.put(component, errs.stream().map(e -> e.get_error()).collect(Collectors.toList())));
        return out;
    }

    /** Kills a topology at once and waits until it is gone and no component process is left. */
    static void killAndWaitForProcesses(LocalCluster cluster, String name) throws Exception {
        KillOptions now = new KillOptions();
        now.set_wait_secs(0);
        cluster.killTopologyWithOpts(name, now);
        waitUntil("topology " + name + " to be removed", 60_000, () -> {
            try {
                return topologyId(cluster, name).isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.currentTimeMillis() + 30_000;
        while (!componentProcesses().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
    }
}
