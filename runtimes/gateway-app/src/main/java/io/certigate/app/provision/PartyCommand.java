package io.certigate.app.provision;

import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.provisioning.ca.ProvisioningException;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.provisioning.registry.PartyCertificate;
import io.certigate.provisioning.registry.RegistryContract;
import io.certigate.uplink.mqtt.TlsSettings;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.verifier.ledger.RegistryAbi;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.web3j.utils.Numeric;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code certigate consent party register | show | revoke}: the consortium registrar's commands
 * that put a consent party (a data holder or a consumer) on the ledger, as {@code provision} and
 * {@code decommission} do for a device: the party's certificate of the consortium CA is checked
 * ({@link PartyCertificate}: chain and party profile), then its key hash, certificate hash and
 * ledger account are registered in the DeviceRegistry under the party's id (hashed), signed by the
 * registrar account. {@code request} and {@code install} ({@link PartyKeyCommands}) are the party's
 * own: its key and CSR, then the chain {@code certigate ca issue-party} issued, put beside the key.
 */
@Command(name = "party", mixinStandardHelpOptions = true,
        description = {"Get consent parties (data holders and consumers) their certificates of the consortium CA"
                + " (request, install), and register, show and revoke them in the DeviceRegistry.",
            "The registrar binds a party's certificate of the consortium CA to its ledger account, as it does for a"
                + " device; the ConsentRegistry accepts grants only between parties active there."},
        subcommands = {PartyKeyCommands.Request.class, PartyKeyCommands.Install.class, PartyCommand.Register.class,
            PartyCommand.Show.class, PartyCommand.Revoke.class})
public final class PartyCommand implements Runnable {
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Which party: by its certificate or by its id. */
    static final class Which {
        @Option(names = "--cert", paramLabel = "PEM", description = "The party's certificate (PEM).")
        Path cert;

        @Option(names = "--id", description = "The party's id (holder:<name> or consumer:<name>).")
        String id;
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = {"Register a party's certificate and ledger account in the DeviceRegistry.",
                "The certificate must chain to the consortium CA (--ca) and have the party profile: an end entity with"
                    + " key usage digitalSignature and extended key usage clientAuth, naming no device."})
    static final class Register implements Callable<Integer> {
        @Option(names = "--cert", required = true, paramLabel = "PEM",
                description = "The party's certificate (PEM), optionally followed by its issuing CA certificates.")
        Path cert;

        @Option(names = "--ca", required = true, paramLabel = "PEM",
                description = "The consortium CA: its root certificate, optionally with its issuing CA certificates.")
        Path ca;

        @Option(names = "--account", required = true, paramLabel = "0xADDRESS",
                description = "The party's ledger account (it grants, revokes or is granted consents).")
        String account;

        @Option(names = "--id", description = "holder:<name> or consumer:<name>; default: the certificate's CN when it"
                + " has that form.")
        String id;

        @Option(names = "--replace", description = "The id is registered already: register this certificate as its"
                + " new key (the old one is superseded from this block on).")
        boolean replace;

        @Mixin
        LedgerOptions ledger;

        @Override
        public Integer call() throws Exception {
            List<X509Certificate> presented = TlsSettings.readCertificates(cert);
            X509Certificate party = PartyCertificate.check(presented, TlsSettings.readCertificates(ca), Instant.now());
            String partyId = id != null ? PartyCertificate.checkId(id) : PartyCertificate.defaultId(party);
            if (partyId == null) {
                throw new ProvisioningException("the certificate's CN is not a party id: give --id holder:<name> or"
                        + " --id consumer:<name>");
            }
            String to = LedgerReader.checkAddress(account).toLowerCase(Locale.ROOT);
            byte[] keyHash = RegistryAbi.keyHash(party.getPublicKey());
            try (LedgerClient c = LedgerClient.connect(ledger.config())) {
                c.checkChain();
                DeviceRegistryClient registry = new DeviceRegistryClient(c, ledger.registry, ledger.registrar(), TIMEOUT);
                Optional<DeviceRegistryClient.Entry> existing = registry.entryOf(keyHash);
                if (existing.isPresent()) {
                    throw new ProvisioningException("the certificate's key " + hex(keyHash) + " is registered already"
                            + " (block " + existing.get().registeredIn() + ", account " + existing.get().account()
                            + "): a key is registered once; issue the party a new certificate to change its account");
                }
                Optional<byte[]> current = registry.currentKey(partyId);
                if (current.isPresent() && !replace) {
                    throw new ProvisioningException("id " + partyId + " has a registered key already (" + hex(current.get())
                            + "): give --replace to make this certificate its new key");
                }
                Optional<byte[]> accountKey = registry.keyOfAccount(to);
                if (accountKey.isPresent() && (current.isEmpty() || !Arrays.equals(accountKey.get(), current.get()))) {
                    throw new ProvisioningException("account " + to + " is bound to another registered key ("
                            + hex(accountKey.get()) + "): one account per device or party");
                }
                DeviceRegistryClient.Receipt r = registry.register(partyId, party.getPublicKey(), party, to);
                System.out.println("registered party " + partyId + " in the DeviceRegistry " + ledger.registry
                        + " at block " + r.block() + " (tx " + r.txHash() + ")" + (current.isPresent()
                                ? "; its previous key " + hex(current.get()) + " is superseded from that block" : ""));
                System.out.println("  account      " + to);
                System.out.println("  certificate  " + party.getSubjectX500Principal().getName() + ", SHA-256 "
                        + hex(RegistryContract.certHash(party)) + ", valid until " + party.getNotAfter().toInstant());
                System.out.println("  key          SHA-256 " + hex(keyHash) + " (SubjectPublicKeyInfo)");
                System.out.println("  id           " + partyId + " (on chain as SHA-256 " + hex(RegistryContract.device(partyId))
                        + ")");
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Show what the DeviceRegistry holds for a party, by its certificate or its id.",
                "Exit code 0 when the party's key is active, 1 when it is unknown, superseded or revoked."})
    static final class Show implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        @Option(names = "--rpc", required = true, description = "JSON-RPC URL of a ledger node.")
        String rpc;

        @Option(names = "--chain-id", required = true, description = "EIP-155 chain id.")
        long chainId;

        @Option(names = "--registry", required = true, description = "DeviceRegistry contract address.")
        String registry;

        @Override
        public Integer call() throws Exception {
            try (LedgerClient c = LedgerClient.connect(LedgerConfig.of(rpc, chainId, "0x" + "0".repeat(40)))) {
                c.checkChain();
                DeviceRegistryClient reg = new DeviceRegistryClient(c, LedgerReader.checkAddress(registry), null, TIMEOUT);
                Resolved party = resolve(reg, which);
                if (party.entry().isEmpty()) {
                    System.out.println("party " + party.name() + ": not registered in the DeviceRegistry " + registry);
                    return 1;
                }
                DeviceRegistryClient.Entry e = party.entry().get();
                String status = e.revokedIn() != 0 ? "revoked at block " + e.revokedIn()
                        : e.supersededIn() != 0 ? "superseded by a newer key at block " + e.supersededIn() : "active";
                System.out.println("party " + party.name() + ": " + status);
                System.out.println("  account      " + e.account());
                System.out.println("  certificate  SHA-256 " + hex(e.certHash()) + (party.cert() == null ? ""
                        : Arrays.equals(e.certHash(), RegistryContract.certHash(party.cert())) ? " (this certificate)"
                                : " (another certificate than --cert)"));
                System.out.println("  key          SHA-256 " + hex(party.keyHash()));
                System.out.println("  id           SHA-256 " + hex(e.id()));
                System.out.println("  registered   block " + e.registeredIn());
                return e.revokedIn() == 0 && e.supersededIn() == 0 ? 0 : 1;
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = {"Revoke a party's key in the DeviceRegistry: from that block on, the ConsentRegistry accepts"
                + " no new grant from or to its account and the consumer API refuses its certificate.",
                "Consents the party granted stay in force until the holder revokes them."})
    static final class Revoke implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        @Option(names = "--reason", required = true, description = "Why (stored in the Revoked event).")
        String reason;

        @Mixin
        LedgerOptions ledger;

        @Override
        public Integer call() throws Exception {
            try (LedgerClient c = LedgerClient.connect(ledger.config())) {
                c.checkChain();
                DeviceRegistryClient reg = new DeviceRegistryClient(c, LedgerReader.checkAddress(ledger.registry),
                        ledger.registrar(), TIMEOUT);
                Resolved party = resolve(reg, which);
                DeviceRegistryClient.Entry e = party.entry().orElseThrow(() -> new ProvisioningException(
                        "party " + party.name() + " is not registered in the DeviceRegistry " + ledger.registry));
                if (e.revokedIn() != 0) {
                    throw new ProvisioningException("party " + party.name() + " was revoked already at block "
                            + e.revokedIn());
                }
                DeviceRegistryClient.Receipt r = reg.revoke(party.keyHash(), reason);
                System.out.println("revoked party " + party.name() + " (key SHA-256 " + hex(party.keyHash())
                        + ", account " + e.account() + ") at block " + r.block() + " (tx " + r.txHash() + "): " + reason);
            }
            return 0;
        }
    }

    /** A party as named on the command line: its key's hash and the registry's entry of it. */
    private record Resolved(String name, byte[] keyHash, X509Certificate cert, Optional<DeviceRegistryClient.Entry> entry) {}

    private static Resolved resolve(DeviceRegistryClient reg, Which which) throws Exception {
        if (which.cert != null) {
            X509Certificate cert = readOne(which.cert);
            byte[] keyHash = RegistryAbi.keyHash(cert.getPublicKey());
            String name = Optional.ofNullable(PartyCertificate.defaultId(cert))
                    .orElse(cert.getSubjectX500Principal().getName());
            return new Resolved(name, keyHash, cert, reg.entryOf(keyHash));
        }
        String id = PartyCertificate.checkId(which.id);
        Optional<byte[]> key = reg.currentKey(id);
        return key.isEmpty() ? new Resolved(id, null, null, Optional.empty())
                : new Resolved(id, key.get(), null, reg.entryOf(key.get()));
    }

    private static X509Certificate readOne(Path pem) throws IOException {
        List<X509Certificate> certs = TlsSettings.readCertificates(pem);
        if (certs.isEmpty()) {
            throw new IOException(pem + " holds no certificate");
        }
        return certs.get(0);
    }

    private static String hex(byte[] b) {
        return Numeric.toHexString(b);
    }
}
