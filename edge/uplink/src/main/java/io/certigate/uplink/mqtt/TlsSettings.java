package io.certigate.uplink.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to the broker: the CA certificates that may sign the broker's certificate and, for mutual
 * TLS, the device's own key and certificate chain (the PKCS#12 key store the device key lives in).
 * The broker's host name is checked against its certificate.
 *
 * @param trustAnchors CA certificates trusted for the broker
 * @param clientKeys   key store holding the client key and chain, or null for server-only TLS
 * @param keyPassword  password of the client key
 */
public record TlsSettings(List<X509Certificate> trustAnchors, KeyStore clientKeys, char[] keyPassword) {
    public TlsSettings {
        trustAnchors = List.copyOf(trustAnchors);
        if (trustAnchors.isEmpty()) {
            throw new IllegalArgumentException("TLS needs at least one trusted CA certificate");
        }
        keyPassword = keyPassword == null ? null : keyPassword.clone();
    }

    /** Server-authenticated TLS only. */
    public static TlsSettings trusting(List<X509Certificate> trustAnchors) {
        return new TlsSettings(trustAnchors, null, null);
    }

    /**
     * Reads CA certificates from a PEM (or DER) file and, when {@code pkcs12} is not null, the
     * client key store (the device's PKCS#12 file).
     */
    public static TlsSettings fromFiles(Path caFile, Path pkcs12, char[] passphrase) throws IOException {
        List<X509Certificate> cas = readCertificates(caFile);
        if (pkcs12 == null) {
            return trusting(cas);
        }
        try (InputStream in = Files.newInputStream(pkcs12)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, passphrase);
            return new TlsSettings(cas, ks, passphrase);
        } catch (GeneralSecurityException | IOException e) { // a wrong passphrase is an IOException of load()
            throw new IOException("cannot read the client key store " + pkcs12 + ": " + e.getMessage(), e);
        }
    }

    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IOException(file + " holds no certificate");
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " holds no readable X.509 certificate: " + e.getMessage(), e);
        }
    }

    /** An SSL socket factory for TLS 1.2 or 1.3 with these settings. */
    public SSLSocketFactory socketFactory() throws GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try {
            trust.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an empty trust store", e);
        }
        int i = 0;
        for (X509Certificate ca : trustAnchors) {
            trust.setCertificateEntry("ca" + i++, ca);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientKeys != null) {
            kmf = KeyManagerFactory.getInstance("PKIX"); // chooses keys by TLS signature scheme, EdDSA included
            kmf.init(clientKeys, keyPassword);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }
}
