package io.stormnative;

import java.util.Arrays;

/**
 * What {@link InProcessSpout} and {@link InProcessBolt} share: a {@link MultilangComponent}
 * (the command, here the component's name in the library and its flags; the output fields;
 * component conf) plus the library the component is loaded from.
 *
 * @param <T> the component itself, so that {@link #withConf} chains
 */
public abstract class InProcessComponent<T extends InProcessComponent<T>> extends MultilangComponent<T> {
    private static final long serialVersionUID = 1L;

    private final String library;

    InProcessComponent(String kind, String library, String[] command, String[] outputFields) {
        super(kind, command, outputFields);
        this.library = checkedLibrary(kind, library);
    }

    /** A library file name, checked at build time as the command is (Flux and Clojure users see this first). */
    private static String checkedLibrary(String kind, String library) {
        if (library == null || library.isBlank()) {
            throw new IllegalArgumentException(kind + ": no library; the first constructor argument is the component"
                + " library in the jar's resources/, e.g. \"libsplit_bolt.so\" (built by `cargo xtask dist`)");
        }
        return library;
    }

    /** The component library's file, relative to the topology's code dir. */
    public String library() {
        return library;
    }

    @Override
    public String toString() {
        return kind() + "[" + library + ", " + Arrays.toString(command()) + "]";
    }
}
