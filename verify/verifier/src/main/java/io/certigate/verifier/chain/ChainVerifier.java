package io.certigate.verifier.chain;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.KeyIds;
import io.certigate.signing.SignatureVerifier;
import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a device's records independently of the gateway: every signature against the device's
 * public keys (looked up by kid), every payload as a deterministic Reading of that device with the
 * seq it is stored under, seq continuity, and the prev-hash chain. Tombstones count as present:
 * their kept chain hash links the chain across them.
 */
public final class ChainVerifier {
    private final String device;
    private final Map<ByteBuffer, PublicKey> keys = new HashMap<>();
    private final SignatureVerifier verifier;

    public ChainVerifier(String device, Collection<PublicKey> deviceKeys, SignatureVerifier verifier) {
        this.device = device;
        this.verifier = verifier;
        for (PublicKey k : deviceKeys) {
            keys.put(ByteBuffer.wrap(KeyIds.of(k)), k);
        }
    }

    /** Verifies {@code records} in the order given (an export's order). */
    public VerificationReport verify(List<StoredRecord> records) {
        return verify(records, java.util.Set.of());
    }

    /**
     * Verifies {@code records}; hash-only entries whose seq is in {@code omitted} were left out of
     * a filtered export on purpose: they link the chain and are counted, not reported.
     */
    public VerificationReport verify(List<StoredRecord> records, java.util.Set<Long> omitted) {
        List<Finding> findings = new ArrayList<>();
        TreeMap<Long, StoredRecord> bySeq = new TreeMap<>();
        long highest = Long.MIN_VALUE;
        for (StoredRecord r : records) {
            StoredRecord seen = bySeq.get(r.seq());
            if (seen != null) {
                boolean same = Arrays.equals(seen.chainHash(), r.chainHash());
                findings.add(new Finding(same ? Finding.Kind.DUPLICATE : Finding.Kind.FORK, r.seq(),
                        same ? "record appears more than once" : "two different records carry this seq"));
                continue;
            }
            if (r.seq() < highest) {
                findings.add(new Finding(Finding.Kind.REORDER, r.seq(), "comes after seq " + highest));
            }
            highest = Math.max(highest, r.seq());
            bySeq.put(r.seq(), r);
        }
        long verified = 0;
        long erased = 0;
        long omittedCount = 0;
        Long prevSeq = null;
        byte[] prevHash = null;
        for (StoredRecord r : bySeq.values()) {
            long seq = r.seq();
            if (prevSeq != null && seq != prevSeq + 1) {
                findings.add(new Finding(Finding.Kind.GAP, prevSeq + 1,
                        (seq - prevSeq - 1) + " record(s) missing: seq " + (prevSeq + 1) + ".." + (seq - 1)));
            }
            byte[] expectedPrev = seq == 1 ? new byte[32] : prevSeq != null && seq == prevSeq + 1 ? prevHash : null;
            if (r instanceof StoredRecord.Erased && omitted.contains(seq)) {
                omittedCount++;
            } else if (r instanceof StoredRecord.Erased) {
                erased++;
                findings.add(new Finding(Finding.Kind.ERASED, seq, "payload erased, hashes kept"));
            } else if (checkSigned((StoredRecord.Signed) r, expectedPrev, findings)) {
                verified++;
            }
            prevSeq = seq;
            prevHash = r.chainHash();
        }
        findings.sort(Comparator.comparingLong(Finding::seq));
        return new VerificationReport(device, records.size(), verified, erased, omittedCount,
                bySeq.isEmpty() ? 0 : bySeq.firstKey(), bySeq.isEmpty() ? 0 : bySeq.lastKey(), List.copyOf(findings));
    }

    private boolean checkSigned(StoredRecord.Signed r, byte[] expectedPrev, List<Finding> findings) {
        long seq = r.seq();
        byte[] payload;
        try {
            CoseSign1.Parsed p = CoseSign1.parse(r.coseUnsafe());
            PublicKey key = keys.get(ByteBuffer.wrap(p.keyId()));
            if (key == null) {
                findings.add(new Finding(Finding.Kind.BAD_SIGNATURE, seq, "signed by unknown key id "
                        + java.util.HexFormat.of().formatHex(p.keyId())));
                return false;
            }
            payload = CoseSign1.verify(r.coseUnsafe(), key, p.keyId(), verifier);
        } catch (CoseException e) {
            Finding.Kind kind = e.getMessage().contains("does not verify") || e.getMessage().contains("out of range")
                    || e.getMessage().contains("does not match") ? Finding.Kind.BAD_SIGNATURE : Finding.Kind.MALFORMED;
            findings.add(new Finding(kind, seq, e.getMessage()));
            return false;
        }
        ChainedReading c;
        try {
            c = ReadingCodec.decode(payload);
        } catch (RecordFormatException e) {
            findings.add(new Finding(Finding.Kind.MALFORMED, seq, e.getMessage()));
            return false;
        }
        if (!c.device().equals(device)) {
            findings.add(new Finding(Finding.Kind.MALFORMED, seq, "record of device '" + c.device() + "'"));
            return false;
        }
        if (c.seq() != seq) {
            findings.add(new Finding(Finding.Kind.MALFORMED, seq, "payload carries seq " + c.seq()));
            return false;
        }
        if (expectedPrev != null && !Arrays.equals(expectedPrev, c.prev())) {
            findings.add(new Finding(Finding.Kind.BROKEN_LINK, seq, "prev is not the hash of seq " + (seq - 1)));
            return false;
        }
        List<String> alerts = c.reading().flags().stream().filter(Reading::isAlert).toList();
        if (!alerts.isEmpty()) {
            findings.add(new Finding(Finding.Kind.FLAGGED, seq, c.reading().kind() + " " + c.reading().subject() + " = "
                    + c.reading().value() + (c.reading().unit() == null ? "" : " " + c.reading().unit())
                    + " flags " + String.join(",", alerts)));
        }
        return true;
    }
}
