package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stormnative.Bridge;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `./run.sh --flux FILE` as a user runs it: a YAML of the user's own (storm-native's classes, no
 * Java, component ids of its own, a component the shipped topologies lack) run by
 * scripts/flux-local.sh from the packaged jar on an embedded LocalCluster. The counts come from
 * count-bolt's own log lines ("Emitting word:count"), which the local log configuration must
 * show for a component id it has never heard of.
 */
class FluxLocalRunIT {
    private static final Pattern EMITTING = Pattern.compile("Emitting (\\S+):(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void aUsersOwnYamlRunsFromThePackagedJarWithExactCounts() throws Exception {
        // The YAML names its classes and serializer itself: one run is enough.
        assumeTrue(Harness.SERIALIZER.isEmpty() && Bridge.fromSystemProperty() == Bridge.HOST,
            "runs in the default execution only");
        Path script = Path.of("..", "scripts", "flux-local.sh").toAbsolutePath().normalize();
        Path yaml = Path.of("src", "test", "resources", "user-flux-words.yaml").toAbsolutePath();
        File log = tmp.resolve("flux-local.log").toFile();
        Process p = new ProcessBuilder(script.toString(), System.getProperty("wordcount.jar"),
            System.getProperty("java.class.path"), yaml.toString(), "15")
            .redirectErrorStream(true).redirectOutput(log).start();
        boolean exited = p.waitFor(240, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertTrue(exited, "still running after 240 s:\n" + tail(out));
        assertEquals(0, p.exitValue(), tail(out));
        Map<String, Long> counts = new HashMap<>();
        Matcher m = EMITTING.matcher(out);
        while (m.find()) {
            counts.merge(m.group(1), Long.parseLong(m.group(2)), Math::max);
        }
        assertEquals(Harness.expectedCounts(Harness.SAMPLE_SENTENCES, 250), counts, tail(out));
        assertTrue(out.contains("INFO  words - ShellLog"), "the new component's own log lines are shown");
        assertFalse(out.contains(" ERROR "), "a clean run and stop prints no ERROR:\n" + tail(out));
        assertEquals(0, Harness.componentProcesses().size(), "no component process left");
    }

    private static String tail(String s) {
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }
}
