package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stormnative.InProcessBolt;
import io.stormnative.InProcessSpout;
import io.stormnative.MultilangBolt;
import io.stormnative.MultilangSpout;
import io.stormnative.NativeShellBolt;
import io.stormnative.NativeShellSpout;
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

/**
 * wordcount-native.yaml: the word count in Flux from storm-native's generic classes alone
 * ({@code className: io.stormnative.MultilangSpout / MultilangBolt} and
 * {@code constructorArgs}), on a LocalCluster, with exact counts; and wordcount-native-stock.yaml,
 * the same under Storm's ShellSpout / ShellBolt ({@code NativeShellSpout / NativeShellBolt}).
 */
class FluxNativeIT {
    @Test
    void theGenericComponentsCountExactlyFromFlux() throws Exception {
        countExactly("/wordcount-native-flux-test.yaml", MultilangSpout.class, MultilangBolt.class, "flux-native");
    }

    @Test
    void theInProcessComponentsCountExactlyFromFlux() throws Exception {
        countExactly("/wordcount-native-inproc-flux-test.yaml", InProcessSpout.class, InProcessBolt.class,
            "flux-native-inproc");
    }

    @Test
    void theGenericComponentsCountExactlyFromFluxUnderStormsShellBolt() throws Exception {
        countExactly("/wordcount-native-stock-flux-test.yaml", NativeShellSpout.class, NativeShellBolt.class,
            "flux-native-stock");
    }

    private static void countExactly(String yaml, Class<?> spout, Class<?> bolt, String key) throws Exception {
        TopologyDef def = FluxParser.parseResource(yaml, false, true, null, false);
        assertEquals(Set.of(spout.getName()),
            Set.copyOf(def.getSpouts().stream().map(s -> s.getClassName()).toList()));
        assertEquals(Set.of(bolt.getName(), CollectorBolt.class.getName()),
            Set.copyOf(def.getBolts().stream().map(b -> b.getClassName()).toList()));
        Config conf = FluxBuilder.buildConfig(def);
        // As a `topology.multilang.serializer` line in the YAML's config would.
        conf.putAll(Harness.conf());
        long handshakes = Harness.handshakes();
        StormTopology topology = FluxBuilder.buildTopology(new ExecutionContext(def, conf));
        int limit = ((Number) conf.get("wordcount.spout.limit")).intValue();
        Map<String, Long> expected = Harness.expectedCounts(Harness.SAMPLE_SENTENCES, limit);
        long words = expected.values().stream().mapToLong(Long::longValue).sum();
        Results r = Results.of(key);

        ExitGuard.install();
        try (LocalCluster cluster = new LocalCluster()) {
            cluster.submitTopology(def.getName(), conf, topology);
            Harness.waitUntil(words + " words counted", 120_000, () -> r.countTuples.get() >= words);
            boolean inProcess = spout == InProcessSpout.class;
            assertEquals(inProcess ? 0 : 9, Harness.componentProcesses().size(), Harness.componentProcesses().toString());
            Harness.killAndWaitForProcesses(cluster, def.getName());
        }
        assertEquals(expected, Map.copyOf(r.counts));
        assertEquals(words, r.countTuples.get());
        assertEquals(List.of(), Harness.componentProcesses());
        Harness.assertSpokeSerializer(handshakes, spout == InProcessSpout.class ? 0 : 9);
    }

    /** A mistake in the YAML (here a blank program) is named when Flux builds the topology. */
    @Test
    void aBlankProgramIsNamedWhenFluxBuildsTheTopology() throws Exception {
        TopologyDef def = FluxParser.parseResource("/wordcount-native-flux-blank-program.yaml", false, true, null, false);
        Config conf = FluxBuilder.buildConfig(def);
        Exception e = assertThrows(Exception.class, () -> FluxBuilder.buildTopology(new ExecutionContext(def, conf)));
        Throwable cause = e;
        while (cause != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertNotNull(cause, "an IllegalArgumentException in the cause chain of " + e);
        assertTrue(cause.getMessage().startsWith("NativeShellBolt: the command's program (element 0) is blank"),
            cause.getMessage());
    }
}
