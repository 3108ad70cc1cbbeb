package io.certigate.provisioning.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certigate.verifier.ledger.AnchorAbi;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;

/**
 * The writing side of the {@code DeviceRegistry} contract's ABI (compiled with the anchor contract
 * by anchor-client's build): the registrar's calls, how a device id and a certificate become its
 * {@code bytes32} values, and the bytecode. What a verifier reads (a key's status at a block, the key
 * hash) is the verifier's {@link io.certigate.verifier.ledger.RegistryAbi}.
 */
public final class RegistryContract {
    static final String ARTIFACT = "/io/certigate/anchor/contract/DeviceRegistry.json";

    private RegistryContract() {}

    /** The contract's {@code bytes32 device}: the same SHA-256 of the id the anchor contract uses. */
    public static byte[] device(String deviceId) {
        return AnchorAbi.deviceKey(deviceId);
    }

    /** SHA-256 of the certificate's DER. */
    public static byte[] certHash(X509Certificate cert) {
        try {
            return sha256(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        }
    }

    public static String encodeRegister(byte[] device, byte[] keyHash, byte[] certHash, String account) {
        return FunctionEncoder.encode(new Function("register", List.of(new Bytes32(device), new Bytes32(keyHash),
                new Bytes32(certHash), new Address(account)), List.of()));
    }

    /** The public getter {@code currentKey(bytes32 device)}. */
    public static String encodeCurrentKey(byte[] device) {
        return FunctionEncoder.encode(new Function("currentKey", List.of(new Bytes32(device)), List.of()));
    }

    /** The public getter {@code keyOfAccount(address)}. */
    public static String encodeKeyOfAccount(String account) {
        return FunctionEncoder.encode(new Function("keyOfAccount", List.of(new Address(account)), List.of()));
    }

    public static String encodeRevoke(byte[] keyHash, String reason) {
        return FunctionEncoder.encode(new Function("revoke", List.of(new Bytes32(keyHash), new Utf8String(reason)),
                List.of()));
    }

    /** The anchor contract's {@code setRegistry}: from then on only active device accounts anchor. */
    public static String encodeSetRegistry(String registry) {
        return FunctionEncoder.encode(new Function("setRegistry", List.of(new Address(registry)), List.of()));
    }

    public static String creationBytecode() throws IOException {
        try (InputStream in = RegistryContract.class.getResourceAsStream(ARTIFACT)) {
            if (in == null) {
                throw new IOException("compiled contract " + ARTIFACT + " missing from the classpath: anchor-client's "
                        + "build compiles src/main/solidity (needs node and `npm ci` at the repository root)");
            }
            return new ObjectMapper().readTree(in).path("bin").asText();
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
