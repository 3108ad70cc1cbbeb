package io.certigate.anchor.ledger;

import io.certigate.verifier.ledger.LedgerException;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * One-off ledger administration for a dev chain, the demo and the bench: deploy the contract,
 * allow an account to anchor, fund an account. Each call sends one transaction from the admin
 * account and waits (polling) for its receipt. Not used by the anchoring path.
 */
public final class LedgerAdmin {
    private static final BigInteger DEPLOY_GAS = BigInteger.valueOf(1_500_000);
    private final LedgerClient client;
    private final LedgerAccount admin;
    private final Duration timeout;

    public LedgerAdmin(LedgerClient client, LedgerAccount admin, Duration timeout) {
        this.client = client;
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Deploys {@code CertigateAnchor} (the admin becomes its admin and first anchorer); returns its address. */
    public String deploy() throws LedgerException, IOException, InterruptedException {
        TransactionReceipt r = send("", BigInteger.ZERO, AnchorContract.creationBytecode(), DEPLOY_GAS);
        return r.getContractAddress();
    }

    public TransactionReceipt allowAnchorer(String account, boolean allowed) throws LedgerException, InterruptedException {
        return send(client.config().contract(), BigInteger.ZERO, AnchorContract.encodeSetAnchorer(account, allowed));
    }

    public TransactionReceipt fund(String account, BigInteger wei) throws LedgerException, InterruptedException {
        return send(account, wei, "0x");
    }

    /** Sends one transaction from the admin account and waits for a successful receipt. */
    public TransactionReceipt send(String to, BigInteger value, String data) throws LedgerException, InterruptedException {
        return send(to, value, data, client.config().gasLimit());
    }

    /** As {@link #send(String, BigInteger, String)}, with a gas limit of its own (calls costlier than an anchor). */
    public TransactionReceipt send(String to, BigInteger value, String data, BigInteger gas)
            throws LedgerException, InterruptedException {
        SignedTx tx = client.sign(admin, client.nonce(admin.address(), true), to, value, data, gas);
        client.broadcast(tx.raw());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var r = client.receipt(tx.hash());
            if (r.isPresent()) {
                if (!r.get().isStatusOK()) {
                    throw new LedgerException("transaction " + tx.hash() + " from " + admin.address() + " reverted", false,
                            null);
                }
                return r.get();
            }
            Thread.sleep(client.config().pollInterval().toMillis());
        }
        throw new LedgerException("no receipt for transaction " + tx.hash() + " from " + admin.address() + " within "
                + timeout, false, null);
    }
}
