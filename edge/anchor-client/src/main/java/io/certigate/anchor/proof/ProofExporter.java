package io.certigate.anchor.proof;

import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.SigningException;
import io.certigate.verifier.merkle.InclusionProof;
import io.certigate.verifier.proof.BatchTree;
import io.certigate.verifier.proof.ProofBundle;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds proof bundles from a device's buffer: for each anchored batch that a requested seq range
 * touches, the batch's tree is rebuilt from the stored records (erased records keep their leaf
 * hash, so trees stay whole; the verifier's {@link BatchTree}, which the fleet's consumer API uses too) and
 * the requested records get their audit paths. Records that are not
 * anchored yet, or were erased or purged, cannot be proven and are refused by name. Given the
 * anchoring device key, each record also gets its RFC 9942 receipt ({@link BatchReceipts}).
 */
public final class ProofExporter {
    private final RecordBuffer buffer;
    private final BatchStore store;

    public ProofExporter(RecordBuffer buffer, BatchStore store) {
        this.buffer = buffer;
        this.store = store;
    }

    /** The bundle of records {@code from..to} (one reading: from == to), without receipts. */
    public ProofBundle export(long from, long to, List<X509Certificate> certificateChain)
            throws BufferException, ProofException {
        return export(from, to, certificateChain, null);
    }

    /**
     * The bundle of records {@code from..to} with, when {@code receiptKey} is given, each record's
     * RFC 9942 receipt signed by that key (the device key that anchored: its certificate must be the
     * bundle's, {@code certificateChain.get(0)}); each batch's root is signed once.
     */
    public ProofBundle export(long from, long to, List<X509Certificate> certificateChain, DeviceKey receiptKey)
            throws BufferException, ProofException {
        if (receiptKey != null && (certificateChain.isEmpty()
                || !certificateChain.get(0).getPublicKey().equals(receiptKey.publicKey()))) {
            throw new ProofException("receipts must be signed by the key the bundle's certificate certifies ("
                    + (certificateChain.isEmpty() ? "the bundle has no certificate"
                    : certificateChain.get(0).getSubjectX500Principal().getName()) + "), not " + receiptKey.describe());
        }
        if (from < 1 || to < from) {
            throw new ProofException("bad seq range " + from + ".." + to);
        }
        List<ProofBundle.Anchor> anchors = new ArrayList<>();
        List<ProofBundle.Entry> entries = new ArrayList<>();
        long seq = from;
        while (seq <= to) {
            Optional<Batch> found = store.containing(seq);
            if (found.isEmpty()) {
                throw new ProofException("record " + seq + " is not in an anchor batch yet");
            }
            Batch b = found.get();
            if (b.state() != Batch.State.ANCHORED) {
                throw new ProofException("record " + seq + " is in batch " + b.id() + " which is " + b.state()
                        + ", not anchored yet");
            }
            List<StoredRecord> records = buffer.range(b.firstSeq(), b.lastSeq());
            if (records.size() != b.size()) {
                throw new ProofException("batch " + b.id() + " (seq " + b.firstSeq() + ".." + b.lastSeq() + ") has only "
                        + records.size() + " records left in the buffer (purged?): its proofs cannot be rebuilt");
            }
            int anchorIndex = anchors.size();
            ProofBundle.Anchor anchor = new ProofBundle.Anchor(b.chainId(), b.contract(), b.txHash(), b.blockNumber(),
                    b.root(), b.firstSeq(), b.lastSeq());
            BatchTree tree;
            try {
                tree = BatchTree.rebuild(anchor, records.stream().map(StoredRecord::leafHash).toList());
            } catch (BatchTree.Mismatch e) {
                throw new ProofException("records of batch " + b.id() + " no longer hash to its anchored root: "
                        + e.getMessage());
            }
            anchors.add(anchor);
            BatchReceipts receipts;
            try {
                receipts = receiptKey == null ? null : BatchReceipts.sign(receiptKey, b);
            } catch (SigningException e) {
                throw new ProofException("cannot sign the receipts of batch " + b.id() + ": " + e.getMessage());
            }
            long end = Math.min(to, b.lastSeq());
            for (; seq <= end; seq++) {
                StoredRecord r = records.get((int) (seq - b.firstSeq()));
                if (!(r instanceof StoredRecord.Signed s)) {
                    throw new ProofException("record " + seq + " was erased: only its hashes remain, nothing to prove");
                }
                InclusionProof proof = tree.proofOf(seq);
                entries.add(new ProofBundle.Entry(seq, s.coseUnsafe(), anchorIndex, proof,
                        receipts == null ? null : receipts.receipt(proof)));
            }
        }
        return new ProofBundle(buffer.deviceId(), certificateChain, anchors, entries);
    }

    /** A range that cannot be proven. */
    public static final class ProofException extends Exception {
        public ProofException(String message) {
            super(message);
        }
    }
}
