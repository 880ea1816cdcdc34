package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeSet;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.topology.TopologyBuilder;
import org.junit.jupiter.api.Test;

/** The check before submit, the nearest-name helper, and the constructor Flux picks without fields. */
class TopologyCheckTest {
    private static final TopologyCheck.CodeDir RESOURCES = new TopologyCheck.CodeDir("resources/ of my.jar",
        new TreeSet<>(List.of("count-bolt", "lowercase-bolt", "splitbolt.py")));

    private static StormTopology topology(String program) {
        TopologyBuilder b = new TopologyBuilder();
        b.setSpout("words", new MultilangSpout(new String[] {"python3", "splitbolt.py"}, "word"));
        b.setBolt("lowercase", new MultilangBolt(new String[] {program}, "word")).shuffleGrouping("words");
        b.setBolt("count", new NativeShellBolt(new String[] {"./count-bolt"}, "word", "count"))
            .shuffleGrouping("lowercase");
        return b.createTopology();
    }

    @Test
    void programsInResourcesOrOnThePathPass() {
        assertEquals(List.of(), TopologyCheck.problems(topology("lowercase-bolt"), RESOURCES));
    }

    @Test
    void aTypoNamesTheComponentWhatResourcesHoldsAndTheNearestName() {
        List<String> p = TopologyCheck.problems(topology("lowercse-bolt"), RESOURCES);
        assertEquals(List.of("bolt \"lowercase\" (MultilangBolt): program \"lowercse-bolt\" is not in the topology's"
            + " resources/; did you mean \"lowercase-bolt\"? Fix the command's first element."
            + " (resources/ of my.jar holds: count-bolt, lowercase-bolt, splitbolt.py)"), p);
    }

    @Test
    void aMissingBinarySaysHowToPutItIntoTheJar() {
        List<String> p = TopologyCheck.problems(topology("uppercase-filter"), RESOURCES);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("bolt \"lowercase\" (MultilangBolt): program \"uppercase-filter\" is not in the"
            + " topology's resources/: build it and put it into the jar's resources/"), p.get(0));
    }

    @Test
    void theStockClassesAreCheckedToo() {
        TopologyBuilder b = new TopologyBuilder();
        b.setSpout("s", new NativeShellSpout(new String[] {"sentense-spout"}, "sentence"));
        List<String> p = TopologyCheck.problems(b.createTopology(), new TopologyCheck.CodeDir("d",
            new TreeSet<>(List.of("sentence-spout"))));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("spout \"s\" (NativeShellSpout): program \"sentense-spout\""), p.get(0));
        assertTrue(p.get(0).contains("did you mean \"sentence-spout\"?"), p.get(0));
    }

    @Test
    void checkThrowsWithOneLinePerComponent() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TopologyCheck.check(topology("no-such-program-here")));
        // Here resources/ is whatever jar on the test classpath has one (flux-core's): no count-bolt either.
        List<String> lines = List.of(e.getMessage().split("\n"));
        assertEquals(2, lines.size(), e.getMessage());
        assertTrue(lines.get(0).startsWith("bolt \"count\" (NativeShellBolt): program \"./count-bolt\""), lines.get(0));
        assertTrue(lines.get(1).startsWith("bolt \"lowercase\" (MultilangBolt): program \"no-such-program-here\""),
            lines.get(1));
    }

    @Test
    void anInProcessComponentsLibraryIsWhatMustBeThere() {
        TopologyCheck.CodeDir res = new TopologyCheck.CodeDir("resources/ of my.jar",
            new TreeSet<>(List.of("libsplit_bolt.so", "split-bolt")));
        TopologyBuilder ok = new TopologyBuilder();
        ok.setBolt("split", new InProcessBolt("libsplit_bolt.so", new String[] {"split-bolt"}, "word"));
        assertEquals(List.of(), TopologyCheck.problems(ok.createTopology(), res));
        TopologyBuilder typo = new TopologyBuilder();
        typo.setBolt("split", new InProcessBolt("libsplit_blot.so", new String[] {"split-bolt"}, "word"));
        List<String> p = TopologyCheck.problems(typo.createTopology(), res);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("bolt \"split\" (InProcessBolt): library \"libsplit_blot.so\" is not in the"
            + " topology's resources/; did you mean \"libsplit_bolt.so\"?"), p.get(0));
    }

    @Test
    void nearestNames() {
        assertEquals("lowercase-bolt", Names.nearest("lowercse-bolt", List.of("count-bolt", "lowercase-bolt")));
        assertEquals("split-bolt", Names.nearest("splti-bolt", List.of("split-bolt", "count-bolt")));
        assertNull(Names.nearest("lowercase-bolt", List.of("count-bolt", "sentence-spout")));
        assertNull(Names.nearest("x", List.of()));
        assertNull(Names.nearest(null, List.of("a")));
    }

    @Test
    @SuppressWarnings("deprecation")
    void theCommandAloneFailsNamingTheMissingFields() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new MultilangBolt(new String[] {"lowercase-bolt"}));
        assertEquals("MultilangBolt [lowercase-bolt]: no output fields: add them as the second constructorArg,"
            + " e.g. [\"word\"] (Java: new MultilangBolt(command, \"word\"); a component that emits nothing:"
            + " new MultilangBolt(command, new String[0]))", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MultilangSpout(new String[] {"sentence-spout"}));
        assertTrue(e.getMessage().startsWith("MultilangSpout [sentence-spout]: no output fields"), e.getMessage());
        // A sink says so explicitly.
        new MultilangBolt(new String[] {"sink"}, new String[0]);
    }
}
