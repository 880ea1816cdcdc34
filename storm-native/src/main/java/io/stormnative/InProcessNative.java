package io.stormnative;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The native half of the in-process bridge: the functions every component library exports
 * (storm-multilang's {@code inproc} module, built by {@code cargo xtask dist}), and the loading of
 * those libraries, once per file per JVM.
 *
 * <p>Several libraries can be loaded (one per component crate, or one per topology in a
 * LocalCluster): the JVM binds these methods to the first one's functions, which find a
 * component in whichever library is named ({@link #component(String, String)}) and call that
 * library's own code through the component's table. A handle from {@link #create} belongs to one
 * component instance and is used by one thread at a time (the task's executor thread).
 */
final class InProcessNative {
    /**
     * The in-process ABI these methods expect (storm-multilang's {@code inproc::ABI}): the
     * argument lists of the native methods below and the component table's layout.
     */
    static final int ABI = 2;

    /** Libraries loaded in this JVM, by absolute path. */
    private static final Set<String> LOADED = new HashSet<>();

    private InProcessNative() {
    }

    /**
     * The component's table in {@code library}, loading the library first if this JVM has not.
     *
     * @throws IllegalArgumentException if the library exports no such component
     */
    static synchronized long table(Path library, String component) {
        String path = library.toAbsolutePath().normalize().toString();
        if (!LOADED.contains(path)) {
            if (!Files.isRegularFile(library)) {
                throw new IllegalArgumentException("no in-process library " + path);
            }
            System.load(path);
            int abi = abi();
            if (abi != ABI) {
                throw new IllegalStateException(path + " speaks in-process ABI " + abi + ", storm-native " + ABI
                    + ": build the library and storm-native from the same release");
            }
            LOADED.add(path);
        }
        long table = component(path, component);
        if (table == 0) {
            throw new IllegalArgumentException(path + " exports no component \"" + component
                + "\" (a crate exports one with storm_multilang::export_bolt!/export_spout!, named as its binary)");
        }
        return table;
    }

    /** The ABI of the library these methods are bound to. */
    static native int abi();

    /** The address of the component's table in the loaded library at {@code path}; 0 if none. */
    static native long component(String path, String name);

    /** 0 for a bolt, 1 for a spout. */
    static native int kind(long table);

    /**
     * A new component instance built from {@code args} (NUL-separated UTF-8) and the SMB1 setup
     * payload; its start-up answers are read with {@link #fetch}, and whether it started with
     * {@link #started}.
     */
    static native long create(long table, byte[] args, byte[] setup);

    /** Whether the instance's component started; if not, its start-up answers ({@link #fetch}) say why. */
    static native boolean started(long h);

    /**
     * Hands {@code len} bytes of {@code in} from {@code off} (one SMB1 message without its length
     * prefix) to the component and copies its answers (SMB1 frames) into {@code out}.
     *
     * @return the answers' length, or minus it when {@code out} is too small (grow, then {@link #fetch})
     */
    static native int handle(long h, byte[] in, int off, int len, byte[] out);

    /** Copies the last answers into {@code out}; as {@link #handle} returns. */
    static native int fetch(long h, byte[] out);

    /** Frees the instance; {@code h} is dead after it. */
    static native void destroy(long h);
}
