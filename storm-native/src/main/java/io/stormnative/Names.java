package io.stormnative;

import java.util.Collection;

/**
 * "Did you mean ...?" for a mistyped name: the candidate nearest to it by edit distance (insert,
 * delete, substitute, or swap two neighbours), if it is near enough to be a typo. Shared by the
 * checks that name a program missing from the topology's {@code resources/} ({@link TopologyCheck})
 * and any other message that lists what exists instead.
 */
public final class Names {
    private Names() {
    }

    /**
     * The candidate nearest to {@code name}, or null if none is within
     * {@code max(2, name.length() / 4)} edits (ties: the first in iteration order). An exact match is
     * returned as is.
     */
    public static String nearest(String name, Collection<String> candidates) {
        if (name == null || candidates == null) {
            return null;
        }
        int limit = Math.max(2, name.length() / 4);
        String best = null;
        int bestDistance = limit + 1;
        for (String c : candidates) {
            if (c == null) {
                continue;
            }
            int d = distance(name, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Optimal string alignment distance: Levenshtein plus the swap of two adjacent characters. */
    static int distance(String a, String b) {
        int n = a.length();
        int m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= m; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[n][m];
    }
}
