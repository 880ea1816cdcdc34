package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The suites' oracle for Python's {@code str.split()}, checked against python3 itself. */
class HarnessTest {
    /** Runs python3 with {@code script}, feeding {@code input} (UTF-8) and returning its stdout. */
    private static String python(String script, String input) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-c", script).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 still running");
        assertEquals(0, p.exitValue(), "python3's exit status");
        return out;
    }

    @Test
    void theWhitespaceSetIsPythons() throws Exception {
        String py = python("import sys; sys.stdout.write(' '.join('%x' % i for i in range(0x110000) if chr(i).isspace()))", "");
        List<String> ours = new ArrayList<>();
        Harness.PYTHON_WHITESPACE.chars().forEach(c -> ours.add(Integer.toHexString(c)));
        assertEquals(py, String.join(" ", ours));
    }

    @Test
    void theCorpusSplitsAsPythonSplitsIt() throws Exception {
        // One sentence per line of stdin would break at U+0085/U+2028/U+2029 (str.splitlines): JSON in, JSON out.
        String script = "import json, sys; sys.stdout.write(json.dumps([s.split() for s in json.loads(sys.stdin.read())]))";
        StringBuilder in = new StringBuilder("[");
        StringBuilder want = new StringBuilder("[");
        for (String s : Harness.UNICODE_CORPUS) {
            in.append(in.length() > 1 ? ", " : "").append(json(s));
            List<String> words = Harness.pythonSplit(s);
            want.append(want.length() > 1 ? ", " : "").append('[');
            for (int i = 0; i < words.size(); i++) {
                want.append(i > 0 ? ", " : "").append(json(words.get(i)));
            }
            want.append(']');
        }
        assertEquals(want.append(']').toString(), python(script, in.append(']').toString()));
        assertTrue(Harness.pythonSplit("file\u001cgroup").size() == 2 && Harness.pythonSplit("a\u00a0b").size() == 2);
    }

    /** As Python's json.dumps (ensure_ascii): non-ASCII and controls as \\uXXXX. */
    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
