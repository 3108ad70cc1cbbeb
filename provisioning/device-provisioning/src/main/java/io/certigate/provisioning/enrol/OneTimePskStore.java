package io.certigate.provisioning.enrol;

import io.certigate.core.io.LogText;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import javax.crypto.SecretKey;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.ServerNames;

/**
 * The server side of the provisioning PSK: it answers for one identity until it is invalidated
 * (after the device is provisioned). An unknown identity or an invalidated key gets no secret, and
 * the handshake fails. Failed handshakes are limited per peer address ({@link PeerBackoff}), never
 * by burning the PSK for everyone.
 */
final class OneTimePskStore implements AdvancedPskStore {
    private static final System.Logger LOG = System.getLogger(OneTimePskStore.class.getName());
    private final String identity;
    private final byte[] key;
    private volatile boolean valid = true;

    OneTimePskStore(ProvisioningPsk psk) {
        this.identity = psk.identity();
        this.key = psk.key();
    }

    @Override
    public boolean hasEcdhePskSupported() {
        return true;
    }

    @Override
    public PskSecretResult requestPskSecretResult(ConnectionId cid, ServerNames serverName,
            PskPublicInformation id, String hmacAlgorithm, SecretKey otherSecret, byte[] seed,
            boolean useExtendedMasterSecret) {
        boolean known = MessageDigest.isEqual(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8), id.getBytes());
        if (!known || !valid) {
            LOG.log(System.Logger.Level.WARNING, "provisioning handshake refused: "
                    + (known ? "the provisioning PSK is no longer valid"
                            : "unknown PSK identity '" + LogText.escape(id.getPublicInfoAsString()) + "'"));
            return new PskSecretResult(cid, id, null);
        }
        return new PskSecretResult(cid, id, SecretUtil.create(key, "PSK"));
    }

    @Override
    public PskPublicInformation getIdentity(InetSocketAddress peer, ServerNames virtualHost) {
        return null; // server side only
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        // answers synchronously
    }

    boolean isValid() {
        return valid;
    }

    void invalidate() {
        valid = false;
        java.util.Arrays.fill(key, (byte) 0);
    }
}
