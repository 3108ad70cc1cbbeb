package io.certigate.provisioning.enrol;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuiteParameters;
import org.eclipse.californium.scandium.dtls.cipher.DefaultCipherSuiteSelector;

/**
 * The DTLS 1.2 settings both ends of enrolment use: PSK cipher suites only, ECDHE-PSK first for
 * forward secrecy (RFC 8442), then TLS_PSK_WITH_AES_128_CCM_8, the CoAP mandatory-to-implement
 * suite of RFC 7252 §9.1.3.1 and RFC 7925 §4.2, only for a peer without ECDHE-PSK. The server
 * picks by its own order ({@link #SERVER_ORDER}): Scandium's default selector follows the client's
 * order, so a client listing the plain PSK suite first would otherwise get it.
 */
public final class DtlsSettings {
    public static final List<CipherSuite> CIPHER_SUITES = List.of(
            CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_PSK_WITH_AES_128_CCM_8);

    static {
        CoapConfig.register();
        DtlsConfig.register();
    }

    private DtlsSettings() {}

    /** Chooses the first suite of {@link #CIPHER_SUITES} the client offers, whatever the client's own order. */
    public static final DefaultCipherSuiteSelector SERVER_ORDER = new DefaultCipherSuiteSelector() {
        @Override
        public boolean select(CipherSuiteParameters parameters) {
            for (CipherSuite suite : CIPHER_SUITES) {
                if (parameters.getCipherSuites().contains(suite) && select(suite, parameters)) {
                    return true;
                }
            }
            return super.select(parameters);
        }
    };

    /** A configuration for one role; {@code timeout} bounds handshake retransmissions and exchanges. */
    public static Configuration configuration(DtlsConfig.DtlsRole role, Duration timeout) {
        Configuration c = Configuration.createStandardWithoutFile();
        c.set(DtlsConfig.DTLS_ROLE, role);
        c.set(DtlsConfig.DTLS_CIPHER_SUITES, CIPHER_SUITES);
        c.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
        c.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, Math.max(200, timeout.toMillis() / 8), TimeUnit.MILLISECONDS);
        c.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 3);
        c.set(CoapConfig.MAX_RETRANSMIT, 2);
        c.set(CoapConfig.EXCHANGE_LIFETIME, timeout.toMillis(), TimeUnit.MILLISECONDS);
        return c;
    }
}
