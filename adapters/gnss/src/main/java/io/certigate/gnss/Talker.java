package io.certigate.gnss;

/**
 * NMEA 0183 talker identifiers of GNSS receivers (NMEA 0183 v4.11, table 7 "talker identifier
 * mnemonics"): the first two characters of a sentence's address field.
 */
public enum Talker {
    /** GPS (United States). */
    GP,
    /** GLONASS (Russia). */
    GL,
    /** Galileo (European Union). */
    GA,
    /** BeiDou (China), the v4.11 mnemonic. */
    GB,
    /** BeiDou as older receivers (u-blox 8 and earlier, NMEA before v4.11) name it. */
    BD,
    /** QZSS (Japan). */
    GQ,
    /** Combined solution of several constellations. */
    GN;

    /** The talker of a two-character mnemonic, or null for one that is not a GNSS receiver. */
    public static Talker of(String mnemonic) {
        for (Talker t : values()) {
            if (t.name().equals(mnemonic)) {
                return t;
            }
        }
        return null;
    }
}
