package io.certigate.fleet.collector;

import io.certigate.core.io.LogText;
import io.certigate.signing.Csr;
import io.certigate.signing.KeyIds;
import io.certigate.uplink.StatusMessage;
import io.certigate.uplink.mqtt.TlsSettings;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.export.ExportFormatException;
import io.certigate.verifier.ledger.DeviceRegistryReader;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.verifier.ledger.RegistryAbi;
import io.certigate.verifier.trust.ChainValidator;
import io.certigate.verifier.trust.TrustException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The device public keys the collector verifies records with, and its policy for learning them.
 *
 * <ol>
 * <li><b>Configured</b> (the default, and the only source a verifier should rely on): an export
 * file of the device ({@code certigate-export/1}, its {@code keys}) or a PEM/DER file of device
 * certificates (the device id is the certificate's CN).</li>
 * <li><b>CA</b>: a status message's certificate chain is accepted when the verifier's
 * {@link ChainValidator} accepts it for one of the configured consortium CA certificates, at the
 * collector's clock (PKIX path validation, RFC 5280 §6, then a device certificate: not a CA,
 * key usage digitalSignature only, a device identity), and the identity's device id is the
 * publishing device. Where a device registry is configured ({@link Registry}), the key must also
 * be {@code ACTIVE} in it at the ledger's head block: an unknown, superseded or revoked key is not
 * learned.</li>
 * <li><b>Trust on first use</b> (demo only): the first status message's leaf key of a device is
 * pinned; a later different key is refused unless the CA policy accepts it. The registry, when
 * configured, is checked here too.</li>
 * </ol>
 *
 * <p>Device ids and certificate names taken from status messages are logged through
 * {@link LogText#escape}.
 */
public final class DeviceKeys {
    private static final System.Logger LOG = System.getLogger(DeviceKeys.class.getName());

    /**
     * The ledger's device registry, read at the ledger's head block when a key is learned.
     *
     * @param ledger   read access to the ledger (its head block)
     * @param registry the {@code DeviceRegistry} contract
     */
    public record Registry(LedgerReader ledger, DeviceRegistryReader registry) {
        /** The key's status at the ledger's head block. */
        RegistryAbi.Status statusNow(PublicKey key) throws LedgerException {
            return registry.statusAt(key, ledger.blockNumber());
        }
    }

    private final List<ChainValidator> validators = new ArrayList<>();
    private final boolean trustOnFirstUse;
    private final Registry registry;
    private final Clock clock;
    private final Map<String, List<PublicKey>> keys = new ConcurrentHashMap<>();
    private final Map<String, List<List<X509Certificate>>> chains = new ConcurrentHashMap<>();

    /** No registry; certificate chains validated at the system clock's time. */
    public DeviceKeys(List<X509Certificate> caCertificates, boolean trustOnFirstUse) {
        this(caCertificates, trustOnFirstUse, null, Clock.systemUTC());
    }

    /**
     * @param caCertificates  consortium CA certificates a status message's chain may validate to
     * @param trustOnFirstUse pin each device's first status key (demos only)
     * @param registry        the device registry keys learned from status messages must be active in, or null
     * @param clock           the time certificate chains are validated at
     */
    public DeviceKeys(List<X509Certificate> caCertificates, boolean trustOnFirstUse, Registry registry, Clock clock) {
        for (X509Certificate ca : caCertificates) {
            validators.add(new ChainValidator(ca));
        }
        this.trustOnFirstUse = trustOnFirstUse;
        this.registry = registry;
        this.clock = clock;
    }

    /** Adds a configured key; returns false when it was known already. */
    public synchronized boolean add(String device, PublicKey key) {
        List<PublicKey> list = keys.computeIfAbsent(device, d -> new ArrayList<>());
        for (PublicKey k : list) {
            if (k.equals(key) || ByteBuffer.wrap(k.getEncoded()).equals(ByteBuffer.wrap(key.getEncoded()))) {
                return false;
            }
        }
        List<PublicKey> copy = new ArrayList<>(list);
        copy.add(key);
        keys.put(device, List.copyOf(copy));
        return true;
    }

    /**
     * The certificate chains (leaf first) of the device's keys that came with one, oldest first: a
     * configured certificate or export file's chain, or a status message's chain accepted by the
     * policy above. Proof bundles carry them (the fleet's consumer API).
     */
    public List<List<X509Certificate>> chainsFor(String device) {
        return chains.getOrDefault(device, List.of());
    }

    private synchronized void keepChain(String device, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return;
        }
        List<List<X509Certificate>> list = chains.getOrDefault(device, List.of());
        byte[] leaf = chain.get(0).getPublicKey().getEncoded();
        List<List<X509Certificate>> copy = new ArrayList<>();
        for (List<X509Certificate> c : list) {
            if (!java.util.Arrays.equals(c.get(0).getPublicKey().getEncoded(), leaf)) {
                copy.add(c);
            }
        }
        copy.add(List.copyOf(chain)); // the newest chain of a key replaces an older one (a renewed certificate)
        chains.put(device, List.copyOf(copy));
    }

    /** Devices with at least one key. */
    public Set<String> devices() {
        return Set.copyOf(keys.keySet());
    }

    public List<PublicKey> keysFor(String device) {
        return keys.getOrDefault(device, List.of());
    }

    /** The key of {@code device} carrying COSE key id {@code kid}, or null. */
    public PublicKey find(String device, byte[] kid) {
        for (PublicKey k : keysFor(device)) {
            if (java.util.Arrays.equals(KeyIds.of(k), kid)) {
                return k;
            }
        }
        return null;
    }

    /** Loads an export file's keys, or the certificates of a PEM/DER file. */
    public void load(Path file) throws IOException {
        String head = new String(Files.readAllBytes(file), 0, (int) Math.min(Files.size(file), 256),
                StandardCharsets.ISO_8859_1).trim();
        if (head.startsWith("{")) {
            try {
                ExportFile.Contents c = ExportFile.read(file);
                for (PublicKey k : c.keys()) {
                    add(c.device(), k);
                }
                c.chainsByKey().values().forEach(chain -> keepChain(c.device(), chain));
                if (c.keys().isEmpty() && !c.certificateChain().isEmpty()) {
                    add(c.device(), c.certificateChain().get(0).getPublicKey());
                    keepChain(c.device(), c.certificateChain());
                }
            } catch (ExportFormatException e) {
                throw new IOException(e.getMessage(), e);
            }
            return;
        }
        for (X509Certificate cert : TlsSettings.readCertificates(file)) {
            String cn = commonName(cert);
            if (cn == null) {
                throw new IOException(file + ": certificate " + cert.getSubjectX500Principal() + " has no CN (device id)");
            }
            add(cn, cert.getPublicKey());
            keepChain(cn, List.of(cert));
        }
    }

    /**
     * Considers the certificate chain of a status message; returns true when it added a key.
     */
    public boolean learn(StatusMessage status) {
        if (status.certificateChain().isEmpty()) {
            return false;
        }
        String device = LogText.escape(status.device());
        X509Certificate leaf = status.certificateChain().get(0);
        if (!status.device().equals(commonName(leaf))) {
            LOG.log(System.Logger.Level.WARNING, "status of {0} carries a certificate for ''{1}''; ignored",
                    device, LogText.escape(commonName(leaf)));
            return false;
        }
        PublicKey key = leaf.getPublicKey();
        if (!validators.isEmpty()) {
            String problem = validate(status.device(), status.certificateChain());
            if (problem == null) {
                if (!registered(device, key)) {
                    return false;
                }
                keepChain(status.device(), status.certificateChain());
                return add(status.device(), key);
            }
            if (!trustOnFirstUse) {
                LOG.log(System.Logger.Level.WARNING, "status of {0}: certificate chain not accepted: {1}",
                        device, LogText.escape(problem));
                return false;
            }
        }
        if (trustOnFirstUse) {
            synchronized (this) {
                List<PublicKey> known = keysFor(status.device());
                if (known.isEmpty()) {
                    if (!registered(device, key)) {
                        return false;
                    }
                    LOG.log(System.Logger.Level.INFO, "trusting the key of {0} on first use", device);
                    keepChain(status.device(), status.certificateChain());
                    return add(status.device(), key);
                }
                if (known.stream().noneMatch(k -> java.util.Arrays.equals(k.getEncoded(), key.getEncoded()))) {
                    LOG.log(System.Logger.Level.WARNING, "status of {0} carries a key different from the one trusted "
                            + "on first use; ignored", device);
                }
            }
        }
        return false;
    }

    /**
     * Null when one of the consortium CAs' {@link ChainValidator} accepts the chain at the clock's
     * time and its identity names {@code device}; otherwise why not (the last CA's reason).
     */
    private String validate(String device, List<X509Certificate> chain) {
        String problem = null;
        for (ChainValidator v : validators) {
            try {
                Csr.Identity id = v.validate(chain, clock.instant());
                if (id.deviceId().equals(device)) {
                    return null;
                }
                problem = "the certificate names device " + id.deviceId();
            } catch (TrustException e) {
                problem = e.getMessage();
            }
        }
        return problem;
    }

    /** True without a registry, or when the key is ACTIVE in it at the head block. */
    private boolean registered(String device, PublicKey key) {
        if (registry == null) {
            return true;
        }
        try {
            RegistryAbi.Status status = registry.statusNow(key);
            if (status == RegistryAbi.Status.ACTIVE) {
                return true;
            }
            LOG.log(System.Logger.Level.WARNING, "status of {0}: its key is {1} in the device registry; not learned",
                    device, status);
        } catch (LedgerException e) {
            LOG.log(System.Logger.Level.WARNING, "status of {0}: registry status unknown ({1}); key not learned, its"
                    + " records stay unverified until a later status", device, e.getMessage());
        }
        return false;
    }

    static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return rdn.getValue().toString();
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            return null;
        }
        return null;
    }
}
