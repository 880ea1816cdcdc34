package com.example.compat;

import java.io.File;

/**
 * A jar, or LocalCluster's copy of {@code resources/}, keeps no file modes: before the stock
 * ShellSpout/ShellBolt launches a binary from the code dir, give it its execute bit and launch it
 * by absolute path. (java-topology's NativeExecutables does this with a fallback copy; the matrix
 * only needs the plain case.)
 */
final class Executable {
    private Executable() {
    }

    static String resolve(String program, String codeDir) {
        if (codeDir == null) {
            return program;
        }
        File f = new File(codeDir, program).getAbsoluteFile();
        if (!f.isFile()) {
            return program;
        }
        if (!f.canExecute() && !f.setExecutable(true, false)) {
            throw new IllegalStateException("cannot make " + f + " executable");
        }
        return f.getPath();
    }
}
