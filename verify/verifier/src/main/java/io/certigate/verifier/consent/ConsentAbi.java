package io.certigate.verifier.consent;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;

/**
 * The read side of the {@code ConsentRegistry} contract's ABI (anchor-client's
 * {@code src/main/solidity/ConsentRegistry.sol}): a consent whole, the consents of a holder and of
 * a (consumer, subject, purpose), whether a consent is in force at a block, its events, and the
 * contract's custom errors in words. Granting, revoking and deploying are anchor-client's
 * {@code io.certigate.consent}.
 */
public final class ConsentAbi {
    public static final Event GRANTED = new Event("Granted", List.of(
            new TypeReference<Uint256>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Address>(true) {},
            new TypeReference<Bytes32>() {}, new TypeReference<Bytes32>() {}, new TypeReference<DynamicArray<Bytes32>>() {},
            new TypeReference<Uint64>() {}, new TypeReference<Uint64>() {}));
    public static final Event REVOKED = new Event("Revoked", List.of(
            new TypeReference<Uint256>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Address>(true) {}));
    public static final String GRANTED_TOPIC = EventEncoder.encode(GRANTED);
    public static final String REVOKED_TOPIC = EventEncoder.encode(REVOKED);

    /** The contract's custom errors (as {@code Name(types)}) and what each means for a person. */
    private static final Map<String, String> ERRORS = Map.of(
            "NotRegisteredParty(address)", "the account is not an active party of the DeviceRegistry",
            "ZeroValue()", "a subject, purpose, kind or registry of zero",
            "BadKinds(uint256)", "a consent covers 1 to 8 reading kinds",
            "DuplicateKind(bytes32)", "a reading kind is named twice",
            "BadPeriod(uint64,uint64)", "the validity period ends before it starts",
            "AlreadyExpired(uint64,uint256)", "the validity period has already ended",
            "UnknownConsent(uint256)", "no consent has that id",
            "NotHolder(address,uint256)", "only the consent's holder may revoke it",
            "AlreadyRevoked(uint256,uint256)", "the consent is already revoked",
            "FutureBlock(uint256,uint256)", "the block asked about is after the current one");

    private ConsentAbi() {}

    public static String encodeConsent(long id) {
        return FunctionEncoder.encode(consentFunction(id));
    }

    private static Function consentFunction(long id) {
        return new Function("consent", List.of(uint(id)), List.of(
                new TypeReference<Address>() {}, new TypeReference<Address>() {}, new TypeReference<Bytes32>() {},
                new TypeReference<Bytes32>() {}, new TypeReference<DynamicArray<Bytes32>>() {},
                new TypeReference<Uint64>() {}, new TypeReference<Uint64>() {}, new TypeReference<Uint64>() {},
                new TypeReference<Uint64>() {}));
    }

    /** A {@code consent(id)} result; empty when no consent has that id (holder zero). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public static java.util.Optional<Consent> decodeConsent(long id, String hex) {
        List<Type> out = FunctionReturnDecoder.decode(hex, consentFunction(id).getOutputParameters());
        if (out.size() != 9) {
            throw new IllegalArgumentException("consent(" + id + ") returned " + out.size() + " values, not 9");
        }
        String holder = ((Address) out.get(0)).getValue();
        if (new BigInteger(holder.substring(2), 16).signum() == 0) {
            return java.util.Optional.empty();
        }
        List<String> kinds = new ArrayList<>();
        for (Bytes32 k : ((DynamicArray<Bytes32>) out.get(4)).getValue()) {
            kinds.add(ConsentCodes.text(k.getValue()));
        }
        return java.util.Optional.of(new Consent(id, holder, ((Address) out.get(1)).getValue(),
                ((Bytes32) out.get(2)).getValue(), ConsentCodes.text(((Bytes32) out.get(3)).getValue()), kinds,
                Instant.ofEpochSecond(u64(out.get(5))), Instant.ofEpochSecond(u64(out.get(6))), u64(out.get(7)),
                u64(out.get(8))));
    }

    public static String encodeConsentsOf(String holder) {
        return FunctionEncoder.encode(new Function("consentsOf", List.of(new Address(holder)), List.of()));
    }

    public static String encodeConsentsFor(String holder, String consumer, byte[] subject, byte[] purpose) {
        return FunctionEncoder.encode(new Function("consentsFor", List.of(new Address(holder), new Address(consumer),
                new Bytes32(subject), new Bytes32(purpose)), List.of()));
    }

    /** A {@code uint256[]} result as ids. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public static List<Long> decodeIds(String hex) {
        List<Type> out = FunctionReturnDecoder.decode(hex, List.of((TypeReference) new TypeReference<DynamicArray<Uint256>>() {}));
        if (out.size() != 1) {
            throw new IllegalArgumentException("expected one uint256[], got " + out.size() + " values");
        }
        List<Long> ids = new ArrayList<>();
        for (Uint256 v : ((DynamicArray<Uint256>) out.get(0)).getValue()) {
            ids.add(v.getValue().longValueExact());
        }
        return ids;
    }

    /** {@code inForce(id, block, blockTime)}: the consent's state by the contract's own rule. */
    public static String encodeInForce(long id, long block, Instant blockTime) {
        return FunctionEncoder.encode(new Function("inForce", List.of(uint(id), uint(block),
                uint(blockTime.getEpochSecond())), List.of()));
    }

    public static String encodeFindInForce(String holder, String consumer, byte[] subject, byte[] purpose, byte[] kind,
            long block, Instant blockTime) {
        return FunctionEncoder.encode(new Function("findInForce", List.of(new Address(holder), new Address(consumer),
                new Bytes32(subject),
                new Bytes32(purpose), new Bytes32(kind), uint(block), uint(blockTime.getEpochSecond())), List.of()));
    }

    public static String encodeRegistry() {
        return FunctionEncoder.encode(new Function("registry", List.of(), List.of()));
    }

    public static String encodeCount() {
        return FunctionEncoder.encode(new Function("count", List.of(), List.of()));
    }

    /**
     * The contract's custom error in {@code message} (a node's revert message carrying the error's
     * revert data), in words with its name, or null when it carries none of them.
     */
    public static String explainRevert(String message) {
        if (message == null) {
            return null;
        }
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        for (var e : ERRORS.entrySet()) {
            String selector = org.web3j.crypto.Hash.sha3String(e.getKey()).substring(2, 10);
            if (lower.contains(selector)) {
                return e.getKey().substring(0, e.getKey().indexOf('(')) + ": " + e.getValue();
            }
        }
        return null;
    }

    private static Uint256 uint(long v) {
        return new Uint256(BigInteger.valueOf(v));
    }

    @SuppressWarnings("rawtypes")
    private static long u64(Type t) {
        return ((BigInteger) t.getValue()).longValueExact();
    }
}
