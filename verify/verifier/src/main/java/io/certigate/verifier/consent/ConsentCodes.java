package io.certigate.verifier.consent;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The codes a consent names: its purpose ({@code insurance.mileage}) and the reading kinds it covers
 * ({@code vehicle.odometer}), and their {@code bytes32} form in the {@code ConsentRegistry}
 * contract: the code's ASCII bytes, left-aligned and zero-padded, so that a reader of the chain
 * sees which purpose and kinds were consented to. Neither is personal data.
 */
public final class ConsentCodes {
    /** Lower-case dotted segments, at least two: {@code <domain>.<use>}, such as {@code insurance.mileage}. */
    private static final Pattern PURPOSE = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+");

    /**
     * The reading kinds a consent may cover: those certigate's adapters produce (OBD-II, the TIC
     * meter, the accelerometer's road events, RFID), by field case. {@code meter.energy.import.<register>}
     * (a TIC tariff register such as {@code .hchp}) is accepted as well.
     */
    public static final Set<String> KINDS = Set.copyOf(List.of(
            "vehicle.odometer", "vehicle.speed", "vehicle.engine.speed", "vehicle.fuel.level",
            "vehicle.coolant.temperature", "vehicle.distance.mil-on", "vehicle.distance.since-cleared", "vehicle.vin",
            "meter.energy.import", "meter.energy.export", "meter.power.apparent", "meter.current",
            "road.shock", "road.surface.temperature",
            "rfid.tag"));
    private static final Pattern TARIFF_REGISTER = Pattern.compile("meter\\.energy\\.import\\.[a-z0-9]+");

    private ConsentCodes() {}

    /** The purpose's {@code bytes32}; a code that is not {@code <domain>.<use>} or longer than 32 bytes is refused. */
    public static byte[] purpose(String code) {
        if (code == null || !PURPOSE.matcher(code).matches() || code.length() > 32) {
            throw new IllegalArgumentException("purpose '" + code + "' is not a code such as insurance.mileage: "
                    + "lower-case dotted words (a-z, 0-9, '-'), at least two, at most 32 characters");
        }
        return bytes32(code);
    }

    /** The kind's {@code bytes32}; a kind outside {@link #KINDS} is refused, naming the known ones. */
    public static byte[] kind(String kind) {
        if (kind == null || !(KINDS.contains(kind) || TARIFF_REGISTER.matcher(kind).matches())) {
            throw new IllegalArgumentException("reading kind '" + kind + "' is unknown; known kinds: "
                    + String.join(", ", new TreeSet<>(KINDS)) + ", meter.energy.import.<register>");
        }
        return bytes32(kind);
    }

    /** A code back from its {@code bytes32} (the ASCII bytes before the zero padding). */
    public static String text(byte[] word) {
        if (word.length != 32) {
            throw new IllegalArgumentException("a code is 32 bytes, not " + word.length);
        }
        int n = 0;
        while (n < 32 && word[n] != 0) {
            n++;
        }
        for (int i = n; i < 32; i++) {
            if (word[i] != 0) {
                throw new IllegalArgumentException("not a zero-padded code: a non-zero byte after the padding");
            }
        }
        return new String(Arrays.copyOf(word, n), StandardCharsets.US_ASCII);
    }

    private static byte[] bytes32(String code) {
        return Arrays.copyOf(code.getBytes(StandardCharsets.US_ASCII), 32);
    }
}
