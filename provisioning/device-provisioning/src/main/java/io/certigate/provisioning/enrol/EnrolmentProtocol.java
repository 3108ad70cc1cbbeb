package io.certigate.provisioning.enrol;

import io.certigate.cbor.CborFormatException;
import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.cbor.CborWriter;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.RecordFormatException;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.model.TimeQuality;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Csr;
import io.certigate.signing.SignatureVerifier;
import io.certigate.verifier.chain.ChainVerifier;
import io.certigate.verifier.chain.VerificationReport;
import java.io.ByteArrayInputStream;
import java.security.PublicKey;
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
 * text}, "nonce": bstr}} and answers with the COSE_Sign1 record of a test reading (kind
 * {@code provisioning.test}, value the nonce) that the device's sequencer committed to its chain.
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
    public static final String TEST_SOURCE = "provisioning";
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
        CborItem item;
        try {
            item = CborReader.decode(body);
        } catch (CborFormatException e) {
            throw new EnrolmentException("malformed install request: " + e.getMessage(), e);
        }
        if (!(item instanceof CborItem.MapItem m)) {
            throw new EnrolmentException("malformed install request: not a CBOR map");
        }
        if (!(required(m, "chain") instanceof CborItem.Array certs)) {
            throw new EnrolmentException("malformed install request: 'chain' is not an array");
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (CborItem c : certs.items()) {
            if (!(c instanceof CborItem.Bytes der)) {
                throw new EnrolmentException("malformed install request: chain[" + chain.size() + "] is not a byte string");
            }
            try {
                chain.add((X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der.value())));
            } catch (CertificateException e) {
                throw new EnrolmentException("malformed install request: chain[" + chain.size() + "]: " + e.getMessage(), e);
            }
        }
        if (chain.isEmpty()) {
            throw new EnrolmentException("install request carries an empty chain");
        }
        if (!(required(m, "ledger") instanceof CborItem.MapItem settings)) {
            throw new EnrolmentException("malformed install request: 'ledger' is not a map");
        }
        Map<String, String> ledger = new TreeMap<>();
        for (Map.Entry<CborItem, CborItem> e : settings.entries().entrySet()) {
            if (!(e.getKey() instanceof CborItem.Text k) || !(e.getValue() instanceof CborItem.Text v)) {
                throw new EnrolmentException("malformed install request: ledger setting " + e.getKey()
                        + " is not text to text");
            }
            ledger.put(k.value(), v.value());
        }
        if (!(required(m, "nonce") instanceof CborItem.Bytes nonce)) {
            throw new EnrolmentException("malformed install request: 'nonce' is not a byte string");
        }
        if (nonce.value().length < MIN_NONCE) {
            throw new EnrolmentException("install nonce must be at least " + MIN_NONCE + " bytes");
        }
        return new Install(chain, ledger, nonce.value());
    }

    /**
     * The plain reading a device commits as its provisioning test once the chain is installed:
     * source {@value #TEST_SOURCE}, kind {@value #TEST_KIND}, subject the certified subject (VIN,
     * meter or site id), value the technician's nonce. The device's sequencer gives it its place in
     * the chain and signs it like any other reading.
     */
    public static Reading testReading(Csr.Identity identity, byte[] nonce, long millis) {
        return new Reading(millis, TimeQuality.NTP, TEST_SOURCE, TEST_KIND, identity.subject(),
                new ReadingValue.Bytes(nonce), null);
    }

    /**
     * Checks the device's answer as a normal record of its chain, with the verifier of
     * {@code certigate verify}: signed by {@code key} (kid included), a well-formed reading of
     * {@code deviceId} carrying the seq it claims, prev = 32 zero bytes when it is seq 1 (a later
     * seq continues a chain whose earlier records the technician does not hold); then that it is
     * the test reading answering {@code nonce}. Returns the record.
     */
    public static ChainedReading verifyTestRecord(byte[] cose, PublicKey key, String deviceId, byte[] nonce)
            throws EnrolmentException {
        long seq;
        try {
            seq = ReadingCodec.decode(CoseSign1.parse(cose).payload()).seq();
        } catch (CoseException | RecordFormatException e) {
            throw new EnrolmentException("the test record is not a record of the device chain: " + e.getMessage(), e);
        }
        VerificationReport report = new ChainVerifier(deviceId, List.of(key), SignatureVerifier.BOUNCY_CASTLE)
                .verify(List.of(new StoredRecord.Signed(seq, cose)));
        if (!report.ok() || report.verified() != 1) {
            throw new EnrolmentException("the test record does not verify as a record of " + deviceId + ": "
                    + report.findings());
        }
        ChainedReading c;
        try {
            c = ReadingCodec.decode(CoseSign1.parse(cose).payload());
        } catch (CoseException | RecordFormatException e) {
            throw new EnrolmentException("malformed test record: " + e.getMessage(), e);
        }
        Reading r = c.reading();
        if (!TEST_KIND.equals(r.kind()) || !TEST_SOURCE.equals(r.source())) {
            throw new EnrolmentException("record seq " + seq + " is a " + r.source() + " " + r.kind()
                    + " reading, not the provisioning test reading");
        }
        if (!(r.value() instanceof ReadingValue.Bytes b) || !java.util.Arrays.equals(b.value(), nonce)) {
            throw new EnrolmentException("the test reading does not carry our nonce");
        }
        return c;
    }

    private static CborItem required(CborItem.MapItem m, String key) throws EnrolmentException {
        CborItem v = m.get(key);
        if (v == null) {
            throw new EnrolmentException("missing '" + key + "'");
        }
        return v;
    }
}
