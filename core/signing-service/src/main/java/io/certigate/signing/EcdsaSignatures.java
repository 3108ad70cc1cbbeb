package io.certigate.signing;

import java.math.BigInteger;
import java.util.Arrays;

/** Conversions between ASN.1 DER ECDSA signatures and COSE's fixed-size r‖s form (RFC 9053 §2.1). */
public final class EcdsaSignatures {
    private EcdsaSignatures() {}

    public static byte[] rawFromComponents(BigInteger r, BigInteger s, int size) {
        byte[] out = new byte[2 * size];
        put(r, out, 0, size);
        put(s, out, size, size);
        return out;
    }

    private static void put(BigInteger v, byte[] out, int off, int size) {
        byte[] b = v.toByteArray();
        int start = b.length > size ? b.length - size : 0;
        int n = b.length - start;
        if (n > size) {
            throw new IllegalArgumentException("ECDSA component larger than " + size + " bytes");
        }
        System.arraycopy(b, start, out, off + size - n, n);
    }

    /** DER SEQUENCE { INTEGER r, INTEGER s } to raw r‖s of {@code size} bytes each. */
    public static byte[] derToRaw(byte[] der, int size) {
        try {
            org.bouncycastle.asn1.ASN1Sequence seq = org.bouncycastle.asn1.ASN1Sequence.getInstance(der);
            BigInteger r = org.bouncycastle.asn1.ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
            BigInteger s = org.bouncycastle.asn1.ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
            return rawFromComponents(r, s, size);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a DER ECDSA signature", e);
        }
    }

    public static BigInteger r(byte[] raw) {
        return new BigInteger(1, Arrays.copyOfRange(raw, 0, raw.length / 2));
    }

    public static BigInteger s(byte[] raw) {
        return new BigInteger(1, Arrays.copyOfRange(raw, raw.length / 2, raw.length));
    }

    /** Raw r‖s to DER, for verifiers that want ASN.1. */
    public static byte[] rawToDer(byte[] raw) {
        try {
            org.bouncycastle.asn1.ASN1EncodableVector v = new org.bouncycastle.asn1.ASN1EncodableVector();
            v.add(new org.bouncycastle.asn1.ASN1Integer(r(raw)));
            v.add(new org.bouncycastle.asn1.ASN1Integer(s(raw)));
            return new org.bouncycastle.asn1.DERSequence(v).getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
