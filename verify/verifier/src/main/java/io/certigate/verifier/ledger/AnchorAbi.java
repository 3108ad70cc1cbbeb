package io.certigate.verifier.ledger;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * The read side of the {@code CertigateAnchor} contract's ABI: the {@code Anchored} event and its
 * decoding, the {@code blockOf(device, root)} call (the contract holds roots per device), and how a
 * device id becomes the contract's {@code bytes32 device} (SHA-256 of the id's UTF-8 bytes). The calls that change the contract
 * (anchoring, administration) and its bytecode are anchor-client's {@code AnchorContract}.
 */
public final class AnchorAbi {
    public static final Event ANCHORED = new Event("Anchored", List.of(new TypeReference<Bytes32>(true) {},
            new TypeReference<Bytes32>(true) {}, new TypeReference<Uint64>() {}, new TypeReference<Uint64>() {}));
    public static final String ANCHORED_TOPIC = EventEncoder.encode(ANCHORED);

    /** One {@code Anchored} event as found in a receipt or a log query. */
    public record AnchoredEvent(String contract, byte[] root, byte[] device, long firstSeq, long lastSeq, String txHash,
            long blockNumber) {
        public AnchoredEvent {
            root = root.clone();
            device = device.clone();
        }

        @Override
        public byte[] root() {
            return root.clone();
        }

        @Override
        public byte[] device() {
            return device.clone();
        }
    }

    private AnchorAbi() {}

    /** {@code blockOf(device, root)}: the block that anchored {@code root} for {@code device}, or 0. */
    public static String encodeBlockOf(byte[] device, byte[] root) {
        return FunctionEncoder.encode(new Function("blockOf", List.of(new Bytes32(device), new Bytes32(root)),
                List.of()));
    }

    /** The contract's {@code bytes32 device} for a device id: SHA-256 of its UTF-8 bytes. */
    public static byte[] deviceKey(String deviceId) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(deviceId.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** Decodes a log if it is an {@code Anchored} event; other logs give empty. */
    public static Optional<AnchoredEvent> decode(Log log) {
        List<String> topics = log.getTopics();
        if (topics == null || topics.size() != 3 || !ANCHORED_TOPIC.equalsIgnoreCase(topics.get(0))) {
            return Optional.empty();
        }
        byte[] data = Numeric.hexStringToByteArray(log.getData());
        if (data.length != 64) {
            return Optional.empty();
        }
        BigInteger first = new BigInteger(1, Arrays.copyOfRange(data, 0, 32));
        BigInteger last = new BigInteger(1, Arrays.copyOfRange(data, 32, 64));
        return Optional.of(new AnchoredEvent(log.getAddress().toLowerCase(Locale.ROOT),
                Numeric.hexStringToByteArray(topics.get(1)), Numeric.hexStringToByteArray(topics.get(2)),
                first.longValueExact(), last.longValueExact(), log.getTransactionHash(),
                log.getBlockNumber() == null ? -1 : log.getBlockNumber().longValueExact()));
    }
}
