package io.certigate.verifier.ledger;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.ClientConnectionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * A read-only JSON-RPC view of the ledger (web3j over HTTP): the chain id, the head block,
 * receipts and transactions, the block that anchored a device's root according to the
 * {@code CertigateAnchor} contract (which holds roots per device), its {@code Anchored} events, a block's
 * timestamp, and plain {@code eth_call}s (the device registry's status).
 * It holds no account and signs nothing: what a verifier needs. Each method is one or two RPC calls
 * and never waits for a block. The gateway's signing client (anchor-client's {@code LedgerClient})
 * builds on it.
 */
public class LedgerReader implements AutoCloseable {
    private final String rpcUrl;
    private final String contract;
    private final Web3j web3j;
    private final OkHttpClient http;

    /**
     * @param rpcUrl   JSON-RPC endpoint of a node (http or https)
     * @param contract address of the {@code CertigateAnchor} contract the root look-ups go to
     */
    protected LedgerReader(String rpcUrl, String contract) {
        this.rpcUrl = checkRpcUrl(rpcUrl);
        this.contract = checkAddress(contract);
        this.http = new OkHttpClient.Builder().connectTimeout(2, TimeUnit.SECONDS)
                .readTimeout(10, TimeUnit.SECONDS).writeTimeout(10, TimeUnit.SECONDS).build();
        this.web3j = Web3j.build(new HttpService(rpcUrl, http));
    }

    /** A reader of the node at {@code rpcUrl}; root look-ups go to the anchor contract {@code contract}. */
    public static LedgerReader connect(String rpcUrl, String contract) {
        return new LedgerReader(rpcUrl, contract);
    }

    /** Refuses an endpoint that is not http(s). */
    public static String checkRpcUrl(String rpcUrl) {
        URI u = URI.create(rpcUrl);
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
            throw new IllegalArgumentException("ledger rpc url must be http(s): " + rpcUrl);
        }
        return rpcUrl;
    }

    /** Refuses a contract address that is not 0x and 20 bytes of hex. */
    public static String checkAddress(String contract) {
        if (contract == null || !contract.matches("0x[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("contract must be a 0x-prefixed 20-byte address: " + contract);
        }
        return contract;
    }

    public String rpcUrl() {
        return rpcUrl;
    }

    /** The {@code CertigateAnchor} contract the root look-ups go to (as given, 0x-hex). */
    public String contract() {
        return contract;
    }

    /** The node's web3j client, for a subclass that also sends transactions. */
    protected Web3j web3j() {
        return web3j;
    }

    /** The chain id the node reports. */
    public long chainId() throws LedgerException {
        return call("eth_chainId", () -> web3j.ethChainId().send()).getChainId().longValueExact();
    }

    /** Refuses a node of another chain than {@code expected}. */
    public void checkChain(long expected) throws LedgerException {
        long id = chainId();
        if (id != expected) {
            throw new LedgerException("node at " + rpcUrl + " is on chain " + id + ", configured " + expected, false,
                    null);
        }
    }

    public long blockNumber() throws LedgerException {
        return call("eth_blockNumber", () -> web3j.ethBlockNumber().send()).getBlockNumber().longValueExact();
    }

    /** The timestamp of block {@code block} (seconds since the epoch, as the chain records it). */
    public Instant blockTime(long block) throws LedgerException {
        EthBlock.Block b = call("eth_getBlockByNumber", () -> web3j.ethGetBlockByNumber(
                DefaultBlockParameter.valueOf(BigInteger.valueOf(block)), false).send()).getBlock();
        if (b == null) {
            throw new LedgerException("eth_getBlockByNumber: the node has no block " + block, false, null);
        }
        return Instant.ofEpochSecond(b.getTimestamp().longValueExact());
    }

    public Optional<TransactionReceipt> receipt(String txHash) throws LedgerException {
        return call("eth_getTransactionReceipt", () -> web3j.ethGetTransactionReceipt(txHash).send()).getTransactionReceipt();
    }

    /** Whether the node knows the transaction at all (mined or in its pool). */
    public boolean knows(String txHash) throws LedgerException {
        return call("eth_getTransactionByHash", () -> web3j.ethGetTransactionByHash(txHash).send()).getTransaction()
                .isPresent();
    }

    /**
     * The block that anchored {@code root} for {@code device} (the contract's {@code bytes32}, see
     * {@link AnchorAbi#deviceKey}) according to the contract, or 0; the same root anchored for
     * another device does not count.
     */
    public long blockOf(byte[] device, byte[] root) throws LedgerException {
        String out = call("eth_call blockOf", () -> web3j.ethCall(Transaction.createEthCallTransaction(null,
                contract, AnchorAbi.encodeBlockOf(device, root)), DefaultBlockParameterName.LATEST).send()).getValue();
        return out == null || out.equals("0x") ? 0 : Numeric.toBigInt(out).longValueExact();
    }

    /** An {@code eth_call} of {@code data} on contract {@code to} at the latest block; the raw hex result. */
    public String callContract(String to, String data) throws LedgerException {
        return call("eth_call", () -> web3j.ethCall(Transaction.createEthCallTransaction(null, to, data),
                DefaultBlockParameterName.LATEST).send()).getValue();
    }

    /**
     * An {@code eth_call} of {@code data} on contract {@code to} as sent by {@code from}, at the latest
     * block: what a transaction from that account would return. A revert is a {@link LedgerException}
     * whose message carries the revert data (a custom error's selector and arguments).
     */
    public String callContractAs(String from, String to, String data) throws LedgerException {
        return call("eth_call", () -> web3j.ethCall(Transaction.createEthCallTransaction(from, to, data),
                DefaultBlockParameterName.LATEST).send()).getValue();
    }

    /**
     * The {@code Anchored} event of {@code root} for {@code device}, if the contract holds that root for
     * that device: one {@code eth_call} to {@code blockOf}, then a log query of that single block.
     */
    public Optional<AnchorAbi.AnchoredEvent> anchoredEvent(byte[] device, byte[] root) throws LedgerException {
        long block = blockOf(device, root);
        if (block == 0) {
            return Optional.empty();
        }
        DefaultBlockParameter at = DefaultBlockParameter.valueOf(BigInteger.valueOf(block));
        return logs(device, root, at, at).stream().findFirst();
    }

    /**
     * Every {@code Anchored} event of {@code root} for {@code device} emitted by the contract, from
     * genesis on (audits, tests).
     */
    public List<AnchorAbi.AnchoredEvent> anchoredEvents(byte[] device, byte[] root) throws LedgerException {
        return logs(device, root, DefaultBlockParameter.valueOf(BigInteger.ZERO), DefaultBlockParameterName.LATEST);
    }

    /** Blocks per {@code eth_getLogs} query when reading a device's history; halved when a node refuses a window. */
    public static final long HISTORY_WINDOW = 50_000;

    /**
     * Every {@code Anchored} event of device {@code deviceId} emitted by the contract, from genesis to
     * the head block, in ledger order: {@code eth_getLogs} filtered by the event and the indexed
     * device topic ({@link AnchorAbi#deviceKey}), over windows of {@link #HISTORY_WINDOW} blocks. A
     * node that refuses a window (too many results, range too large) is asked again with half of it.
     *
     * @param toBlock the last block read (the head block when the history was read)
     */
    public List<AnchorAbi.AnchoredEvent> anchoredEventsOf(String deviceId, long toBlock) throws LedgerException {
        return anchoredEventsOf(deviceId, toBlock, HISTORY_WINDOW);
    }

    /** {@link #anchoredEventsOf(String, long)} with queries of at most {@code blocksPerQuery} blocks. */
    public List<AnchorAbi.AnchoredEvent> anchoredEventsOf(String deviceId, long toBlock, long blocksPerQuery)
            throws LedgerException {
        if (blocksPerQuery < 1) {
            throw new IllegalArgumentException("blocks per query must be positive, got " + blocksPerQuery);
        }
        String device = Numeric.toHexString(AnchorAbi.deviceKey(deviceId));
        List<AnchorAbi.AnchoredEvent> out = new ArrayList<>();
        long window = blocksPerQuery;
        long from = 0;
        while (from <= toBlock) {
            long to = Math.min(toBlock, from + window - 1);
            EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), contract);
            filter.addSingleTopic(AnchorAbi.ANCHORED_TOPIC);
            filter.addNullTopic();
            filter.addSingleTopic(device);
            EthLog page;
            try {
                page = call("eth_getLogs", () -> web3j.ethGetLogs(filter).send());
            } catch (LedgerException e) {
                if (e.unreachable() || window == 1) {
                    throw e;
                }
                window = Math.max(1, window / 2);
                continue;
            }
            for (EthLog.LogResult<?> r : page.getLogs()) {
                if (r.get() instanceof Log log) {
                    AnchorAbi.decode(log).ifPresent(out::add);
                }
            }
            from = to + 1;
        }
        return out;
    }

    /**
     * The logs of event {@code topic0} emitted by contract {@code address} in blocks {@code fromBlock}
     * to {@code toBlock} (inclusive), in ledger order: one {@code eth_getLogs}. Callers keep the range
     * short (a watcher reads the blocks added since its last look).
     */
    public List<Log> eventLogs(String address, String topic0, long fromBlock, long toBlock) throws LedgerException {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(fromBlock)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(toBlock)), checkAddress(address));
        filter.addSingleTopic(topic0);
        List<Log> out = new ArrayList<>();
        for (EthLog.LogResult<?> r : call("eth_getLogs", () -> web3j.ethGetLogs(filter).send()).getLogs()) {
            if (r.get() instanceof Log log) {
                out.add(log);
            }
        }
        return out;
    }

    /** Whether {@code address} holds contract code at the latest block. */
    public boolean hasCode(String address) throws LedgerException {
        String code = call("eth_getCode", () -> web3j.ethGetCode(checkAddress(address), DefaultBlockParameterName.LATEST)
                .send()).getCode();
        return code != null && !code.equals("0x") && !code.isEmpty();
    }

    private List<AnchorAbi.AnchoredEvent> logs(byte[] device, byte[] root, DefaultBlockParameter from,
            DefaultBlockParameter to) throws LedgerException {
        EthFilter filter = new EthFilter(from, to, contract);
        filter.addSingleTopic(AnchorAbi.ANCHORED_TOPIC);
        filter.addSingleTopic(Numeric.toHexString(root));
        filter.addSingleTopic(Numeric.toHexString(device));
        List<AnchorAbi.AnchoredEvent> out = new ArrayList<>();
        for (EthLog.LogResult<?> r : call("eth_getLogs", () -> web3j.ethGetLogs(filter).send()).getLogs()) {
            if (r.get() instanceof Log log) {
                AnchorAbi.decode(log).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The full transaction as the node returns it (sender, recipient, input), if known. */
    public Optional<org.web3j.protocol.core.methods.response.Transaction> transaction(String txHash)
            throws LedgerException {
        return call("eth_getTransactionByHash", () -> web3j.ethGetTransactionByHash(txHash).send()).getTransaction();
    }

    /** One RPC request, sent. */
    @FunctionalInterface
    protected interface Rpc<R extends Response<?>> {
        R send() throws IOException;
    }

    /** Sends one request: no answer is an outage ({@link LedgerException#unreachable()}), an RPC error is not. */
    protected static <R extends Response<?>> R call(String what, Rpc<R> rpc) throws LedgerException {
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
            String data = r.getError().getData();
            throw new LedgerException(what + " failed: " + r.getError().getMessage()
                    + (data == null || data.isBlank() ? "" : " (data " + data + ")"), false, null);
        }
        return r;
    }

    protected static LedgerException unreachable(String what, IOException e) {
        return new LedgerException(what + ": ledger node unreachable (" + e.getMessage() + ")", true, e);
    }

    @Override
    public void close() {
        web3j.shutdown();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
