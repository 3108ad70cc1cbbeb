package io.certigate.signing;

/** The COSE signature algorithms a device key may use (RFC 9053 §2.1, §2.2; IANA COSE registry). */
public enum CoseAlgorithm {
    /** EdDSA with Ed25519, COSE alg −8; signatures are 64 bytes. */
    EDDSA(-8, "Ed25519"),
    /** ECDSA with P-256 and SHA-256, COSE alg −7; signatures are raw r‖s, 64 bytes. */
    ES256(-7, "P-256");

    private final int coseId;
    private final String curve;

    CoseAlgorithm(int coseId, String curve) {
        this.coseId = coseId;
        this.curve = curve;
    }

    public int coseId() {
        return coseId;
    }

    public String curve() {
        return curve;
    }

    public static CoseAlgorithm fromCoseId(long id) {
        for (CoseAlgorithm a : values()) {
            if (a.coseId == id) {
                return a;
            }
        }
        throw new IllegalArgumentException("unsupported COSE algorithm " + id + " (expected -8 EdDSA or -7 ES256)");
    }

    /** Parses a configuration name: {@code ed25519}, {@code eddsa}, {@code es256} or {@code p-256}. */
    public static CoseAlgorithm parse(String name) {
        switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "ed25519": case "eddsa": case "-8":
                return EDDSA;
            case "es256": case "p-256": case "p256": case "-7":
                return ES256;
            default:
                throw new IllegalArgumentException("unknown key algorithm '" + name + "' (expected ed25519 or es256)");
        }
    }

    /** The algorithm of a public key, from its JCA algorithm name and parameters. */
    public static CoseAlgorithm of(java.security.PublicKey key) {
        String a = key.getAlgorithm();
        if (a.equals("Ed25519") || a.equals("EdDSA")) {
            return EDDSA;
        }
        if (a.equals("EC") || a.equals("ECDSA")) {
            return ES256;
        }
        throw new IllegalArgumentException("unsupported public key algorithm " + a);
    }
}
