package io.certigate.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestParties;
import io.certigate.verifier.consent.Consent;
import io.certigate.verifier.consent.ConsentAbi;
import io.certigate.verifier.consent.ConsentCodes;
import io.certigate.verifier.consent.SubjectHash;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.http.HttpService;

/**
 * The {@code ConsentRegistry} on a real anvil dev chain, bound to a {@code DeviceRegistry} in which
 * the holder and the consumer are registered like devices: grant and revoke with their events, in
 * force at a past block before the revocation and not after, expiry by the block's time, only the
 * holder revokes, unregistered or revoked parties refused, the subject never in clear on chain, gas.
 */
@Tag("integration")
class ConsentRegistryContractTest {
    static final String VIN = "WVWZZZ1JZXW000001";
    static final SecureRandom RANDOM = new SecureRandom();
    @TempDir
    static Path dir;
    static TestChain chain;
    static TestParties parties;
    static LedgerAccount holder;
    static LedgerAccount consumer;
    static LedgerAccount stranger;

    @BeforeAll
    static void start() throws Exception {
        chain = TestChain.start(dir);
        parties = TestParties.deploy(chain);
        holder = parties.account(dir, "holder");
        consumer = parties.account(dir, "consumer");
        stranger = parties.account(dir, "stranger");
        parties.register("holder:alice", holder.address());
        parties.register("consumer:insurer", consumer.address());
    }

    @AfterAll
    static void stop() {
        if (chain != null) {
            chain.close();
        }
    }

    static ConsentRegistryClient client(LedgerClient c, LedgerAccount as) {
        return new ConsentRegistryClient(c, parties.consentRegistry, as, Duration.ofSeconds(30));
    }

    static ConsentGrant grant(byte[] subject, Instant until) {
        return new ConsentGrant(consumer.address(), subject, "insurance.mileage", List.of("vehicle.odometer"),
                Instant.EPOCH, until);
    }

    static Instant inAYear() {
        return Instant.now().plus(Duration.ofDays(400));
    }

    @Test
    void aGrantIsInForceUntilItsHolderRevokesItAndStaysInForceAtTheBlocksBefore() throws Exception {
        byte[] subject = SubjectHash.of(SubjectHash.newSalt(RANDOM), VIN);
        try (LedgerClient c = chain.client()) {
            ConsentRegistryClient h = client(c, holder);
            assertThat(h.partyRegistry()).isEqualToIgnoringCase(parties.deviceRegistry);
            Instant until = inAYear().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            var g = new ConsentGrant(consumer.address(), subject, "insurance.mileage",
                    List.of("vehicle.odometer", "vehicle.speed"), Instant.EPOCH, until);
            ConsentRegistryClient.Receipt granted = h.grant(g);
            long grantBlock = granted.block();

            Consent consent = h.consent(granted.id()).orElseThrow();
            assertThat(consent.holder()).isEqualToIgnoringCase(holder.address());
            assertThat(consent.consumer()).isEqualToIgnoringCase(consumer.address());
            assertThat(consent.subject()).isEqualTo(subject);
            assertThat(consent.purpose()).isEqualTo("insurance.mileage");
            assertThat(consent.kinds()).containsExactly("vehicle.odometer", "vehicle.speed");
            assertThat(consent.validUntil()).isEqualTo(until);
            assertThat(consent.grantedIn()).isEqualTo(grantBlock);
            assertThat(consent.revokedIn()).isZero();
            assertThat(h.consentsOf(holder.address())).extracting(Consent::id).contains(granted.id());
            assertThat(h.consentsFor(holder.address(), consumer.address(), subject, "insurance.mileage")).containsExactly(granted.id());

            // the Granted event carries the consent, indexed by id, holder and consumer
            var receipt = c.receipt(granted.txHash()).orElseThrow();
            Log log = receipt.getLogs().get(0);
            assertThat(log.getTopics().get(0)).isEqualTo(ConsentAbi.GRANTED_TOPIC);
            assertThat(new BigInteger(log.getTopics().get(1).substring(2), 16).longValue()).isEqualTo(granted.id());
            assertThat(log.getTopics().get(2)).endsWithIgnoringCase(holder.address().substring(2));
            assertThat(log.getTopics().get(3)).endsWithIgnoringCase(consumer.address().substring(2));

            assertThat(h.inForce(granted.id(), grantBlock)).isTrue();
            assertThat(h.inForce(granted.id(), grantBlock - 1)).as("not before the grant's block").isFalse();
            assertThat(h.findInForce(holder.address(), consumer.address(), subject, "insurance.mileage", "vehicle.speed", grantBlock))
                    .hasValue(granted.id());
            assertThat(h.findInForce(holder.address(), consumer.address(), subject, "insurance.mileage", "meter.energy.import", grantBlock))
                    .as("a kind the consent does not cover").isEmpty();
            assertThat(h.findInForce(holder.address(), consumer.address(), subject, "fleet.maintenance", "vehicle.speed", grantBlock))
                    .as("another purpose").isEmpty();
            assertThat(h.findInForce(holder.address(), stranger.address(), subject, "insurance.mileage", "vehicle.speed", grantBlock))
                    .as("another consumer").isEmpty();

            chain.chain.rpc("evm_mine");
            long beforeRevoke = c.blockNumber();
            ConsentRegistryClient.Receipt revoked = h.revoke(granted.id());
            assertThat(revoked.block()).isGreaterThan(beforeRevoke);
            Log revokedLog = c.receipt(revoked.txHash()).orElseThrow().getLogs().get(0);
            assertThat(revokedLog.getTopics().get(0)).isEqualTo(ConsentAbi.REVOKED_TOPIC);
            assertThat(revokedLog.getTopics().get(3)).endsWithIgnoringCase(consumer.address().substring(2));

            // history: in force at the blocks before the revocation, not from its block on
            assertThat(h.inForce(granted.id(), grantBlock)).isTrue();
            assertThat(h.inForce(granted.id(), beforeRevoke)).isTrue();
            assertThat(h.findInForce(holder.address(), consumer.address(), subject, "insurance.mileage", "vehicle.odometer", beforeRevoke))
                    .hasValue(granted.id());
            assertThat(h.inForce(granted.id(), revoked.block())).isFalse();
            chain.chain.rpc("evm_mine");
            long after = c.blockNumber();
            assertThat(h.inForce(granted.id(), after)).isFalse();
            assertThat(h.findInForce(holder.address(), consumer.address(), subject, "insurance.mileage", "vehicle.odometer", after)).isEmpty();
            Consent now = h.consent(granted.id()).orElseThrow();
            assertThat(now.revokedIn()).isEqualTo(revoked.block());
            assertThat(now.stateAt(beforeRevoke, c.blockTime(beforeRevoke))).isEqualTo(Consent.State.IN_FORCE);
            assertThat(now.stateAt(after, c.blockTime(after))).isEqualTo(Consent.State.REVOKED);

            assertThatThrownBy(() -> h.revoke(granted.id())).hasMessageContaining("AlreadyRevoked");
            // a block still to come cannot be judged: the node has no time for it, the contract refuses it
            assertThatThrownBy(() -> h.inForce(granted.id(), after + 1000)).hasMessageContaining("no block");
            assertThatThrownBy(() -> c.callContract(parties.consentRegistry,
                    ConsentAbi.encodeInForce(granted.id(), after + 1000, Instant.now())))
                    .hasMessageContaining(selector("FutureBlock(uint256,uint256)"));
            System.out.println("ConsentRegistry gas: grant (2 kinds, first grant of the holder) " + granted.gasUsed()
                    + ", revoke " + revoked.gasUsed());
        }
    }

    @Test
    void gasOfAGrantAndARevocation() throws Exception {
        try (LedgerClient c = chain.client()) {
            ConsentRegistryClient h = client(c, holder);
            long[] grantGas = new long[3];
            long[] revokeGas = new long[3];
            for (int kinds = 1; kinds <= 3; kinds++) {
                List<String> k = List.of("vehicle.odometer", "vehicle.speed", "vehicle.fuel.level").subList(0, kinds);
                var r = h.grant(new ConsentGrant(consumer.address(), SubjectHash.of(SubjectHash.newSalt(RANDOM), VIN + kinds),
                        "insurance.mileage", k, Instant.EPOCH, inAYear()));
                grantGas[kinds - 1] = r.gasUsed();
                revokeGas[kinds - 1] = h.revoke(r.id()).gasUsed();
            }
            System.out.println("ConsentRegistry gas: grant with 1/2/3 kinds " + grantGas[0] + "/" + grantGas[1] + "/"
                    + grantGas[2] + ", revoke " + revokeGas[0] + "/" + revokeGas[1] + "/" + revokeGas[2]);
            assertThat(grantGas[0]).isBetween(150_000L, 400_000L);
            assertThat(grantGas[1] - grantGas[0]).as("one more kind: one more storage slot").isBetween(20_000L, 30_000L);
            assertThat(revokeGas[0]).isBetween(25_000L, 60_000L);
        }
    }

    @Test
    void aConsentExpiresByTheTimeOfTheBlockAskedAbout() throws Exception {
        byte[] subject = SubjectHash.of(SubjectHash.newSalt(RANDOM), VIN);
        try (LedgerClient c = chain.client()) {
            ConsentRegistryClient h = client(c, holder);
            Instant until = c.blockTime(c.blockNumber()).plus(Duration.ofHours(1));
            var granted = h.grant(new ConsentGrant(consumer.address(), subject, "insurance.mileage",
                    List.of("vehicle.odometer"), Instant.EPOCH, until));
            assertThat(h.inForce(granted.id(), granted.block())).isTrue();
            // two hours later on the chain's clock
            devRpc("evm_increaseTime", 7200);
            chain.chain.rpc("evm_mine");
            long later = c.blockNumber();
            assertThat(c.blockTime(later)).isAfter(until);
            assertThat(h.inForce(granted.id(), later)).isFalse();
            assertThat(h.inForce(granted.id(), granted.block())).as("still in force at the blocks of its period").isTrue();
            assertThat(h.consent(granted.id()).orElseThrow().stateAt(later, c.blockTime(later)))
                    .isEqualTo(Consent.State.EXPIRED);
            assertThat(h.findInForce(holder.address(), consumer.address(), subject, "insurance.mileage", "vehicle.odometer", later)).isEmpty();
            // the reader's own rule (Consent.stateAt) says what the contract says, block by block
            Consent consent = h.consent(granted.id()).orElseThrow();
            for (long b = granted.block() - 1; b <= later; b++) {
                assertThat(consent.stateAt(b, c.blockTime(b)).inForce()).as("block " + b)
                        .isEqualTo(h.inForce(granted.id(), b));
            }
            // a period already over by the chain's clock is refused before anything is signed
            assertThatThrownBy(() -> h.grant(grant(subject, until))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("past");
        }
    }

    @Test
    void onlyTheHolderRevokes() throws Exception {
        try (LedgerClient c = chain.client()) {
            var granted = client(c, holder).grant(grant(SubjectHash.of(SubjectHash.newSalt(RANDOM), VIN), inAYear()));
            assertThatThrownBy(() -> client(c, consumer).revoke(granted.id()))
                    .hasMessageContaining("NotHolder").hasMessageContaining("only the consent's holder");
            assertThatThrownBy(() -> client(c, chain.admin).revoke(granted.id())).hasMessageContaining("NotHolder");
            // sent anyway (past the dry run), the transaction reverts
            assertThatThrownBy(() -> new LedgerAdmin(c, consumer, Duration.ofSeconds(30)).send(parties.consentRegistry,
                    BigInteger.ZERO, ConsentContract.encodeRevoke(granted.id()), BigInteger.valueOf(120_000)))
                    .hasMessageContaining("reverted");
            assertThat(client(c, null).inForce(granted.id(), c.blockNumber())).isTrue();
            assertThatThrownBy(() -> client(c, holder).revoke(999_999)).hasMessageContaining("UnknownConsent");
        }
    }

    @Test
    void grantsFromOrToAccountsNotActiveInTheDeviceRegistryAreRefused() throws Exception {
        byte[] subject = SubjectHash.of(SubjectHash.newSalt(RANDOM), VIN);
        try (LedgerClient c = chain.client()) {
            assertThatThrownBy(() -> client(c, stranger).grant(grant(subject, inAYear())))
                    .hasMessageContaining("holder " + stranger.address() + " is not registered");
            assertThatThrownBy(() -> client(c, holder).grant(new ConsentGrant(stranger.address(), subject,
                    "insurance.mileage", List.of("vehicle.odometer"), Instant.EPOCH, inAYear())))
                    .hasMessageContaining("consumer " + stranger.address() + " is not registered");
            // the contract itself refuses, whatever a client checks first
            String data = ConsentContract.encodeGrant(consumer.address(), subject, ConsentCodes.purpose("insurance.mileage"),
                    List.of(ConsentCodes.kind("vehicle.odometer")), 0, inAYear().getEpochSecond());
            assertThatThrownBy(() -> c.callContractAs(stranger.address(), parties.consentRegistry, data))
                    .hasMessageContaining(selector("NotRegisteredParty(address)"))
                    .hasMessageContaining(stranger.address().substring(2).toLowerCase(Locale.ROOT));
            assertThatThrownBy(() -> new LedgerAdmin(c, stranger, Duration.ofSeconds(30)).send(parties.consentRegistry,
                    BigInteger.ZERO, data, BigInteger.valueOf(800_000))).hasMessageContaining("reverted");

            // a party whose registration is revoked grants nothing more and receives nothing more,
            // but still revokes what it granted
            LedgerAccount former = parties.account(dir, "former");
            byte[] key = parties.register("holder:former", former.address());
            var granted = client(c, former).grant(grant(subject, inAYear()));
            parties.revoke(key);
            assertThatThrownBy(() -> client(c, former).grant(grant(subject, inAYear()))).hasMessageContaining("not registered");
            assertThatThrownBy(() -> client(c, holder).grant(new ConsentGrant(former.address(), subject,
                    "insurance.mileage", List.of("vehicle.odometer"), Instant.EPOCH, inAYear())))
                    .hasMessageContaining("consumer " + former.address() + " is not registered");
            client(c, former).revoke(granted.id());
            assertThat(client(c, null).inForce(granted.id(), c.blockNumber())).isFalse();
        }
    }

    @Test
    void aConsentAnotherPartyGrantsForTheSameSubjectHashNeverCountsAsTheHolders() throws Exception {
        byte[] subject = SubjectHash.of(SubjectHash.newSalt(RANDOM), VIN);
        LedgerAccount mallory = parties.account(dir, "mallory");
        parties.register("holder:mallory", mallory.address());
        try (LedgerClient c = chain.client()) {
            // the hash is public once the holder's own consent names it; the holder then revokes
            var own = client(c, holder).grant(grant(subject, inAYear()));
            client(c, holder).revoke(own.id());
            // another registered party copies the hash into a grant of its own to the same consumer
            var copied = client(c, mallory).grant(grant(subject, inAYear()));
            long now = c.blockNumber();
            ConsentRegistryClient reader = client(c, null);
            assertThat(reader.inForce(copied.id(), now)).isTrue();
            assertThat(reader.findInForce(holder.address(), consumer.address(), subject, "insurance.mileage",
                    "vehicle.odometer", now)).as("asked with the subject's holder").isEmpty();
            assertThat(reader.consentsFor(holder.address(), consumer.address(), subject, "insurance.mileage"))
                    .containsExactly(own.id());
            assertThat(reader.findInForce(mallory.address(), consumer.address(), subject, "insurance.mileage",
                    "vehicle.odometer", now)).hasValue(copied.id());
        }
    }

    @Test
    void theSubjectIsNeverOnChainInClear() throws Exception {
        byte[] salt = SubjectHash.newSalt(RANDOM);
        byte[] subject = SubjectHash.of(salt, VIN);
        try (LedgerClient c = chain.client()) {
            ConsentRegistryClient h = client(c, holder);
            var granted = h.grant(grant(subject, inAYear()));
            var revoked = h.revoke(granted.id());
            String vinHex = HexFormat.of().formatHex(VIN.getBytes(StandardCharsets.US_ASCII));
            String vinUtf16 = HexFormat.of().formatHex(VIN.getBytes(StandardCharsets.UTF_16BE));
            String saltHex = HexFormat.of().formatHex(salt);
            for (String tx : List.of(granted.txHash(), revoked.txHash())) {
                String input = c.transaction(tx).orElseThrow().getInput().toLowerCase(Locale.ROOT);
                var receipt = c.receipt(tx).orElseThrow();
                StringBuilder logs = new StringBuilder();
                for (Log l : receipt.getLogs()) {
                    logs.append(l.getData()).append(String.join("", l.getTopics()));
                }
                for (String onChain : List.of(input, logs.toString().toLowerCase(Locale.ROOT))) {
                    assertThat(onChain).doesNotContain(vinHex).doesNotContain(vinUtf16).doesNotContain(saltHex);
                }
            }
            String input = c.transaction(granted.txHash()).orElseThrow().getInput().toLowerCase(Locale.ROOT);
            assertThat(input).as("the salted hash is what goes on chain").contains(HexFormat.of().formatHex(subject));
            String stored = c.callContract(parties.consentRegistry, ConsentAbi.encodeConsent(granted.id()));
            assertThat(stored.toLowerCase(Locale.ROOT)).doesNotContain(vinHex);
            // the purpose and kinds are readable codes on purpose: they are not personal
            assertThat(input).contains(HexFormat.of().formatHex("insurance.mileage".getBytes(StandardCharsets.US_ASCII)));
        }
    }

    /** A Solidity custom error's 4-byte selector, as hex without 0x. */
    static String selector(String signature) {
        return org.web3j.crypto.Hash.sha3String(signature).substring(2, 10);
    }

    /** A dev-chain control with parameters (anvil's evm_increaseTime), sent to the chain's relay. */
    static void devRpc(String method, Object... params) throws Exception {
        HttpService http = new HttpService(chain.chain.rpcUrl());
        try {
            Response<?> r = new Request<>(method, List.of(params), http, Response.class).send();
            assertThat(r.hasError()).as(method + " failed").isFalse();
        } finally {
            http.close();
        }
    }
}
