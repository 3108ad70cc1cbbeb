package io.certigate.app.provision;

import io.certigate.core.io.OutputFile;
import io.certigate.provisioning.ca.ProvisioningException;
import io.certigate.provisioning.registry.PartyCertificate;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.Passphrase;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.uplink.mqtt.TlsSettings;
import io.certigate.verifier.ledger.RegistryAbi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.web3j.utils.Numeric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code certigate consent party request | install}: the party's side of getting a certificate of
 * the consortium CA. {@code request} makes the party's key in a new PKCS#12 key store (as device
 * key stores are made, {@link Pkcs12KeyStore}) and a PKCS#10 CSR signed by it with
 * {@code CN=<party id>} ({@link Csr#buildClient}); the CA certifies it with
 * {@code certigate ca issue-party}; {@code install} puts the issued chain beside the key, so that
 * the key store is the party's TLS client identity for the consumer API and the holder page.
 */
final class PartyKeyCommands {
    private PartyKeyCommands() {}

    /** The party's key store and its passphrase. */
    static final class KeyStoreOptions {
        @Option(names = "--key-store", required = true, paramLabel = "P12",
                description = "The party's PKCS#12 key store (its TLS client key and certificate).")
        Path keyStore;

        @Option(names = "--passphrase-source", required = true, paramLabel = "SRC",
                description = "The key store's passphrase: file:PATH or env:NAME.")
        String passphraseSource;

        char[] passphrase() throws Exception {
            return Passphrase.resolve("--passphrase-source", passphraseSource);
        }

        /** The files these options read: an output may not be one of them. */
        List<Path> inputs() {
            List<Path> in = new ArrayList<>(List.of(keyStore));
            if (passphraseSource.startsWith("file:")) {
                in.add(Path.of(passphraseSource.substring("file:".length())));
            }
            return in;
        }
    }

    @Command(name = "request", mixinStandardHelpOptions = true,
            description = {"Make a party's key in a new PKCS#12 key store and its certificate request (CSR) for the"
                + " consortium CA.",
                "The CSR (DER PKCS#10, CN=<party id>, signed by the new key) goes to the CA ('certigate ca"
                    + " issue-party'); install the chain it returns with 'certigate consent party install'."})
    static final class Request implements Callable<Integer> {
        @Option(names = "--id", required = true, description = "The party's id: holder:<name> or consumer:<name>.")
        String id;

        @Mixin
        KeyStoreOptions store;

        @Option(names = "--alg", defaultValue = "es256",
                description = "Key algorithm: es256 (ECDSA P-256, default) or ed25519.")
        String alg;

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "CSR", description = "The CSR file to write (DER).")
        Path out;

        @Override
        public Integer call() throws Exception {
            PartyCertificate.checkId(id);
            CoseAlgorithm algorithm = CoseAlgorithm.parse(alg);
            Path[] inputs = store.inputs().toArray(Path[]::new);
            OutputFile.checkNotAnInput(out, inputs);
            if (Files.exists(store.keyStore)) {
                throw new ProvisioningException("key store " + store.keyStore + " exists already: refusing to overwrite"
                        + " a key (give another file; to install a chain the CA issued, use 'consent party install')");
            }
            char[] pass = store.passphrase();
            try {
                SoftwareDeviceKey key = Pkcs12KeyStore.create(store.keyStore, algorithm, id, pass);
                OutputFile.write(out, Csr.buildClient(key, id), inputs);
                System.out.println("party key " + id + " (" + algorithm + ") made in PKCS#12 file " + store.keyStore
                        + "; key SHA-256 " + Numeric.toHexString(RegistryAbi.keyHash(key.publicKey())));
                System.out.println("certificate request written to " + out + ": the consortium CA issues it with"
                        + " 'certigate ca issue-party --id " + id + " --csr " + out.getFileName() + "', then install"
                        + " the chain with 'certigate consent party install'");
            } finally {
                Arrays.fill(pass, '\0');
            }
            return 0;
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Install the certificate chain the consortium CA issued for a party beside its key.",
                "The chain's first certificate must be for the key store's key and have the party profile, and the"
                    + " chain must lead to the consortium root (--ca, or the root at the chain's end)."})
    static final class Install implements Callable<Integer> {
        @Mixin
        KeyStoreOptions store;

        @Option(names = "--chain", required = true, paramLabel = "PEM",
                description = "The chain 'certigate ca issue-party' wrote: party, issuing CA, root.")
        Path chain;

        @Option(names = "--ca", paramLabel = "PEM", description = "The consortium root certificate to check the chain"
                + " against; default: the root certificate at the chain's end.")
        Path ca;

        @Override
        public Integer call() throws Exception {
            List<X509Certificate> certs = TlsSettings.readCertificates(chain);
            if (certs.isEmpty()) {
                throw new ProvisioningException(chain + " holds no certificate");
            }
            List<X509Certificate> consortium = ca != null ? TlsSettings.readCertificates(ca)
                    : certs.stream().filter(c -> c.getSubjectX500Principal().equals(c.getIssuerX500Principal())).toList();
            if (consortium.isEmpty()) {
                throw new ProvisioningException(chain + " does not end with a root certificate: give the consortium"
                        + " root with --ca");
            }
            char[] pass = store.passphrase();
            try {
                SoftwareDeviceKey key = Pkcs12KeyStore.open(store.keyStore, pass);
                X509Certificate leaf = certs.get(0);
                if (!Arrays.equals(leaf.getPublicKey().getEncoded(), key.publicKey().getEncoded())) {
                    throw new ProvisioningException("the certificate " + leaf.getSubjectX500Principal().getName()
                            + " in " + chain + " is for another key than the one in " + store.keyStore + " (key SHA-256 "
                            + Numeric.toHexString(RegistryAbi.keyHash(key.publicKey())) + ")");
                }
                PartyCertificate.check(certs, consortium, Instant.now());
                Pkcs12KeyStore.installChain(store.keyStore, pass, certs);
                String id = PartyCertificate.defaultId(leaf);
                System.out.println("installed " + leaf.getSubjectX500Principal().getName() + " (valid until "
                        + leaf.getNotAfter().toInstant() + ", " + certs.size() + " certificates) in " + store.keyStore
                        + ": the party's TLS client key store for the consumer API and the holder page");
                System.out.println("register it with 'certigate consent party register --cert " + chain
                        + (id == null ? " --id <party id>" : "") + " --account <its ledger account>'");
            } finally {
                Arrays.fill(pass, '\0');
            }
            return 0;
        }
    }
}
