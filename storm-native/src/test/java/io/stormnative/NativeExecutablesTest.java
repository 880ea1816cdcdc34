package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the fallback copy goes: storm.native.fallback.dir, else the key's former name. */
class NativeExecutablesTest {
    @TempDir
    Path tmp;

    private Path program() throws Exception {
        Path codeDir = Files.createDirectories(tmp.resolve("resources"));
        Path p = codeDir.resolve("tool");
        Files.writeString(p, "#!/bin/sh\nexit 0\n");
        return p;
    }

    @Test
    void theFallbackDirComesFromTheNewKeyThenTheOldOne() throws Exception {
        Path program = program();
        String codeDir = program.getParent().toString();
        Path newDir = tmp.resolve("new");
        Path oldDir = tmp.resolve("old");
        Object[][] cases = {
            {Map.of(NativeExecutables.FALLBACK_DIR_KEY, newDir.toString()), newDir},
            {Map.of("wordcount.native.fallback.dir", oldDir.toString()), oldDir},
            {Map.of(NativeExecutables.FALLBACK_DIR_KEY, newDir.toString(), "wordcount.native.fallback.dir", oldDir.toString()), newDir},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, Object> conf = (Map<String, Object>) c[0];
            Path copy = Path.of(NativeExecutables.resolve("tool", codeDir, conf, false));
            assertTrue(copy.startsWith((Path) c[1]), conf + " -> " + copy);
            assertTrue(Files.isExecutable(copy), copy.toString());
            assertEquals(NativeExecutables.Action.COPIED, NativeExecutables.lastAction("tool"));
        }
    }
}
