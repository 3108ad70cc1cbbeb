package io.certigate.consent;

import io.certigate.verifier.consent.ConsentCodes;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What a holder grants: a consumer account, a subject's salted hash, a purpose code, the reading
 * kinds and the validity period. Each part is checked here, before anything is signed, with an
 * error naming the part: a purpose that is not a code, an unknown or repeated kind, more kinds
 * than the contract takes, a period that ends before it starts.
 */
public record ConsentGrant(String consumer, byte[] subject, String purpose, List<String> kinds, Instant validFrom,
        Instant validUntil) {
    /** The contract's {@code MAX_KINDS}. */
    public static final int MAX_KINDS = 8;

    public ConsentGrant {
        if (consumer == null || !consumer.matches("0x[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("consumer '" + consumer + "' is not a ledger account address (0x + 40 hex digits)");
        }
        if (subject == null || subject.length != 32) {
            throw new IllegalArgumentException("the subject hash is 32 bytes");
        }
        ConsentCodes.purpose(purpose);
        if (kinds == null || kinds.isEmpty() || kinds.size() > MAX_KINDS) {
            throw new IllegalArgumentException("a consent covers 1 to " + MAX_KINDS + " reading kinds, not "
                    + (kinds == null ? 0 : kinds.size()));
        }
        for (String k : kinds) {
            ConsentCodes.kind(k);
        }
        if (new LinkedHashSet<>(kinds).size() != kinds.size()) {
            throw new IllegalArgumentException("reading kinds " + kinds + " name a kind twice");
        }
        if (!validFrom.isBefore(validUntil)) {
            throw new IllegalArgumentException("the consent would end (" + validUntil + ") before it starts (" + validFrom + ")");
        }
        subject = subject.clone();
        kinds = List.copyOf(kinds);
    }

    @Override
    public byte[] subject() {
        return subject.clone();
    }
}
