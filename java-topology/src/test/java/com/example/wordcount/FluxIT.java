package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.flux.FluxBuilder;
import org.apache.storm.flux.model.ExecutionContext;
import org.apache.storm.flux.model.TopologyDef;
import org.apache.storm.flux.parser.FluxParser;
import org.apache.storm.generated.StormTopology;
import org.junit.jupiter.api.Test;

/** The shipped Flux YAML (FluxShellSpout/FluxShellBolt) builds and runs the binaries from the jar on a LocalCluster. */
class FluxIT {
    @Test
    void theFluxTopologyCountsExactly() throws Exception {
        TopologyDef def = FluxParser.parseResource("/wordcount-flux-test.yaml", false, true, null, false);
        assertEquals(Set.of("sentence-spout"), Set.copyOf(def.getSpouts().stream().map(s -> s.getId()).toList()));
        assertEquals(Set.of("split-bolt", "count-bolt", "report", "collector"),
            Set.copyOf(def.getBolts().stream().map(b -> b.getId()).toList()));
        Config conf = FluxBuilder.buildConfig(def);
        // As a `topology.multilang.serializer` line in the YAML's config would.
        conf.putAll(Harness.conf());
        long handshakes = Harness.handshakes();
        StormTopology topology = FluxBuilder.buildTopology(new ExecutionContext(def, conf));
        int limit = ((Number) conf.get("wordcount.spout.limit")).intValue();
        Map<String, Long> expected = Harness.expectedCounts(Harness.SAMPLE_SENTENCES, limit);
        long words = expected.values().stream().mapToLong(Long::longValue).sum();
        Results r = Results.of("flux");

        ExitGuard.install();
        try (LocalCluster cluster = new LocalCluster()) {
            cluster.submitTopology(def.getName(), conf, topology);
            Harness.waitUntil(words + " words counted", 120_000, () -> r.countTuples.get() >= words);
            assertEquals(Harness.expectedProcesses(9), Harness.componentProcesses().size(),
                Harness.componentProcesses().toString());
            Harness.assertLibrariesLoaded();
            Harness.killAndWaitForProcesses(cluster, def.getName());
        }
        assertEquals(expected, Map.copyOf(r.counts));
        assertEquals(words, r.countTuples.get());
        assertEquals(List.of(), Harness.componentProcesses());
        Harness.assertSpokeSerializer(handshakes, 9);
    }
}
