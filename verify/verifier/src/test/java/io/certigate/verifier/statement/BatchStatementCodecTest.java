package io.certigate.verifier.statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.cbor.CborWriter;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.verifier.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch statements: the payload's exact bytes, strict reading (truncated, an unknown or missing
 * key, a wrong size, a reading's payload), and chains of statements checked with their breaks
 * named (a dropped, reordered, forged or foreign statement, a gap, an overlap, a first statement
 * whose previous hash is not zero).
 */
@Tag("unit")
class BatchStatementCodecTest {
    @TempDir
    Path dir;
    SoftwareDeviceKey key;

    @BeforeEach
    void key() throws Exception {
        key = Pkcs12KeyStore.create(dir.resolve("k.p12"), CoseAlgorithm.EDDSA, "gw-7", "pw".toCharArray());
    }

    static byte[] root(int b) {
        byte[] r = new byte[32];
        Arrays.fill(r, (byte) b);
        return r;
    }

    /** Statements of batches 1..10, 11..25, 26..26, ... chained from the first. */
    List<byte[]> chain(int n) throws Exception {
        List<byte[]> out = new ArrayList<>();
        long first = 1;
        byte[] prev = BatchStatement.firstPrev();
        for (int i = 0; i < n; i++) {
            long last = first + (i % 3 == 0 ? 9 : i % 3 == 1 ? 14 : 0);
            byte[] cose = CoseSign1.sign(key, BatchStatementCodec.payload(
                    new BatchStatement("gw-7", first, last, last - first + 1, root(i + 1), prev)));
            out.add(cose);
            prev = BatchStatementCodec.hash(cose);
            first = last + 1;
        }
        return out;
    }

    @Test
    void payloadIsDeterministicCborWithTextKeys() throws Exception {
        BatchStatement s = new BatchStatement("gw-7", 11, 25, 15, root(0xaa), root(0));
        assertThat(HexFormat.of().formatHex(BatchStatementCodec.payload(s))).isEqualTo("a6" // map of 6, keys by length then bytes
                + "63646576" + "64" + "67772d37"                 // "dev": "gw-7"
                + "646c617374" + "1819"                          // "last": 25
                + "6470726576" + "5820" + "00".repeat(32)        // "prev": 32 zero bytes (first statement)
                + "64726f6f74" + "5820" + "aa".repeat(32)        // "root": 32 bytes
                + "6473697a65" + "0f"                            // "size": 15
                + "656669727374" + "0b");                        // "first": 11
        assertThat(BatchStatementCodec.decodePayload(BatchStatementCodec.payload(s))).isEqualTo(s);
        byte[] cose = CoseSign1.sign(key, BatchStatementCodec.payload(s));
        assertThat(BatchStatementCodec.read(cose, key.publicKey())).isEqualTo(s);
    }

    @Test
    void badPayloadsAreRefusedByName() throws Exception {
        byte[] good = BatchStatementCodec.payload(new BatchStatement("gw-7", 11, 25, 15, root(1), root(0)));
        assertThatThrownBy(() -> BatchStatementCodec.decodePayload(Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(StatementFormatException.class).hasMessageContaining("not deterministic CBOR");
        byte[] wrongSize = new CborWriter().mapHeader(6).text("dev").text("gw-7").text("last").integer(25)
                .text("prev").bytes(root(0)).text("root").bytes(root(1)).text("size").integer(14)
                .text("first").integer(11).toByteArray();
        assertThatThrownBy(() -> BatchStatementCodec.decodePayload(wrongSize))
                .hasMessageContaining("tree size 14 is not the 15 records of seq 11..25");
        byte[] shortRoot = new CborWriter().mapHeader(6).text("dev").text("gw-7").text("last").integer(25)
                .text("prev").bytes(root(0)).text("root").bytes(new byte[31]).text("size").integer(15)
                .text("first").integer(11).toByteArray();
        assertThatThrownBy(() -> BatchStatementCodec.decodePayload(shortRoot)).hasMessageContaining("'root' is not 32 bytes");
        byte[] missing = new CborWriter().mapHeader(5).text("dev").text("gw-7").text("last").integer(25)
                .text("prev").bytes(root(0)).text("root").bytes(root(1)).text("size").integer(15).toByteArray();
        assertThatThrownBy(() -> BatchStatementCodec.decodePayload(missing)).hasMessageContaining("no unsigned 'first'");
        byte[] extra = new CborWriter().mapHeader(2).text("dev").text("gw-7").text("seq").integer(1).toByteArray();
        assertThatThrownBy(() -> BatchStatementCodec.decodePayload(extra)).hasMessageContaining("unknown key");
    }

    @Test
    void aStatementIsNotAReadingNorAReadingAStatement() throws Exception {
        byte[] statement = BatchStatementCodec.payload(new BatchStatement("gw-7", 1, 3, 3, root(1), root(0)));
        assertThatThrownBy(() -> ReadingCodec.decode(statement)).isInstanceOf(RecordFormatException.class);
        byte[] otherKeyStatement = CoseSign1.sign(key, statement);
        SoftwareDeviceKey other = Pkcs12KeyStore.create(dir.resolve("o.p12"), CoseAlgorithm.EDDSA, "o", "pw".toCharArray());
        assertThatThrownBy(() -> BatchStatementCodec.read(otherKeyStatement, other.publicKey()))
                .hasMessageContaining("statement signature");
        byte[] reading = new CborWriter().mapHeader(2).text("dev").text("gw-7").text("kind").text("vehicle.vin").toByteArray();
        assertThatThrownBy(() -> BatchStatementCodec.decodePayload(reading)).hasMessageContaining("unknown key \"kind\"")
                .isInstanceOf(StatementFormatException.class);
    }

    @Test
    void anIntactChainVerifies() throws Exception {
        List<byte[]> c = chain(6);
        Verdict v = StatementChainVerifier.verify("gw-7", c, key.publicKey());
        assertThat(v.valid()).as(v.checks().toString()).isTrue();
        assertThat(v.checks()).hasSize(6);
        // continued from the third statement
        BatchStatement third = BatchStatementCodec.read(c.get(2), key.publicKey());
        Verdict tail = StatementChainVerifier.verify("gw-7", c.subList(3, 6), key.publicKey(),
                BatchStatementCodec.hash(c.get(2)), third.lastSeq());
        assertThat(tail.valid()).isTrue();
    }

    @Test
    void breaksAreNamed() throws Exception {
        List<byte[]> c = chain(5);
        List<byte[]> dropped = new ArrayList<>(c);
        dropped.remove(2);
        assertThat(failure(dropped, 2)).contains("is not the hash of the statement before it").contains("dropped");

        List<byte[]> swapped = new ArrayList<>(c);
        swapped.set(1, c.get(2));
        swapped.set(2, c.get(1));
        assertThat(failure(swapped, 1)).contains("a statement dropped, reordered or replaced");

        List<byte[]> forged = new ArrayList<>(c);
        byte[] f = c.get(3).clone();
        f[f.length - 1] ^= 1;
        forged.set(3, f);
        assertThat(failure(forged, 3)).contains("statement signature").contains("does not verify");

        assertThat(failure(c.subList(1, 5), 0)).contains("is not the first statement's 32 zero bytes");

        // a gap in the seqs, chained correctly: the device skipped records 11..25
        byte[] first = c.get(0);
        byte[] skipping = CoseSign1.sign(key, BatchStatementCodec.payload(
                new BatchStatement("gw-7", 26, 30, 5, root(9), BatchStatementCodec.hash(first))));
        assertThat(failure(List.of(first, skipping), 1)).contains("starts at seq 26 but the statement before it ended at 10")
                .contains("records 11..25 in no statement");
        byte[] overlapping = CoseSign1.sign(key, BatchStatementCodec.payload(
                new BatchStatement("gw-7", 5, 30, 26, root(9), BatchStatementCodec.hash(first))));
        assertThat(failure(List.of(first, overlapping), 1)).contains("overlapping ranges");

        assertThat(StatementChainVerifier.verify("gw-8", c, key.publicKey()).checks().get(0).detail())
                .contains("names device gw-7, not gw-8");
        assertThat(StatementChainVerifier.verify("gw-7", List.of(), key.publicKey()).valid()).isFalse();
    }

    private String failure(List<byte[]> chain, int index) {
        Verdict v = StatementChainVerifier.verify("gw-7", chain, key.publicKey());
        assertThat(v.valid()).isFalse();
        assertThat(v.checks().get(index).ok()).as(v.checks().toString()).isFalse();
        return v.checks().get(index).detail();
    }
}
