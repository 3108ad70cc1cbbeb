package io.certigate.fleet.verify;

import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.SignatureVerifier;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;

/**
 * The trusted keys one processor has used, by (device, key id), each with its public key parsed
 * once ({@link SignatureVerifier#forKey}): finding a key in {@link DeviceKeys} hashes every key of
 * the device, and verifying from a {@link PublicKey} decodes its point, both per record otherwise.
 * {@link DeviceKeys} only ever adds keys, so a key once found for a (device, kid) stays the answer;
 * only found keys are kept, at most {@link #MAX} (least recently used dropped first). Not thread-safe:
 * one per processor (per task).
 *
 * <p>A record's check is the one {@code Verifier.signature} makes (the same messages): the key id is
 * the key's by construction, then the record's algorithm must be the key's, then the signature must
 * verify with Bouncy Castle's engine over the record's Sig_structure (RFC 9052 §4.4).
 */
final class TrustedKeys {
    static final int MAX = 16_384;

    private final DeviceKeys keys;
    private final Map<Key, Bound> found = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Bound> eldest) {
            return size() > MAX;
        }
    };

    TrustedKeys(DeviceKeys keys) {
        this.keys = keys;
    }

    private record Key(String device, Bytes kid) {
    }

    /** A trusted key with its engine prepared. */
    static final class Bound {
        private final CoseAlgorithm algorithm;
        private final String unsupported;
        private final SignatureVerifier.KeyVerifier verifier;

        Bound(PublicKey key) {
            CoseAlgorithm a = null;
            String problem = null;
            try {
                a = CoseAlgorithm.of(key);
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
            algorithm = a;
            unsupported = problem;
            verifier = SignatureVerifier.BOUNCY_CASTLE.forKey(key);
        }

        /** Null when {@code p}'s signature verifies with this key; otherwise why not. */
        String problem(CoseSign1.Parsed p) {
            if (unsupported != null) {
                return unsupported;
            }
            if (p.algorithm() != algorithm) {
                return "record algorithm " + p.algorithm() + " does not match the " + algorithm + " device key";
            }
            try {
                return verifier.verify(p.algorithm(), p.toBeSigned(), p.signature()) ? null : "signature does not verify";
            } catch (CoseException e) {
                return e.getMessage();
            }
        }
    }

    /** The prepared key of {@code device} with key id {@code kid} in {@link DeviceKeys}, or null when it has none (yet). */
    Bound find(String device, byte[] kid) {
        Key k = new Key(device, Bytes.wrap(kid));
        Bound b = found.get(k);
        if (b == null) {
            PublicKey key = keys.find(device, kid);
            if (key == null) {
                return null;
            }
            b = new Bound(key);
            found.put(k, b);
        }
        return b;
    }
}
