package io.certigate.app.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate consumer fetch|open}'s refusals that need no fleet: a file that is not a sealed
 * copy, a copy of another purpose, an API address that is not https. The fleet's refusals
 * (revoked, key destroyed) are FieldCasesTest's.
 */
@Tag("unit")
class ConsumerCommandTest {
    @TempDir
    Path dir;

    @Test
    void aFileThatIsNotASealedCopyIsRefusedBeforeTheFleetIsAsked() throws Exception {
        Path export = Files.writeString(dir.resolve("export.json"), "{\"format\":\"certigate-export/1\",\"device\":\"d\"}");
        CliRun.Result r = open(export, "insurance.mileage");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("is not a sealed copy").contains("certigate-sealed-copy/1");
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "not json");
        assertThat(open(garbage, "insurance.mileage").err()).contains("is not a sealed copy");
        assertThat(dir.resolve("out.json")).doesNotExist();
    }

    @Test
    void aCopyServedForAnotherPurposeIsRefused() throws Exception {
        String copy = """
                {"format":"certigate-sealed-copy/1","keyId":"00112233445566778899aabbccddeeff",
                 "consumer":"0xabababababababababababababababababababab","purpose":"insurance.claims",
                 "subjectHash":"0xcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd","device":"d","block":3,
                 "kinds":["vehicle.odometer"],"export":{"format":"certigate-export/1","device":"d","keys":[],"records":[]},
                 "sealed":[]}""";
        CliRun.Result r = open(Files.writeString(dir.resolve("copy.json"), copy), "insurance.mileage");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("purpose insurance.claims, not insurance.mileage");
    }

    @Test
    void anApiAddressThatIsNotHttpsIsRefused() {
        CliRun.Result r = CliRun.run("consumer", "fetch", "--api", "http://fleet:8443", "--key-store",
                dir.resolve("k.p12").toString(), "--passphrase-source", "env:NONE", "--ca", dir.resolve("ca.pem")
                        .toString(), "--subject", "VIN", "--purpose", "insurance.mileage", "--out",
                dir.resolve("copy.json").toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("is not an https:// address");
        assertThat(dir.resolve("copy.json")).doesNotExist();
    }

    private CliRun.Result open(Path copy, String purpose) {
        return CliRun.run("consumer", "open", "--api", "https://localhost:1", "--key-store",
                dir.resolve("k.p12").toString(), "--passphrase-source", "env:NONE", "--ca", dir.resolve("ca.pem")
                        .toString(), "--subject", "VIN", "--purpose", purpose, "--copy", copy.toString(), "--out",
                dir.resolve("out.json").toString());
    }
}
