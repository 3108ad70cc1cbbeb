package io.certigate.uplink.coap;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How a CoAP peer authenticates in the DTLS 1.2 handshake (RFC 9147 is not used; Scandium speaks
 * DTLS 1.2, RFC 6347): a pre-shared key, or an X.509 key and chain checked against trusted CAs.
 */
public sealed interface DtlsCredentials {

    /** A pre-shared key; on the gateway the identity is the device id. */
    record Psk(String identity, byte[] secret) implements DtlsCredentials {
        public Psk {
            if (identity == null || identity.isEmpty() || secret == null || secret.length < 16) {
                throw new IllegalArgumentException("a PSK needs an identity and a secret of at least 16 bytes");
            }
            secret = secret.clone();
        }

        @Override
        public byte[] secret() {
            return secret.clone();
        }
    }

    /** An X.509 identity (P-256 key) and the CA certificates trusted for the peer. */
    record Certificate(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trusted)
            implements DtlsCredentials {
        public Certificate {
            chain = List.copyOf(chain);
            trusted = List.copyOf(trusted);
            if (chain.isEmpty() || trusted.isEmpty()) {
                throw new IllegalArgumentException("certificate credentials need a chain and trusted CAs");
            }
        }
    }
}
