package io.certigate.anchor.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
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
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * Everything certigate knows about the {@code CertigateAnchor} contract's ABI: the calls it makes,
 * the {@code Anchored} event it reads, how a device id becomes the contract's {@code bytes32 device}
 * (SHA-256 of the id's UTF-8 bytes), and the compiled bytecode generated at build time from
 * {@code src/main/solidity}.
 */
public final class AnchorContract {
    static final String ARTIFACT = "/io/certigate/anchor/contract/CertigateAnchor.json";

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

    private AnchorContract() {}

    public static String encodeAnchor(byte[] root, byte[] device, long firstSeq, long lastSeq) {
        return FunctionEncoder.encode(new Function("anchor", List.of(new Bytes32(root), new Bytes32(device),
                new Uint64(firstSeq), new Uint64(lastSeq)), List.of()));
    }

    public static String encodeBlockOf(byte[] root) {
        return FunctionEncoder.encode(new Function("blockOf", List.of(new Bytes32(root)), List.of()));
    }

    public static String encodeSetAnchorer(String account, boolean allowed) {
        return FunctionEncoder.encode(new Function("setAnchorer", List.of(new Address(account), new Bool(allowed)),
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

    /** The creation bytecode compiled at build time (solc and evmVersion pinned in compile.js). */
    public static String creationBytecode() throws IOException {
        return artifact().path("bin").asText();
    }

    /** The compiler and EVM version the bytecode was built with, for reports. */
    public static String compiledWith() throws IOException {
        JsonNode a = artifact();
        return "solc " + a.path("compiler").asText() + ", evmVersion " + a.path("evmVersion").asText();
    }

    private static JsonNode artifact() throws IOException {
        try (InputStream in = AnchorContract.class.getResourceAsStream(ARTIFACT)) {
            if (in == null) {
                throw new IOException("compiled contract " + ARTIFACT + " missing from the classpath: the build runs "
                        + "src/main/solidity/compile.js (needs node and `npm ci` at the repository root)");
            }
            return new ObjectMapper().readTree(in);
        }
    }
}
