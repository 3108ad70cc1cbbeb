package io.certigate.anchor.ledger;

import io.certigate.verifier.ledger.LedgerReader;
import java.math.BigInteger;
import java.time.Duration;

/**
 * How the gateway reaches its ledger, validated in one place.
 *
 * @param rpcUrl          JSON-RPC endpoint of a node (HTTP)
 * @param chainId         EIP-155 chain id the node must report; transactions are signed for it
 * @param contract        address of the {@code CertigateAnchor} contract
 * @param feeMode         {@code EIP1559} (type-2 transactions) or {@code LEGACY} (EIP-155 gas price)
 * @param gasPrice        LEGACY: wei per gas; null asks the node ({@code eth_gasPrice}); 0 for
 *                        free-gas networks (Besu with {@code min-gas-price=0})
 * @param maxFeePerGas    EIP1559: fee cap in wei; null takes twice the latest base fee plus the tip
 * @param maxPriorityFee  EIP1559: tip in wei (0 on free-gas networks)
 * @param gasLimit        gas limit of an anchor transaction (one anchor uses ~46k)
 * @param confirmations   blocks on top of the anchoring block before a batch counts as anchored
 *                        (0 under QBFT's immediate finality)
 * @param pollInterval    how often a sent transaction's receipt is looked up
 * @param receiptTimeout  after this long without a receipt, an outage is reported (the
 *                        transaction is still looked up, never re-signed while it may be mined)
 */
public record LedgerConfig(String rpcUrl, long chainId, String contract, FeeMode feeMode, BigInteger gasPrice,
        BigInteger maxFeePerGas, BigInteger maxPriorityFee, BigInteger gasLimit, int confirmations,
        Duration pollInterval, Duration receiptTimeout) {

    public enum FeeMode {
        LEGACY, EIP1559
    }

    public LedgerConfig {
        LedgerReader.checkRpcUrl(rpcUrl);
        if (chainId <= 0) {
            throw new IllegalArgumentException("chain id must be positive");
        }
        LedgerReader.checkAddress(contract);
        for (BigInteger v : new BigInteger[] {gasPrice, maxFeePerGas, maxPriorityFee}) {
            if (v != null && v.signum() < 0) {
                throw new IllegalArgumentException("fees must not be negative");
            }
        }
        if (maxPriorityFee == null) {
            maxPriorityFee = BigInteger.ZERO;
        }
        if (gasLimit == null || gasLimit.compareTo(BigInteger.valueOf(21_000)) < 0) {
            throw new IllegalArgumentException("gas limit must be at least 21000");
        }
        if (confirmations < 0) {
            throw new IllegalArgumentException("confirmations must not be negative");
        }
        if (pollInterval.isNegative() || pollInterval.isZero() || receiptTimeout.isNegative()) {
            throw new IllegalArgumentException("poll interval must be positive, receipt timeout not negative");
        }
    }

    /** Defaults for a dev chain or a QBFT network: EIP-1559 fees from the node, 0 confirmations, 200 ms polling. */
    public static LedgerConfig of(String rpcUrl, long chainId, String contract) {
        return new LedgerConfig(rpcUrl, chainId, contract, FeeMode.EIP1559, null, null, BigInteger.ZERO,
                BigInteger.valueOf(120_000), 0, Duration.ofMillis(200), Duration.ofSeconds(30));
    }

    public LedgerConfig withFees(FeeMode mode, BigInteger gasPriceOrMaxFee, BigInteger tip) {
        return new LedgerConfig(rpcUrl, chainId, contract, mode, mode == FeeMode.LEGACY ? gasPriceOrMaxFee : null,
                mode == FeeMode.EIP1559 ? gasPriceOrMaxFee : null, tip, gasLimit, confirmations, pollInterval,
                receiptTimeout);
    }

    public LedgerConfig withConfirmations(int n) {
        return new LedgerConfig(rpcUrl, chainId, contract, feeMode, gasPrice, maxFeePerGas, maxPriorityFee, gasLimit, n,
                pollInterval, receiptTimeout);
    }

    public LedgerConfig withContract(String address) {
        return new LedgerConfig(rpcUrl, chainId, address, feeMode, gasPrice, maxFeePerGas, maxPriorityFee, gasLimit,
                confirmations, pollInterval, receiptTimeout);
    }
}
