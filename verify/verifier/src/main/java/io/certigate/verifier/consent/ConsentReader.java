package io.certigate.verifier.consent;

import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.verifier.ledger.RegistryAbi;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.web3j.utils.Numeric;

/**
 * Reads the {@code ConsentRegistry} contract through a {@link LedgerReader}: a consent, a holder's
 * consents, and whether a consent is in force at a block. This is the check a consumer-facing
 * service (the fleet tier) makes before it hands a consumer anything: {@link #findInForce} at the
 * current block. Nothing is signed here; anchor-client's {@code ConsentRegistryClient} adds the
 * holder's grants and revocations.
 *
 * <p>The validity period is compared with the timestamp of the block asked about, taken from that
 * block's header ({@link LedgerReader#blockTime}), which every node keeps: the contract cannot read a
 * past block's timestamp itself and takes it as an argument.
 */
public class ConsentReader {
    private final LedgerReader ledger;
    private final String registry;

    /** @param registry the consent registry contract's address */
    public ConsentReader(LedgerReader ledger, String registry) {
        this.ledger = ledger;
        this.registry = LedgerReader.checkAddress(registry);
    }

    public String address() {
        return registry;
    }

    /** The DeviceRegistry whose active accounts may be holders and consumers. */
    public String partyRegistry() throws LedgerException {
        String out = ledger.callContract(registry, ConsentAbi.encodeRegistry());
        return Numeric.toHexStringWithPrefixZeroPadded(RegistryAbi.word(out), 40);
    }

    /** The number of consents granted so far (ids 1 to it). */
    public long count() throws LedgerException {
        return RegistryAbi.word(ledger.callContract(registry, ConsentAbi.encodeCount())).longValueExact();
    }

    public Optional<Consent> consent(long id) throws LedgerException {
        return ConsentAbi.decodeConsent(id, ledger.callContract(registry, ConsentAbi.encodeConsent(id)));
    }

    /** The consents {@code holder} granted, oldest first. */
    public List<Consent> consentsOf(String holder) throws LedgerException {
        List<Consent> out = new ArrayList<>();
        for (long id : ConsentAbi.decodeIds(ledger.callContract(registry, ConsentAbi.encodeConsentsOf(holder)))) {
            consent(id).ifPresent(out::add);
        }
        return out;
    }

    /** The ids of the consents {@code holder} granted to {@code consumer} for {@code subject} and {@code purpose}, oldest first. */
    public List<Long> consentsFor(String holder, String consumer, byte[] subject, String purpose) throws LedgerException {
        return ConsentAbi.decodeIds(ledger.callContract(registry,
                ConsentAbi.encodeConsentsFor(holder, consumer, subject, ConsentCodes.purpose(purpose))));
    }

    /** Whether consent {@code id} was in force at {@code block}, by the contract's rule and the block's own time. */
    public boolean inForce(long id, long block) throws LedgerException {
        return RegistryAbi.word(ledger.callContract(registry,
                ConsentAbi.encodeInForce(id, block, ledger.blockTime(block)))).signum() != 0;
    }

    /**
     * The newest consent that {@code holder} granted to {@code consumer} for {@code subject},
     * {@code purpose} and reading {@code kind}, in force at {@code block}; empty when there is none
     * (the request must be refused). {@code holder} is the subject's holder as the asking service
     * knows it: the subject hash is public once a consent names it, and a consent another party
     * granted for the same hash does not count.
     */
    public OptionalLong findInForce(String holder, String consumer, byte[] subject, String purpose, String kind,
            long block) throws LedgerException {
        Instant time = ledger.blockTime(block);
        long id = RegistryAbi.word(ledger.callContract(registry, ConsentAbi.encodeFindInForce(holder, consumer, subject,
                ConsentCodes.purpose(purpose), ConsentCodes.kind(kind), block, time))).longValueExact();
        return id == 0 ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /**
     * The ids of the consents revoked in blocks {@code fromBlock} to {@code toBlock} (inclusive), from
     * the registry's {@code Revoked} events (the id is the event's first indexed topic), in ledger order.
     */
    public List<Long> revokedBetween(long fromBlock, long toBlock) throws LedgerException {
        List<Long> out = new ArrayList<>();
        if (toBlock < fromBlock) {
            return out;
        }
        for (org.web3j.protocol.core.methods.response.Log log
                : ledger.eventLogs(registry, ConsentAbi.REVOKED_TOPIC, fromBlock, toBlock)) {
            if (log.getTopics().size() > 1) {
                out.add(Numeric.toBigInt(log.getTopics().get(1)).longValueExact());
            }
        }
        return out;
    }

    /** The current block and its time, for states "now". */
    public BlockRef head() throws LedgerException {
        long block = ledger.blockNumber();
        return new BlockRef(block, ledger.blockTime(block));
    }

    /** A block and its timestamp. */
    public record BlockRef(long number, Instant time) {}
}
