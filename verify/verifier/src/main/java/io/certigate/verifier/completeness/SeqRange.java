package io.certigate.verifier.completeness;

/**
 * A closed range of seqs {@code first..last}, as the user asks for it ({@code --range 101..300}).
 *
 * @param first first seq, at least 1
 * @param last  last seq, at least {@code first}
 */
public record SeqRange(long first, long last) {
    public SeqRange {
        if (first < 1 || last < first) {
            throw new IllegalArgumentException("a seq range is FIRST..LAST with 1 <= FIRST <= LAST, got " + first + ".." + last);
        }
    }

    /** Parses {@code A..B}; a malformed text is refused with a message that quotes it. */
    public static SeqRange parse(String text) {
        String[] parts = text == null ? new String[0] : text.strip().split("\\.\\.", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("a seq range is written FIRST..LAST (e.g. 101..300), got '" + text + "'");
        }
        try {
            return new SeqRange(Long.parseLong(parts[0].strip()), Long.parseLong(parts[1].strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a seq range is written FIRST..LAST (e.g. 101..300), got '" + text + "'", e);
        }
    }

    public boolean contains(long seq) {
        return seq >= first && seq <= last;
    }

    public boolean intersects(long a, long b) {
        return a <= last && b >= first;
    }

    @Override
    public String toString() {
        return first + ".." + last;
    }
}
