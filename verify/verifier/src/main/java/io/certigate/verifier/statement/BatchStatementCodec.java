package io.certigate.verifier.statement;

import io.certigate.cbor.CborFormatException;
import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.cbor.CborWriter;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.KeyIds;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The payload of a batch statement: a deterministic CBOR map (RFC 8949 §4.2.1, text keys like a
 * Reading's) signed as a COSE_Sign1 by the device key (RFC 9052 §4.2, the same protected header
 * {1: alg, 4: kid} as the device's readings, so any COSE library verifies it with the device key):
 *
 * <pre>
 * { "dev": device id (text),  "first": first seq (uint),  "last": last seq (uint),
 *   "size": tree size (uint, last − first + 1),  "root": RFC 9162 root (32 bytes),
 *   "prev": SHA-256 of the previous statement's COSE bytes (32 bytes; 32 zero bytes for the first) }
 * </pre>
 *
 * Its key set is not a Reading's (no {@code seq}, {@code t}, {@code kind}, ...), so neither decoder
 * takes one for the other: a statement signed by the device key cannot pass for a reading, nor a
 * reading for a statement. Reading is strict: exactly these six keys, in canonical order.
 */
public final class BatchStatementCodec {
    static final String DEV = "dev";
    static final String FIRST = "first";
    static final String LAST = "last";
    static final String SIZE = "size";
    static final String ROOT = "root";
    static final String PREV = "prev";
    private static final Set<String> KEYS = Set.of(DEV, FIRST, LAST, SIZE, ROOT, PREV);

    private BatchStatementCodec() {}

    /** The deterministic CBOR payload of a statement. */
    public static byte[] payload(BatchStatement s) {
        Map<CborItem, CborItem> m = new LinkedHashMap<>();
        m.put(new CborItem.Text(DEV), new CborItem.Text(s.device()));
        m.put(new CborItem.Text(FIRST), new CborItem.Int(BigInteger.valueOf(s.firstSeq())));
        m.put(new CborItem.Text(LAST), new CborItem.Int(BigInteger.valueOf(s.lastSeq())));
        m.put(new CborItem.Text(SIZE), new CborItem.Int(BigInteger.valueOf(s.treeSize())));
        m.put(new CborItem.Text(ROOT), new CborItem.Bytes(s.root()));
        m.put(new CborItem.Text(PREV), new CborItem.Bytes(s.prev()));
        return new CborWriter(160).item(new CborItem.MapItem(m)).toByteArray();
    }

    /** Reads a statement payload strictly. */
    public static BatchStatement decodePayload(byte[] payload) throws StatementFormatException {
        CborItem item;
        try {
            item = CborReader.decode(payload);
        } catch (CborFormatException e) {
            throw new StatementFormatException("statement payload is not deterministic CBOR: " + e.getMessage(), e);
        }
        if (!(item instanceof CborItem.MapItem m)) {
            throw new StatementFormatException("statement payload is not a map");
        }
        for (CborItem k : m.entries().keySet()) {
            if (!(k instanceof CborItem.Text t) || !KEYS.contains(t.value())) {
                throw new StatementFormatException("statement payload has an unknown key "
                        + (k instanceof CborItem.Text t ? "\"" + t.value() + "\"" : k.toString())
                        + " (a statement holds dev, first, last, size, root, prev)");
            }
        }
        if (!(m.get(DEV) instanceof CborItem.Text dev)) {
            throw new StatementFormatException("statement has no text 'dev'");
        }
        long first = uint(m, FIRST);
        long last = uint(m, LAST);
        long size = uint(m, SIZE);
        byte[] root = hash(m, ROOT);
        byte[] prev = hash(m, PREV);
        try {
            return new BatchStatement(dev.value(), first, last, size, root, prev);
        } catch (IllegalArgumentException e) {
            throw new StatementFormatException("statement of " + dev.value() + ": " + e.getMessage());
        }
    }

    /**
     * Verifies a statement's COSE_Sign1 with the device key (algorithm and kid must be that key's)
     * and reads its payload.
     */
    public static BatchStatement read(byte[] cose, PublicKey deviceKey) throws StatementFormatException {
        byte[] payload;
        try {
            payload = CoseSign1.verify(cose, deviceKey, KeyIds.of(deviceKey));
        } catch (CoseException e) {
            throw new StatementFormatException("statement signature: " + e.getMessage(), e);
        }
        return decodePayload(payload);
    }

    /** SHA-256 of a statement's COSE bytes: the {@code prev} of the device's next statement. */
    public static byte[] hash(byte[] statementCose) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(statementCose);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private static long uint(CborItem.MapItem m, String key) throws StatementFormatException {
        if (!(m.get(key) instanceof CborItem.Int i) || i.value().signum() < 0 || i.value().bitLength() > 63) {
            throw new StatementFormatException("statement has no unsigned '" + key + "'");
        }
        return i.value().longValueExact();
    }

    private static byte[] hash(CborItem.MapItem m, String key) throws StatementFormatException {
        if (!(m.get(key) instanceof CborItem.Bytes b) || b.value().length != BatchStatement.HASH_LEN) {
            throw new StatementFormatException("statement's '" + key + "' is not 32 bytes");
        }
        return b.value();
    }
}
