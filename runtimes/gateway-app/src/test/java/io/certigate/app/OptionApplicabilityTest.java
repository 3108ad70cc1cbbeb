package io.certigate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.verifier.proof.ProofBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An option that does not apply to what it is given is refused with exit 2 and a message naming
 * it, never silently ignored: {@code verify}'s proof-only options (its {@code --json} applies to every input), {@code demo
 * --mqtt} with {@code --no-uplink}, {@code collect --tls-ca} for a plain broker, {@code proof
 * export --seq} with a range, {@code provision --self-test} with a real device's options.
 */
@Tag("component")
class OptionApplicabilityTest {
    @TempDir
    Path dir;

    Path export;
    Path bundle;

    @BeforeEach
    void files() throws Exception {
        CliRun.Result demo = CliRun.run("demo", "--duration", "1s", "--scenarios", "none", "--no-ledger", "--no-uplink",
                "--rate", "20", "--dir", dir.resolve("demo").toString());
        assertThat(demo.exit()).as(demo.out() + demo.err()).isZero();
        export = dir.resolve("demo/load/export.json");
        // the verifier tells a proof bundle by its format field, before it reads anything else
        bundle = Files.writeString(dir.resolve("proof.json"), "{\"format\": \"" + ProofBundle.FORMAT + "\", \"records\": []}");
    }

    @Test
    void anExportRefusesLedgerAndTrustOptionsThatCannotBeUsedNamingWhatIsWrong() {
        CliRun.Result rpc = CliRun.run("verify", export.toString(), "--rpc", "http://127.0.0.1:8545/");
        assertThat(rpc.exit()).isEqualTo(2);
        assertThat(rpc.err()).contains("--rpc on an export needs --contract ADDRESS: the anchor contract");
        assertThat(rpc.out()).isEmpty();

        CliRun.Result badRpc = CliRun.run("verify", export.toString(), "--rpc", "ftp://ledger", "--contract", "0x" + "1".repeat(40));
        assertThat(badRpc.exit()).isEqualTo(2);
        assertThat(badRpc.err()).contains("--rpc 'ftp://ledger' is not an http(s) URL");

        CliRun.Result badContract = CliRun.run("verify", export.toString(), "--rpc", "http://127.0.0.1:8545/", "--contract", "0x12");
        assertThat(badContract.exit()).isEqualTo(2);
        assertThat(badContract.err()).contains("--contract '0x12' is not a contract address");

        CliRun.Result range = CliRun.run("verify", export.toString(), "--range", "1..10");
        assertThat(range.exit()).isEqualTo(2);
        assertThat(range.err()).contains("--range limits the completeness check against the ledger");

        CliRun.Result trust = CliRun.run("verify", export.toString(), "--trust-root", "root.pem", "--registry", "0x01");
        assertThat(trust.exit()).isEqualTo(2);
        assertThat(trust.err()).contains("--registry is read on the ledger: give --rpc URL too");

        CliRun.Result root = CliRun.run("verify", export.toString(), "--trust-root", dir.resolve("missing.pem").toString());
        assertThat(root.exit()).isEqualTo(2);
        assertThat(root.err()).contains("--trust-root " + dir.resolve("missing.pem") + ": cannot be read");

        CliRun.Result contract = CliRun.run("verify", export.toString(), "--rpc", "http://127.0.0.1:9/", "--contract",
                "0x" + "1".repeat(40));
        assertThat(contract.exit()).isEqualTo(2);
        assertThat(contract.err()).contains("--rpc http://127.0.0.1:9/: no ledger node answers");

        CliRun.Result json = CliRun.run("verify", export.toString(), "--json");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"ok\" : true").contains("the keys were taken from the file itself");
    }

    @Test
    void withoutATrustInputTheOutputSaysTheKeysAreTheFilesOwn() {
        CliRun.Result r = CliRun.run("verify", export.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("trust:\n  note trust in the device keys: the keys were taken from the file itself")
                .contains("ledger: not consulted").contains("result: OK (2 part(s) not checked");
    }

    @Test
    void jsonAppliesToAProofBundleToo() {
        // this bundle has no records field worth the name: unusable (2), but --json is not what is refused
        CliRun.Result r = CliRun.run("verify", bundle.toString(), "--json");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).doesNotContain("--json").contains(bundle.toString());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aProofOfOneRecordRefusesARange() {
        String buffer = export.getParent().resolve("buffer.db").toString();
        CliRun.Result r = CliRun.run("proof", "export", "--buffer", buffer, "--device", "load-0000", "--seq", "3",
                "--to-seq", "9", "-o", dir.resolve("p.json").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--seq names one record, --from-seq and --to-seq a range: give one or the other");
        assertThat(dir.resolve("p.json")).doesNotExist();
    }

    @Test
    void theDemoRefusesABrokerWithoutAnUplink() {
        CliRun.Result r = CliRun.run("demo", "--mqtt", "tcp://127.0.0.1:1883", "--no-uplink", "--dir", dir.resolve("d2").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--mqtt tcp://127.0.0.1:1883").contains("--no-uplink");
        assertThat(dir.resolve("d2")).doesNotExist();
    }

    @Test
    void theCollectorRefusesABrokerCaForAPlainBroker() throws Exception {
        Path ca = Files.writeString(dir.resolve("broker-ca.pem"), "");
        CliRun.Result r = CliRun.run("collect", "--mqtt", "tcp://127.0.0.1:1", "--tls-ca", ca.toString(), "--db",
                dir.resolve("c.db").toString(), "--duration", "1s");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--tls-ca applies to ssl:// brokers only, not tcp://127.0.0.1:1");
        assertThat(dir.resolve("c.db")).doesNotExist();
    }

    @Test
    void theProvisioningSelfTestRefusesARealDevicesOptionsAndTheWorkDirNeedsIt() {
        CliRun.Result mixed = CliRun.run("provision", "--self-test", "--device", "coaps://127.0.0.1:5684", "--psk-file", "p",
                "--ca-dir", "ca", "--record", "r.json", "--device-id", "d", "--serial", "s", "--model", "m", "--subject",
                "vin:1M8GDM9AXKP042788", "--secret", "env:X", "--rpc", "http://127.0.0.1:8545/", "--chain-id", "1337",
                "--registry", "0x01", "--registrar-key", "k.json", "--registrar-passphrase", "env:Y");
        assertThat(mixed.exit()).isEqualTo(2);
        assertThat(mixed.err()).contains("--self-test runs on loopback and takes none of the options of a real device");

        CliRun.Result workDir = CliRun.run("provision", "--work-dir", dir.resolve("w").toString(), "--device",
                "coaps://127.0.0.1:5684", "--psk-file", "p", "--ca-dir", "ca", "--record", "r.json", "--device-id", "d",
                "--serial", "s", "--model", "m", "--subject", "vin:1M8GDM9AXKP042788", "--secret", "env:X", "--rpc",
                "http://127.0.0.1:8545/", "--chain-id", "1337", "--registry", "0x01", "--registrar-key", "k.json",
                "--registrar-passphrase", "env:Y");
        assertThat(workDir.exit()).isEqualTo(2);
        assertThat(workDir.err()).contains("--work-dir applies to --self-test only");
    }
}
