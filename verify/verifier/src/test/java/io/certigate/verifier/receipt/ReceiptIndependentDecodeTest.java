package io.certigate.verifier.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import co.nstant.in.cbor.CborBuilder;
import co.nstant.in.cbor.CborDecoder;
import co.nstant.in.cbor.CborEncoder;
import co.nstant.in.cbor.model.Array;
import co.nstant.in.cbor.model.ByteString;
import co.nstant.in.cbor.model.DataItem;
import co.nstant.in.cbor.model.Map;
import co.nstant.in.cbor.model.NegativeInteger;
import co.nstant.in.cbor.model.SimpleValue;
import co.nstant.in.cbor.model.UnsignedInteger;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A receipt read with a CBOR decoder that is not the project's (co.nstant.in:cbor), field by field
 * against RFC 9942 (§5.2.1 protected header alg and vds = 1, §2 and §4.2 vdp 396 holding inclusion
 * proofs under -1, §5.2 each a bstr-wrapped [tree-size, leaf-index, [+ bstr]], the payload nil),
 * the root recomputed here with RFC 9162 §2.1.3.2 written out again, the Sig_structure of RFC 9052
 * §4.4 rebuilt with that library's encoder, and the signature checked with Bouncy Castle's
 * low-level signers directly.
 */
@Tag("unit")
class ReceiptIndependentDecodeTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void everyFieldMatchesRfc9942AndTheSignatureVerifies(CoseAlgorithm alg) throws Exception {
        SoftwareDeviceKey key = Pkcs12KeyStore.create(dir.resolve("k.p12"), alg, "gw", "pw".toCharArray());
        int n = 11;
        ReceiptCodecTest.Batch b = ReceiptCodecTest.batch(key, n, ReceiptCodecTest.REF);
        for (int i = 0; i < n; i++) {
            checkReceipt(b.receipt(i), b.entries().get(i), i, n, key, b.tree().root());
        }
    }

    private static void checkReceipt(byte[] receipt, byte[] entry, int index, int size, SoftwareDeviceKey key,
            byte[] expectedRoot) throws Exception {
        CoseAlgorithm alg = key.algorithm();
        List<DataItem> items = CborDecoder.decode(receipt);
        assertThat(items).hasSize(1);
        DataItem top = items.get(0);
        assertThat(top.hasTag()).isTrue();
        assertThat(top.getTag().getValue()).as("COSE_Sign1 tag").isEqualTo(18);
        List<DataItem> sign1 = ((Array) top).getDataItems();
        assertThat(sign1).hasSize(4);

        // protected header: bstr .cbor {1: alg, 4: kid, 395: 1, -65537: ledger reference}
        byte[] protectedBytes = ((ByteString) sign1.get(0)).getBytes();
        Map prot = (Map) CborDecoder.decode(protectedBytes).get(0);
        assertThat(prot.getKeys()).hasSize(4);
        assertThat(((co.nstant.in.cbor.model.Number) prot.get(new UnsignedInteger(1))).getValue())
                .isEqualTo(BigInteger.valueOf(alg == CoseAlgorithm.EDDSA ? -8 : -7));
        assertThat(((ByteString) prot.get(new UnsignedInteger(4))).getBytes()).isEqualTo(key.keyId());
        DataItem vds = prot.get(new UnsignedInteger(395));
        assertThat(vds).isInstanceOf(UnsignedInteger.class);
        assertThat(((UnsignedInteger) vds).getValue()).as("vds RFC9162_SHA256").isEqualTo(BigInteger.ONE);
        Map ledger = (Map) prot.get(new NegativeInteger(-65537));
        assertThat(((UnsignedInteger) ledger.get(new UnsignedInteger(1))).getValue()).isEqualTo(BigInteger.valueOf(1337));
        assertThat(((ByteString) ledger.get(new UnsignedInteger(2))).getBytes()).hasSize(20);
        assertThat(((ByteString) ledger.get(new UnsignedInteger(3))).getBytes()).hasSize(32);
        assertThat(((UnsignedInteger) ledger.get(new UnsignedInteger(4))).getValue()).isEqualTo(BigInteger.valueOf(42));

        // unprotected header: {396: {-1: [bstr .cbor [tree-size, leaf-index, [+ bstr]]]}}
        Map unprotected = (Map) sign1.get(1);
        assertThat(unprotected.getKeys()).containsExactly(new UnsignedInteger(396));
        Map vdp = (Map) unprotected.get(new UnsignedInteger(396));
        assertThat(vdp.getKeys()).containsExactly(new NegativeInteger(-1));
        List<DataItem> proofs = ((Array) vdp.get(new NegativeInteger(-1))).getDataItems();
        assertThat(proofs).hasSize(1);
        assertThat(proofs.get(0)).isInstanceOf(ByteString.class);
        List<DataItem> proof = ((Array) CborDecoder.decode(((ByteString) proofs.get(0)).getBytes()).get(0)).getDataItems();
        assertThat(proof).hasSize(3);
        assertThat(((UnsignedInteger) proof.get(0)).getValue()).as("tree-size").isEqualTo(BigInteger.valueOf(size));
        assertThat(((UnsignedInteger) proof.get(1)).getValue()).as("leaf-index").isEqualTo(BigInteger.valueOf(index));
        List<byte[]> path = new ArrayList<>();
        for (DataItem h : ((Array) proof.get(2)).getDataItems()) {
            path.add(((ByteString) h).getBytes());
        }

        // payload: nil, the root detached
        assertThat(sign1.get(2)).isEqualTo(SimpleValue.NULL);
        byte[] signature = ((ByteString) sign1.get(3)).getBytes();
        assertThat(signature).hasSize(64);

        byte[] root = rootOf(entry, index, size, path);
        assertThat(root).isEqualTo(expectedRoot);

        ByteArrayOutputStream tbs = new ByteArrayOutputStream();
        new CborEncoder(tbs).encode(new CborBuilder().addArray()
                .add("Signature1").add(protectedBytes).add(new byte[0]).add(root).end().build());
        assertThat(verify(alg, key, tbs.toByteArray(), signature)).as("signature over the rebuilt Sig_structure").isTrue();
        byte[] otherRoot = root.clone();
        otherRoot[0] ^= 1;
        ByteArrayOutputStream wrong = new ByteArrayOutputStream();
        new CborEncoder(wrong).encode(new CborBuilder().addArray()
                .add("Signature1").add(protectedBytes).add(new byte[0]).add(otherRoot).end().build());
        assertThat(verify(alg, key, wrong.toByteArray(), signature)).isFalse();
    }

    /** RFC 9162 §2.1.3.2, written out here independently of io.certigate.verifier.merkle. */
    private static byte[] rootOf(byte[] entry, long index, long size, List<byte[]> path) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((byte) 0);
        byte[] r = sha.digest(entry);
        long fn = index;
        long sn = size - 1;
        for (byte[] p : path) {
            assertThat(sn).isNotZero();
            sha.update((byte) 1);
            if ((fn & 1) == 1 || fn == sn) {
                sha.update(p);
                sha.update(r);
                r = sha.digest();
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sha.update(r);
                sha.update(p);
                r = sha.digest();
            }
            fn >>= 1;
            sn >>= 1;
        }
        assertThat(sn).isZero();
        return r;
    }

    private static boolean verify(CoseAlgorithm alg, SoftwareDeviceKey key, byte[] tbs, byte[] signature)
            throws Exception {
        AsymmetricKeyParameter pub = PublicKeyFactory.createKey(key.publicKey().getEncoded());
        Signer s = alg == CoseAlgorithm.EDDSA ? new Ed25519Signer()
                : new DSADigestSigner(new ECDSASigner(), new SHA256Digest(), PlainDSAEncoding.INSTANCE);
        if (alg == CoseAlgorithm.ES256) {
            assertThat(pub).isInstanceOf(ECPublicKeyParameters.class);
        }
        s.init(false, pub);
        s.update(tbs, 0, tbs.length);
        return s.verifySignature(signature);
    }
}
