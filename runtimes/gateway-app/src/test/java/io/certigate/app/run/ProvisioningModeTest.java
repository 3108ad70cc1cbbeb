package io.certigate.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.app.CertigateCli;
import io.certigate.provisioning.device.KeyBackend;
import io.certigate.provisioning.enrol.ProvisioningState;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provisioning mode's keys, when it applies, and a gateway stopped while it waits. */
@Tag("component")
class ProvisioningModeTest {
    @TempDir
    Path dir;

    private RunConfig config(String extra) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(String.join("\n", "device.id = gw-p", "key.store = " + dir.resolve("device.p12"),
                "key.passphrase = file:" + dir.resolve("pass"), "buffer.file = " + dir.resolve("buffer.db"), extra)));
        return RunConfig.parse(p, "p.conf");
    }

    private static final String AUTO = String.join("\n", "provisioning.mode = auto", "provisioning.serial = SN-P",
            "provisioning.model = CG-P", "provisioning.subject = meter:0911", "provisioning.ledger-passphrase = env:NONE",
            "provisioning.trust-root = ROOT", "");

    @Test
    void badKeysAreNamed() throws Exception {
        assertThatThrownBy(() -> ProvisioningMode.parse(config("provisioning.mode = sometimes\n"), "p.conf"))
                .hasMessageContaining("provisioning.mode = 'sometimes' is not auto or off");
        assertThatThrownBy(() -> ProvisioningMode.parse(config("provisioning.mode = auto\n"), "p.conf"))
                .hasMessageContaining("provisioning.serial is required");
        assertThatThrownBy(() -> ProvisioningMode.parse(config(AUTO + "provisioning.subject = plate-42\n"), "p.conf"))
                .hasMessageContaining("provisioning.subject must be vin:<VIN>, meter:<id> or site:<id>");
        assertThatThrownBy(() -> ProvisioningMode.parse(config(AUTO + "provisioning.listen = localhost\n"), "p.conf"))
                .hasMessageContaining("provisioning.listen = 'localhost' is not host:port");
        assertThatThrownBy(() -> ProvisioningMode.parse(config(AUTO + "provisioning.algorithm = rsa\n"), "p.conf"))
                .hasMessageContaining("rsa");
        assertThatThrownBy(() -> ProvisioningMode.parse(config(AUTO + "provisioning.state-dir = " + dir
                + "\nanchor.ledger = " + dir.resolve("ledger.properties") + "\n"), "p.conf"))
                .hasMessageContaining("anchor.ledger").hasMessageContaining("name another file");
        Properties typo = new Properties();
        typo.setProperty("device.id", "gw");
        typo.setProperty("provisioning-mode", "auto");
        assertThatThrownBy(() -> RunConfig.parse(typo, "p.conf")).hasMessage("p.conf: unknown key provisioning-mode (did you mean 'provisioning.mode'?)");
        assertThatThrownBy(() -> ProvisioningMode.parse(config(AUTO.replace("provisioning.trust-root = ROOT\n", "")), "p.conf"))
                .hasMessageContaining("provisioning.trust-root is required");
        ProvisioningMode.parse(config(AUTO), "p.conf"); // complete: accepted
    }

    @Test
    void autoAppliesToADeviceWithoutAnIssuedChainOrWithTheMarkerLeft() throws Exception {
        KeyBackend keys = new KeyBackend.Pkcs12(dir.resolve("device.p12"), "pass".toCharArray());
        ProvisioningState state = new ProvisioningState(dir.resolve("state"));
        assertThat(ProvisioningMode.needed(keys, state)).as("no key").isTrue();
        Pkcs12KeyStore.create(dir.resolve("device.p12"), CoseAlgorithm.EDDSA, "gw-p", "pass".toCharArray());
        assertThat(ProvisioningMode.needed(keys, state)).as("self-signed certificate only").isTrue();
        var ca = io.certigate.provisioning.ca.ConsortiumCa.init(
                new KeyBackend.Pkcs12(dir.resolve("root.p12"), "pass".toCharArray()).generate(CoseAlgorithm.ES256, "root"),
                new KeyBackend.Pkcs12(dir.resolve("iss.p12"), "pass".toCharArray()).generate(CoseAlgorithm.ES256, "iss"),
                "Mode Fleet", java.time.Clock.systemUTC(), java.time.Duration.ofDays(30), java.time.Duration.ofDays(20));
        var issuing = new io.certigate.provisioning.ca.ConsortiumCa(new KeyBackend.Pkcs12(dir.resolve("iss.p12"),
                "pass".toCharArray()).installChain(ca.issuingChain()), java.time.Clock.systemUTC());
        var id = new io.certigate.signing.Csr.Identity("gw-p", "SN-P", "CG-P", io.certigate.signing.Csr.SubjectKind.METER, "0911");
        keys.installChain(issuing.issue(io.certigate.signing.Csr.build(keys.open(), id), id, java.time.Duration.ofDays(10)));
        assertThat(ProvisioningMode.needed(keys, state)).as("issued chain installed").isFalse();
        state.enter();
        assertThat(ProvisioningMode.needed(keys, state)).as("marker of an unfinished enrolment").isTrue();
    }

    /** A consortium root certificate in PEM, as the device is given at manufacture. */
    private Path writeRoot() throws Exception {
        var h = io.certigate.provisioning.ca.ConsortiumCa.init(
                new KeyBackend.Pkcs12(dir.resolve("root.p12"), "pass".toCharArray()).generate(CoseAlgorithm.ES256, "root"),
                new KeyBackend.Pkcs12(dir.resolve("iss.p12"), "pass".toCharArray()).generate(CoseAlgorithm.ES256, "iss"),
                "Mode Fleet", java.time.Clock.systemUTC(), java.time.Duration.ofDays(30), java.time.Duration.ofDays(20));
        String pem = "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(h.root().getEncoded()) + "\n-----END CERTIFICATE-----\n";
        return Files.writeString(dir.resolve("root.pem"), pem);
    }

    @Test
    void aGatewayStoppedWhileWaitingToBeProvisionedExitsCleanly() throws Exception {
        Files.writeString(dir.resolve("pass"), "mode pass\n");
        Path config = Files.writeString(dir.resolve("p.conf"), String.join("\n", "device.id = gw-p",
                "key.store = " + dir.resolve("device.p12"), "key.passphrase = file:" + dir.resolve("pass"),
                "buffer.file = " + dir.resolve("buffer.db"), AUTO.replace("env:NONE", "file:" + dir.resolve("pass"))
                        .replace("ROOT", writeRoot().toString()),
                "provisioning.listen = 127.0.0.1:0", ""));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), CertigateCli.class.getName(), "run", "--config", config.toString())
                .redirectErrorStream(true).start();
        var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String l = out.readLine(); l != null && !l.contains("PSK label in"); l = out.readLine()) {
            seen.append(l).append('\n');
        }
        // standard output is a pipe here, as under systemd (the journal): the PSK stays in its 0600 file
        assertThat(seen).contains("provisioning mode: device gw-p waits on coaps://127.0.0.1:").doesNotContain("psk=");
        String label = Files.readString(dir.resolve("provisioning-psk.txt"));
        assertThat(seen.toString()).doesNotContain(label.lines().filter(l -> l.startsWith("psk=")).findFirst().orElseThrow()
                .substring(4));
        assertThat(dir.resolve("provisioning-psk.txt")).exists(); // state-dir defaults to the buffer's directory
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(rest).isEqualTo(0); // a requested stop (StopSignal)
        assertThat(rest).contains("stopped in provisioning mode; the PSK is invalidated");
        assertThat(dir.resolve("buffer.db")).doesNotExist(); // no chain before a certified key
        assertThat(dir.resolve("provisioning-mode")).exists();
    }
}
