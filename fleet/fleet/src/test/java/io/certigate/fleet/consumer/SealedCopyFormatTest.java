package io.certigate.fleet.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certigate.core.model.RecordHashes;
import io.certigate.fleet.store.StoreKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sealed copy's format on its own: sealing and opening, the associated data that binds a
 * ciphertext to its key id, device, seq and leaf hash, the check of decrypted bytes against the
 * export's hashes, and the refusal of malformed copies.
 */
@Tag("unit")
class SealedCopyFormatTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    static final String KEY_ID = "00112233445566778899aabbccddeeff";
    static final byte[] RECORD_1 = "signed record one".getBytes(StandardCharsets.UTF_8);
    static final byte[] RECORD_2 = "signed record two".getBytes(StandardCharsets.UTF_8);

    final SecretKey key = StoreKeys.newDataKey();

    @Test
    void aCopyOpensWithItsKeyIntoTheRecordsInFull() throws Exception {
        SealedCopy.Copy copy = parse(document(List.of(SealedCopy.seal(key, KEY_ID, "dev-1", 2, leaf(RECORD_2),
                RECORD_2))));
        ObjectNode export = SealedCopy.open(copy, key);
        assertThat(export.path("records").get(0).has("cose")).as("seq 1 was not sealed").isFalse();
        assertThat(export.path("records").get(1).path("cose").asText()).isEqualTo(B64.encodeToString(RECORD_2));
        assertThat(copy.export().path("records").get(1).has("cose")).as("the copy itself unchanged").isFalse();
        assertThat(copy.header().subjectHash()).hasSize(32);
    }

    @Test
    void anotherKeyAChangedByteOrACiphertextMovedToAnotherRecordDoesNotOpen() throws Exception {
        SealedCopy.Sealed s = SealedCopy.seal(key, KEY_ID, "dev-1", 2, leaf(RECORD_2), RECORD_2);
        assertThatThrownBy(() -> SealedCopy.open(parse(document(List.of(s))), StoreKeys.newDataKey()))
                .isInstanceOf(AEADBadTagException.class);
        byte[] flipped = s.ciphertext().clone();
        flipped[3] ^= 1;
        assertThatThrownBy(() -> SealedCopy.open(parse(document(List.of(new SealedCopy.Sealed(2, s.leafHash(),
                s.nonce(), flipped)))), key)).isInstanceOf(AEADBadTagException.class);
        // sealed for seq 2 under another key id: the associated data differs
        SealedCopy.Sealed otherKey = SealedCopy.seal(key, "ffeeddccbbaa99887766554433221100", "dev-1", 2,
                leaf(RECORD_2), RECORD_2);
        assertThatThrownBy(() -> SealedCopy.open(parse(document(List.of(otherKey))), key))
                .isInstanceOf(AEADBadTagException.class);
        // another device's record with the same seq and bytes
        SealedCopy.Sealed otherDevice = SealedCopy.seal(key, KEY_ID, "dev-2", 2, leaf(RECORD_2), RECORD_2);
        assertThatThrownBy(() -> SealedCopy.open(parse(document(List.of(otherDevice))), key))
                .isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void decryptedBytesThatDoNotHashToTheExportsLeafAreRefused() throws Exception {
        // sealed with the right leaf hash in the associated data, but other bytes inside
        SealedCopy.Sealed wrong = SealedCopy.seal(key, KEY_ID, "dev-1", 2, leaf(RECORD_2), RECORD_1);
        assertThatThrownBy(() -> SealedCopy.open(parse(document(List.of(wrong))), key))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seq 2");
        SealedCopy.Sealed noEntry = SealedCopy.seal(key, KEY_ID, "dev-1", 9, leaf(RECORD_2), RECORD_2);
        assertThatThrownBy(() -> SealedCopy.open(parse(document(List.of(noEntry))), key))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seq 9");
    }

    @Test
    void malformedCopiesAreRefusedNamingWhatIsWrong() throws Exception {
        ObjectNode good = document(List.of(SealedCopy.seal(key, KEY_ID, "dev-1", 2, leaf(RECORD_2), RECORD_2)));
        assertThatThrownBy(() -> parse(JSON.createObjectNode().put("format", "certigate-export/1")))
                .hasMessageContaining("not a sealed copy");
        ObjectNode noKey = good.deepCopy();
        noKey.remove("keyId");
        assertThatThrownBy(() -> parse(noKey)).hasMessageContaining("keyId");
        ObjectNode plain = good.deepCopy();
        ((ObjectNode) plain.path("export").path("records").get(0)).put("cose", B64.encodeToString(RECORD_1));
        assertThatThrownBy(() -> parse(plain)).hasMessageContaining("in full");
        ObjectNode otherDevice = good.deepCopy();
        otherDevice.put("device", "dev-9");
        assertThatThrownBy(() -> parse(otherDevice)).hasMessageContaining("dev-9");
        ObjectNode badNonce = good.deepCopy();
        ((ObjectNode) badNonce.path("sealed").get(0)).put("nonce", "AAAA");
        assertThatThrownBy(() -> parse(badNonce)).hasMessageContaining("sealed[0]");
        assertThatThrownBy(() -> SealedCopy.document(new SealedCopy.Header(KEY_ID, "0x", "p", new byte[32], "dev-1",
                1, List.of()), plain.path("export"), List.of())).hasMessageContaining("in full");
    }

    /** A copy of device dev-1's two records, both hash-only in the export. */
    static ObjectNode document(List<SealedCopy.Sealed> sealed) {
        ObjectNode export = JSON.createObjectNode();
        export.put("format", "certigate-export/1");
        export.put("device", "dev-1");
        export.putArray("keys");
        ArrayNode records = export.putArray("records");
        long seq = 0;
        for (byte[] r : List.of(RECORD_1, RECORD_2)) {
            ObjectNode o = records.addObject();
            o.put("seq", ++seq);
            o.put("omitted", true);
            o.put("chainHash", B64.encodeToString(RecordHashes.chainHash(r)));
            o.put("leafHash", B64.encodeToString(leaf(r)));
        }
        return SealedCopy.document(new SealedCopy.Header(KEY_ID, "0x" + "ab".repeat(20), "insurance.mileage",
                HexFormat.of().parseHex("cd".repeat(32)), "dev-1", 7, List.of("vehicle.odometer")), export, sealed);
    }

    static SealedCopy.Copy parse(JsonNode doc) throws Exception {
        return SealedCopy.parse(JSON.readTree(JSON.writeValueAsBytes(doc)), "copy.json");
    }

    static byte[] leaf(byte[] cose) {
        return RecordHashes.leafHash(cose);
    }
}
