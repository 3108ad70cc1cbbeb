package io.certigate.fleet.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.signing.CoseException;
import io.certigate.verifier.completeness.LedgerHistory;
import io.certigate.verifier.ledger.AnchorAbi.AnchoredEvent;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.verifier.proof.BatchTree;
import io.certigate.verifier.proof.CertificateChains;
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.verifier.proof.ProofBundleJson;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Proof bundles of a device's records from the fleet store, for gateways that anchor their batches
 * themselves (direct anchoring, ARCHITECTURE.md "Anchor"): the device's {@code Anchored} events are
 * read from the anchor contract ({@link LedgerHistory}, the reader {@code certigate verify} uses),
 * each needed batch's tree is rebuilt from the leaf hashes the store holds for its seq range
 * ({@link BatchTree}, the code {@code certigate proof export} uses on the gateway) and each record
 * gets a {@code certigate-proof/1} bundle of its own ({@link ProofBundleJson}) that the verifier's
 * {@code BundleVerifier} checks against the ledger. A record no batch covers yet is answered "not
 * anchored yet"; a batch whose stored leaves do not give the anchored root is answered as an error
 * and never served as a proof.
 */
public final class RecordProofs {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one record gets: exactly one of a bundle, why it is not anchored yet, or an error. */
    public record Outcome(long seq, String kind, ProofBundle bundle, String notAnchored, String error) {}

    private final FleetStore store;
    private final LedgerReader anchors;
    private final Function<String, List<List<X509Certificate>>> certificates;

    /**
     * @param anchors      a reader of the ledger whose {@link LedgerReader#contract()} is the
     *                     {@code CertigateAnchor} contract the gateways anchor in
     * @param certificates a device's certificate chains (leaf first), oldest first, for the bundles
     */
    public RecordProofs(FleetStore store, LedgerReader anchors,
            Function<String, List<List<X509Certificate>>> certificates) {
        this.store = store;
        this.anchors = anchors;
        this.certificates = certificates;
    }

    /** The seqs of a {@code seq=N,M,...} parameter, in ascending order without repeats. */
    public static List<Long> seqs(String text) {
        TreeSet<Long> out = new TreeSet<>();
        for (String part : text.split(",")) {
            try {
                long seq = Long.parseLong(part.strip());
                if (seq < 1) {
                    throw new NumberFormatException();
                }
                out.add(seq);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("seq=" + text + ": each seq is a whole number from 1, such as seq=3,5");
            }
        }
        return List.copyOf(out);
    }

    /**
     * The outcome for each of {@code records} (signed records of {@code device}, by seq), against the
     * device's anchored history read now.
     */
    public Answer prove(String device, SortedMap<Long, VerifiedRecord> records) throws LedgerException, SQLException {
        LedgerHistory history = LedgerHistory.read(anchors, device);
        List<List<X509Certificate>> chains = certificates.apply(device);
        Map<Long, Rebuilt> trees = new HashMap<>(); // by the batch's first seq
        List<Outcome> out = new ArrayList<>();
        for (VerifiedRecord r : records.values()) {
            Optional<AnchoredEvent> batch = history.rangeOf(r.seq());
            if (batch.isEmpty()) {
                out.add(new Outcome(r.seq(), r.kind(), null, "record " + r.seq() + " is not anchored yet: no Anchored"
                        + " event of device " + device + " in contract " + history.contract() + " covers it up to block "
                        + history.headBlock() + " (last anchored seq " + history.lastAnchoredSeq() + ")", null));
                continue;
            }
            Rebuilt tree = trees.get(batch.get().firstSeq());
            if (tree == null) {
                tree = rebuild(device, history, batch.get());
                trees.put(batch.get().firstSeq(), tree);
            }
            if (tree.error() != null) {
                out.add(new Outcome(r.seq(), r.kind(), null, null, tree.error()));
                continue;
            }
            Optional<List<X509Certificate>> chain;
            try {
                chain = CertificateChains.ofSigningKey(chains, r.cose());
            } catch (CoseException e) {
                throw new IllegalStateException("a stored record is not a COSE_Sign1: " + e.getMessage(), e);
            }
            if (chain.isEmpty()) {
                out.add(new Outcome(r.seq(), r.kind(), null, null, "the fleet holds no certificate of the key of device "
                        + device + " that signed record " + r.seq() + ": a bundle needs it"));
                continue;
            }
            BatchTree t = tree.tree();
            out.add(new Outcome(r.seq(), r.kind(), new ProofBundle(device, chain.get(), List.of(t.anchor()),
                    List.of(t.entry(r.seq(), r.cose(), 0, null))), null, null));
        }
        return new Answer(device, history.contract(), history.chainId(), history.headBlock(), out);
    }

    /** A batch's tree, or why none can be served. */
    private record Rebuilt(BatchTree tree, String error) {}

    /** The batch's tree from the store's leaf hashes, or why it cannot be served. */
    private Rebuilt rebuild(String device, LedgerHistory history, AnchoredEvent e) throws SQLException {
        ProofBundle.Anchor anchor = new ProofBundle.Anchor(history.chainId(), history.contract(), e.txHash(),
                e.blockNumber(), e.root(), e.firstSeq(), e.lastSeq());
        List<byte[]> leaves = new ArrayList<>();
        long[] next = {e.firstSeq()};
        store.deviceRecords(device, e.firstSeq(), e.lastSeq(), r -> {
            if (r.seq() == next[0]) {
                leaves.add(r.leafHash());
                next[0]++;
            }
        });
        try {
            return new Rebuilt(BatchTree.rebuild(anchor, leaves), null);
        } catch (BatchTree.Mismatch m) {
            return new Rebuilt(null, m.getMessage() + " (transaction " + e.txHash() + ")");
        }
    }

    /** The answer to one request: each record's outcome, with where the anchors were read. */
    public record Answer(String device, String contract, long chainId, long headBlock, List<Outcome> outcomes) {
        /** The seqs that got a bundle. */
        public List<Long> proven() {
            return outcomes.stream().filter(o -> o.bundle() != null).map(Outcome::seq).toList();
        }

        /**
         * {@code {"device", "contract", "chainId", "headBlock", "proofs": [{"seq", "kind", and one of
         * "bundle" (a certigate-proof/1 document), "notAnchored" (why), "error" (why)}]}}.
         */
        public byte[] json() throws IOException {
            ObjectNode doc = JSON.createObjectNode();
            doc.put("device", device);
            doc.put("contract", contract);
            doc.put("chainId", chainId);
            doc.put("headBlock", headBlock);
            ArrayNode list = doc.putArray("proofs");
            for (Outcome o : outcomes) {
                ObjectNode n = list.addObject();
                n.put("seq", o.seq());
                n.put("kind", o.kind());
                if (o.bundle() != null) {
                    n.set("bundle", JSON.readTree(ProofBundleJson.write(o.bundle())));
                } else if (o.notAnchored() != null) {
                    n.put("notAnchored", o.notAnchored());
                } else {
                    n.put("error", o.error());
                }
            }
            return JSON.writeValueAsBytes(doc);
        }
    }
}
