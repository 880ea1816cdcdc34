package io.stormnative;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a program shipped in the topology jar's {@code resources/} launchable.
 *
 * <p>A jar keeps no file modes: the supervisor (and LocalCluster, when it takes {@code resources/}
 * from a jar) extracts it with plain file streams, so a native binary arrives without its execute
 * bit and {@code ProcessBuilder.start()} fails with "Permission denied". {@link #resolve} runs in
 * the component's {@code open}/{@code prepare}, before the subprocess is launched, and returns an
 * absolute path that can be executed:
 * <ol>
 *   <li>the file in the code dir, if it is executable already;</li>
 *   <li>else the same file after adding execute bits (idempotent, so the tasks of one worker may race
 *       on it harmlessly);</li>
 *   <li>else (a read-only code dir, a file owned by another user, a noexec mount) a private copy in
 *       {@value #FALLBACK_DIR_KEY} (default {@code java.io.tmpdir/storm-native-USER}), named by the
 *       content's SHA-256, written to a temporary name and renamed into place atomically, so a task
 *       never executes a half-written file and never holds a file open for writing that another
 *       task executes.</li>
 * </ol>
 * A program that is not a file in the code dir (e.g. {@code python3}) is returned unchanged.
 */
public final class NativeExecutables {
    /** Topology conf key: directory for executable copies when the code dir cannot be used. */
    public static final String FALLBACK_DIR_KEY = "storm.native.fallback.dir";

    /**
     * The key's name before the components moved out of the word count into this library; still read
     * when {@value #FALLBACK_DIR_KEY} is not set.
     */
    @Deprecated
    public static final String LEGACY_FALLBACK_DIR_KEY = "wordcount.native.fallback.dir";

    /** What {@link #resolve} did for a program, for logs and tests. */
    public enum Action {
        /** Not a file in the code dir: launched as given (PATH lookup). */
        NOT_IN_CODE_DIR,
        /** Executable as extracted. */
        ALREADY_EXECUTABLE,
        /** Execute bits added in place. */
        CHMOD,
        /** Copied to the fallback dir. */
        COPIED
    }

    private static final Logger LOG = LoggerFactory.getLogger(NativeExecutables.class);
    private static final Object LOCK = new Object();
    private static final Map<String, Action> LAST_ACTION = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> TIMES = new ConcurrentHashMap<>();

    private NativeExecutables() {
    }

    /**
     * Returns the program to launch in place of {@code program}.
     *
     * @param program the command's first element, e.g. {@code split-bolt} or {@code ./split-bolt}
     * @param codeDir the topology's code dir ({@code TopologyContext.getCodeDir()})
     * @param conf the topology conf (for {@value #FALLBACK_DIR_KEY}); may be null
     * @throws IllegalStateException if no executable copy can be made, with the reason
     */
    public static String resolve(String program, String codeDir, Map<String, Object> conf) {
        return resolve(program, codeDir, conf, true);
    }

    /** As {@link #resolve(String, String, Map)}; {@code tryInPlace=false} forces the copy (tests). */
    public static String resolve(String program, String codeDir, Map<String, Object> conf, boolean tryInPlace) {
        if (codeDir == null || program.isEmpty()) {
            return program;
        }
        Path file = Paths.get(codeDir).resolve(program).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            record(program, Action.NOT_IN_CODE_DIR);
            return program;
        }
        synchronized (LOCK) {
            if (tryInPlace) {
                if (Files.isExecutable(file)) {
                    record(program, Action.ALREADY_EXECUTABLE);
                    return file.toString();
                }
                if (addExecuteBits(file) && Files.isExecutable(file)) {
                    LOG.info("{} had no execute bit (jar extraction drops file modes): made it executable", file);
                    record(program, Action.CHMOD);
                    return file.toString();
                }
            }
            Path copy = executableCopy(file, conf);
            LOG.info("{} cannot be made executable in place: launching the copy {}", file, copy);
            record(program, Action.COPIED);
            return copy.toString();
        }
    }

    /**
     * A component's command, checked and copied: what a Flux YAML or a Clojure spec gets wrong is
     * said here, at build time, instead of as a launch failure in a worker.
     *
     * @param component the class, for the message
     * @throws IllegalArgumentException if the command is null or empty, its program blank, or an element null
     */
    static String[] checkedCommand(String component, String[] command) {
        if (command == null || command.length == 0) {
            throw new IllegalArgumentException(component + ": empty command; the first constructor argument"
                + " is the program and its arguments, e.g. [\"split-bolt\"] (Flux: a YAML list in constructorArgs)");
        }
        String[] copy = command.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == null) {
                throw new IllegalArgumentException(component + ": command element " + i + " is null in "
                    + Arrays.toString(copy));
            }
        }
        if (copy[0].isBlank()) {
            throw new IllegalArgumentException(component + ": the command's program (element 0) is blank in "
                + Arrays.toString(copy));
        }
        return copy;
    }

    /**
     * Output fields, checked and copied (none is allowed: a component that emits nothing).
     *
     * @throws IllegalArgumentException if a field is null or blank
     */
    static String[] checkedFields(String component, String[] fields) {
        String[] copy = fields == null ? new String[0] : fields.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == null || copy[i].isBlank()) {
                throw new IllegalArgumentException(component + ": output field " + i + " is "
                    + (copy[i] == null ? "null" : "blank") + " in " + Arrays.toString(copy));
            }
        }
        return copy;
    }

    /**
     * The last action {@link #resolve} took for {@code program} in this JVM, or null. JVM-wide:
     * in a JVM that runs several topologies, {@link #times} says what one run did.
     */
    public static Action lastAction(String program) {
        return LAST_ACTION.get(program);
    }

    /**
     * How many times {@link #resolve} took {@code action} for {@code program} in this JVM so far: a
     * test compares the counts before and after its own run.
     */
    public static long times(String program, Action action) {
        AtomicLong n = TIMES.get(program + "\0" + action);
        return n == null ? 0 : n.get();
    }

    private static void record(String program, Action action) {
        LAST_ACTION.put(program, action);
        TIMES.computeIfAbsent(program + "\0" + action, k -> new AtomicLong()).incrementAndGet();
    }

    private static boolean addExecuteBits(Path file) {
        try {
            Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(file));
            perms.add(PosixFilePermission.OWNER_EXECUTE);
            if (perms.contains(PosixFilePermission.GROUP_READ)) {
                perms.add(PosixFilePermission.GROUP_EXECUTE);
            }
            if (perms.contains(PosixFilePermission.OTHERS_READ)) {
                perms.add(PosixFilePermission.OTHERS_EXECUTE);
            }
            Files.setPosixFilePermissions(file, perms);
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            LOG.warn("Cannot add execute bits to {}: {}", file, e.toString());
            return false;
        }
    }

    private static Path executableCopy(Path file, Map<String, Object> conf) {
        Object configured = conf == null ? null : conf.getOrDefault(FALLBACK_DIR_KEY, conf.get(LEGACY_FALLBACK_DIR_KEY));
        Path base = configured != null
            ? Paths.get(configured.toString())
            : Paths.get(System.getProperty("java.io.tmpdir"), "storm-native-" + System.getProperty("user.name"));
        try {
            String digest = sha256(file);
            ensurePrivateDir(base);
            Path dir = base.resolve(digest.substring(0, 32));
            Files.createDirectories(dir);
            Path target = dir.resolve(file.getFileName().toString());
            if (Files.isExecutable(target) && digest.equals(sha256(target))) {
                return target;
            }
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            if (!Files.isExecutable(target)) {
                throw new IllegalStateException(target + " is not executable either (noexec mount?): set "
                    + FALLBACK_DIR_KEY + " to a directory on an exec-mounted file system");
            }
            return target;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot make " + file + " executable in place nor copy it under " + base
                + " (set " + FALLBACK_DIR_KEY + "): " + e, e);
        }
    }

    /** A shared temp dir must be ours alone: another user could otherwise plant a binary we would run. */
    private static void ensurePrivateDir(Path base) throws IOException {
        if (!Files.isDirectory(base)) {
            try {
                Files.createDirectories(base, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // created by a concurrent task: checked below
            }
        }
        String owner = Files.getOwner(base).getName();
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(base);
        if (!owner.equals(System.getProperty("user.name"))
            || perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(base + " is not a private directory of " + System.getProperty("user.name")
                + " (owner " + owner + ", " + PosixFilePermissions.toString(perms) + ")");
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
