package io.certigate.anchor.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint64;

/**
 * The writing side of the {@code CertigateAnchor} contract's ABI: the calls the gateway and the
 * contract's administrator sign, and the compiled bytecode generated at build time from
 * {@code src/main/solidity}. What a verifier reads (the {@code Anchored} event, {@code blockOf}, the
 * device's {@code bytes32}) is the verifier's {@link io.certigate.verifier.ledger.AnchorAbi}.
 */
public final class AnchorContract {
    static final String ARTIFACT = "/io/certigate/anchor/contract/CertigateAnchor.json";

    private AnchorContract() {}

    public static String encodeAnchor(byte[] root, byte[] device, long firstSeq, long lastSeq) {
        return FunctionEncoder.encode(new Function("anchor", List.of(new Bytes32(root), new Bytes32(device),
                new Uint64(firstSeq), new Uint64(lastSeq)), List.of()));
    }

    public static String encodeSetAnchorer(String account, boolean allowed) {
        return FunctionEncoder.encode(new Function("setAnchorer", List.of(new Address(account), new Bool(allowed)),
                List.of()));
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
