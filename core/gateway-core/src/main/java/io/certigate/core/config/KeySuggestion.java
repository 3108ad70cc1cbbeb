package io.certigate.core.config;

import java.util.Collection;
import java.util.Optional;

/**
 * The known key nearest to a mistyped one, by optimal string alignment distance (Levenshtein plus
 * the transposition of two neighbouring characters, the commonest typing slip). A key is suggested
 * only when it is close: at most 1 edit for keys up to 4 characters, 2 up to 12, 3 beyond; ties go
 * to the key that sorts first, so the suggestion is stable.
 */
public final class KeySuggestion {
    private KeySuggestion() {}

    /** The nearest of {@code known} to {@code key}, when one is close enough. */
    public static Optional<String> nearest(String key, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(key, k);
            if (d < bestDistance || d == bestDistance && best != null && k.compareTo(best) < 0) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance > 0 && bestDistance <= allowed(key.length()) ? Optional.of(best) : Optional.empty();
    }

    /** {@code unknown key K} followed by {@code  (did you mean 'X'?)} when a known key is close. */
    public static String unknownKey(String key, Collection<String> known) {
        return "unknown key " + key + nearest(key, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
    }

    private static int allowed(int length) {
        return length <= 4 ? 1 : length <= 12 ? 2 : 3;
    }

    /** Optimal string alignment distance between {@code a} and {@code b}. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
