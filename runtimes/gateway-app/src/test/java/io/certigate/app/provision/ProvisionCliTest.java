package io.certigate.app.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.testbed.device.TestDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provisioning commands: {@code ca init/issue} on PKCS#12 and {@code provision --self-test}. */
@Tag("integration")
class ProvisionCliTest {
    @TempDir
    Path dir;



    @Test
    void anOfflineRootCertifiesAnIssuingCaOnceAndIssuingThenWorksWithoutTheRoot() throws Exception {
        Path rootSecret = Files.writeString(dir.resolve("root.pass"), "root secret\n");
        Path issuingSecret = Files.writeString(dir.resolve("issuing.pass"), "issuing secret\n");
        Path rootDir = dir.resolve("root");
        Path ca = dir.resolve("issuing");
        CliRun.Result root = CliRun.run("ca", "init-root", "--dir", rootDir.toString(), "--consortium", "Offline Consortium",
                "--secret", "file:" + rootSecret);
        assertThat(root.exit()).as(root.err()).isZero();
        assertThat(rootDir.resolve("root.pem")).exists();
        assertThat(rootDir.resolve("ca-issuing.p12")).doesNotExist();

        CliRun.Result wrongSecret = CliRun.run("ca", "init-issuing", "--dir", ca.toString(), "--root-dir", rootDir.toString(),
                "--root-secret", "file:" + issuingSecret, "--secret", "file:" + issuingSecret);
        assertThat(wrongSecret.exit()).as("the root key opens only with its own secret").isNotZero();
        CliRun.Result issuing = CliRun.run("ca", "init-issuing", "--dir", ca.toString(), "--root-dir", rootDir.toString(),
                "--root-secret", "file:" + rootSecret, "--secret", "file:" + issuingSecret);
        assertThat(issuing.exit()).as(issuing.err()).isZero();
        assertThat(Files.readString(ca.resolve("root.pem"))).isEqualTo(Files.readString(rootDir.resolve("root.pem")));
        assertThat(ca.resolve("ca-root.p12")).doesNotExist();

        // the root folder goes offline
        try (var files = Files.list(rootDir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(rootDir);
        SoftwareDeviceKey key = Pkcs12KeyStore.create(dir.resolve("device.p12"), CoseAlgorithm.EDDSA, "m-2",
                "d".toCharArray());
        Path csr = Files.write(dir.resolve("m-2.csr"), Csr.build(key, new Csr.Identity("m-2", "S-2", "CG-TIC-1",
                Csr.SubjectKind.METER, "09123456789013")));
        CliRun.Result issue = CliRun.run("ca", "issue", "--dir", ca.toString(), "--secret", "file:" + issuingSecret,
                "--csr", csr.toString(), "--device-id", "m-2", "--serial", "S-2", "--model", "CG-TIC-1",
                "--subject", "meter:09123456789013", "--out", dir.resolve("m-2.pem").toString());
        assertThat(issue.exit()).as(issue.err()).isZero();
        assertThat(Files.readString(dir.resolve("m-2.pem"))).contains("BEGIN CERTIFICATE");
    }

    @Test
    void caInitThenIssueChecksTheIdentity() throws Exception {
        Path secret = Files.writeString(dir.resolve("ca.pass"), "ca secret\n");
        Path ca = dir.resolve("ca");
        CliRun.Result init = CliRun.run("ca", "init", "--dir", ca.toString(), "--consortium", "CLI Consortium", "--secret", "file:" + secret);
        assertThat(init.exit()).as(init.err()).isZero();
        assertThat(ca.resolve("root.pem")).exists();
        assertThat(ca.resolve("ca-issuing.p12")).exists();

        SoftwareDeviceKey key = TestDevice.openOrCreate(dir.resolve("device.p12"), "m-1", CoseAlgorithm.EDDSA).key();
        Path csr = Files.write(dir.resolve("m-1.csr"), Csr.build(key, new Csr.Identity("m-1", "S-1", "CG-TIC-1",
                Csr.SubjectKind.METER, "09123456789012")));
        CliRun.Result issue = CliRun.run("ca", "issue", "--dir", ca.toString(), "--secret", "file:" + secret, "--csr", csr.toString(),
                "--device-id", "m-1", "--serial", "S-1", "--model", "CG-TIC-1", "--subject", "meter:09123456789012",
                "--out", dir.resolve("m-1.pem").toString());
        assertThat(issue.exit()).as(issue.err()).isZero();
        assertThat(Files.readString(dir.resolve("m-1.pem"))).contains("BEGIN CERTIFICATE");

        CliRun.Result mismatch = CliRun.run("ca", "issue", "--dir", ca.toString(), "--secret", "file:" + secret, "--csr", csr.toString(),
                "--device-id", "m-1", "--serial", "S-1", "--model", "CG-TIC-1", "--subject", "meter:00000000000000",
                "--out", dir.resolve("m-1b.pem").toString());
        assertThat(mismatch.exit()).isEqualTo(1);
        assertThat(mismatch.err()).contains("but the device to provision is");
        assertThat(dir.resolve("m-1b.pem")).doesNotExist();
    }

    @Test
    void selfTestRunsTheWholeFlowOnLoopback() {
        CliRun.Result r = CliRun.run("provision", "--self-test", "--work-dir", dir.resolve("self").toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("self-test passed").contains("ok   revoked device cannot anchor")
                .contains("ok   reused PSK refused").doesNotContain("FAIL");
    }
}
