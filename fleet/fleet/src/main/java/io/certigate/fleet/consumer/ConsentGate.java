package io.certigate.fleet.consumer;

import io.certigate.verifier.consent.Consent;
import io.certigate.verifier.consent.ConsentCodes;
import io.certigate.verifier.consent.ConsentReader;
import io.certigate.verifier.ledger.LedgerException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The consent check of one request at one block: for each reading kind in question, the consent
 * registry's {@code findInForce(holder, consumer, subject, purpose, kind, block, blockTime)}; the
 * kinds with a consent in force are served in full, the others hash-only. When no kind is covered,
 * the refusal says why, from the newest consent for that (holder, consumer, subject, purpose) and its
 * state at the block: none at all, revoked at block N, expired, not yet valid, or in force for other
 * kinds.
 */
public final class ConsentGate {
    /**
     * The outcome: the kinds served in full with the consent that covers each, or a refusal.
     *
     * @param covered kind → consent id, empty when refused
     */
    public record Decision(long block, Instant blockTime, Map<String, Long> covered, Refusal refusal) {
        public boolean served() {
            return refusal == null;
        }

        /** The consents served under, in words for the log. */
        public String basis() {
            return "consents " + new TreeSet<>(covered.values()) + " in force at block " + block;
        }
    }

    private final ConsentReader consents;

    public ConsentGate(ConsentReader consents) {
        this.consents = consents;
    }

    /**
     * @param held      the kinds of the subject's records the answer would hold
     * @param requested the kinds the consumer asked for; empty: all of {@code held} that a consent covers
     */
    public Decision check(String holder, String consumer, byte[] subject, String purpose, Collection<String> held,
            Collection<String> requested, long block, Instant blockTime) throws LedgerException {
        Set<String> ask = new TreeSet<>(requested.isEmpty() ? held : requested);
        Map<String, Long> covered = new TreeMap<>();
        List<String> notCovered = new ArrayList<>();
        for (String kind : ask) {
            OptionalLong id = known(kind) ? consents.findInForce(holder, consumer, subject, purpose, kind, block)
                    : OptionalLong.empty();
            if (id.isPresent()) {
                covered.put(kind, id.getAsLong());
            } else {
                notCovered.add(kind);
            }
        }
        if (!requested.isEmpty() && !notCovered.isEmpty() && !covered.isEmpty()) {
            return refused(block, blockTime, new Refusal(Refusal.KIND_NOT_COVERED, "no consent in force at block "
                    + block + " covers " + String.join(", ", notCovered) + " for purpose " + purpose));
        }
        if (!covered.isEmpty()) {
            return new Decision(block, blockTime, covered, null);
        }
        return refused(block, blockTime, why(holder, consumer, subject, purpose, ask, block, blockTime));
    }

    private Refusal why(String holder, String consumer, byte[] subject, String purpose, Set<String> asked, long block,
            Instant blockTime) throws LedgerException {
        List<Long> ids = consents.consentsFor(holder, consumer, subject, purpose);
        if (ids.isEmpty()) {
            return new Refusal(Refusal.NO_CONSENT, "the subject's holder has granted this consumer no consent for"
                    + " purpose " + purpose);
        }
        Consent inForce = null;
        Consent newest = null;
        for (long id : ids) {
            Consent c = consents.consent(id).orElse(null);
            if (c == null) {
                continue;
            }
            newest = c;
            if (c.stateAt(block, blockTime).inForce()) {
                inForce = c;
            }
        }
        if (inForce != null) {
            return new Refusal(Refusal.KIND_NOT_COVERED, "consent " + inForce.id() + " for purpose " + purpose
                    + " covers " + String.join(", ", inForce.kinds()) + ", not "
                    + (asked.isEmpty() ? "the kinds of the subject's records (none held)" : String.join(", ", asked)));
        }
        if (newest == null) {
            return new Refusal(Refusal.NO_CONSENT, "no consent for purpose " + purpose);
        }
        return switch (newest.stateAt(block, blockTime)) {
            case REVOKED -> new Refusal(Refusal.REVOKED, "consent " + newest.id() + " was revoked at block "
                    + newest.revokedIn());
            case EXPIRED -> new Refusal(Refusal.EXPIRED, "consent " + newest.id() + " expired at "
                    + newest.validUntil());
            case NOT_YET_VALID -> new Refusal(Refusal.NOT_YET_VALID, "consent " + newest.id() + " is valid from "
                    + newest.validFrom());
            default -> new Refusal(Refusal.NO_CONSENT, "no consent for purpose " + purpose + " in force at block "
                    + block);
        };
    }

    private static boolean known(String kind) {
        try {
            ConsentCodes.kind(kind);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Decision refused(long block, Instant time, Refusal r) {
        return new Decision(block, time, Map.of(), r);
    }
}
