package io.certigate.anchor.ledger;

import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Locale;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.exceptions.ClientConnectionException;
import org.web3j.utils.Numeric;

/**
 * The gateway's JSON-RPC view of the ledger (web3j over HTTP): on top of the verifier's read-only
 * {@link LedgerReader} (transactions, receipts, roots and {@code Anchored} events looked up), it
 * signs raw transactions locally with the gateway's account (EIP-1559 or legacy EIP-155, per
 * {@link LedgerConfig}) and broadcasts them. Each method is one or two RPC calls and never waits
 * for a block; the caller decides when to ask again.
 */
public final class LedgerClient extends LedgerReader {
    private final LedgerConfig config;

    private LedgerClient(LedgerConfig config) {
        super(config.rpcUrl(), config.contract());
        this.config = config;
    }

    public static LedgerClient connect(LedgerConfig config) {
        return new LedgerClient(config);
    }

    public LedgerConfig config() {
        return config;
    }

    /** Refuses a node of another chain than the configured one. */
    public void checkChain() throws LedgerException {
        checkChain(config.chainId());
    }

    /** The account's next nonce counting only mined transactions ({@code pending=false}) or also the pool. */
    public BigInteger nonce(String address, boolean pending) throws LedgerException {
        DefaultBlockParameterName at = pending ? DefaultBlockParameterName.PENDING : DefaultBlockParameterName.LATEST;
        return call("eth_getTransactionCount", () -> web3j().ethGetTransactionCount(address, at).send())
                .getTransactionCount();
    }

    /** Signs a call (or, with {@code to} empty, a contract creation) with the configured fee mode. */
    public SignedTx sign(LedgerAccount account, BigInteger nonce, String to, BigInteger value, String data)
            throws LedgerException {
        return sign(account, nonce, to, value, data, config.gasLimit());
    }

    /** Like {@link #sign(LedgerAccount, BigInteger, String, BigInteger, String)} with an explicit gas limit. */
    public SignedTx sign(LedgerAccount account, BigInteger nonce, String to, BigInteger value, String data,
            BigInteger gasLimit) throws LedgerException {
        RawTransaction tx;
        byte[] raw;
        if (config.feeMode() == LedgerConfig.FeeMode.EIP1559) {
            BigInteger tip = config.maxPriorityFee();
            BigInteger maxFee = config.maxFeePerGas() != null ? config.maxFeePerGas() : baseFee().shiftLeft(1).add(tip);
            tx = RawTransaction.createTransaction(config.chainId(), nonce, gasLimit, to, value, data, tip, maxFee);
            raw = TransactionEncoder.signMessage(tx, account.credentials());
        } else {
            BigInteger price = config.gasPrice() != null ? config.gasPrice()
                    : call("eth_gasPrice", () -> web3j().ethGasPrice().send()).getGasPrice();
            tx = RawTransaction.createTransaction(nonce, price, gasLimit, to, value, data);
            raw = TransactionEncoder.signMessage(tx, config.chainId(), account.credentials());
        }
        return new SignedTx(raw, Numeric.toHexString(Hash.sha3(raw)), nonce);
    }

    private BigInteger baseFee() throws LedgerException {
        BigInteger fee = call("eth_getBlockByNumber",
                () -> web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()).getBlock()
                .getBaseFeePerGas();
        return fee == null ? BigInteger.ZERO : fee;
    }

    /**
     * Broadcasts a signed transaction. A node that already has it (same hash) is not an error: the
     * caller looks the hash up anyway. Other refusals (nonce too low, underpriced) are thrown.
     */
    public void broadcast(byte[] raw) throws LedgerException {
        try {
            Response<?> r = web3j().ethSendRawTransaction(Numeric.toHexString(raw)).send();
            if (r.hasError()) {
                String msg = r.getError().getMessage();
                String lower = msg == null ? "" : msg.toLowerCase(Locale.ROOT);
                if (lower.contains("already known") || lower.contains("known transaction")
                        || lower.contains("already imported")) {
                    return;
                }
                throw new LedgerException("eth_sendRawTransaction refused: " + msg, false, null);
            }
        } catch (IOException e) {
            throw unreachable("eth_sendRawTransaction", e);
        } catch (ClientConnectionException e) {
            throw new LedgerException("eth_sendRawTransaction: ledger node unreachable (" + e.getMessage() + ")", true, e);
        }
    }
}
