package io.certigate.verifier.ledger;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.utils.Numeric;

/**
 * The read side of the {@code DeviceRegistry} contract's ABI: a key's status at a block, the blocks
 * that registered, superseded and revoked it, whether a ledger account belongs to an active device
 * (and to which one), and how a key becomes the registry's {@code bytes32 keyHash}. Registering,
 * revoking and deploying are device-provisioning's {@code RegistryContract}.
 */
public final class RegistryAbi {
    /**
     * {@code statusAt} results, in the contract's numbering. The status is the key's at the block
     * asked about: {@code SUPERSEDED} means that block is at or after the block of the key's
     * rotation, {@code REVOKED} at or after its revocation.
     */
    public enum Status {
        UNKNOWN, ACTIVE, SUPERSEDED, REVOKED;

        /**
         * Whether records the key signed and anchored at that block count as valid: only while the
         * key was the device's current key. A superseded key signs nothing valid from the block of
         * its rotation on (a key file left behind must not certify new readings); a revoked key
         * nothing from the block of its revocation on. What either anchored before stays valid:
         * {@code statusAt} reports ACTIVE there.
         */
        public boolean validForAnchoring() {
            return this == ACTIVE;
        }
    }

    /**
     * A key's entry in the registry: the blocks that registered, superseded (a rotation registered
     * the device's next key) and revoked it; 0 where that has not happened.
     */
    public record KeyEntry(long registeredIn, long supersededIn, long revokedIn) {
        /** The first block from which the key signs nothing valid (its rotation or revocation), or 0. */
        public long invalidFrom() {
            if (supersededIn == 0) {
                return revokedIn;
            }
            return revokedIn == 0 ? supersededIn : Math.min(supersededIn, revokedIn);
        }
    }

    private RegistryAbi() {}

    /** SHA-256 of the key's SubjectPublicKeyInfo DER. */
    public static byte[] keyHash(PublicKey key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    public static String encodeIsActiveAccount(String account) {
        return FunctionEncoder.encode(new Function("isActiveAccount", List.of(new Address(account)), List.of()));
    }

    /** {@code deviceOfAccount(account)}: the device the account anchors for, and whether that is active. */
    public static String encodeDeviceOfAccount(String account) {
        return FunctionEncoder.encode(new Function("deviceOfAccount", List.of(new Address(account)), List.of()));
    }

    /**
     * A {@code deviceOfAccount} result (two words: {@code bytes32 device}, {@code bool active}): the
     * device's {@code bytes32} while the binding is active, otherwise empty.
     */
    public static Optional<byte[]> activeDevice(String hex) {
        byte[] out = hex == null ? new byte[0] : Numeric.hexStringToByteArray(hex);
        if (out.length != 64) {
            throw new IllegalArgumentException("registry returned " + out.length + " bytes for deviceOfAccount, not 64");
        }
        boolean active = new BigInteger(1, Arrays.copyOfRange(out, 32, 64)).signum() != 0;
        return active ? Optional.of(Arrays.copyOfRange(out, 0, 32)) : Optional.empty();
    }

    public static String encodeStatusAt(byte[] keyHash, long block) {
        return FunctionEncoder.encode(new Function("statusAt", List.of(new Bytes32(keyHash),
                new Uint256(BigInteger.valueOf(block))), List.of()));
    }

    /** The public getter of {@code entries(bytes32)}: device, certHash, account, registeredIn, supersededIn, revokedIn. */
    public static String encodeEntries(byte[] keyHash) {
        return FunctionEncoder.encode(new Function("entries", List.of(new Bytes32(keyHash)), List.of()));
    }

    /** An {@code entries} result (six words); an unregistered key gives all zeros. */
    public static KeyEntry keyEntry(String hex) {
        byte[] out = hex == null || hex.equals("0x") ? new byte[0] : Numeric.hexStringToByteArray(hex);
        if (out.length == 0) {
            return new KeyEntry(0, 0, 0);
        }
        if (out.length != 6 * 32) {
            throw new IllegalArgumentException("registry returned " + out.length + " bytes for entries, not 192");
        }
        return new KeyEntry(uint(out, 3), uint(out, 4), uint(out, 5));
    }

    private static long uint(byte[] words, int i) {
        return new BigInteger(1, java.util.Arrays.copyOfRange(words, i * 32, i * 32 + 32)).longValueExact();
    }

    /** A 32-byte return word as an unsigned number ({@code 0x} or nothing is 0). */
    public static BigInteger word(String hex) {
        return hex == null || hex.equals("0x") ? BigInteger.ZERO : Numeric.toBigInt(hex);
    }

    /** A {@code statusAt} result; an unknown code is refused. */
    public static Status status(String hex) {
        int v = word(hex).intValueExact();
        if (v < 0 || v >= Status.values().length) {
            throw new IllegalArgumentException("registry returned an unknown status " + v);
        }
        return Status.values()[v];
    }
}
