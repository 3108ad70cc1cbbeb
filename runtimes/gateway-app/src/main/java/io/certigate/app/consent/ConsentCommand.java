package io.certigate.app.consent;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.consent.ConsentGrant;
import io.certigate.consent.ConsentRegistryClient;
import io.certigate.consent.SubjectSalts;
import io.certigate.fleet.consumer.ConsumerApiServer;
import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import io.certigate.uplink.mqtt.TlsSettings;
import io.certigate.verifier.consent.Consent;
import io.certigate.verifier.consent.ConsentReader;
import io.certigate.verifier.consent.SubjectHash;
import io.certigate.verifier.ledger.LedgerReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.web3j.crypto.Keys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code certigate consent}: a data holder's consents on the ledger's ConsentRegistry, signed with
 * the holder's ledger account (the {@code ledger.properties} of the {@code anchor} commands).
 */
@Command(name = "consent", mixinStandardHelpOptions = true,
        description = "Grant, revoke and list a data holder's consents on the ledger; register consent parties (registrar).",
        subcommands = {ConsentCommand.Grant.class, ConsentCommand.Revoke.class, ConsentCommand.ListConsents.class,
            ConsentCommand.Deploy.class, ConsentCommand.Page.class, io.certigate.app.provision.PartyCommand.class})
public final class ConsentCommand implements Runnable {
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The ledger settings and the consent registry's address. */
    static final class Ledger {
        @Option(names = "--ledger", required = true,
                description = "ledger.properties: node, chain id and the holder's ledger account (as for `anchor run`).")
        Path ledger;

        @Option(names = "--consent-registry", required = true, paramLabel = "ADDRESS",
                description = "ConsentRegistry contract address.")
        String registry;

        LedgerSettings settings() throws Exception {
            return LedgerSettings.load(ledger);
        }
    }

    @Command(name = "grant", mixinStandardHelpOptions = true,
            description = {"Grant a consumer a consent for a subject, a purpose and reading kinds, until a date.",
                "Signed with the holder's ledger account. The subject goes on chain only as a salted hash: its salt"
                    + " is made at the subject's first grant and kept in the --subjects file, to be given to the fleet"
                    + " tier that serves the subject's data and to nobody else."})
    static final class Grant implements Callable<Integer> {
        @Mixin
        Ledger ledger;

        @Option(names = "--subjects", required = true, description = "The holder's subject salts file (created 0600).")
        Path subjects;

        @Option(names = "--subject", required = true, description = "Subject id: a VIN or a meter id.")
        String subject;

        @Option(names = "--consumer", required = true, description = "Consumer's ledger account address.")
        String consumer;

        @Option(names = "--purpose", required = true, description = "Purpose code, such as insurance.mileage.")
        String purpose;

        @Option(names = "--kinds", required = true, paramLabel = "KIND,...",
                description = "Reading kinds covered, comma-separated, such as vehicle.odometer (1 to 8).")
        String kindList;

        @Option(names = "--until", required = true,
                description = "End of validity: a date (valid through that day, UTC) or an instant (2027-06-30T12:00:00Z).")
        String until;

        @Option(names = "--from", description = "Start of validity, as --until (default: now by the chain's clock).")
        String from;

        @Override
        public Integer call() throws Exception {
            Instant end = time("--until", until, true);
            List<String> kinds = List.of(kindList.split(",", -1));
            LedgerSettings s = ledger.settings();
            try (LedgerClient c = LedgerClient.connect(s.config())) {
                c.checkChain();
                LedgerAccount holder = s.openAccount();
                ConsentRegistryClient registry = new ConsentRegistryClient(c, ledger.registry, holder, TIMEOUT);
                Instant now = registry.head().time();
                if (!end.isAfter(now)) {
                    throw new IllegalArgumentException("the consent would end " + end + ", which is past: the chain's"
                            + " time is " + now);
                }
                Instant start = from == null ? now : time("--from", from, false);
                SubjectSalts salts = SubjectSalts.load(subjects);
                boolean newSalt = salts.salt(subject).isEmpty();
                // the request is checked before a salt is made; the salt is saved before the grant is sent, so
                // that a salt used on chain is never lost (a grant the chain refuses leaves an unused salt)
                ConsentGrant grant = new ConsentGrant(consumer, new byte[32], purpose, kinds, start, end);
                byte[] hash = SubjectHash.of(salts.saltOrCreate(subject, new SecureRandom()), subject);
                grant = new ConsentGrant(grant.consumer(), hash, purpose, kinds, start, end);
                ConsentRegistryClient.Receipt r = registry.grant(grant);
                PrintStream out = System.out;
                out.println("granted consent " + r.id() + " in block " + r.block() + " (tx " + r.txHash() + ")");
                print(out, registry.consent(r.id()).orElseThrow(), subject);
                if (newSalt) {
                    out.println("new salt for subject " + subject + " saved in " + subjects
                            + ": give it to the fleet tier that serves this subject, to nobody else");
                }
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke one of the holder's consents: it is not in force from the revocation's block on.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        Ledger ledger;

        @Option(names = "--id", required = true, description = "The consent's id (see `consent list`).")
        long id;

        @Option(names = "--subjects", description = "The holder's subject salts file, to name the subject.")
        Path subjects;

        @Override
        public Integer call() throws Exception {
            LedgerSettings s = ledger.settings();
            try (LedgerClient c = LedgerClient.connect(s.config())) {
                c.checkChain();
                ConsentRegistryClient registry = new ConsentRegistryClient(c, ledger.registry, s.openAccount(), TIMEOUT);
                ConsentRegistryClient.Receipt r = registry.revoke(id);
                System.out.println("revoked consent " + id + " in block " + r.block() + " (tx " + r.txHash()
                        + "): not in force from that block on");
                Consent revoked = registry.consent(id).orElseThrow();
                print(System.out, revoked, subjectName(subjects, revoked));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List a holder's consents with their state at the current block.")
    static final class ListConsents implements Callable<Integer> {
        @Mixin
        Ledger ledger;

        @Option(names = "--holder", description = "Holder's account address (default: the account of --ledger).")
        String holder;

        @Option(names = "--subjects", description = "The holder's subject salts file, to name the subjects.")
        Path subjects;

        @Override
        public Integer call() throws Exception {
            LedgerSettings s = ledger.settings();
            try (LedgerReader c = LedgerReader.connect(s.config().rpcUrl(), s.config().contract())) {
                c.checkChain(s.config().chainId());
                String who = holder != null ? LedgerReader.checkAddress(holder) : s.openAccount().address();
                ConsentReader registry = new ConsentReader(c, ledger.registry);
                ConsentReader.BlockRef head = registry.head();
                List<Consent> consents = registry.consentsOf(who);
                System.out.println("consents of " + Keys.toChecksumAddress(who) + " at block " + head.number() + " (" + head.time() + "): "
                        + consents.size());
                for (Consent k : consents) {
                    System.out.println();
                    System.out.println("consent " + k.id() + "  " + k.stateAt(head.number(), head.time()));
                    print(System.out, k, subjectName(subjects, k));
                }
            }
            return 0;
        }
    }

    @Command(name = "page", mixinStandardHelpOptions = true,
            description = {"Serve the holder's page on this machine (127.0.0.1 only): the subjects, the consents in"
                + " force, the accesses the fleet logged, and a Revoke button per consent in force.",
                "Revocations are signed here with the holder's ledger account; the page's address carries a random"
                    + " token for this run, which its forms must return. Runs until interrupted."})
    static final class Page implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Ledger ledger;

        @Option(names = "--subjects", required = true, description = "The holder's subject salts file.")
        Path subjects;

        @Option(names = "--fleet", paramLabel = "URL",
                description = "The fleet's consumer API (https://host:port), to show the accesses it logged.")
        URI fleet;

        @Option(names = "--key-store", paramLabel = "P12",
                description = "The holder's client key store (PKCS#12, a certificate of the consortium CA), for --fleet.")
        Path keyStore;

        @Option(names = "--passphrase-source", paramLabel = "SRC",
                description = "The key store's passphrase: file:PATH or env:NAME.")
        String passphraseSource;

        @Option(names = "--ca", paramLabel = "PEM", description = "The consortium CA (PEM) that the fleet's certificate chains to.")
        Path ca;

        @Option(names = "--port", defaultValue = "8089", description = "Port on 127.0.0.1 (0: any free port; default ${DEFAULT-VALUE}).")
        int port;

        @Override
        public Integer call() throws Exception {
            HolderPage.FleetAccesses accesses = null;
            if (fleet != null) {
                if (keyStore == null || passphraseSource == null || ca == null) {
                    throw new IllegalArgumentException("--fleet needs --key-store, --passphrase-source and --ca");
                }
                if (!"https".equals(fleet.getScheme())) {
                    throw new IllegalArgumentException("--fleet " + fleet + " is not an https:// address");
                }
                char[] pass;
                try {
                    pass = Passphrase.resolve("--passphrase-source", passphraseSource);
                } catch (SigningException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
                accesses = new HolderPage.FleetAccesses(fleet,
                        ConsumerApiServer.tls(keyStore, pass, TlsSettings.readCertificates(ca)));
            }
            LedgerSettings s = ledger.settings();
            try (LedgerClient c = LedgerClient.connect(s.config())) {
                c.checkChain();
                LedgerAccount holder = s.openAccount();
                ConsentRegistryClient registry = new ConsentRegistryClient(c, ledger.registry, holder, TIMEOUT);
                try (HolderPage page = HolderPage.start(registry, holder.address(), subjects, accesses, port)) {
                    PrintWriter out = spec.commandLine().getOut();
                    out.println("the holder's page: " + page.url());
                    out.println("(this address is the key to the page: do not share it; Ctrl-C ends it)");
                    out.flush();
                    new CountDownLatch(1).await(); // until interrupted
                }
            }
            return 0;
        }
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true,
            description = "Deploy a ConsentRegistry bound to a DeviceRegistry; prints its address.")
    static final class Deploy implements Callable<Integer> {
        @Option(names = "--ledger", required = true, description = "ledger.properties of the deploying account.")
        Path ledger;

        @Option(names = "--device-registry", required = true,
                description = "DeviceRegistry address: its active accounts are the holders and consumers.")
        String deviceRegistry;

        @Override
        public Integer call() throws Exception {
            LedgerSettings s = LedgerSettings.load(ledger);
            try (LedgerClient c = LedgerClient.connect(s.config())) {
                c.checkChain();
                System.out.println(ConsentRegistryClient.deploy(c, s.openAccount(),
                        LedgerReader.checkAddress(deviceRegistry), TIMEOUT));
            }
            return 0;
        }
    }

    /** What was granted to whom, for what and until when. */
    static void print(PrintStream out, Consent k, String subject) {
        out.println("  holder    " + Keys.toChecksumAddress(k.holder()));
        out.println("  consumer  " + Keys.toChecksumAddress(k.consumer()));
        out.println("  subject   " + subject + " (on chain only as the salted hash " + SubjectHash.hex(k.subject()) + ")");
        out.println("  purpose   " + k.purpose());
        out.println("  kinds     " + String.join(", ", k.kinds()));
        out.println("  valid     from " + k.validFrom() + " until " + k.validUntil() + " (end excluded)");
        out.println("  granted   in block " + k.grantedIn() + (k.revokedIn() == 0 ? "" : ", revoked in block " + k.revokedIn()));
    }

    static String subjectName(Path subjects, Consent k) throws Exception {
        if (subjects == null) {
            return "(unnamed: no --subjects file)";
        }
        return SubjectSalts.load(subjects).subjectOf(k.subject()).orElse("(not in " + subjects + ")");
    }

    /** A date (its whole day counts: the end is the next midnight UTC) or an ISO instant. */
    static Instant time(String option, String text, boolean end) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                LocalDate d = LocalDate.parse(text);
                return (end ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(option + " '" + text + "' is neither a date (2027-06-30) nor an"
                        + " instant (2027-06-30T12:00:00Z)");
            }
        }
    }
}
