package io.certigate.verifier.route;

import io.certigate.cbor.CborFormatException;
import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.SignatureVerifier;
import io.certigate.verifier.chain.ChainVerifier;
import io.certigate.verifier.chain.VerificationReport;
import java.math.BigInteger;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks what a forwarding route's destination received of one device's chain: the uplink batches
 * (CBOR arrays) as they arrived, in any order and with the repeats of at-least-once delivery. Each
 * item is a signed record (tagged COSE_Sign1), an erased record's tombstone
 * {@code {"dev", "seq", "leaf", "chain"}} or a record left out for that destination,
 * {@code {"dev", "seq", "leaf", "chain", "omitted": true}} (the uplink's batch format, see
 * docs/architecture.md, Formats). The stream verifies when every signature does, the chain links
 * across the hash-only items (a signed record's prev is the chain hash of the item before it),
 * and no seq is missing from {@code firstSeq} to the last one received; exact repeats are dropped
 * first, two different items under one seq are a fork. This module reads the batch format itself
 * (it does not depend on the gateway's uplink).
 */
public final class RouteStreamVerifier {
    private final String device;
    private final ChainVerifier chain;

    /**
     * What a destination holds of the device's chain after the check.
     *
     * @param chain        the chain check of the items, in seq order (signatures, links, gaps)
     * @param firstSeq     the lowest seq received (0 when nothing was)
     * @param whole        signed records received, by reading kind
     * @param omitted      records left out for the destination (hash-only)
     * @param erased       erased records (tombstones)
     * @param problems     items that are not of the format or not of this device, and a start after
     *                     {@code firstSeq}; each a failure
     */
    public record Report(VerificationReport chain, long firstSeq, Map<String, Long> whole, long omitted, long erased,
            List<String> problems) {
        public Report {
            whole = Map.copyOf(whole);
            problems = List.copyOf(problems);
        }

        public boolean ok() {
            return chain.ok() && problems.isEmpty();
        }
    }

    public RouteStreamVerifier(String device, Collection<PublicKey> deviceKeys, SignatureVerifier signatures) {
        this.device = device;
        this.chain = new ChainVerifier(device, deviceKeys, signatures);
    }

    /**
     * Checks the batches a destination received for this device.
     *
     * @param firstSeq the seq the stream must start at (1 for a route set up before the first
     *                 reading; else the first record kept in the gateway's buffer when it was)
     */
    public Report verify(List<byte[]> batches, long firstSeq) {
        List<String> problems = new ArrayList<>();
        TreeMap<Long, List<StoredRecord>> bySeq = new TreeMap<>();
        Set<Long> omitted = new HashSet<>();
        Map<String, Long> kinds = new LinkedHashMap<>();
        long erased = 0;
        for (int b = 0; b < batches.size(); b++) {
            CborItem root;
            try {
                root = CborReader.decode(batches.get(b));
            } catch (CborFormatException e) {
                problems.add("batch " + b + " is not a CBOR item: " + e.getMessage());
                continue;
            }
            if (!(root instanceof CborItem.Array array)) {
                problems.add("batch " + b + " is not a CBOR array");
                continue;
            }
            for (CborItem item : array.items()) {
                StoredRecord r;
                boolean leftOut = false;
                try {
                    if (item instanceof CborItem.Tagged t && t.tag() == CoseSign1.TAG) {
                        byte[] cose = encodeTagged(item);
                        var reading = ReadingCodec.decode(CoseSign1.parse(cose).payload());
                        r = new StoredRecord.Signed(reading.seq(), cose);
                    } else if (item instanceof CborItem.MapItem m) {
                        r = hashOnly(m);
                        leftOut = m.get("omitted") != null;
                        if (leftOut && !CborItem.Simple.TRUE.equals(m.get("omitted"))) {
                            throw new IllegalArgumentException("'omitted' is not true");
                        }
                    } else {
                        throw new IllegalArgumentException("neither a COSE_Sign1 nor a hash-only map");
                    }
                } catch (CoseException | RecordFormatException | IllegalArgumentException | ArithmeticException e) {
                    problems.add("batch " + b + ": an item is not a record of " + device + ": " + e.getMessage());
                    continue;
                }
                List<StoredRecord> held = bySeq.computeIfAbsent(r.seq(), s -> new ArrayList<>());
                if (held.stream().anyMatch(h -> h.equals(r))) {
                    continue; // a repeat of at-least-once delivery
                }
                held.add(r);
                if (leftOut) {
                    omitted.add(r.seq());
                }
            }
        }
        List<StoredRecord> records = new ArrayList<>();
        for (List<StoredRecord> held : bySeq.values()) {
            records.addAll(held);
            for (StoredRecord r : held) {
                if (r instanceof StoredRecord.Signed s) {
                    try {
                        kinds.merge(ReadingCodec.decode(CoseSign1.parse(s.coseUnsafe()).payload()).reading().kind(),
                                1L, Long::sum);
                    } catch (CoseException | RecordFormatException e) {
                        // reported by the chain check as malformed
                    }
                } else if (!omitted.contains(r.seq())) {
                    erased++;
                }
            }
        }
        long first = bySeq.isEmpty() ? 0 : bySeq.firstKey();
        if (first > firstSeq) {
            problems.add("the stream starts at seq " + first + ", not " + firstSeq + ": " + (first - firstSeq)
                    + " record(s) missing before it");
        }
        VerificationReport report = chain.verify(records, omitted);
        return new Report(report, first, kinds, omitted.size(), erased, problems);
    }

    private StoredRecord hashOnly(CborItem.MapItem m) {
        if (!(m.get("dev") instanceof CborItem.Text dev) || !device.equals(dev.value())) {
            throw new IllegalArgumentException("hash-only item of another device or without dev");
        }
        if (!(m.get("seq") instanceof CborItem.Int seq) || seq.value().signum() <= 0
                || seq.value().compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("hash-only item without a seq");
        }
        if (!(m.get("leaf") instanceof CborItem.Bytes leaf) || !(m.get("chain") instanceof CborItem.Bytes chainHash)
                || leaf.value().length != 32 || chainHash.value().length != 32) {
            throw new IllegalArgumentException("hash-only item " + seq.value() + " without 32-byte leaf and chain hashes");
        }
        int keys = m.get("omitted") == null ? 4 : 5;
        if (m.entries().size() != keys) {
            throw new IllegalArgumentException("hash-only item " + seq.value() + " has unknown keys");
        }
        return new StoredRecord.Erased(seq.value().longValueExact(), chainHash.value(), leaf.value());
    }

    /**
     * The item's bytes. The reader accepts deterministic items only (RFC 8949 §4.2.1), and a
     * deterministic item re-encodes to the bytes it was read from; were it not so, the chain check
     * would report the record's signature or its successor's link.
     */
    private static byte[] encodeTagged(CborItem item) {
        return new io.certigate.cbor.CborWriter(256).item(item).toByteArray();
    }
}
