package io.certigate.uplink;

import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which signed records a forwarding route's destination may see whole, by reading kind: exact
 * kinds ({@code vehicle.odometer}) and kind families ({@code meter.*}: every kind under
 * {@code meter.}, not {@code meter} itself). A record whose kind is not covered, or whose payload
 * cannot be read, is not covered: it leaves as a hash-only item. Immutable; pure.
 */
public final class RecordFilter {
    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*");

    private final Set<String> exact;
    private final List<String> prefixes;
    private final List<String> patterns;

    private RecordFilter(Set<String> exact, List<String> prefixes, List<String> patterns) {
        this.exact = exact;
        this.prefixes = prefixes;
        this.patterns = patterns;
    }

    /**
     * The filter of a list of patterns, each an exact kind or a family ({@code prefix.*}).
     *
     * @throws IllegalArgumentException naming the pattern that is neither
     */
    public static RecordFilter of(List<String> kindPatterns) {
        Set<String> exact = new LinkedHashSet<>();
        List<String> prefixes = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (String raw : kindPatterns) {
            String p = raw.trim();
            if (p.endsWith(".*") && KIND.matcher(p.substring(0, p.length() - 2)).matches()) {
                prefixes.add(p.substring(0, p.length() - 1)); // keeps the dot: meter.* covers meter.x only
            } else if (KIND.matcher(p).matches()) {
                exact.add(p);
            } else {
                throw new IllegalArgumentException("'" + p + "' is not a reading kind (vehicle.odometer) "
                        + "or a family of kinds (meter.*)");
            }
            all.add(p);
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no reading kind given");
        }
        return new RecordFilter(Set.copyOf(exact), List.copyOf(prefixes), List.copyOf(all));
    }

    /** Whether a reading of this kind is covered. */
    public boolean coversKind(String kind) {
        if (exact.contains(kind)) {
            return true;
        }
        for (String p : prefixes) {
            if (kind.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the signed record {@code cose} is covered (its payload read for its kind; unreadable: not covered). */
    public boolean covers(byte[] cose) {
        try {
            return coversKind(ReadingCodec.decode(CoseSign1.parse(cose).payload()).reading().kind());
        } catch (CoseException | RecordFormatException | RuntimeException e) {
            return false;
        }
    }

    /** The patterns as given, trimmed. */
    public List<String> patterns() {
        return patterns;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordFilter f && patterns.equals(f.patterns);
    }

    @Override
    public int hashCode() {
        return patterns.hashCode();
    }

    @Override
    public String toString() {
        return String.join(", ", patterns);
    }
}
