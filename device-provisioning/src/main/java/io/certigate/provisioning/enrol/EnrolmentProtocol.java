package io.certigate.provisioning.enrol;

import io.certigate.cbor.CborFormatException;
import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.cbor.CborWriter;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The enrolment exchange over CoAP, in one place: resource paths, content formats and the CBOR
 * bodies. {@code GET /csr} returns the DER CSR ({@code application/pkcs10}, content format 286,
 * RFC 9148 §5); {@code POST /install} carries {@code {"chain": [cert DER...], "ledger": {text:
 * text}, "nonce": bstr}} and answers with a COSE_Sign1 test record signed by the installed key
 * over {@code {"kind": "provisioning.test", "dev": id, "nonce": bstr, "t": epoch ms}}.
 */
public final class EnrolmentProtocol {
    public static final String CSR_PATH = "csr";
    public static final String INSTALL_PATH = "install";
    /** {@code GET /account}: the device's own ledger account address (text), made on the device. */
    public static final String ACCOUNT_PATH = "account";
    public static final int CF_PKCS10 = 286;
    public static final int CF_CBOR = 60;
    public static final int CF_COSE_SIGN1 = 18;
    public static final String TEST_KIND = "provisioning.test";
    public static final int MIN_NONCE = 16;
    public static final int MAX_BODY = 16 * 1024;

    private EnrolmentProtocol() {}

    /** What the technician sends to finish enrolment. */
    public record Install(List<X509Certificate> chain, Map<String, String> ledger, byte[] nonce) {
        public Install {
            chain = List.copyOf(chain);
            ledger = Map.copyOf(ledger);
            nonce = nonce.clone();
        }
    }

    /** The test record's payload fields. */
    public record TestReading(String deviceId, byte[] nonce, long time) {}

    public static byte[] encodeInstall(Install install) {
        CborWriter w = new CborWriter().mapHeader(3);
        w.text("chain").arrayHeader(install.chain().size());
        for (X509Certificate c : install.chain()) {
            try {
                w.bytes(c.getEncoded());
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("certificate cannot be encoded", e);
            }
        }
        Map<String, String> sorted = new TreeMap<>(EnrolmentProtocol::cborKeyOrder);
        sorted.putAll(install.ledger());
        w.text("nonce").bytes(install.nonce());
        w.text("ledger").mapHeader(sorted.size());
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            w.text(e.getKey()).text(e.getValue());
        }
        return w.toByteArray();
    }

    /** Deterministic CBOR orders text keys by encoded length first, then bytewise. */
    private static int cborKeyOrder(String a, String b) {
        byte[] x = a.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] y = b.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return x.length != y.length ? Integer.compare(x.length, y.length) : java.util.Arrays.compareUnsigned(x, y);
    }

    public static Install decodeInstall(byte[] body) throws EnrolmentException {
        if (body.length > MAX_BODY) {
            throw new EnrolmentException("install request of " + body.length + " bytes exceeds " + MAX_BODY);
        }
        try {
            CborItem.MapItem m = (CborItem.MapItem) CborReader.decode(body);
            List<X509Certificate> chain = new ArrayList<>();
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (CborItem c : ((CborItem.Array) required(m, "chain")).items()) {
                chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(((CborItem.Bytes) c).value())));
            }
            if (chain.isEmpty()) {
                throw new EnrolmentException("install request carries an empty chain");
            }
            Map<String, String> ledger = new TreeMap<>();
            for (Map.Entry<CborItem, CborItem> e : ((CborItem.MapItem) required(m, "ledger")).entries().entrySet()) {
                ledger.put(((CborItem.Text) e.getKey()).value(), ((CborItem.Text) e.getValue()).value());
            }
            byte[] nonce = ((CborItem.Bytes) required(m, "nonce")).value();
            if (nonce.length < MIN_NONCE) {
                throw new EnrolmentException("install nonce must be at least " + MIN_NONCE + " bytes");
            }
            return new Install(chain, ledger, nonce);
        } catch (CborFormatException | ClassCastException | CertificateException e) {
            throw new EnrolmentException("malformed install request: " + e.getMessage(), e);
        }
    }

    public static byte[] encodeTestReading(TestReading r) {
        return new CborWriter().mapHeader(4)
                .text("t").integer(r.time())
                .text("dev").text(r.deviceId())
                .text("kind").text(TEST_KIND)
                .text("nonce").bytes(r.nonce())
                .toByteArray();
    }

    public static TestReading decodeTestReading(byte[] payload) throws EnrolmentException {
        try {
            CborItem.MapItem m = (CborItem.MapItem) CborReader.decode(payload);
            if (!TEST_KIND.equals(((CborItem.Text) required(m, "kind")).value())) {
                throw new EnrolmentException("not a provisioning test record");
            }
            return new TestReading(((CborItem.Text) required(m, "dev")).value(),
                    ((CborItem.Bytes) required(m, "nonce")).value(), ((CborItem.Int) required(m, "t")).longValueExact());
        } catch (CborFormatException | ClassCastException | ArithmeticException e) {
            throw new EnrolmentException("malformed provisioning test record: " + e.getMessage(), e);
        }
    }

    private static CborItem required(CborItem.MapItem m, String key) throws EnrolmentException {
        CborItem v = m.get(key);
        if (v == null) {
            throw new EnrolmentException("missing '" + key + "'");
        }
        return v;
    }
}
