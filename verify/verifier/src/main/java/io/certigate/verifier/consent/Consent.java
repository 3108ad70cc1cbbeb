package io.certigate.verifier.consent;

import java.time.Instant;
import java.util.List;

/**
 * One consent as the {@code ConsentRegistry} holds it.
 *
 * @param subject    the salted subject hash ({@link SubjectHash}), never the subject's id
 * @param validFrom  start of the validity period (inclusive), compared with block timestamps
 * @param validUntil end of the validity period (exclusive)
 * @param grantedIn  the block of the grant; the consent is in force from this block on
 * @param revokedIn  the block of the revocation (it is not in force from there on), or 0
 */
public record Consent(long id, String holder, String consumer, byte[] subject, String purpose, List<String> kinds,
        Instant validFrom, Instant validUntil, long grantedIn, long revokedIn) {

    /** A consent's state at a block, as {@link #stateAt} tells it. */
    public enum State {
        /** Granted after the block asked about. */
        NOT_GRANTED,
        /** Granted, but the block's time is before the validity period. */
        NOT_YET_VALID,
        IN_FORCE,
        /** The block's time is at or after the end of the validity period. */
        EXPIRED,
        /** Revoked at or before the block. */
        REVOKED;

        public boolean inForce() {
            return this == IN_FORCE;
        }
    }

    public Consent {
        kinds = List.copyOf(kinds);
        subject = subject.clone();
    }

    @Override
    public byte[] subject() {
        return subject.clone();
    }

    /**
     * The state at block {@code block}, whose timestamp is {@code blockTime}: the same rule as the
     * contract's {@code inForce} (granted at or before the block, not revoked at or before it,
     * {@code validFrom <= blockTime < validUntil}), with the reason when it is not in force.
     */
    public State stateAt(long block, Instant blockTime) {
        if (block < grantedIn) {
            return State.NOT_GRANTED;
        }
        if (revokedIn != 0 && block >= revokedIn) {
            return State.REVOKED;
        }
        if (blockTime.isBefore(validFrom)) {
            return State.NOT_YET_VALID;
        }
        return blockTime.isBefore(validUntil) ? State.IN_FORCE : State.EXPIRED;
    }

    public boolean covers(String kind) {
        return kinds.contains(kind);
    }
}
