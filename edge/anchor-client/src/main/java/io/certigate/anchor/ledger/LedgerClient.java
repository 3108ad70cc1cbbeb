package io.certigate.anchor.ledger;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.ClientConnectionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * The gateway's JSON-RPC view of the ledger (web3j over HTTP): it signs raw transactions locally
 * with the gateway's account (EIP-1559 or legacy EIP-155, per {@link LedgerConfig}), broadcasts
 * them, and looks transactions, receipts, roots and {@code Anchored} events up. Each method is one
 * or two RPC calls and never waits for a block; the caller decides when to ask again.
 */
public final class LedgerClient implements AutoCloseable {
    private final LedgerConfig config;
    private final Web3j web3j;
    private final OkHttpClient http;

    private LedgerClient(LedgerConfig config, Web3j web3j, OkHttpClient http) {
        this.config = config;
        this.web3j = web3j;
        this.http = http;
    }

    public static LedgerClient connect(LedgerConfig config) {
        OkHttpClient http = new OkHttpClient.Builder().connectTimeout(2, TimeUnit.SECONDS)
                .readTimeout(10, TimeUnit.SECONDS).writeTimeout(10, TimeUnit.SECONDS).build();
        return new LedgerClient(config, Web3j.build(new HttpService(config.rpcUrl(), http)), http);
    }

    public LedgerConfig config() {
        return config;
    }

    /** The chain id the node reports. */
    public long chainId() throws LedgerException {
        return call("eth_chainId", () -> web3j.ethChainId().send()).getChainId().longValueExact();
    }

    /** Refuses a node of another chain than the configured one. */
    public void checkChain() throws LedgerException {
        long id = chainId();
        if (id != config.chainId()) {
            throw new LedgerException("node at " + config.rpcUrl() + " is on chain " + id + ", configured "
                    + config.chainId(), false, null);
        }
    }

    public long blockNumber() throws LedgerException {
        return call("eth_blockNumber", () -> web3j.ethBlockNumber().send()).getBlockNumber().longValueExact();
    }

    /** The account's next nonce counting only mined transactions ({@code pending=false}) or also the pool. */
    public BigInteger nonce(String address, boolean pending) throws LedgerException {
        DefaultBlockParameterName at = pending ? DefaultBlockParameterName.PENDING : DefaultBlockParameterName.LATEST;
        return call("eth_getTransactionCount", () -> web3j.ethGetTransactionCount(address, at).send())
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
                    : call("eth_gasPrice", () -> web3j.ethGasPrice().send()).getGasPrice();
            tx = RawTransaction.createTransaction(nonce, price, gasLimit, to, value, data);
            raw = TransactionEncoder.signMessage(tx, config.chainId(), account.credentials());
        }
        return new SignedTx(raw, Numeric.toHexString(Hash.sha3(raw)), nonce);
    }

    private BigInteger baseFee() throws LedgerException {
        BigInteger fee = call("eth_getBlockByNumber",
                () -> web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()).getBlock().getBaseFeePerGas();
        return fee == null ? BigInteger.ZERO : fee;
    }

    /**
     * Broadcasts a signed transaction. A node that already has it (same hash) is not an error: the
     * caller looks the hash up anyway. Other refusals (nonce too low, underpriced) are thrown.
     */
    public void broadcast(byte[] raw) throws LedgerException {
        try {
            Response<?> r = web3j.ethSendRawTransaction(Numeric.toHexString(raw)).send();
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

    public Optional<TransactionReceipt> receipt(String txHash) throws LedgerException {
        return call("eth_getTransactionReceipt", () -> web3j.ethGetTransactionReceipt(txHash).send()).getTransactionReceipt();
    }

    /** Whether the node knows the transaction at all (mined or in its pool). */
    public boolean knows(String txHash) throws LedgerException {
        return call("eth_getTransactionByHash", () -> web3j.ethGetTransactionByHash(txHash).send()).getTransaction()
                .isPresent();
    }

    /** The block that anchored {@code root} according to the contract, or 0. */
    public long blockOf(byte[] root) throws LedgerException {
        String out = call("eth_call blockOf", () -> web3j.ethCall(Transaction.createEthCallTransaction(null,
                config.contract(), AnchorContract.encodeBlockOf(root)), DefaultBlockParameterName.LATEST).send()).getValue();
        return out == null || out.equals("0x") ? 0 : Numeric.toBigInt(out).longValueExact();
    }

    /** An {@code eth_call} of {@code data} on contract {@code to} at the latest block; the raw hex result. */
    public String callContract(String to, String data) throws LedgerException {
        return call("eth_call", () -> web3j.ethCall(Transaction.createEthCallTransaction(null, to, data),
                DefaultBlockParameterName.LATEST).send()).getValue();
    }

    /**
     * The {@code Anchored} event of {@code root}, if the contract holds the root: one {@code eth_call}
     * to {@code blockOf}, then a log query of that single block.
     */
    public Optional<AnchorContract.AnchoredEvent> anchoredEvent(byte[] root) throws LedgerException {
        long block = blockOf(root);
        if (block == 0) {
            return Optional.empty();
        }
        DefaultBlockParameter at = DefaultBlockParameter.valueOf(BigInteger.valueOf(block));
        return logs(root, at, at).stream().findFirst();
    }

    /** Every {@code Anchored} event of {@code root} emitted by the configured contract, from genesis on (audits, tests). */
    public List<AnchorContract.AnchoredEvent> anchoredEvents(byte[] root) throws LedgerException {
        return logs(root, DefaultBlockParameter.valueOf(BigInteger.ZERO), DefaultBlockParameterName.LATEST);
    }

    private List<AnchorContract.AnchoredEvent> logs(byte[] root, DefaultBlockParameter from, DefaultBlockParameter to)
            throws LedgerException {
        EthFilter filter = new EthFilter(from, to, config.contract());
        filter.addSingleTopic(AnchorContract.ANCHORED_TOPIC);
        filter.addSingleTopic(Numeric.toHexString(root));
        List<AnchorContract.AnchoredEvent> out = new ArrayList<>();
        for (EthLog.LogResult<?> r : call("eth_getLogs", () -> web3j.ethGetLogs(filter).send()).getLogs()) {
            if (r.get() instanceof Log log) {
                AnchorContract.decode(log).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The full transaction as the node returns it (sender, recipient, input), if known. */
    public Optional<org.web3j.protocol.core.methods.response.Transaction> transaction(String txHash)
            throws LedgerException {
        return call("eth_getTransactionByHash", () -> web3j.ethGetTransactionByHash(txHash).send()).getTransaction();
    }

    @FunctionalInterface
    private interface Rpc<R extends Response<?>> {
        R send() throws IOException;
    }

    private static <R extends Response<?>> R call(String what, Rpc<R> rpc) throws LedgerException {
        R r;
        try {
            r = rpc.send();
        } catch (IOException e) {
            throw unreachable(what, e);
        } catch (ClientConnectionException e) {
            // an HTTP error status (a proxy in front of a node that is down): an outage too
            throw new LedgerException(what + ": ledger node unreachable (" + e.getMessage() + ")", true, e);
        }
        if (r.hasError()) {
            throw new LedgerException(what + " failed: " + r.getError().getMessage(), false, null);
        }
        return r;
    }

    private static LedgerException unreachable(String what, IOException e) {
        return new LedgerException(what + ": ledger node unreachable (" + e.getMessage() + ")", true, e);
    }

    @Override
    public void close() {
        web3j.shutdown();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
