package io.certigate.provisioning.registry;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.verifier.ledger.DeviceRegistryReader;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.RegistryAbi;
import java.io.IOException;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The consortium's view of the {@code DeviceRegistry} contract through the anchor client's
 * {@link LedgerClient}: the registrar registers and revokes device keys (one transaction each,
 * waited for); anyone reads a key's status at a block (the verifier's read-only
 * {@link DeviceRegistryReader}).
 */
public final class DeviceRegistryClient extends DeviceRegistryReader {
    static final BigInteger DEPLOY_GAS = BigInteger.valueOf(2_000_000);
    static final BigInteger CALL_GAS = BigInteger.valueOf(400_000);
    private final LedgerClient client;
    private final String registry;
    private final LedgerAccount registrar;
    private final Duration timeout;

    /** A registered or revoked key: where the transaction landed. */
    public record Receipt(String txHash, long block) {}

    /**
     * A key's entry as the registry holds it ({@code entries(keyHash)}): the hashed id it was
     * registered for (device or party), its certificate's hash, its account (lower-case 0x-hex) and
     * the blocks of its registration, rotation and revocation (0: not happened).
     */
    public record Entry(byte[] id, byte[] certHash, String account, long registeredIn, long supersededIn, long revokedIn) {}

    /** @param registrar the registrar account, or null for read-only use */
    public DeviceRegistryClient(LedgerClient client, String registry, LedgerAccount registrar, Duration timeout) {
        super(client, registry);
        this.client = client;
        this.registry = registry;
        this.registrar = registrar;
        this.timeout = timeout;
    }

    /** Deploys a registry whose registrar is {@code registrar}; returns its address. */
    public static String deploy(LedgerClient client, LedgerAccount registrar, Duration timeout)
            throws LedgerException, IOException, InterruptedException {
        return send(client, registrar, "", RegistryContract.creationBytecode(), DEPLOY_GAS, timeout).getContractAddress();
    }

    /** Makes the anchor contract accept anchors only from this registry's active device accounts. */
    public static Receipt bindAnchorContract(LedgerClient client, LedgerAccount anchorAdmin, String anchorContract,
            String registry, Duration timeout) throws LedgerException, InterruptedException {
        return receipt(send(client, anchorAdmin, anchorContract, RegistryContract.encodeSetRegistry(registry), CALL_GAS,
                timeout));
    }

    public Receipt register(String deviceId, PublicKey key, X509Certificate cert, String account)
            throws LedgerException, InterruptedException {
        return receipt(send(client, registrar(), registry, RegistryContract.encodeRegister(RegistryContract.device(deviceId),
                RegistryAbi.keyHash(key), RegistryContract.certHash(cert), account), CALL_GAS, timeout));
    }

    public Receipt revoke(PublicKey key, String reason) throws LedgerException, InterruptedException {
        return receipt(send(client, registrar(), registry, RegistryContract.encodeRevoke(RegistryAbi.keyHash(key),
                reason), CALL_GAS, timeout));
    }

    /** Revokes the key whose hash ({@link RegistryAbi#keyHash}) is {@code keyHash}. */
    public Receipt revoke(byte[] keyHash, String reason) throws LedgerException, InterruptedException {
        return receipt(send(client, registrar(), registry, RegistryContract.encodeRevoke(keyHash, reason), CALL_GAS,
                timeout));
    }

    /** The entry of the key whose hash is {@code keyHash}; empty when it was never registered. */
    public java.util.Optional<Entry> entryOf(byte[] keyHash) throws LedgerException {
        byte[] out = words(client.callContract(registry, RegistryAbi.encodeEntries(keyHash)));
        if (out.length != 6 * 32 || word(out, 3).signum() == 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Entry(java.util.Arrays.copyOfRange(out, 0, 32),
                java.util.Arrays.copyOfRange(out, 32, 64), address(java.util.Arrays.copyOfRange(out, 76, 96)),
                word(out, 3).longValueExact(), word(out, 4).longValueExact(), word(out, 5).longValueExact()));
    }

    /** The hash of the key currently registered for {@code id} (a device or a party); empty when none. */
    public java.util.Optional<byte[]> currentKey(String id) throws LedgerException {
        return nonZero(words(client.callContract(registry, RegistryContract.encodeCurrentKey(RegistryContract.device(id)))));
    }

    /** The hash of the current, unrevoked key that uses {@code account}; empty when none does. */
    public java.util.Optional<byte[]> keyOfAccount(String account) throws LedgerException {
        return nonZero(words(client.callContract(registry, RegistryContract.encodeKeyOfAccount(account))));
    }

    private static java.util.Optional<byte[]> nonZero(byte[] word) {
        return word.length == 32 && new BigInteger(1, word).signum() != 0 ? java.util.Optional.of(word)
                : java.util.Optional.empty();
    }

    private static byte[] words(String hex) {
        return hex == null || hex.equals("0x") ? new byte[0] : org.web3j.utils.Numeric.hexStringToByteArray(hex);
    }

    private static BigInteger word(byte[] words, int i) {
        return new BigInteger(1, java.util.Arrays.copyOfRange(words, i * 32, i * 32 + 32));
    }

    private static String address(byte[] twenty) {
        return org.web3j.utils.Numeric.toHexStringWithPrefixZeroPadded(new BigInteger(1, twenty), 40)
                .toLowerCase(java.util.Locale.ROOT);
    }

    private LedgerAccount registrar() throws LedgerException {
        if (registrar == null) {
            throw new LedgerException("no registrar account configured: the registry is read-only here", false, null);
        }
        return registrar;
    }

    private static Receipt receipt(TransactionReceipt r) {
        return new Receipt(r.getTransactionHash(), r.getBlockNumber().longValueExact());
    }

    /** Sends one transaction and waits for its receipt; a reverted transaction is an error. */
    static TransactionReceipt send(LedgerClient client, LedgerAccount from, String to, String data, BigInteger gas,
            Duration timeout) throws LedgerException, InterruptedException {
        return new LedgerAdmin(client, from, timeout).send(to, BigInteger.ZERO, data, gas);
    }
}
