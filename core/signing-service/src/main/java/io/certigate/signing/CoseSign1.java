package io.certigate.signing;

import io.certigate.cbor.CborFormatException;
import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.cbor.CborWriter;
import java.util.Arrays;

/**
 * COSE_Sign1 (RFC 9052 §4.2) with the protected header {1: alg, 4: kid}, an empty unprotected
 * header and an attached payload, tagged 18. The signature covers the Sig_structure of RFC 9052
 * §4.4 with an empty external_aad.
 */
public final class CoseSign1 {
    public static final int TAG = 18;
    private static final int HEADER_ALG = 1;
    private static final int HEADER_KID = 4;

    private CoseSign1() {}

    /** The encoded protected header bstr content for a key. */
    public static byte[] protectedHeader(DeviceKey key) {
        return new CborWriter(32).mapHeader(2)
                .integer(HEADER_ALG).integer(key.algorithm().coseId())
                .integer(HEADER_KID).bytes(key.keyId())
                .toByteArray();
    }

    /** Signs {@code payload} (already deterministic CBOR) and returns the tagged COSE_Sign1 bytes. */
    public static byte[] sign(DeviceKey key, byte[] payload) throws SigningException {
        return sign(key, protectedHeader(key), payload);
    }

    /** As {@link #sign(DeviceKey, byte[])} with a precomputed {@link #protectedHeader(DeviceKey)}. */
    public static byte[] sign(DeviceKey key, byte[] protectedHeader, byte[] payload) throws SigningException {
        byte[] tbs = sigStructure(protectedHeader, payload);
        byte[] signature = key.sign(tbs);
        return new CborWriter(payload.length + protectedHeader.length + signature.length + 16)
                .tag(TAG).arrayHeader(4)
                .bytes(protectedHeader)
                .mapHeader(0)
                .bytes(payload)
                .bytes(signature)
                .toByteArray();
    }

    /** Sig_structure = ["Signature1", body_protected, external_aad, payload] (RFC 9052 §4.4). */
    public static byte[] sigStructure(byte[] protectedHeader, byte[] payload) {
        return new CborWriter(payload.length + protectedHeader.length + 24)
                .arrayHeader(4)
                .text("Signature1")
                .bytes(protectedHeader)
                .bytes(new byte[0])
                .bytes(payload)
                .toByteArray();
    }

    /** A parsed but not yet verified COSE_Sign1. */
    public record Parsed(CoseAlgorithm algorithm, byte[] keyId, byte[] protectedHeader, byte[] payload,
            byte[] signature) {
        public byte[] toBeSigned() {
            return sigStructure(protectedHeader, payload);
        }
    }

    /**
     * Parses a tagged COSE_Sign1, strictly: deterministic CBOR, no trailing bytes, protected header
     * with exactly alg and kid, an empty unprotected header, an attached payload, a 64-byte
     * signature.
     */
    public static Parsed parse(byte[] cose) throws CoseException {
        CborItem item;
        try {
            item = CborReader.decode(cose);
        } catch (CborFormatException e) {
            throw new CoseException("COSE_Sign1 is not deterministic CBOR: " + e.getMessage(), e);
        }
        if (!(item instanceof CborItem.Tagged t) || t.tag() != TAG) {
            throw new CoseException("not a tagged COSE_Sign1 (expected tag 18)");
        }
        if (!(t.content() instanceof CborItem.Array a) || a.items().size() != 4) {
            throw new CoseException("COSE_Sign1 must be an array of 4 items");
        }
        if (!(a.items().get(0) instanceof CborItem.Bytes prot)) {
            throw new CoseException("protected header is not a byte string");
        }
        if (!(a.items().get(1) instanceof CborItem.MapItem unprot) || !unprot.entries().isEmpty()) {
            throw new CoseException("unprotected header must be an empty map");
        }
        if (!(a.items().get(2) instanceof CborItem.Bytes payload)) {
            throw new CoseException("payload is not an attached byte string");
        }
        if (!(a.items().get(3) instanceof CborItem.Bytes sig)) {
            throw new CoseException("signature is not a byte string");
        }
        byte[] protBytes = prot.value();
        CborItem header;
        try {
            header = CborReader.decode(protBytes);
        } catch (CborFormatException e) {
            throw new CoseException("protected header is not deterministic CBOR: " + e.getMessage(), e);
        }
        if (!(header instanceof CborItem.MapItem h) || h.entries().size() != 2) {
            throw new CoseException("protected header must hold exactly alg (1) and kid (4)");
        }
        if (!(h.get(HEADER_ALG) instanceof CborItem.Int alg)) {
            throw new CoseException("protected header has no integer alg (1)");
        }
        if (!(h.get(HEADER_KID) instanceof CborItem.Bytes kid)) {
            throw new CoseException("protected header has no byte-string kid (4)");
        }
        CoseAlgorithm algorithm;
        try {
            // exact: longValue() would truncate 2^64-7 to -7 and accept it as ES256
            algorithm = CoseAlgorithm.fromCoseId(alg.value().longValueExact());
        } catch (ArithmeticException e) {
            throw new CoseException("unsupported COSE algorithm " + alg.value() + " (expected -8 EdDSA or -7 ES256)");
        } catch (IllegalArgumentException e) {
            throw new CoseException(e.getMessage());
        }
        byte[] signature = sig.value();
        if (signature.length != 64) {
            throw new CoseException("signature has " + signature.length + " bytes, expected 64 for " + algorithm);
        }
        return new Parsed(algorithm, kid.value(), protBytes, payload.value(), signature);
    }

    /**
     * Parses and verifies {@code cose} against a device public key and returns its payload.
     *
     * @param expectedKeyId the kid the record must carry, or null to accept any kid
     */
    public static byte[] verify(byte[] cose, java.security.PublicKey key, byte[] expectedKeyId,
            SignatureVerifier verifier) throws CoseException {
        Parsed p = parse(cose);
        CoseAlgorithm keyAlg;
        try {
            keyAlg = CoseAlgorithm.of(key);
        } catch (IllegalArgumentException e) {
            throw new CoseException(e.getMessage());
        }
        if (p.algorithm() != keyAlg) {
            throw new CoseException("record algorithm " + p.algorithm() + " does not match the " + keyAlg + " device key");
        }
        if (expectedKeyId != null && !Arrays.equals(expectedKeyId, p.keyId())) {
            throw new CoseException("record kid " + java.util.HexFormat.of().formatHex(p.keyId())
                    + " is not the device key's " + java.util.HexFormat.of().formatHex(expectedKeyId));
        }
        if (!verifier.verify(p.algorithm(), key, p.toBeSigned(), p.signature())) {
            throw new CoseException("signature does not verify");
        }
        return p.payload();
    }

    public static byte[] verify(byte[] cose, java.security.PublicKey key, byte[] expectedKeyId) throws CoseException {
        return verify(cose, key, expectedKeyId, SignatureVerifier.BOUNCY_CASTLE);
    }
}
