package io.certigate.anchor.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Wallet;

/** The ledger account key file: its scrypt cost, its mode, and files written with the light parameters. */
@Tag("component")
class LedgerAccountTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char[] PASS = "correct horse".toCharArray();

    @TempDir
    Path dir;

    @Test
    void aNewKeyFileUsesTheStandardScryptCostAndMode0600() throws Exception {
        Path file = dir.resolve("ledger.json");
        LedgerAccount created = LedgerAccount.create(file, PASS);

        JsonNode kdf = JSON.readTree(file.toFile()).path("crypto");
        assertThat(kdf.path("kdf").asText()).isEqualTo("scrypt");
        assertThat(kdf.path("kdfparams").path("n").asInt()).isEqualTo(262_144).isEqualTo(LedgerAccount.SCRYPT_N);
        assertThat(kdf.path("kdfparams").path("p").asInt()).isEqualTo(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(LedgerAccount.open(file, PASS).address()).isEqualTo(created.address());
    }

    @Test
    void aKeyFileWrittenWithTheLightParametersStillOpens() throws Exception {
        Credentials old = Credentials.create(Keys.createEcKeyPair());
        Path file = dir.resolve("old.json");
        Files.write(file, JSON.writeValueAsBytes(Wallet.createLight(new String(PASS), old.getEcKeyPair())));
        assertThat(JSON.readTree(file.toFile()).path("crypto").path("kdfparams").path("n").asInt()).isEqualTo(4096);

        assertThat(LedgerAccount.open(file, PASS).address()).isEqualTo(old.getAddress());
        assertThatThrownBy(() -> LedgerAccount.open(file, "wrong".toCharArray()))
                .isInstanceOf(IOException.class).hasMessageContaining(file.toString());
    }

    @Test
    void theLightCostIsOnlyWhatACallerAsksFor() throws Exception {
        Path file = dir.resolve("dev.json");
        LedgerAccount.create(file, PASS, LedgerAccount.KeyFileCost.LIGHT);
        assertThat(JSON.readTree(file.toFile()).path("crypto").path("kdfparams").path("n").asInt()).isEqualTo(4096);
    }
}
