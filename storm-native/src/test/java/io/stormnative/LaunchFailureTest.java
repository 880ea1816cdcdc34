package io.stormnative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.OutputCollector;
import org.junit.jupiter.api.Test;

/** A child that cannot be started or dies before its handshake: one message that says why. */
class LaunchFailureTest {

    private static String failure(String component, String... command) throws Exception {
        return failure(component, FakeStorm.conf(), command);
    }

    private static String failure(String component, Map<String, Object> conf, String... command) throws Exception {
        MultilangBolt bolt = new MultilangBolt(command, "out");
        FakeStorm.BoltCollector out = new FakeStorm.BoltCollector();
        RuntimeException e = assertThrows(RuntimeException.class,
            () -> bolt.prepare(conf, FakeStorm.context(component, conf), new OutputCollector(out)));
        String text = e.getMessage();
        assertTrue(text.startsWith(component + ":1: "), "names the component and task first: " + text);
        return text;
    }

    private static Path inCodeDir(String name, byte[] content) throws Exception {
        Path p = FakeStorm.CODE_DIR.resolve(name);
        Files.write(p, content);
        return p;
    }

    @Test
    void aMissingProgramNamesTheNearestNameAndListsTheCodeDir() throws Exception {
        String text = failure("typo", "scripted_chld.py", "ack");
        assertTrue(text.contains("[scripted_chld.py, ack]"), text);
        assertTrue(text.contains("not found on PATH"), text);
        assertTrue(text.contains("errno 2 ENOENT"), text);
        assertTrue(text.contains("Did you mean 'scripted_child.py'?"), text);
        assertTrue(text.contains("holds") && text.contains("scripted_child.py"), text);
    }

    @Test
    void aMissingPathIsResolvedAgainstTheCodeDir() throws Exception {
        String text = failure("typo2", "./no-such-bolt");
        assertTrue(text.contains(FakeStorm.CODE_DIR.resolve("no-such-bolt").toString()), text);
        assertTrue(text.contains("errno 2 ENOENT"), text);
    }

    @Test
    void aDirectoryIsNotAProgram() throws Exception {
        String text = failure("dir", "./io");
        assertTrue(text.contains("errno 13 EACCES"), text);
        assertTrue(text.contains("is a directory"), text);
    }

    @Test
    void aScriptWhoseInterpreterIsMissingSaysSo() throws Exception {
        inCodeDir("bad_interp.sh", "#!/no/such/interpreter\necho hi\n".getBytes(StandardCharsets.UTF_8));
        String text = failure("interp", "./bad_interp.sh");
        assertTrue(text.contains("interpreter line is '#!/no/such/interpreter'"), text);
        assertTrue(text.contains("whose interpreter is not installed"), text);
    }

    @Test
    void aFileWithoutAnInterpreterLineIsNamedAsSuch() throws Exception {
        inCodeDir("no_shebang", "this is not a program\n".getBytes(StandardCharsets.UTF_8));
        String text = failure("noshebang", "./no_shebang");
        assertTrue(text.contains("no_shebang: neither a binary nor a script with an interpreter line (#!)"), text);
        assertTrue(text.contains("ENOEXEC"), text);
        assertTrue(text.contains("exit status 127"), "/bin/sh's answer: " + text);
    }

    @Test
    void aBinaryForAnotherMachineIsNamedAsSuch() throws Exception {
        byte[] elf = new byte[64];
        elf[0] = 0x7f;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        elf[4] = 2; // 64-bit
        elf[5] = 1; // little endian
        elf[6] = 1;
        elf[16] = 2; // ET_EXEC
        boolean arm = System.getProperty("os.arch").contains("aarch64");
        elf[18] = (byte) (arm ? 62 : 183);
        inCodeDir("other_arch_bolt", elf);
        String text = failure("arch", "./other_arch_bolt");
        assertTrue(text.contains("an ELF binary for " + (arm ? "x86_64" : "aarch64") + ", not for this machine"), text);
        assertTrue(text.contains("exec refused it"), text);
    }

    @Test
    void aPythonChildWhoseImportFailsShowsTheTraceback() throws Exception {
        String text = failure("pyimport", "python3", "-c", "import no_such_module_here");
        assertTrue(text.contains("failed the handshake"), text);
        assertTrue(text.contains("exit status 1"), text);
        assertTrue(text.contains("ModuleNotFoundError: No module named 'no_such_module_here'"), text);
    }

    @Test
    void aChildThatExitsBeforeTheHandshakeShowsItsStatusAndStderr() throws Exception {
        String text = failure("early", "sh", "-c", "echo 'cannot load the model' >&2; exit 4");
        assertTrue(text.contains("exit status 4"), text);
        assertTrue(text.contains("cannot load the model"), text);
    }

    @Test
    void aChildKilledBySignalBeforeTheHandshakeNamesTheSignal() throws Exception {
        String text = failure("signal", "sh", "-c", "kill -9 $$");
        assertTrue(text.contains("killed by signal 9, SIGKILL"), text);
    }

    @Test
    void aChildThatNeverAnswersIsKilledAfterTheSubprocessTimeout() throws Exception {
        Map<String, Object> conf = FakeStorm.conf();
        conf.put("topology.subprocess.timeout.secs", 1);
        String text = failure("mute", conf, "python3", "-c", "import sys, time; sys.stderr.write('loading\\n'); "
            + "sys.stderr.flush(); time.sleep(60)");
        assertTrue(text.contains("no answer within 1 s"), text);
        assertTrue(text.contains("loading"), text);
    }

    @Test
    void theSpoutSaysTheSame() throws Exception {
        MultilangSpout spout = new MultilangSpout(new String[] {"sentence-spuot"}, "s");
        Map<String, Object> conf = FakeStorm.conf();
        RuntimeException e = assertThrows(RuntimeException.class, () -> spout.open(conf,
            FakeStorm.context("spout", conf), new SpoutOutputCollector(new FakeStorm.SpoutCollector())));
        assertTrue(e.getMessage().startsWith("spout:1: cannot start its multilang child [sentence-spuot]"), e.getMessage());
    }

    @Test
    void nearestNameIsATypoOrNothing() {
        List<String> names = List.of("split-bolt", "count-bolt", "sentence-spout", "storm.py");
        assertEquals("split-bolt", LaunchFailure.nearest("splt-bolt", names));
        assertEquals("sentence-spout", LaunchFailure.nearest("sentence_spout", names));
        assertEquals(null, LaunchFailure.nearest("wordcount", names));
    }

    @Test
    void aSecondTaskFailingForTheSameCauseIsRecognised() {
        assertTrue(LaunchFailure.firstOfItsKind("c", "c:1: cause x"));
        assertTrue(!LaunchFailure.firstOfItsKind("c", "c:2: cause x"));
        assertTrue(LaunchFailure.firstOfItsKind("c", "c:2: cause y"));
    }
}
