package io.certigate.verifier.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.cbor.CborWriter;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.verifier.merkle.InclusionProof;
import io.certigate.verifier.merkle.MerkleHash;
import io.certigate.verifier.merkle.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Receipts written and read back for every leaf of a batch, with both key algorithms, and the bad
 * inputs a verifier meets (truncated, wrong vds, attached payload, a changed proof, entry, ledger
 * reference or key), each refused with a message naming what was wrong.
 */
@Tag("unit")
class ReceiptCodecTest {
    static final LedgerReference REF = new LedgerReference(1337, "0x" + "ab".repeat(20), "0x" + "cd".repeat(32), 42);

    @TempDir
    Path dir;

    /** A batch of {@code n} entries (stand-ins for records' COSE bytes), its tree and the signed batch header. */
    record Batch(List<byte[]> entries, MerkleTree tree, byte[] header, byte[] signature) {
        byte[] receipt(int i) {
            return ReceiptCodec.encode(header, tree.inclusionProof(i), signature);
        }
    }

    static Batch batch(SoftwareDeviceKey key, int n, LedgerReference ref) throws Exception {
        List<byte[]> entries = new ArrayList<>();
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] e = ("entry " + i).getBytes(StandardCharsets.UTF_8);
            entries.add(e);
            leaves.add(MerkleHash.leaf(e));
        }
        MerkleTree tree = MerkleTree.build(leaves);
        byte[] header = ReceiptCodec.protectedHeader(key.algorithm(), key.keyId(), ref);
        return new Batch(entries, tree, header, key.sign(ReceiptCodec.toBeSigned(header, tree.root())));
    }

    SoftwareDeviceKey key(CoseAlgorithm alg, String name) throws Exception {
        return Pkcs12KeyStore.create(dir.resolve(name + ".p12"), alg, "gw", "pw".toCharArray());
    }

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void everyLeafOfEveryTreeSizeVerifies(CoseAlgorithm alg) throws Exception {
        SoftwareDeviceKey key = key(alg, "k");
        for (int n = 1; n <= 9; n++) {
            Batch b = batch(key, n, REF);
            for (int i = 0; i < n; i++) {
                Receipt r = ReceiptCodec.parse(b.receipt(i));
                assertThat(r.algorithm()).isEqualTo(alg);
                assertThat(r.keyId()).isEqualTo(key.keyId());
                assertThat(r.ledger()).isEqualTo(REF);
                assertThat(r.proof()).isEqualTo(b.tree().inclusionProof(i));
                ReceiptVerifier.Result v = ReceiptVerifier.verify(b.receipt(i), b.entries().get(i), key.publicKey());
                assertThat(v.valid()).as(v.reason()).isTrue();
                assertThat(v.root()).isEqualTo(b.tree().root());
            }
        }
    }

    @Test
    void layoutIsTheOneOfRfc9942() throws Exception {
        SoftwareDeviceKey key = key(CoseAlgorithm.EDDSA, "k");
        Batch b = batch(key, 3, REF);
        String kid = HexFormat.of().formatHex(key.keyId());
        assertThat(HexFormat.of().formatHex(b.header())).isEqualTo("a4"   // map of 4
                + "01" + "27"                                            // 1 (alg): -8 (EdDSA)
                + "04" + "48" + kid                                      // 4 (kid): 8 bytes
                + "19018b" + "01"                                        // 395 (vds): 1 (RFC9162_SHA256)
                + "3a00010000" + "a4"                                    // -65537 (ledger reference): map of 4
                + "01" + "190539"                                        // 1: chain id 1337
                + "02" + "54" + "ab".repeat(20)                          // 2: contract, 20 bytes
                + "03" + "5820" + "cd".repeat(32)                        // 3: tx hash, 32 bytes
                + "04" + "182a");                                        // 4: block 42
        byte[] receipt = b.receipt(2);
        InclusionProof p = b.tree().inclusionProof(2);
        String expected = "d2" + "84"                                    // tag 18, array of 4
                + "58" + String.format("%02x", b.header().length) + HexFormat.of().formatHex(b.header())
                + "a1" + "19018c"                                        // {396 (vdp):
                + "a1" + "20" + "81"                                     //   {-1 (inclusion proofs): [
                + "58" + String.format("%02x", 3 + 1 + 34 * p.path().size())
                + "83" + "03" + "02" + "8" + p.path().size()             //     <<[3 (size), 2 (leaf), [path]]>>
                + HexFormat.of().formatHex(p.path().get(0)).replaceFirst("^", "5820")
                + "f6"                                                   // payload nil (detached root)
                + "5840" + HexFormat.of().formatHex(b.signature());
        assertThat(HexFormat.of().formatHex(receipt)).isEqualTo(expected);
    }

    /** The fuzz target's seeds: the valid one is read, each corrupted one refused with its reason. */
    @Test
    void fuzzSeedsAreReadOrRefusedAsNamed() throws Exception {
        Path seeds = Path.of("src/test/resources/io/certigate/verifier/receipt/ReceiptCodecFuzzTestInputs/parse");
        Receipt valid = ReceiptCodec.parse(java.nio.file.Files.readAllBytes(seeds.resolve("valid")));
        assertThat(valid.proof().treeSize()).isEqualTo(6);
        assertThat(valid.proof().leafIndex()).isEqualTo(2);
        assertThat(valid.ledger().blockNumber()).isEqualTo(42);
        java.util.Map<String, String> reasons = java.util.Map.of("bad-truncated", "not deterministic CBOR",
                "bad-vds-2", "vds (395) is", "bad-attached-payload", "payload must be nil",
                "bad-proof-not-wrapped", "not a bstr-wrapped array", "bad-path-hash-31-bytes", "not a 32-byte hash",
                "bad-untagged", "not a tagged COSE_Sign1");
        for (java.util.Map.Entry<String, String> e : reasons.entrySet()) {
            byte[] seed = java.nio.file.Files.readAllBytes(seeds.resolve(e.getKey()));
            assertThatThrownBy(() -> ReceiptCodec.parse(seed)).as(e.getKey()).hasMessageContaining(e.getValue());
        }
    }

    @Test
    void truncatedReceiptIsRefused() throws Exception {
        byte[] r = batch(key(CoseAlgorithm.EDDSA, "k"), 4, REF).receipt(1);
        for (int len : new int[] {0, 1, 10, r.length / 2, r.length - 1}) {
            assertThatThrownBy(() -> ReceiptCodec.parse(Arrays.copyOf(r, len)))
                    .isInstanceOf(ReceiptFormatException.class).hasMessageContaining("not deterministic CBOR");
        }
    }

    @Test
    void wrongOrMissingVdsIsRefused() throws Exception {
        SoftwareDeviceKey key = key(CoseAlgorithm.EDDSA, "k");
        Batch b = batch(key, 4, REF);
        byte[] vds2 = header(key, 2);
        assertThatThrownBy(() -> ReceiptCodec.parse(ReceiptCodec.encode(vds2, b.tree().inclusionProof(0), b.signature())))
                .isInstanceOf(ReceiptFormatException.class).hasMessageContaining("vds (395) is")
                .hasMessageContaining("not 1 (RFC9162_SHA256)");
        byte[] noVds = new CborWriter().mapHeader(2).integer(1).integer(-8).integer(4).bytes(key.keyId()).toByteArray();
        assertThatThrownBy(() -> ReceiptCodec.parse(ReceiptCodec.encode(noVds, b.tree().inclusionProof(0), b.signature())))
                .isInstanceOf(ReceiptFormatException.class).hasMessageContaining("no vds (395)");
    }

    /** A protected header like the codec's with another vds value. */
    static byte[] header(SoftwareDeviceKey key, int vds) {
        byte[] good = ReceiptCodec.protectedHeader(key.algorithm(), key.keyId(), REF);
        byte[] h = good.clone();
        int at = indexOf(h, new byte[] {0x19, 0x01, (byte) 0x8b}) + 3;
        h[at] = (byte) vds;
        return h;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void attachedPayloadAndMissingProofsAreRefused() throws Exception {
        SoftwareDeviceKey key = key(CoseAlgorithm.EDDSA, "k");
        Batch b = batch(key, 4, REF);
        byte[] attached = new CborWriter().tag(18).arrayHeader(4).bytes(b.header()).mapHeader(0)
                .bytes(b.tree().root()).bytes(b.signature()).toByteArray();
        assertThatThrownBy(() -> ReceiptCodec.parse(attached)).hasMessageContaining("payload must be nil");
        byte[] noVdp = new CborWriter().tag(18).arrayHeader(4).bytes(b.header()).mapHeader(0)
                .nul().bytes(b.signature()).toByteArray();
        assertThatThrownBy(() -> ReceiptCodec.parse(noVdp)).hasMessageContaining("no vdp (396)");
        InclusionProof p = b.tree().inclusionProof(1);
        CborWriter unwrapped = new CborWriter().tag(18).arrayHeader(4).bytes(b.header())
                .mapHeader(1).integer(396).mapHeader(1).integer(-1).arrayHeader(1)
                .arrayHeader(3).integer(p.treeSize()).integer(p.leafIndex()).arrayHeader(p.path().size());
        p.path().forEach(unwrapped::bytes);
        byte[] notWrapped = unwrapped.nul().bytes(b.signature()).toByteArray();
        assertThatThrownBy(() -> ReceiptCodec.parse(notWrapped)).hasMessageContaining("not a bstr-wrapped array");
        byte[] untagged = Arrays.copyOfRange(b.receipt(0), 1, b.receipt(0).length);
        assertThatThrownBy(() -> ReceiptCodec.parse(untagged)).hasMessageContaining("not a tagged COSE_Sign1");
    }

    @Test
    void aChangedProofEntryLedgerReferenceOrKeyFails() throws Exception {
        SoftwareDeviceKey key = key(CoseAlgorithm.ES256, "k");
        Batch b = batch(key, 6, REF);
        byte[] entry = b.entries().get(2);
        InclusionProof p = b.tree().inclusionProof(2);

        byte[] otherLeaf = ReceiptCodec.encode(b.header(), new InclusionProof(3, 6, p.path()), b.signature());
        assertThat(ReceiptVerifier.verify(otherLeaf, entry, key.publicKey()).reason())
                .contains("receipt signature does not verify");

        List<byte[]> flipped = p.path();
        flipped.get(0)[0] ^= 1;
        byte[] changedPath = ReceiptCodec.encode(b.header(), new InclusionProof(2, 6, flipped), b.signature());
        assertThat(ReceiptVerifier.verify(changedPath, entry, key.publicKey()).reason())
                .contains("receipt signature does not verify");

        byte[] shortPath = ReceiptCodec.encode(b.header(), new InclusionProof(2, 6, p.path().subList(0, 1)), b.signature());
        assertThat(ReceiptVerifier.verify(shortPath, entry, key.publicKey()).reason())
                .contains("the path is shorter than a tree of 6 needs");

        byte[] outside = ReceiptCodec.encode(b.header(), new InclusionProof(6, 6, p.path()), b.signature());
        assertThat(ReceiptVerifier.verify(outside, entry, key.publicKey()).reason())
                .contains("leaf index 6 is not inside a tree of 6");

        assertThat(ReceiptVerifier.verify(b.receipt(2), b.entries().get(3), key.publicKey()).reason())
                .contains("receipt signature does not verify");

        LedgerReference otherBlock = new LedgerReference(1337, REF.contract(), REF.txHash(), 43);
        byte[] moved = ReceiptCodec.encode(ReceiptCodec.protectedHeader(key.algorithm(), key.keyId(), otherBlock), p,
                b.signature());
        assertThat(ReceiptCodec.parse(moved).ledger().blockNumber()).isEqualTo(43);
        assertThat(ReceiptVerifier.verify(moved, entry, key.publicKey()).reason())
                .contains("receipt signature does not verify");

        SoftwareDeviceKey other = key(CoseAlgorithm.ES256, "other");
        assertThat(ReceiptVerifier.verify(b.receipt(2), entry, other.publicKey()).reason())
                .contains("is not the anchoring key's");
        SoftwareDeviceKey ed = key(CoseAlgorithm.EDDSA, "ed");
        assertThat(ReceiptVerifier.verify(b.receipt(2), entry, ed.publicKey()).reason())
                .contains("signed with ES256, the anchoring key is EDDSA");

        byte[] badSig = b.receipt(2);
        badSig[badSig.length - 1] ^= 1;
        assertThat(ReceiptVerifier.verify(badSig, entry, key.publicKey()).valid()).isFalse();
        assertThat(ReceiptVerifier.verify(b.receipt(2), entry, key.publicKey()).valid()).isTrue();
    }

    @Test
    void theSignatureIsTheOneOfTheBatchForEveryLeaf() throws Exception {
        SoftwareDeviceKey key = key(CoseAlgorithm.EDDSA, "k");
        Batch b = batch(key, 5, REF);
        for (int i = 0; i < 5; i++) {
            assertThat(ReceiptCodec.parse(b.receipt(i)).signature()).isEqualTo(b.signature());
            assertThat(ReceiptCodec.parse(b.receipt(i)).toBeSigned(b.tree().root()))
                    .isEqualTo(CoseSign1.sigStructure(b.header(), b.tree().root()));
        }
    }
}
