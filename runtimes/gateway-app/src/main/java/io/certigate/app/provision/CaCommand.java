package io.certigate.app.provision;

import io.certigate.core.io.OutputFile;
import io.certigate.provisioning.ca.ConsortiumCa;
import io.certigate.provisioning.device.KeyBackend;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.DeviceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code certigate ca init | init-root | init-issuing | issue | issue-party}: the consortium CA. {@code init} makes
 * root and issuing CA in one folder under one secret (demos, tests); for an offline root,
 * {@code init-root} makes the root alone in its own folder under its own secret, {@code init-issuing}
 * uses it once to certify an issuing CA in another folder under another secret, and {@code issue}
 * needs only the issuing CA's folder, as does {@code issue-party}, which certifies a consent party
 * (a data holder or a consumer) from the CSR {@code certigate consent party request} made.
 */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "Run the consortium's certification authority.",
        subcommands = {CaCommand.Init.class, CaCommand.InitRoot.class, CaCommand.InitIssuing.class, CaCommand.Issue.class,
            CaCommand.IssueParty.class})
public final class CaCommand {
    static final String ROOT = "ca-root";
    static final String ISSUING = "ca-issuing";

    /** What {@code init} and {@code init-root} ask of a root CA. */
    static final class RootCa {
        @Option(names = "--consortium", required = true, description = "Consortium name, written into the CA names.")
        String consortium;

        @Option(names = "--alg", defaultValue = "es256", description = "CA key algorithm: es256 (default) or ed25519 (PKCS#12 only).")
        String alg;

        @Option(names = "--root-validity", defaultValue = "P7300D", converter = io.certigate.app.DurationConverter.class,
                description = "Root certificate validity (default P7300D, 20 years).")
        Duration rootValidity;
    }

    /** Opens the issuing CA of {@code dir} (its key in PKCS#12 there, or on the token). */
    static ConsortiumCa open(KeyOptions keys, Path dir, Clock clock) throws Exception {
        return new ConsortiumCa(keys.backend(dir, ISSUING).open(), clock);
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create the root and issuing CA keys (PKCS#12 files in --dir, or on a PKCS#11 token) and certificates.")
    static final class Init implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "CA directory (keys for PKCS#12, root.pem, issuing.pem).")
        Path dir;

        @Mixin
        RootCa root;

        @Option(names = "--issuing-validity", defaultValue = "P3650D", converter = io.certigate.app.DurationConverter.class,
                description = "Issuing CA certificate validity (default P3650D).")
        Duration issuingValidity;

        @Mixin
        KeyOptions keys;

        @Override
        public Integer call() throws Exception {
            Files.createDirectories(dir);
            KeyBackend rootBackend = keys.backend(dir, ROOT);
            KeyBackend issuing = keys.backend(dir, ISSUING);
            CoseAlgorithm a = CoseAlgorithm.parse(root.alg);
            DeviceKey rootKey = rootBackend.generate(a, root.consortium + " root CA");
            DeviceKey issuingKey = issuing.generate(a, root.consortium + " issuing CA");
            ConsortiumCa.Hierarchy h = ConsortiumCa.init(rootKey, issuingKey, root.consortium, Clock.systemUTC(),
                    root.rootValidity, issuingValidity);
            rootBackend.installChain(h.rootChain());
            issuing.installChain(h.issuingChain());
            Identities.writePem(dir.resolve("root.pem"), List.of(h.root()));
            Identities.writePem(dir.resolve("issuing.pem"), List.of(h.issuing()));
            System.out.println("consortium CA ready: root " + h.root().getSubjectX500Principal().getName() + " in "
                    + rootBackend.describe() + "; issuing CA in " + issuing.describe() + "; root certificate "
                    + dir.resolve("root.pem"));
            return 0;
        }
    }

    @Command(name = "init-root", mixinStandardHelpOptions = true,
            description = "Create the root CA alone, to be kept offline: its key in --dir or on a token, and root.pem.")
    static final class InitRoot implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "Root CA directory (the root key for PKCS#12, root.pem).")
        Path dir;

        @Mixin
        RootCa root;

        @Mixin
        KeyOptions keys;

        @Override
        public Integer call() throws Exception {
            Files.createDirectories(dir);
            KeyBackend rootBackend = keys.backend(dir, ROOT);
            DeviceKey rootKey = rootBackend.generate(CoseAlgorithm.parse(root.alg), root.consortium + " root CA");
            X509Certificate cert = ConsortiumCa.initRoot(rootKey, root.consortium, Clock.systemUTC(), root.rootValidity);
            rootBackend.installChain(List.of(cert));
            Identities.writePem(dir.resolve("root.pem"), List.of(cert));
            System.out.println("root CA ready: " + cert.getSubjectX500Principal().getName() + " in " + rootBackend.describe()
                    + "; root certificate " + dir.resolve("root.pem") + " (give it to devices: provisioning.trust-root);"
                    + " make issuing CAs with 'ca init-issuing --root-dir " + dir + "', then keep this folder offline");
            return 0;
        }
    }

    @Command(name = "init-issuing", mixinStandardHelpOptions = true,
            description = "Create an issuing CA in --dir, certified once by the root CA of --root-dir.")
    static final class InitIssuing implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "Issuing CA directory (the issuing key for PKCS#12, issuing.pem, root.pem).")
        Path dir;

        @Option(names = "--root-dir", required = true, description = "Root CA directory made by 'ca init-root'.")
        Path rootDir;

        @Option(names = "--root-secret", required = true,
                description = "file:PATH or env:NAME: the root key's passphrase (PKCS#12 in --root-dir); used once, not stored.")
        String rootSecret;

        @Option(names = "--alg", defaultValue = "es256", description = "Issuing key algorithm: es256 (default) or ed25519 (PKCS#12 only).")
        String alg;

        @Option(names = "--issuing-validity", defaultValue = "P3650D", converter = io.certigate.app.DurationConverter.class,
                description = "Issuing CA certificate validity (default P3650D; clipped to the root's).")
        Duration issuingValidity;

        @Mixin
        KeyOptions keys;

        @Override
        public Integer call() throws Exception {
            if (Files.exists(dir) && Files.isSameFile(dir, rootDir)) {
                throw new IllegalArgumentException("--dir must not be --root-dir: the issuing CA goes apart from the root");
            }
            DeviceKey rootKey = new KeyBackend.Pkcs12(rootDir.resolve(ROOT + ".p12"),
                    io.certigate.signing.Passphrase.resolve("--root-secret", rootSecret)).open();
            X509Certificate root = rootKey.certificateChain().get(0);
            Files.createDirectories(dir);
            KeyBackend issuing = keys.backend(dir, ISSUING);
            DeviceKey issuingKey = issuing.generate(CoseAlgorithm.parse(alg),
                    root.getSubjectX500Principal().getName() + " issuing CA");
            X509Certificate cert = ConsortiumCa.certifyIssuing(rootKey, root, issuingKey, Clock.systemUTC(), issuingValidity);
            issuing.installChain(List.of(cert, root));
            Identities.writePem(dir.resolve("root.pem"), List.of(root));
            Identities.writePem(dir.resolve("issuing.pem"), List.of(cert));
            System.out.println("issuing CA ready: " + cert.getSubjectX500Principal().getName() + " in " + issuing.describe()
                    + "; 'ca issue --dir " + dir + "' needs only this folder");
            return 0;
        }
    }

    /** How the CA certifies a request: a device's or a party's. */
    @FunctionalInterface
    private interface Issuance {
        List<X509Certificate> issue(ConsortiumCa ca, byte[] csr) throws Exception;
    }

    /**
     * Opens the CA in {@code dir}, certifies the request in {@code csr} and writes the chain to
     * {@code out}, which may be none of the files read.
     */
    private static List<X509Certificate> issueTo(KeyOptions keys, Path dir, Path csr, Path out, Issuance issuance)
            throws Exception {
        Path[] inputs = Stream.concat(Stream.of(csr), Arrays.stream(keys.inputs(dir))).toArray(Path[]::new);
        OutputFile.checkNotAnInput(out, inputs);
        List<X509Certificate> chain = issuance.issue(open(keys, dir, Clock.systemUTC()), Files.readAllBytes(csr));
        Identities.writePem(out, chain, inputs);
        return chain;
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Issue a device certificate for a CSR after checking its proof of possession and identity.")
    static final class Issue implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "CA directory made by 'ca init'.")
        Path dir;

        @Option(names = "--csr", required = true, description = "DER PKCS#10 file from the device.")
        Path csr;

        @Option(names = "--validity", defaultValue = "P1825D", converter = io.certigate.app.DurationConverter.class,
                description = "Device certificate validity (default P1825D; clipped to the issuing CA's).")
        Duration validity;

        @Option(names = {"-o", "--out"}, required = true,
                description = "PEM chain to write: device, issuing CA, root (not the CSR nor a file of the CA).")
        Path out;

        @Mixin
        Identities expected;

        @Mixin
        KeyOptions keys;

        @Override
        public Integer call() throws Exception {
            List<X509Certificate> chain = issueTo(keys, dir, csr, out,
                    (ca, request) -> ca.issue(request, expected.identity(), validity));
            System.out.println("issued " + chain.get(0).getSubjectX500Principal().getName() + " valid until "
                    + chain.get(0).getNotAfter().toInstant() + "; chain written to " + out);
            return 0;
        }
    }

    @Command(name = "issue-party", mixinStandardHelpOptions = true,
            description = {"Issue a consent party's certificate (a data holder's or a consumer's) for a CSR made by"
                + " 'certigate consent party request', after checking its proof of possession and that it names --id.",
                "The certificate: CN=<party id>, an end entity with key usage digitalSignature and extended key usage"
                    + " clientAuth, naming no device; 'consent party register' accepts it, the consumer API and the"
                    + " holder page take it as a TLS client certificate."})
    static final class IssueParty implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "CA directory made by 'ca init' or 'ca init-issuing'.")
        Path dir;

        @Option(names = "--csr", required = true, description = "DER PKCS#10 file from the party.")
        Path csr;

        @Option(names = "--id", required = true,
                description = "The party to certify: holder:<name> or consumer:<name>; the CSR's CN must be it.")
        String id;

        @Option(names = "--validity", defaultValue = "P730D", converter = io.certigate.app.DurationConverter.class,
                description = "Party certificate validity (default P730D; clipped to the issuing CA's).")
        Duration validity;

        @Option(names = {"-o", "--out"}, required = true,
                description = "PEM chain to write: party, issuing CA, root (not the CSR nor a file of the CA).")
        Path out;

        @Mixin
        KeyOptions keys;

        @Override
        public Integer call() throws Exception {
            List<X509Certificate> chain = issueTo(keys, dir, csr, out, (ca, request) -> ca.issueParty(request, id, validity));
            System.out.println("issued " + chain.get(0).getSubjectX500Principal().getName() + " valid until "
                    + chain.get(0).getNotAfter().toInstant() + "; chain written to " + out + " (install it with"
                    + " 'certigate consent party install', register it with 'certigate consent party register')");
            return 0;
        }
    }
}
