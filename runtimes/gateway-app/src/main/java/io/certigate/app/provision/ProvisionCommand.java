package io.certigate.app.provision;

import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.core.io.OutputFile;
import io.certigate.provisioning.enrol.ProvisioningPsk;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.provisioning.technician.Provisioner;
import io.certigate.provisioning.technician.ProvisioningRecord;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate provision}: the technician's command. Enrols a device in provisioning mode over
 * CoAP/DTLS with its PSK, has the consortium CA issue its certificate, registers it on the ledger,
 * installs chain and ledger settings, verifies the signed test record, prints a summary and writes
 * the provisioning record. {@code --self-test} runs all of it on loopback instead.
 */
@Command(name = "provision", mixinStandardHelpOptions = true,
        description = {"Provision a device in provisioning mode over CoAP/DTLS, or run the whole flow on loopback.",
            "The steps: enrol with the device's single-use PSK, issue its certificate, register it on the ledger, install"
                + " the chain and ledger settings, verify a signed test record and write the provisioning record. Run"
                + " again on a device put back into provisioning mode with a new key to rotate it: the registry then"
                + " supersedes the old key from the registration block on (what it signed counts only where anchored"
                + " before that block, so let the device anchor its backlog first), and the device deletes its old key"
                + " file or destroys its old token key.",
            "--self-test runs it all on loopback and takes no other option but --work-dir."})
public final class ProvisionCommand implements Callable<Integer> {

    @Option(names = "--self-test", description = "Run the whole flow on loopback (SoftHSM token, dev chain, DTLS); exit 0 only if all verified.")
    boolean selfTest;

    @Option(names = "--work-dir", description = "Self-test work directory (default: a new temp directory).")
    Path workDir;

    @ArgGroup(exclusive = false)
    Technician technician;

    static final class Technician {
        @Option(names = "--device", required = true, description = "coaps://host:port of the device in provisioning mode.")
        URI device;

        @Option(names = "--psk-file", required = true, description = "The device's PSK label (psk-identity=..., psk=<hex>).")
        Path pskFile;

        @Option(names = "--ca-dir", required = true, description = "CA directory made by 'ca init'.")
        Path caDir;

        @Option(names = "--record", required = true,
                description = "Provisioning record to write (JSON; not one of the files the command reads).")
        Path record;

        @Option(names = "--validity", defaultValue = "P1825D", converter = io.certigate.app.DurationConverter.class,
                description = "Device certificate validity (default P1825D).")
        Duration validity;

        @Option(names = "--timeout", defaultValue = "60s", converter = io.certigate.app.DurationConverter.class,
                description = "Per-request timeout towards the device (default 60s).")
        Duration timeout;

        @ArgGroup(exclusive = false, multiplicity = "1")
        Identities expected;

        @ArgGroup(exclusive = false, multiplicity = "1")
        KeyOptions caKeys;

        @ArgGroup(exclusive = false, multiplicity = "1")
        LedgerOptions ledger;

        @Option(names = "--anchor-contract", description = "CertigateAnchor address, passed to the device in its ledger settings.")
        String anchor;
    }

    @Override
    public Integer call() throws Exception {
        if (selfTest && technician != null) {
            System.err.println("provision: --self-test runs on loopback and takes none of the options of a real device"
                    + " (--device, --psk-file, --ca-dir, the identity, key and ledger options)");
            return 2;
        }
        if (selfTest) {
            return new SelfTest(workDir, System.out).run();
        }
        if (workDir != null) {
            System.err.println("provision: --work-dir applies to --self-test only");
            return 2;
        }
        if (technician == null) {
            throw new IllegalArgumentException("give --device, --psk-file, --ca-dir, --record and the identity and ledger"
                    + " options, or --self-test");
        }
        Technician t = technician;
        Path[] inputs = java.util.stream.Stream.of(java.util.stream.Stream.of(t.pskFile),
                java.util.Arrays.stream(t.caKeys.inputs(t.caDir)), t.ledger.inputs().stream())
                .flatMap(s -> s).toArray(Path[]::new);
        OutputFile.checkNotAnInput(t.record, inputs);
        try (LedgerClient c = LedgerClient.connect(t.ledger.config())) {
            c.checkChain();
            DeviceRegistryClient registry = new DeviceRegistryClient(c, t.ledger.registry, t.ledger.registrar(),
                    Duration.ofMinutes(2));
            Provisioner p = new Provisioner(CaCommand.open(t.caKeys, t.caDir, Clock.systemUTC()), registry,
                    Clock.systemUTC(), new SecureRandom(), t.timeout);
            Map<String, String> settings = new TreeMap<>();
            settings.put("rpc", t.ledger.rpc);
            settings.put("chain-id", Long.toString(t.ledger.chainId));
            settings.put("registry", t.ledger.registry);
            if (t.anchor != null) {
                settings.put("anchor-contract", t.anchor);
            }
            ProvisioningRecord r = p.provision(new Provisioner.Request(t.device, ProvisioningPsk.read(t.pskFile),
                    t.expected.identity(), t.validity, settings));
            r.write(t.record, inputs);
            System.out.println(summary(r));
            System.out.println("record written to " + t.record);
        }
        return 0;
    }

    static String summary(ProvisioningRecord r) {
        return "provisioned " + r.identity().deviceId() + " (serial " + r.identity().serial() + ", model "
                + r.identity().model() + ", " + r.identity().qualifiedSubject() + ")\n"
                + "  key " + HexFormat.of().formatHex(io.certigate.signing.KeyIds.of(r.chain().get(0).getPublicKey()))
                + ", certificate valid until " + r.chain().get(0).getNotAfter().toInstant() + "\n"
                + "  registered in block " + r.registrationBlock() + " (tx " + r.registrationTx() + "), ledger account "
                + r.ledgerAccount() + "\n"
                + "  test reading committed by the device's sequencer as seq " + testSeq(r) + ", signed by the device key: verified";
    }

    private static String testSeq(ProvisioningRecord r) {
        try {
            return Long.toString(io.certigate.core.model.ReadingCodec.decode(
                    io.certigate.signing.CoseSign1.parse(r.testRecord()).payload()).seq());
        } catch (io.certigate.signing.CoseException | io.certigate.core.model.RecordFormatException e) {
            return "? (" + e.getMessage() + ")"; // verified before the record was made: cannot happen
        }
    }
}
