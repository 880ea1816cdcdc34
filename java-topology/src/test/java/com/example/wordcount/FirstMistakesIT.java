package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stormnative.Bridge;
import io.stormnative.FluxCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's first mistakes in a Flux YAML, run as `./run.sh --flux FILE` runs them
 * (scripts/flux-local.sh, the packaged jar first on the classpath): each is stopped before the
 * cluster starts, and the first line printed names the component, the cause and the fix.
 */
class FirstMistakesIT {
    @TempDir
    Path tmp;

    @Test
    void aMisspeltProgramIsNamedWithWhatResourcesHoldsAndTheNearestName() throws Exception {
        String first = firstLine("user-flux-typo.yaml");
        assertTrue(first.startsWith("bolt \"words\" (MultilangBolt): program \"splt-bolt\" is not in the topology's"
            + " resources/; did you mean \"split-bolt\"?"), first);
        assertTrue(first.contains("holds: ") && first.contains("count-bolt, ") && first.contains("sentence-spout"),
            first);
    }

    @Test
    void outputFieldsLeftOutAreNamedNotAsAMissingConstructor() throws Exception {
        String first = firstLine("user-flux-no-fields.yaml");
        assertEquals("bolt \"words\" (MultilangBolt [split-bolt, --mode, words]): no output fields: add them as the"
            + " second constructorArg, e.g. `- [\"word\"]` under `- [\"split-bolt\", \"--mode\", \"words\"]`", first);
    }

    @Test
    void aBinaryBuiltButNotInTheJarIsNamedWithHowToPutItThere() throws Exception {
        String first = firstLine("user-flux-missing-binary.yaml");
        assertTrue(first.startsWith("bolt \"stopwords\" (MultilangBolt): program \"stopword-bolt\" is not in the"
            + " topology's resources/: build it and put it into the jar's resources/"), first);
        assertFalse(first.contains("did you mean"), first);
    }

    @Test
    void aMisspeltClassNameIsNamedWithTheNearestComponentClass() throws Exception {
        Path yaml = tmp.resolve("class-typo.yaml");
        Files.writeString(yaml, String.join("\n", "name: \"class-typo\"", "spouts:", "  - id: \"sentences\"",
            "    className: \"io.stormnative.MultilangSpot\"", "    constructorArgs:", "      - [\"sentence-spout\"]",
            "      - [\"sentence\"]", ""));
        assertEquals(List.of("spout \"sentences\": no class io.stormnative.MultilangSpot on the classpath; did you mean"
            + " io.stormnative.MultilangSpout?"), FluxCheck.problems(yaml.toString()));
    }

    /** Runs flux-local.sh on a test YAML; it must fail before a cluster starts. Its first output line. */
    private String firstLine(String yaml) throws Exception {
        // The check does not depend on the serializer or bridge: one run is enough.
        assumeTrue(Harness.SERIALIZER.isEmpty() && Bridge.fromSystemProperty() == Bridge.HOST,
            "runs in the default execution only");
        Path script = Path.of("..", "scripts", "flux-local.sh").toAbsolutePath().normalize();
        Path file = Path.of("src", "test", "resources", yaml).toAbsolutePath();
        Path log = tmp.resolve(yaml + ".log");
        Process p = new ProcessBuilder(script.toString(), System.getProperty("wordcount.jar"),
            System.getProperty("java.class.path"), file.toString(), "5")
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = p.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String all = String.join("\n", lines);
        assertTrue(exited, "still running after 120 s:\n" + all);
        assertEquals(2, p.exitValue(), all);
        assertFalse(all.contains("LocalCluster") || all.contains("Async loop died"), "no cluster started:\n" + all);
        assertFalse(lines.isEmpty(), "no output");
        return lines.get(0);
    }
}
