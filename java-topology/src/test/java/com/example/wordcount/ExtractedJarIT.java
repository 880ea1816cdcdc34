package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stormnative.NativeExecutables;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binaries as a cluster's supervisor gets them: extracted from the packaged jar with plain file
 * streams (no modes), then made launchable by {@link NativeExecutables}, the code path the components run.
 */
class ExtractedJarIT {
    private static final List<String> BINARIES = List.of("sentence-spout", "split-bolt", "count-bolt");

    @TempDir
    Path tmp;

    /** Extracts resources/ of the jar like the supervisor does: ZipInputStream + file streams. */
    private static Path extractResources(Path jar, Path dest) throws Exception {
        Path resources = dest.resolve("resources");
        Files.createDirectories(resources);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.isDirectory() || !e.getName().startsWith("resources/")) {
                    continue;
                }
                Path out = dest.resolve(e.getName()).normalize();
                Files.createDirectories(out.getParent());
                Files.copy(zip, out);
            }
        }
        return resources;
    }

    private static String runVersion(String program) throws Exception {
        Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(0, p.waitFor(), program + " --version: " + out);
        return out;
    }

    @Test
    void binariesExtractedFromTheJarLoseTheExecuteBitAndOurCodeRestoresIt() throws Exception {
        Path jar = Path.of(System.getProperty("wordcount.jar"));
        Path resources = extractResources(jar, tmp);
        for (String name : BINARIES) {
            Path bin = resources.resolve(name);
            assertTrue(Files.isRegularFile(bin), name + " is in the jar under resources/");
            assertFalse(Files.isExecutable(bin), name + " should arrive without its execute bit");

            String program = NativeExecutables.resolve(name, resources.toString(), Map.of());

            assertEquals(bin.toAbsolutePath().toString(), program);
            assertEquals(NativeExecutables.Action.CHMOD, NativeExecutables.lastAction(name));
            assertTrue(runVersion(program).contains(name), "runs");
        }
        assertTrue(Files.isRegularFile(resources.resolve("storm.py")), "storm.py is in the jar");
        assertTrue(Files.isRegularFile(resources.resolve("splitbolt.py")), "the Python components are in the jar");
        // Programs that are not in the code dir are left to the PATH.
        assertEquals("python3", NativeExecutables.resolve("python3", resources.toString(), Map.of()));
    }

    /**
     * Where the code dir cannot be changed (read-only, another owner: not reproducible as root, so the
     * copy path is forced), 4 tasks racing in one worker all get one complete executable copy.
     */
    @Test
    void theFallbackCopyIsSharedByRacingTasksAndRuns() throws Exception {
        Path jar = Path.of(System.getProperty("wordcount.jar"));
        Path resources = extractResources(jar, tmp.resolve("x"));
        Path fallback = tmp.resolve("fallback");
        Map<String, Object> conf = Map.of(NativeExecutables.FALLBACK_DIR_KEY, fallback.toString());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<String>> tasks = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                tasks.add(() -> NativeExecutables.resolve("split-bolt", resources.toString(), conf, false));
            }
            Set<String> programs = new HashSet<>();
            for (Future<String> f : pool.invokeAll(tasks)) {
                programs.add(f.get());
            }
            assertEquals(1, programs.size(), "one copy: " + programs);
            String program = programs.iterator().next();
            assertTrue(program.startsWith(fallback.toString()), program);
            assertFalse(Files.isExecutable(resources.resolve("split-bolt")), "the code dir was not touched");
            assertEquals(NativeExecutables.Action.COPIED, NativeExecutables.lastAction("split-bolt"));
            assertTrue(runVersion(program).contains("split-bolt"));
            try (var files = Files.list(Path.of(program).getParent())) {
                assertEquals(1, files.count(), "no temporary file left beside the copy");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
