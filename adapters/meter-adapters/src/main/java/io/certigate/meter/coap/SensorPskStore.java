package io.certigate.meter.coap;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKey;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.ServerNames;

/**
 * The hub's pre-shared keys, one per configured sensor (Scandium's {@link AdvancedMultiPskStore}),
 * counting handshakes that named an unknown identity and logging each such identity once.
 */
final class SensorPskStore implements AdvancedPskStore {
    private static final System.Logger LOG = System.getLogger(SensorPskStore.class.getName());
    private final AdvancedMultiPskStore keys = new AdvancedMultiPskStore();
    private final Set<String> known;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final AtomicLong unknown = new AtomicLong();

    SensorPskStore(Map<String, byte[]> sensorKeys) {
        sensorKeys.forEach(keys::setKey);
        this.known = Set.copyOf(sensorKeys.keySet());
    }

    @Override
    public boolean hasEcdhePskSupported() {
        return keys.hasEcdhePskSupported();
    }

    @Override
    public PskSecretResult requestPskSecretResult(ConnectionId cid, ServerNames serverName, PskPublicInformation identity,
            String hmacAlgorithm, SecretKey otherSecret, byte[] seed, boolean useExtendedMasterSecret) {
        String id = identity.getPublicInfoAsString();
        if (!known.contains(id)) {
            unknown.incrementAndGet();
            if (reported.size() < 1000 && reported.add(id)) {
                LOG.log(System.Logger.Level.WARNING, "DTLS handshake refused: unknown PSK identity ''{0}''",
                        io.certigate.core.io.LogText.escape(id));
            }
        }
        return keys.requestPskSecretResult(cid, serverName, identity, hmacAlgorithm, otherSecret, seed, useExtendedMasterSecret);
    }

    @Override
    public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
        return keys.getIdentity(peerAddress, virtualHost);
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        keys.setResultHandler(resultHandler);
    }

    long unknownIdentities() {
        return unknown.get();
    }
}
