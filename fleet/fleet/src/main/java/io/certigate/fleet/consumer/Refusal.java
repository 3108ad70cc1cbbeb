package io.certigate.fleet.consumer;

/**
 * Why a request was refused: a code a program can act on and the reason in words. Served as HTTP
 * 403 with {@code {"refused": code, "reason": words, "block": N}}.
 */
public record Refusal(String code, String reason) {
    /** The client certificate is not a party's of the device registry (or its entry is revoked or replaced). */
    public static final String UNKNOWN_CERTIFICATE = "unknown-certificate";
    /** No consent of the subject's holder names this consumer, subject and purpose. */
    public static final String NO_CONSENT = "no-consent";
    /** The newest consent for this use was revoked at or before the current block. */
    public static final String REVOKED = "revoked";
    /** The newest consent's validity period ended before the current block's time. */
    public static final String EXPIRED = "expired";
    /** The newest consent's validity period starts after the current block's time. */
    public static final String NOT_YET_VALID = "not-yet-valid";
    /** A consent is in force, but not for the reading kinds asked for (or held). */
    public static final String KIND_NOT_COVERED = "kind-not-covered";
    /** A record asked for by seq is not one of the subject's records of a kind a consent in force covers. */
    public static final String RECORD_NOT_COVERED = "record-not-covered";
    /** The holder's listing was asked for with another party's certificate. */
    public static final String NOT_HOLDER = "not-holder";

    /** The copy key asked for is not one of this consumer's for this subject and purpose. */
    public static final String UNKNOWN_KEY = "unknown-key";
    /** The copy key was destroyed (its consent revoked or expired, the subject erased). */
    public static final String KEY_DESTROYED = "key-destroyed";

    public String logLine() {
        return code + ": " + reason;
    }
}
