package org.example.lowercase;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.generated.StormTopology;
import org.junit.jupiter.api.Test;

/** The topology on a real LocalCluster, the native bolt taken from resources/: exact counts. */
class LowercaseTopologyTest {
    @Test
    void countsEveryLowercasedWordExactly() throws Exception {
        int rounds = 50;
        StormTopology topology = LowercaseTopology.build(rounds);
        Map<String, Long> expected = Map.of("storm", 2L * rounds, "rust", 2L * rounds, "bolts", (long) rounds);
        long total = expected.values().stream().mapToLong(Long::longValue).sum();
        CountBolt.COUNTS.clear();
        try (LocalCluster cluster = new LocalCluster()) {
            cluster.submitTopology("lowercase-test", new Config(), topology);
            long deadline = System.currentTimeMillis() + 120_000;
            while (sum() < total && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            Thread.sleep(1_000); // nothing more may arrive: a count above the expected one is a bug too
            KillOptions now = new KillOptions();
            now.set_wait_secs(0);
            cluster.killTopologyWithOpts("lowercase-test", now);
        }
        assertEquals(expected, Map.copyOf(CountBolt.COUNTS));
    }

    private static long sum() {
        return CountBolt.COUNTS.values().stream().mapToLong(Long::longValue).sum();
    }
}
