package io.certigate.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.core.model.StoredRecord;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class BatchCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Stand-in COSE items: a tag-18 byte string of the given total size (the codec copies bytes as is). */
    private static StoredRecord.Signed record(long seq, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) 0xd2; // tag 18
        b[1] = 0x59;        // byte string, 2-byte length
        b[2] = (byte) ((size - 4) >> 8);
        b[3] = (byte) (size - 4);
        new SplittableRandom(seq).nextBytes(new byte[0]);
        for (int i = 4; i < size; i++) {
            b[i] = (byte) (seq + i);
        }
        return new StoredRecord.Signed(seq, b);
    }

    @Test
    void encodesADefiniteArrayOfTheRecordBytesUnchanged() throws Exception {
        List<StoredRecord> recs = List.of(record(1, 40), record(2, 41));
        BatchCodec.Split s = new BatchCodec("dev-1", 10, 1000).split(recs);
        assertThat(s.batches()).hasSize(1);
        RecordBatch b = s.batches().get(0);
        assertThat(b.firstSeq()).isEqualTo(1);
        assertThat(b.lastSeq()).isEqualTo(2);
        assertThat(b.payload()[0]).isEqualTo((byte) 0x82); // array(2)
        List<byte[]> items = BatchDecoder.items(b.payload());
        assertThat(items).hasSize(2);
        assertThat(items.get(0)).isEqualTo(((StoredRecord.Signed) recs.get(0)).cose());
        assertThat(items.get(1)).isEqualTo(((StoredRecord.Signed) recs.get(1)).cose());
    }

    @Test
    void cutsByRecordCountAndByPayloadSizeKeepingOrder() throws Exception {
        List<StoredRecord> recs = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            recs.add(record(i, 100 + i));
        }
        BatchCodec.Split byCount = new BatchCodec("d", 7, 1 << 20).split(recs);
        assertThat(byCount.batches()).hasSize(8);
        assertThat(byCount.batches()).allMatch(b -> b.records() <= 7);

        BatchCodec.Split bySize = new BatchCodec("d", 1000, 600).split(recs);
        long next = 1;
        for (RecordBatch b : bySize.batches()) {
            assertThat(b.payload().length).isLessThanOrEqualTo(600);
            assertThat(b.firstSeq()).isEqualTo(next);
            assertThat(BatchDecoder.items(b.payload())).hasSize(b.records());
            next = b.lastSeq() + 1;
        }
        assertThat(next).isEqualTo(51);
        assertThat(bySize.oversized()).isEmpty();
    }

    @Test
    void aRecordLargerThanThePayloadLimitIsReportedNotSent() {
        BatchCodec.Split s = new BatchCodec("d", 10, 200).split(List.of(record(1, 100), record(2, 300), record(3, 100)));
        assertThat(s.oversized()).containsExactly(2L);
        assertThat(s.batches()).extracting(RecordBatch::records).containsExactly(1, 1);
        assertThat(s.batches()).extracting(RecordBatch::firstSeq).containsExactly(1L, 3L);
    }

    @Test
    void arrayHeaderGrowsWithTheCount() {
        assertThat(BatchCodec.arrayHeaderBytes(23)).isEqualTo(1);
        assertThat(BatchCodec.arrayHeaderBytes(24)).isEqualTo(2);
        assertThat(BatchCodec.arrayHeaderBytes(256)).isEqualTo(3);
    }

    @Test
    void anErasedRecordTravelsAsADeterministicTombstoneMap() throws Exception {
        byte[] chain = new byte[32];
        byte[] leaf = new byte[32];
        chain[0] = 1;
        leaf[0] = 2;
        RecordBatch b = new BatchCodec("dev-1", 10, 1000).split(List.of(new StoredRecord.Erased(9, chain, leaf)))
                .batches().get(0);
        byte[] item = BatchDecoder.items(b.payload()).get(0);
        // a4 map(4), 63 "dev" 65 "dev-1", 63 "seq" 09, 64 "leaf" 58 20 ..., 65 "chain" 58 20 ...
        assertThat(HEX.formatHex(item)).startsWith("a463646576656465762d316373657109646c6561665820");
        CborItem.MapItem m = (CborItem.MapItem) CborReader.decode(item); // strict: deterministic
        assertThat(((CborItem.Bytes) m.get("chain")).value()).isEqualTo(chain);
    }

    @Test
    void aRecordLeftOutTravelsAsAHashOnlyMapThatSaysSo() throws Exception {
        byte[] cose = {(byte) 0xd2, (byte) 0x84, 0x40, (byte) 0xa0, 0x41, 0x07, 0x40}; // 18([h'', {}, h'07', h''])
        List<RecordBatch> out = new ArrayList<>();
        BatchCodec.Cutter cutter = new BatchCodec("dev-1", 10, 1000).cutter(out::add, seq -> { });
        cutter.addOmitted(9, cose);
        cutter.flush();
        byte[] item = BatchDecoder.items(out.get(0).payload()).get(0);
        // a5 map(5), 63 "dev" 65 "dev-1", 63 "seq" 09, 64 "leaf" 58 20 <32>, 65 "chain" 58 20 <32>, 67 "omitted" f5 true
        String hex = HEX.formatHex(item);
        assertThat(hex).startsWith("a563646576656465762d316373657109646c6561665820"
                + HEX.formatHex(io.certigate.core.model.RecordHashes.leafHash(cose)) + "65636861696e5820"
                + HEX.formatHex(io.certigate.core.model.RecordHashes.chainHash(cose)));
        assertThat(hex).endsWith("676f6d6974746564f5");
        assertThat(hex).as("the record's bytes are not in it").doesNotContain(HEX.formatHex(cose));
        CborItem.MapItem m = (CborItem.MapItem) CborReader.decode(item); // strict: deterministic
        assertThat(m.get("omitted")).isEqualTo(CborItem.Simple.TRUE);
    }

    @Test
    void aPayloadIsTheArrayHeaderThenTheItemBytesForEveryHeaderSize() throws Exception {
        for (int n : new int[] {1, 23, 24, 255, 256, 300}) {
            List<StoredRecord> recs = new ArrayList<>();
            java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
            // RFC 8949 §3.1: 0x80+n below 24, 0x98 n below 256, 0x99 n(2 bytes) below 65536
            expected.writeBytes(n < 24 ? new byte[] {(byte) (0x80 | n)}
                    : n < 256 ? new byte[] {(byte) 0x98, (byte) n} : new byte[] {(byte) 0x99, (byte) (n >> 8), (byte) n});
            for (int i = 1; i <= n; i++) {
                StoredRecord.Signed r = record(i, 20 + i % 7);
                recs.add(r);
                expected.writeBytes(r.cose());
            }
            RecordBatch b = new BatchCodec("d", 1000, 1 << 20).split(recs).batches().get(0);
            assertThat(b.records()).isEqualTo(n);
            assertThat(b.payload()).as("%d records", n).isEqualTo(expected.toByteArray());
            assertThat(BatchDecoder.items(b.payload())).hasSize(n);
        }
    }

    @Test
    void theCutterKeepsOrderAcrossFlushesAndReportsOversizedRecords() {
        List<RecordBatch> out = new ArrayList<>();
        List<Long> oversized = new ArrayList<>();
        BatchCodec.Cutter cutter = new BatchCodec("d", 3, 250).cutter(out::add, oversized::add);
        for (int i = 1; i <= 4; i++) {
            cutter.add(i, record(i, 60).cose(), null);
        }
        cutter.flush(); // 1..3, then 4 alone
        cutter.add(5, record(5, 400).cose(), null);
        cutter.add(6, null, new byte[64]); // a tombstone
        cutter.flush();
        cutter.flush(); // nothing pending: no empty batch
        assertThat(out).extracting(RecordBatch::firstSeq).containsExactly(1L, 4L, 6L);
        assertThat(out).extracting(RecordBatch::lastSeq).containsExactly(3L, 4L, 6L);
        assertThat(oversized).containsExactly(5L);
    }

    @Test
    void refusesNonsenseLimits() {
        assertThatThrownBy(() -> new BatchCodec("d", 0, 1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchCodec("d", 10, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
