package io.certigate.verifier.receipt;

import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a receipt's root was anchored: the chain, the {@code CertigateAnchor} contract, the
 * transaction and its block. Carried in the receipt's protected header under
 * {@link ReceiptCodec#LEDGER_REFERENCE} (so the anchoring party signs it); contract and transaction
 * keep their usual 0x-hex form here and are 20 and 32 raw bytes on the wire.
 */
public record LedgerReference(long chainId, String contract, String txHash, long blockNumber) {
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
    private static final Pattern TX = Pattern.compile("0x[0-9a-fA-F]{64}");

    public LedgerReference {
        if (chainId <= 0) {
            throw new IllegalArgumentException("chain id must be positive, not " + chainId);
        }
        if (contract == null || !ADDRESS.matcher(contract).matches()) {
            throw new IllegalArgumentException("contract must be a 0x-hex address of 20 bytes, not " + contract);
        }
        if (txHash == null || !TX.matcher(txHash).matches()) {
            throw new IllegalArgumentException("transaction hash must be 0x-hex of 32 bytes, not " + txHash);
        }
        if (blockNumber <= 0) {
            throw new IllegalArgumentException("block number must be positive, not " + blockNumber);
        }
        contract = contract.toLowerCase(Locale.ROOT);
        txHash = txHash.toLowerCase(Locale.ROOT);
    }

    byte[] contractBytes() {
        return HexFormat.of().parseHex(contract.substring(2));
    }

    byte[] txHashBytes() {
        return HexFormat.of().parseHex(txHash.substring(2));
    }

    static String hex(byte[] b) {
        return "0x" + HexFormat.of().formatHex(b);
    }
}
