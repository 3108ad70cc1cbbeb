package io.certigate.anchor.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.consent.ConsentRegistryClient;
import io.certigate.verifier.ledger.AnchorAbi;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;

/**
 * A {@code DeviceRegistry} and a {@code ConsentRegistry} bound to it on a {@link TestChain}, with
 * party accounts (holders, consumers) registered in the device registry like devices: each under
 * an id of its own, with the hashes of a key and a certificate (the registry stores nothing else of
 * them; device-provisioning's tests register real certificates of the consortium CA). The chain's
 * admin is the registrar.
 */
public final class TestParties {
    public final TestChain chain;
    public final String deviceRegistry;
    public final String consentRegistry;

    private TestParties(TestChain chain, String deviceRegistry, String consentRegistry) {
        this.chain = chain;
        this.deviceRegistry = deviceRegistry;
        this.consentRegistry = consentRegistry;
    }

    public static TestParties deploy(TestChain chain) throws Exception {
        try (LedgerClient c = chain.client()) {
            LedgerAdmin admin = new LedgerAdmin(c, chain.admin, Duration.ofSeconds(30));
            String bin;
            try (InputStream in = TestParties.class.getResourceAsStream("/io/certigate/anchor/contract/DeviceRegistry.json")) {
                bin = new ObjectMapper().readTree(in).path("bin").asText();
            }
            String registry = admin.send("", BigInteger.ZERO, bin, BigInteger.valueOf(2_000_000)).getContractAddress();
            String consents = ConsentRegistryClient.deploy(c, chain.admin, registry, Duration.ofSeconds(30));
            return new TestParties(chain, registry, consents);
        }
    }

    /** A new funded account (its own key file in {@code dir}), not registered. */
    public LedgerAccount account(Path dir, String name) throws Exception {
        LedgerAccount a = LedgerAccount.create(dir.resolve(name + ".key.json"), TestChain.PASSPHRASE,
                LedgerAccount.KeyFileCost.LIGHT);
        try (LedgerClient c = chain.client()) {
            new LedgerAdmin(c, chain.admin, Duration.ofSeconds(30)).fund(a.address(), BigInteger.TEN.pow(19));
        }
        return a;
    }

    /** Registers {@code account} as party {@code id}; returns the key hash it was registered under. */
    public byte[] register(String id, String account) throws Exception {
        byte[] keyHash = sha256("key:" + id);
        send(FunctionEncoder.encode(new Function("register", List.of(new Bytes32(AnchorAbi.deviceKey(id)),
                new Bytes32(keyHash), new Bytes32(sha256("cert:" + id)), new Address(account)), List.of())));
        return keyHash;
    }

    /** Revokes the party registered under {@code keyHash}: its account is no longer active. */
    public void revoke(byte[] keyHash) throws Exception {
        send(FunctionEncoder.encode(new Function("revoke", List.of(new Bytes32(keyHash), new Utf8String("test")),
                List.of())));
    }

    private void send(String data) throws Exception {
        try (LedgerClient c = chain.client()) {
            new LedgerAdmin(c, chain.admin, Duration.ofSeconds(30)).send(deviceRegistry, BigInteger.ZERO, data,
                    BigInteger.valueOf(400_000));
        }
    }

    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }
}
