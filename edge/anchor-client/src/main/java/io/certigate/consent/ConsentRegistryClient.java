package io.certigate.consent;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.verifier.consent.ConsentAbi;
import io.certigate.verifier.consent.ConsentCodes;
import io.certigate.verifier.consent.ConsentReader;
import io.certigate.verifier.ledger.DeviceRegistryReader;
import io.certigate.verifier.ledger.LedgerException;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A holder's view of the {@code ConsentRegistry} through the anchor client's {@link LedgerClient}:
 * grants and revocations signed with the holder's ledger account (one transaction each, waited
 * for), on top of the verifier's read-only {@link ConsentReader}. A grant is checked before it is
 * signed (both parties active in the DeviceRegistry, the period not over by the chain's clock, then
 * the call itself run as the holder), so a refusal names what was wrong instead of a bare revert.
 */
public final class ConsentRegistryClient extends ConsentReader {
    static final BigInteger DEPLOY_GAS = BigInteger.valueOf(3_000_000);
    static final BigInteger GRANT_GAS = BigInteger.valueOf(800_000);
    static final BigInteger REVOKE_GAS = BigInteger.valueOf(120_000);
    private final LedgerClient client;
    private final LedgerAccount holder;
    private final Duration timeout;

    /** Where a grant or revocation landed, and the gas it used. */
    public record Receipt(long id, String txHash, long block, long gasUsed) {}

    /** @param holder the holder's account, or null for read-only use */
    public ConsentRegistryClient(LedgerClient client, String registry, LedgerAccount holder, Duration timeout) {
        super(client, registry);
        this.client = client;
        this.holder = holder;
        this.timeout = timeout;
    }

    /** Deploys a consent registry whose parties are the active accounts of {@code partyRegistry}; returns its address. */
    public static String deploy(LedgerClient client, LedgerAccount from, String partyRegistry, Duration timeout)
            throws LedgerException, IOException, InterruptedException {
        return send(client, from, "", ConsentContract.creationBytecode(partyRegistry), DEPLOY_GAS, timeout)
                .getContractAddress();
    }

    /** Grants {@code grant} from the holder's account; the receipt carries the new consent's id. */
    public Receipt grant(ConsentGrant grant) throws LedgerException, InterruptedException {
        LedgerAccount from = holder();
        DeviceRegistryReader parties = new DeviceRegistryReader(client, partyRegistry());
        if (!parties.isActiveAccount(from.address())) {
            throw new LedgerException("holder " + from.address() + " is not registered: no active account in the"
                    + " DeviceRegistry " + parties.address() + " (holders are registered like devices, with a certificate"
                    + " of the consortium CA)", false, null);
        }
        if (!parties.isActiveAccount(grant.consumer())) {
            throw new LedgerException("consumer " + grant.consumer() + " is not registered: no active account in the"
                    + " DeviceRegistry " + parties.address() + " (consumers are registered like devices, with a"
                    + " certificate of the consortium CA)", false, null);
        }
        BlockRef head = head();
        if (!grant.validUntil().isAfter(head.time())) {
            throw new IllegalArgumentException("the consent would end " + grant.validUntil() + ", which is past: the"
                    + " chain's time is " + head.time());
        }
        List<byte[]> kinds = new ArrayList<>();
        grant.kinds().forEach(k -> kinds.add(ConsentCodes.kind(k)));
        String data = ConsentContract.encodeGrant(grant.consumer(), grant.subject(), ConsentCodes.purpose(grant.purpose()),
                kinds, grant.validFrom().getEpochSecond(), grant.validUntil().getEpochSecond());
        dryRun(from, data);
        TransactionReceipt r = send(client, from, address(), data, GRANT_GAS, timeout);
        for (Log log : r.getLogs()) {
            if (!log.getTopics().isEmpty() && log.getTopics().get(0).equals(ConsentAbi.GRANTED_TOPIC)) {
                long id = new BigInteger(log.getTopics().get(1).substring(2), 16).longValueExact();
                return new Receipt(id, r.getTransactionHash(), r.getBlockNumber().longValueExact(),
                        r.getGasUsed().longValueExact());
            }
        }
        throw new LedgerException("grant transaction " + r.getTransactionHash() + " emitted no Granted event", false, null);
    }

    /** Revokes consent {@code id}: only its holder may; in force no more from the receipt's block on. */
    public Receipt revoke(long id) throws LedgerException, InterruptedException {
        LedgerAccount from = holder();
        String data = ConsentContract.encodeRevoke(id);
        dryRun(from, data);
        TransactionReceipt r = send(client, from, address(), data, REVOKE_GAS, timeout);
        return new Receipt(id, r.getTransactionHash(), r.getBlockNumber().longValueExact(), r.getGasUsed().longValueExact());
    }

    /** The call run as the holder first: a revert becomes an error naming the contract's reason. */
    private void dryRun(LedgerAccount from, String data) throws LedgerException {
        try {
            client.callContractAs(from.address(), address(), data);
        } catch (LedgerException e) {
            String why = ConsentAbi.explainRevert(e.getMessage());
            if (why == null || e.unreachable()) {
                throw e;
            }
            throw new LedgerException("the consent registry refuses it: " + why, false, e);
        }
    }

    private LedgerAccount holder() throws LedgerException {
        if (holder == null) {
            throw new LedgerException("no holder account configured: the consent registry is read-only here", false, null);
        }
        return holder;
    }

    /** Sends one transaction and waits for its receipt; a reverted transaction is an error. */
    static TransactionReceipt send(LedgerClient client, LedgerAccount from, String to, String data, BigInteger gas,
            Duration timeout) throws LedgerException, InterruptedException {
        return new LedgerAdmin(client, from, timeout).send(to, BigInteger.ZERO, data, gas);
    }
}
