package io.certigate.consent;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;

/**
 * The writing side of the {@code ConsentRegistry} contract's ABI ({@code src/main/solidity}): the
 * holder's {@code grant} and {@code revoke}, and the creation bytecode with its constructor argument
 * (the DeviceRegistry whose active accounts are the parties). What anyone reads is the verifier's
 * {@link io.certigate.verifier.consent.ConsentAbi}.
 */
public final class ConsentContract {
    static final String ARTIFACT = "/io/certigate/anchor/contract/ConsentRegistry.json";

    private ConsentContract() {}

    public static String encodeGrant(String consumer, byte[] subject, byte[] purpose, List<byte[]> kinds, long validFrom,
            long validUntil) {
        List<Bytes32> k = new ArrayList<>();
        for (byte[] kind : kinds) {
            k.add(new Bytes32(kind));
        }
        return FunctionEncoder.encode(new Function("grant", List.of(new Address(consumer), new Bytes32(subject),
                new Bytes32(purpose), new DynamicArray<>(Bytes32.class, k), new Uint64(validFrom), new Uint64(validUntil)),
                List.of()));
    }

    public static String encodeRevoke(long id) {
        return FunctionEncoder.encode(new Function("revoke", List.of(new Uint256(BigInteger.valueOf(id))), List.of()));
    }

    /** The creation bytecode compiled at build time followed by the constructor's argument. */
    public static String creationBytecode(String partyRegistry) throws IOException {
        try (InputStream in = ConsentContract.class.getResourceAsStream(ARTIFACT)) {
            if (in == null) {
                throw new IOException("compiled contract " + ARTIFACT + " missing from the classpath: the build runs "
                        + "src/main/solidity/compile.js (needs node and `npm ci` at the repository root)");
            }
            String bin = new ObjectMapper().readTree(in).path("bin").asText();
            return bin + FunctionEncoder.encodeConstructor(List.of(new Address(partyRegistry)));
        }
    }
}
