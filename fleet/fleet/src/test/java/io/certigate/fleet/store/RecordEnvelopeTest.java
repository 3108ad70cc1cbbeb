package io.certigate.fleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The envelope payloads are stored in, and the master key's wrapping of data keys. */
@Tag("unit")
class RecordEnvelopeTest {
    private static final byte[] COSE = "a COSE_Sign1 stand-in with the reading inside".getBytes(StandardCharsets.UTF_8);

    @Test
    void opensWithItsKeyAndItsDeviceAndSeqOnly() throws Exception {
        SecretKey key = StoreKeys.newDataKey();
        byte[] sealed = RecordEnvelope.seal(key, "gw-1", 7, "VIN\0A", COSE);
        assertThat(RecordEnvelope.open(key, "gw-1", 7, sealed))
                .satisfies(o -> {
                    assertThat(o.subject()).isEqualTo("VIN\0A");
                    assertThat(o.cose()).isEqualTo(COSE);
                });
        assertThat(RecordEnvelope.open(key, "gw-1", 7, RecordEnvelope.seal(key, "gw-1", 7, null, COSE)).subject())
                .isNull();
        // the payload is not in the envelope in clear, and each envelope has its own nonce
        assertThat(HexFormat.of().formatHex(sealed)).doesNotContain(HexFormat.of().formatHex(COSE, 0, 12));
        assertThat(RecordEnvelope.seal(key, "gw-1", 7, "VIN\0A", COSE)).isNotEqualTo(sealed);

        assertThatThrownBy(() -> RecordEnvelope.open(StoreKeys.newDataKey(), "gw-1", 7, sealed))
                .as("another key").isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> RecordEnvelope.open(key, "gw-1", 8, sealed))
                .as("another seq").isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> RecordEnvelope.open(key, "gw-2", 7, sealed))
                .as("another device").isInstanceOf(AEADBadTagException.class);
        for (int i : new int[] {1, 13, sealed.length / 2, sealed.length - 1}) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> RecordEnvelope.open(key, "gw-1", 7, tampered))
                    .as("byte %d changed", i).isInstanceOf(AEADBadTagException.class);
        }
        byte[] otherVersion = sealed.clone();
        otherVersion[0] = 2;
        assertThatThrownBy(() -> RecordEnvelope.open(key, "gw-1", 7, otherVersion))
                .hasMessageContaining("not a record envelope");
        assertThatThrownBy(() -> RecordEnvelope.open(key, "gw-1", 7, new byte[10]))
                .hasMessageContaining("not a record envelope");
    }

    @Test
    void aDataKeyUnwrapsUnderItsMasterKeyAndOwnerOnly() {
        StoreKeys keys = StoreKeys.of(new byte[32]);
        StoreKeys other = StoreKeys.of(filled(1));
        byte[] owner = keys.subjectTag("VIN-A");
        SecretKey data = StoreKeys.newDataKey();
        byte[] wrapped = keys.wrap(owner, data);
        assertThat(keys.dataKey(1, owner, wrapped).getEncoded()).isEqualTo(data.getEncoded());
        assertThatThrownBy(() -> other.dataKey(1, owner, wrapped))
                .hasMessageContaining("does not unwrap with this master key (fleet.store.master-key-source)");
        assertThatThrownBy(() -> keys.dataKey(2, keys.subjectTag("VIN-B"), wrapped))
                .as("wrapped for another owner").hasMessageContaining("does not unwrap");
        // owner tags: keyed (another master key, other tags), a subject's never a device's of the same name
        assertThat(keys.subjectTag("VIN-A")).isEqualTo(owner).isNotEqualTo(other.subjectTag("VIN-A"))
                .isNotEqualTo(keys.deviceTag("VIN-A")).hasSize(32);
        assertThat(keys.matches(keys.checkValue())).isTrue();
        assertThat(other.matches(keys.checkValue())).isFalse();
    }

    @Test
    void theMasterKeyIsReadFromItsSourceWithClearErrors(@TempDir Path dir) throws Exception {
        Path hex = Files.writeString(dir.resolve("hex.key"), StoreKeys.newMasterKeyHex() + "\n");
        Path b64 = Files.writeString(dir.resolve("b64.key"),
                java.util.Base64.getEncoder().encodeToString(filled(7)));
        Path shortKey = Files.writeString(dir.resolve("short.key"), "00112233");
        String key = "fleet.store.master-key-source";
        assertThat(StoreKeys.fromSource(key, "file:" + hex)).isNotNull();
        assertThat(StoreKeys.fromSource(key, "file:" + b64).subjectTag("S"))
                .isEqualTo(StoreKeys.of(filled(7)).subjectTag("S"));
        assertThatThrownBy(() -> StoreKeys.fromSource(key, ""))
                .hasMessageStartingWith("fleet.store.master-key-source is not set");
        assertThatThrownBy(() -> StoreKeys.fromSource(key, "file:" + dir.resolve("absent.key")))
                .hasMessageStartingWith("fleet.store.master-key-source: ");
        assertThatThrownBy(() -> StoreKeys.fromSource(key, "file:" + shortKey))
                .hasMessageContaining("must be 32 bytes written as 64 hex digits or base64")
                .hasMessageNotContaining("00112233".repeat(1) + "\n");
        assertThat(StoreKeys.of(new byte[32]).toString()).doesNotContain("00");
    }

    private static byte[] filled(int b) {
        byte[] out = new byte[32];
        java.util.Arrays.fill(out, (byte) b);
        return out;
    }
}
