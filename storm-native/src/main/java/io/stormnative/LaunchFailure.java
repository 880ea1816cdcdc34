package io.stormnative;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Why a multilang child could not be started or did not answer its handshake, in one message:
 * the component and task, the command, the path the program resolved to, and the cause (the
 * errno, what the file is when exec refused it, the exit status or signal, the child's last
 * stderr lines). For a program that is not there, also what the code dir holds and the nearest
 * name. Stock Storm says {@code error=2, No such file or directory} or "Pipe to subprocess seems
 * to be broken" and leaves the rest to the user.
 */
final class LaunchFailure {
    private static final Pattern ERRNO = Pattern.compile("error=(\\d+), (.*)");
    private static final int LISTED = 20;
    /** Causes already logged in full in this JVM, by component and cause: later tasks say less. */
    private static final Map<String, String> SEEN = new ConcurrentHashMap<>();

    private LaunchFailure() {
    }

    /** The exception for a child that could not be started ({@code ProcessBuilder.start} failed). */
    static RuntimeException notStarted(String component, int task, String[] command, String codeDir, IOException e) {
        String program = command[0];
        Path path = resolvedPath(program, codeDir);
        StringBuilder s = new StringBuilder();
        s.append(component).append(':').append(task).append(": cannot start its multilang child ")
            .append(Arrays.toString(command)).append(" (program ").append(path == null ? program + ", not found on PATH" : path)
            .append(", working dir ").append(codeDir).append("): ");
        Matcher m = ERRNO.matcher(String.valueOf(e.getMessage()));
        int errno = m.find() ? Integer.parseInt(m.group(1)) : -1;
        String errText = errno < 0 ? String.valueOf(e.getMessage()) : "errno " + errno + " " + errnoName(errno) + ", " + m.group(2);
        s.append(errText);
        if (path != null && Files.isRegularFile(path)) {
            String what = fileKind(path);
            if (errno == 2 && what.startsWith("a script")) {
                s.append("; the file is there: ").append(what).append(", whose interpreter is not installed");
            } else if (errno == 13) {
                s.append("; the file is there but may not be executed: ").append(what)
                    .append(Files.isExecutable(path) ? " (its directory or mount refuses exec: noexec?)" : " without its execute bit");
            } else {
                s.append("; the file: ").append(what);
            }
        } else if (path != null && Files.isDirectory(path)) {
            s.append("; ").append(path).append(" is a directory");
        } else if (errno == 2 || path == null) {
            s.append(". ").append(codeDirListing(program, codeDir));
        }
        return new IllegalStateException(s.toString(), e);
    }

    /**
     * The exception for a child that started and then failed its handshake: what the file is when
     * that explains it (a binary for another machine, a script without {@code #!}), the exit
     * status and the last stderr lines ({@code describe}, from {@link ChildProcess}).
     */
    static RuntimeException handshakeFailed(String component, int task, String[] command, String codeDir, Throwable e,
                                            String describe) {
        StringBuilder s = new StringBuilder();
        s.append(component).append(':').append(task).append(": its multilang child ").append(Arrays.toString(command))
            .append(" failed the handshake (").append(e.getMessage() == null ? e.toString() : e.getMessage()).append(")");
        Path path = resolvedPath(command[0], codeDir);
        if (path != null && Files.isRegularFile(path)) {
            String what = fileKind(path);
            s.append("; program ").append(path).append(": ").append(what);
            if (what.contains("ENOEXEC")) {
                s.append(" (exec refused it; Java then tried it as a /bin/sh script)");
            }
        }
        s.append("; ").append(describe);
        return new IllegalStateException(s.toString(), e);
    }

    /**
     * True the first time this component fails for this cause in this JVM: the caller logs that
     * one in full and later tasks (or relaunches) in one line, so N tasks do not flood the log.
     */
    static boolean firstOfItsKind(String component, String message) {
        // The task number differs between tasks; the rest of the message is the cause.
        String cause = message.substring(message.indexOf(": ") + 2);
        return SEEN.putIfAbsent(component + "\u0000" + cause, message) == null;
    }

    /** Where exec looks for the program: the code dir for a path, PATH for a bare name. */
    static Path resolvedPath(String program, String codeDir) {
        if (program.contains("/")) {
            Path p = Paths.get(program);
            return codeDir == null || p.isAbsolute() ? p.toAbsolutePath().normalize() : Paths.get(codeDir).resolve(p).normalize();
        }
        String pathVar = System.getenv("PATH");
        if (pathVar != null) {
            for (String dir : pathVar.split(File.pathSeparator)) {
                Path p = Paths.get(dir.isEmpty() ? "." : dir, program);
                if (Files.exists(p)) {
                    return p.toAbsolutePath().normalize();
                }
            }
        }
        return null;
    }

    /** What the code dir holds, and the name nearest to the program's. */
    static String codeDirListing(String program, String codeDir) {
        if (codeDir == null) {
            return "No code dir (the topology's resources/) to look in";
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(Paths.get(codeDir))) {
            files.forEach(f -> names.add(f.getFileName() + (Files.isDirectory(f) ? "/" : "")));
        } catch (IOException e) {
            return "The code dir " + codeDir + " cannot be listed (" + e + ")";
        }
        names.sort(null);
        if (names.isEmpty()) {
            return "The code dir " + codeDir + " (the topology jar's resources/) is empty: is the program packaged?";
        }
        String base = program.substring(program.lastIndexOf('/') + 1);
        String nearest = nearest(base, names);
        StringBuilder s = new StringBuilder();
        if (nearest != null) {
            s.append("Did you mean '").append(nearest).append("'? ");
        }
        s.append("The code dir (the topology jar's resources/) holds ").append(names.size()).append(": ")
            .append(String.join(", ", names.subList(0, Math.min(LISTED, names.size()))));
        if (names.size() > LISTED) {
            s.append(", ...");
        }
        return s.toString();
    }

    /** The name nearest to the program's ({@link Names#nearest}; directories without their slash), not itself. */
    static String nearest(String wanted, List<String> names) {
        List<String> plain = names.stream().map(n -> n.endsWith("/") ? n.substring(0, n.length() - 1) : n).toList();
        String near = Names.nearest(wanted, plain);
        return wanted.equals(near) ? null : near;
    }

    /** What the file is, from its first bytes: an ELF binary (for which machine), a script, other. */
    static String fileKind(Path file) {
        byte[] head = new byte[128];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
        if (n == 0) {
            return "an empty file: not a program (ENOEXEC)";
        }
        if (n >= 20 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
            boolean little = head[5] == 1;
            int machine = little ? (head[18] & 0xff) | (head[19] & 0xff) << 8 : (head[19] & 0xff) | (head[18] & 0xff) << 8;
            String arch = elfMachine(machine);
            String here = System.getProperty("os.arch");
            if (!arch.equals(normalArch(here))) {
                return "an ELF binary for " + arch + ", not for this machine (" + here + "): not a program here (ENOEXEC)";
            }
            return "an ELF binary for " + arch;
        }
        if (n >= 2 && head[0] == '#' && head[1] == '!') {
            int end = 2;
            while (end < n && head[end] != '\n') {
                end++;
            }
            return "a script whose interpreter line is '" + new String(head, 0, end, java.nio.charset.StandardCharsets.UTF_8)
                .trim() + "'";
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K') {
            return "a zip or jar, not a program (ENOEXEC)";
        }
        return "neither a binary nor a script with an interpreter line (#!): exec refuses such a file (ENOEXEC)";
    }

    private static String elfMachine(int machine) {
        return switch (machine) {
            case 3 -> "x86";
            case 40 -> "arm";
            case 62 -> "x86_64";
            case 183 -> "aarch64";
            case 243 -> "riscv";
            case 20 -> "ppc";
            case 21 -> "ppc64";
            case 22 -> "s390";
            default -> "machine " + machine;
        };
    }

    private static String normalArch(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case "x86", "i386", "i686" -> "x86";
            default -> osArch;
        };
    }

    static String errnoName(int errno) {
        return switch (errno) {
            case 2 -> "ENOENT (no such file)";
            case 8 -> "ENOEXEC (not a program for this machine)";
            case 13 -> "EACCES (permission denied)";
            case 20 -> "ENOTDIR";
            case 26 -> "ETXTBSY (the file is being written)";
            default -> "";
        };
    }

    /**
     * An exit status as a person reads it: Java reports a death by signal N as 128+N on Unix.
     */
    static String exitStatus(int status) {
        if (status > 128 && status <= 128 + 64) {
            int sig = status - 128;
            return "exit status " + status + " (killed by signal " + sig + signalName(sig) + ")";
        }
        return "exit status " + status;
    }

    private static String signalName(int sig) {
        return switch (sig) {
            case 1 -> ", SIGHUP";
            case 2 -> ", SIGINT";
            case 6 -> ", SIGABRT";
            case 9 -> ", SIGKILL";
            case 11 -> ", SIGSEGV";
            case 13 -> ", SIGPIPE";
            case 15 -> ", SIGTERM";
            default -> "";
        };
    }
}
