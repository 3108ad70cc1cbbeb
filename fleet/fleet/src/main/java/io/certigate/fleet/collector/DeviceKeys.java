package io.certigate.fleet.collector;

import io.certigate.signing.KeyIds;
import io.certigate.uplink.StatusMessage;
import io.certigate.uplink.mqtt.TlsSettings;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.export.ExportFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
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
 * <li><b>CA</b>: a status message's certificate chain is accepted when it validates (PKIX) to one
 * of the configured consortium CA certificates and its leaf's CN is the publishing device.</li>
 * <li><b>Trust on first use</b> (demo only): the first status message's leaf key of a device is
 * pinned; a later different key is refused unless the CA policy accepts it.</li>
 * </ol>
 */
public final class DeviceKeys {
    private static final System.Logger LOG = System.getLogger(DeviceKeys.class.getName());

    private final Set<TrustAnchor> anchors = new HashSet<>();
    private final boolean trustOnFirstUse;
    private final Map<String, List<PublicKey>> keys = new ConcurrentHashMap<>();

    public DeviceKeys(List<X509Certificate> caCertificates, boolean trustOnFirstUse) {
        for (X509Certificate ca : caCertificates) {
            anchors.add(new TrustAnchor(ca, null));
        }
        this.trustOnFirstUse = trustOnFirstUse;
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
                if (c.keys().isEmpty() && !c.certificateChain().isEmpty()) {
                    add(c.device(), c.certificateChain().get(0).getPublicKey());
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
        }
    }

    /**
     * Considers the certificate chain of a status message; returns true when it added a key.
     */
    public boolean learn(StatusMessage status) {
        if (status.certificateChain().isEmpty()) {
            return false;
        }
        X509Certificate leaf = status.certificateChain().get(0);
        if (!status.device().equals(commonName(leaf))) {
            LOG.log(System.Logger.Level.WARNING, "status of {0} carries a certificate for ''{1}''; ignored",
                    status.device(), commonName(leaf));
            return false;
        }
        PublicKey key = leaf.getPublicKey();
        if (!anchors.isEmpty()) {
            String problem = validate(status.certificateChain());
            if (problem == null) {
                return add(status.device(), key);
            }
            if (!trustOnFirstUse) {
                LOG.log(System.Logger.Level.WARNING, "status of {0}: certificate chain not accepted: {1}",
                        status.device(), problem);
                return false;
            }
        }
        if (trustOnFirstUse) {
            synchronized (this) {
                List<PublicKey> known = keysFor(status.device());
                if (known.isEmpty()) {
                    LOG.log(System.Logger.Level.INFO, "trusting the key of {0} on first use", status.device());
                    return add(status.device(), key);
                }
                if (known.stream().noneMatch(k -> java.util.Arrays.equals(k.getEncoded(), key.getEncoded()))) {
                    LOG.log(System.Logger.Level.WARNING, "status of {0} carries a key different from the one trusted "
                            + "on first use; ignored", status.device());
                }
            }
        }
        return false;
    }

    private String validate(List<X509Certificate> chain) {
        try {
            PKIXParameters p = new PKIXParameters(anchors);
            p.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), p);
            return null;
        } catch (GeneralSecurityException e) {
            return e.getMessage();
        }
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
