package io.certigate.verifier.receipt;

import io.certigate.cbor.CborFormatException;
import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.cbor.CborWriter;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.verifier.merkle.InclusionProof;
import io.certigate.verifier.merkle.MerkleTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The COSE receipt of a batch leaf, per RFC 9942 (COSE Receipts) with the verifiable data structure
 * {@code RFC9162_SHA256}:
 *
 * <pre>
 * 18([                                  / COSE_Sign1, RFC 9052 §4.2 /
 *   &lt;&lt;{ 1: alg (-8 or -7),               / RFC 9942 §5.2.1: alg and vds REQUIRED /
 *       4: kid (8 bytes),
 *       395: 1,                         / vds = RFC9162_SHA256 (RFC 9942 §2, §4.1) /
 *       -65537: { 1: chain id, 2: contract (20 bytes), 3: tx hash (32 bytes), 4: block }
 *   }&gt;&gt;,                                  / certigate ledger reference, private-use label /
 *   { 396: { -1: [ &lt;&lt;[tree-size, leaf-index, [+ 32-byte hash]]&gt;&gt; ] } },
 *                                       / vdp (RFC 9942 §2), inclusion proofs -1 (§4.2, §5.2) /
 *   nil,                                / detached payload: the batch root (§5.2.1) /
 *   signature                           / over ["Signature1", protected, h'', root] /
 * ])
 * </pre>
 *
 * Everything is written in the core deterministic encoding (RFC 8949 §4.2.1) and read strictly:
 * {@link #parse} refuses anything else with a {@link ReceiptFormatException} naming the part. The
 * signature covers only the protected header and the root, so the anchoring party signs a batch
 * once ({@link #protectedHeader}, then its key over {@link #toBeSigned}) and every leaf's receipt
 * is assembled from that signature and the leaf's proof ({@link #encode}).
 */
public final class ReceiptCodec {
    /** COSE header parameter {@code alg} (RFC 9052 §3.1). */
    public static final int ALG = 1;
    /** COSE header parameter {@code kid} (RFC 9052 §3.1). */
    public static final int KID = 4;
    /** COSE header parameter {@code vds}, verifiable data structure (RFC 9942 §2, IANA COSE Header Parameters). */
    public static final int VDS = 395;
    /** COSE header parameter {@code vdp}, verifiable data structure proofs (RFC 9942 §2). */
    public static final int VDP = 396;
    /** The COSE Verifiable Data Structures registry value of {@code RFC9162_SHA256} (RFC 9942 §4.1). */
    public static final int RFC9162_SHA256 = 1;
    /** The label of inclusion proofs in the vdp map for {@code RFC9162_SHA256} (RFC 9942 §4.2). */
    public static final int INCLUSION_PROOFS = -1;
    /**
     * certigate's ledger reference header: a private-use label (the IANA COSE Header Parameters
     * registry that RFC 9052 set up leaves integers less than -65536 to private use; -65536..-1 are
     * delegated to algorithm parameters), in the protected header so the anchoring party signs it. Its value is a map {1: chain id (uint), 2: anchor contract (20-byte bstr), 3: transaction
     * hash (32-byte bstr), 4: block number (uint)}.
     */
    public static final long LEDGER_REFERENCE = -65537;

    private static final int REF_CHAIN = 1;
    private static final int REF_CONTRACT = 2;
    private static final int REF_TX = 3;
    private static final int REF_BLOCK = 4;

    private ReceiptCodec() {}

    /** The encoded protected header of a receipt signed by key {@code keyId} for an anchored root. */
    public static byte[] protectedHeader(CoseAlgorithm alg, byte[] keyId, LedgerReference ledger) {
        // keys in the bytewise order of their encodings: 1 (0x01), 4 (0x04), 395 (0x19 018b), -65537 (0x3a 00010000)
        return new CborWriter(128).mapHeader(4)
                .integer(ALG).integer(alg.coseId())
                .integer(KID).bytes(keyId)
                .integer(VDS).integer(RFC9162_SHA256)
                .integer(LEDGER_REFERENCE).mapHeader(4)
                .integer(REF_CHAIN).integer(ledger.chainId())
                .integer(REF_CONTRACT).bytes(ledger.contractBytes())
                .integer(REF_TX).bytes(ledger.txHashBytes())
                .integer(REF_BLOCK).integer(ledger.blockNumber())
                .toByteArray();
    }

    /** What the anchoring party signs: the Sig_structure (RFC 9052 §4.4) over the detached {@code root}. */
    public static byte[] toBeSigned(byte[] protectedHeader, byte[] root) {
        return CoseSign1.sigStructure(protectedHeader, root);
    }

    /** The tagged receipt bytes of one leaf: the batch's signed header and signature, and the leaf's proof. */
    public static byte[] encode(byte[] protectedHeader, InclusionProof proof, byte[] signature) {
        List<byte[]> path = proof.path();
        CborWriter p = new CborWriter(16 + path.size() * 34).arrayHeader(3)
                .integer(proof.treeSize()).integer(proof.leafIndex()).arrayHeader(path.size());
        for (byte[] h : path) {
            p.bytes(h);
        }
        byte[] wrapped = p.toByteArray();
        return new CborWriter(protectedHeader.length + wrapped.length + signature.length + 32)
                .tag(CoseSign1.TAG).arrayHeader(4)
                .bytes(protectedHeader)
                .mapHeader(1).integer(VDP).mapHeader(1).integer(INCLUSION_PROOFS).arrayHeader(1).bytes(wrapped)
                .nul()
                .bytes(signature)
                .toByteArray();
    }

    /** Reads a receipt strictly; the exception names the part that is wrong. */
    public static Receipt parse(byte[] receipt) throws ReceiptFormatException {
        CborItem item = decode(receipt, "receipt");
        if (!(item instanceof CborItem.Tagged t) || t.tag() != CoseSign1.TAG) {
            throw new ReceiptFormatException("receipt is not a tagged COSE_Sign1 (expected tag 18, RFC 9942 §4.3)");
        }
        if (!(t.content() instanceof CborItem.Array a) || a.items().size() != 4) {
            throw new ReceiptFormatException("receipt: COSE_Sign1 must be an array of 4 items");
        }
        if (!(a.items().get(0) instanceof CborItem.Bytes prot)) {
            throw new ReceiptFormatException("receipt: protected header is not a byte string");
        }
        if (!(a.items().get(1) instanceof CborItem.MapItem unprotected)) {
            throw new ReceiptFormatException("receipt: unprotected header is not a map");
        }
        if (!CborItem.Simple.NULL.equals(a.items().get(2))) {
            throw new ReceiptFormatException("receipt: payload must be nil (the root is detached, RFC 9942 §5.2.1)");
        }
        if (!(a.items().get(3) instanceof CborItem.Bytes sig) || sig.value().length != 64) {
            throw new ReceiptFormatException("receipt: signature is not a byte string of 64 bytes");
        }
        byte[] protBytes = prot.value();
        if (!(decode(protBytes, "receipt protected header") instanceof CborItem.MapItem h)) {
            throw new ReceiptFormatException("receipt: protected header is not a map");
        }
        CoseAlgorithm alg = algorithm(h);
        if (!(h.get(KID) instanceof CborItem.Bytes kid)) {
            throw new ReceiptFormatException("receipt: protected header has no byte-string kid (4)");
        }
        CborItem vds = h.get(VDS);
        if (vds == null) {
            throw new ReceiptFormatException("receipt: protected header has no vds (395)");
        }
        if (!(vds instanceof CborItem.Int v) || !v.value().equals(BigInteger.valueOf(RFC9162_SHA256))) {
            throw new ReceiptFormatException("receipt: vds (395) is " + vds + ", not 1 (RFC9162_SHA256)");
        }
        LedgerReference ledger = ledger(h.entries().get(new CborItem.Int(BigInteger.valueOf(LEDGER_REFERENCE))));
        if (h.entries().size() != 4) {
            throw new ReceiptFormatException("receipt: protected header holds " + h.entries().size()
                    + " parameters; expected alg (1), kid (4), vds (395) and the ledger reference (-65537)");
        }
        return new Receipt(alg, kid.value(), protBytes, ledger, inclusionProof(unprotected), sig.value());
    }

    private static CoseAlgorithm algorithm(CborItem.MapItem h) throws ReceiptFormatException {
        if (!(h.get(ALG) instanceof CborItem.Int alg)) {
            throw new ReceiptFormatException("receipt: protected header has no integer alg (1)");
        }
        try {
            return CoseAlgorithm.fromCoseId(alg.value().longValueExact());
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new ReceiptFormatException("receipt: unsupported alg " + alg.value() + " (expected -8 EdDSA or -7 ES256)");
        }
    }

    private static LedgerReference ledger(CborItem item) throws ReceiptFormatException {
        if (item == null) {
            throw new ReceiptFormatException("receipt: protected header has no ledger reference (-65537)");
        }
        if (!(item instanceof CborItem.MapItem m) || m.entries().size() != 4
                || !(m.get(REF_CHAIN) instanceof CborItem.Int chain)
                || !(m.get(REF_CONTRACT) instanceof CborItem.Bytes contract) || contract.value().length != 20
                || !(m.get(REF_TX) instanceof CborItem.Bytes tx) || tx.value().length != 32
                || !(m.get(REF_BLOCK) instanceof CborItem.Int block)) {
            throw new ReceiptFormatException("receipt: ledger reference (-65537) must be {1: chain id, 2: 20-byte"
                    + " contract, 3: 32-byte transaction hash, 4: block number}");
        }
        try {
            return new LedgerReference(chain.value().longValueExact(), LedgerReference.hex(contract.value()),
                    LedgerReference.hex(tx.value()), block.value().longValueExact());
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new ReceiptFormatException("receipt: ledger reference (-65537): " + e.getMessage());
        }
    }

    private static InclusionProof inclusionProof(CborItem.MapItem unprotected) throws ReceiptFormatException {
        CborItem vdp = unprotected.get(VDP);
        if (vdp == null) {
            throw new ReceiptFormatException("receipt: unprotected header has no vdp (396)");
        }
        if (unprotected.entries().size() != 1) {
            throw new ReceiptFormatException("receipt: unprotected header holds parameters other than vdp (396)");
        }
        if (!(vdp instanceof CborItem.MapItem proofs) || proofs.entries().size() != 1) {
            throw new ReceiptFormatException("receipt: vdp (396) must be a map holding only inclusion proofs (-1)");
        }
        if (!(proofs.get(INCLUSION_PROOFS) instanceof CborItem.Array list) || list.items().size() != 1) {
            throw new ReceiptFormatException("receipt: vdp (396) must hold one inclusion proof under -1");
        }
        if (!(list.items().get(0) instanceof CborItem.Bytes wrapped)) {
            throw new ReceiptFormatException("receipt: the inclusion proof is not a bstr-wrapped array (RFC 9942 §5.2)");
        }
        if (!(decode(wrapped.value(), "receipt inclusion proof") instanceof CborItem.Array p) || p.items().size() != 3
                || !(p.items().get(0) instanceof CborItem.Int size) || size.value().signum() < 0
                || !(p.items().get(1) instanceof CborItem.Int index) || index.value().signum() < 0
                || !(p.items().get(2) instanceof CborItem.Array path)) {
            throw new ReceiptFormatException("receipt: the inclusion proof must be [tree-size: uint, leaf-index: uint,"
                    + " inclusion-path: [+ bstr]] (RFC 9942 §5.2)");
        }
        List<byte[]> hashes = new ArrayList<>(path.items().size());
        for (int i = 0; i < path.items().size(); i++) {
            if (!(path.items().get(i) instanceof CborItem.Bytes b) || b.value().length != MerkleTree.HASH_LEN) {
                throw new ReceiptFormatException("receipt: inclusion path element " + i + " is not a 32-byte hash");
            }
            hashes.add(b.value());
        }
        try {
            return new InclusionProof(index.value().longValueExact(), size.value().longValueExact(), hashes);
        } catch (ArithmeticException e) {
            throw new ReceiptFormatException("receipt: tree size or leaf index beyond 2^63");
        }
    }

    private static CborItem decode(byte[] bytes, String what) throws ReceiptFormatException {
        try {
            return CborReader.decode(bytes);
        } catch (CborFormatException e) {
            throw new ReceiptFormatException(what + " is not deterministic CBOR: " + e.getMessage(), e);
        }
    }
}
