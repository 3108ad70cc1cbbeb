package io.certigate.core.spine;

import io.certigate.cbor.CborFormatException;
import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.cbor.CborWriter;
import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.signing.DeviceKey;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the device's certificate chains in the buffer file, so an export or a proof can be made
 * from the buffer alone. Every key the device has signed with is kept (oldest first): after a key
 * rotation, older records still verify.
 */
public final class DeviceIdentity {
    static final String KEY = "cert_chains";

    private DeviceIdentity() {}

    /** Records the key's chain in the buffer unless the same leaf is already there. */
    public static void remember(RecordBuffer buffer, DeviceKey key) throws BufferException {
        List<List<X509Certificate>> chains = chains(buffer);
        X509Certificate leaf = key.certificateChain().get(0);
        List<List<X509Certificate>> updated = new ArrayList<>();
        for (List<X509Certificate> c : chains) {
            if (!c.get(0).getPublicKey().equals(leaf.getPublicKey())) {
                updated.add(c);
            }
        }
        updated.add(key.certificateChain());
        if (updated.equals(chains)) {
            return;
        }
        CborWriter w = new CborWriter().arrayHeader(updated.size());
        for (List<X509Certificate> chain : updated) {
            w.arrayHeader(chain.size());
            for (X509Certificate c : chain) {
                try {
                    w.bytes(c.getEncoded());
                } catch (CertificateEncodingException e) {
                    throw new IllegalArgumentException("device certificate cannot be encoded", e);
                }
            }
        }
        buffer.putMetadata(KEY, w.toByteArray());
    }

    /** Every certificate chain the device has used, oldest first. */
    public static List<List<X509Certificate>> chains(RecordBuffer buffer) throws BufferException {
        byte[] raw = buffer.metadata(KEY);
        List<List<X509Certificate>> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (CborItem chain : ((CborItem.Array) CborReader.decode(raw)).items()) {
                List<X509Certificate> certs = new ArrayList<>();
                for (CborItem c : ((CborItem.Array) chain).items()) {
                    certs.add((X509Certificate) cf.generateCertificate(
                            new ByteArrayInputStream(((CborItem.Bytes) c).value())));
                }
                out.add(certs);
            }
        } catch (CborFormatException | CertificateException | ClassCastException e) {
            throw new BufferException(BufferException.Reason.REFUSED_FILE, buffer.file(),
                    "stored device certificates are unreadable: " + e.getMessage(), e);
        }
        return out;
    }
}
