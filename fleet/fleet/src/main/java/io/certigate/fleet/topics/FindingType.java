package io.certigate.fleet.topics;

import java.util.Arrays;

/** What a {@link Finding} reports; {@link #code()} is the stable name in JSON, SQL and metrics. */
public enum FindingType {
    /** A record whose COSE signature does not verify with the device's trusted key. */
    BAD_SIGNATURE("bad-signature"),
    /** Two different records for one (device, seq). */
    FORK("fork"),
    /** A record whose {@code prev} is not the chain hash of the device's previous record. */
    BROKEN_LINK("broken-link"),
    /** Seqs still missing after the configured time (or after the buffer for records ahead of a gap filled up). */
    GAP("gap"),
    /** A payload that is not an uplink batch, not a COSE_Sign1, or not a Reading. */
    MALFORMED("malformed"),
    /** A payload over the configured size limit. */
    OVERSIZED("oversized"),
    /** A record that names another device than the topic it came on (a device replaying another's records). */
    WRONG_DEVICE("wrong-device"),
    /** A record signed by a key that does not chain to the consortium root or is not active in the registry. */
    UNTRUSTED_KEY("untrusted-key"),
    /** A device not known yet: its records are parked until a trusted key of it is known. */
    UNKNOWN_DEVICE("unknown-device"),
    /** An erasure tombstone that matches no verified record held for its (device, seq). */
    UNPROVABLE_TOMBSTONE("unprovable-tombstone");

    private final String code;

    FindingType(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The type whose {@link #code()} is {@code code}. */
    public static FindingType ofCode(String code) {
        return Arrays.stream(values()).filter(t -> t.code.equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown finding type: " + code));
    }
}
