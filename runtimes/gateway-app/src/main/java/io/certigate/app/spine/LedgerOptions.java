package io.certigate.app.spine;

import io.certigate.verifier.ledger.LedgerReader;

/**
 * The {@code --rpc URL} and {@code --contract ADDRESS} options of the commands that read the ledger
 * ({@code verify}, {@code report}, {@code proof verify}), checked in one place: a URL that is not
 * http(s), an address that is not 0x and 20 bytes, {@code --rpc} without the anchor contract where the
 * input needs one, {@code --contract} without {@code --rpc} where it is only read on the ledger.
 */
public final class LedgerOptions {
    /** When {@code --rpc} needs {@code --contract}, and why, in the words of the refusal. */
    public enum ContractNeed {
        /** An export or a buffer verified against the device's anchored history. */
        EXPORT("--rpc on an export needs --contract ADDRESS: the anchor contract that holds the device's anchored history"
                + " (it is never taken from the file)"),
        /** A proof bundle whose anchors are checked in the contract the verifier pins. */
        BUNDLE("--rpc needs --contract ADDRESS, the consortium's CertigateAnchor contract to check the anchors against"
                + " (it is never taken from the bundle)"),
        /** The input names its contract itself (a buffer's anchor batches): {@code --contract} is optional. */
        NONE(null);

        private final String refusal;

        ContractNeed(String refusal) {
            this.refusal = refusal;
        }
    }

    private LedgerOptions() {}

    /**
     * Refuses a malformed {@code rpc} or {@code contract}, {@code rpc} without a contract when
     * {@code need} asks for one, and, when {@code contractNeedsRpc}, a contract without {@code rpc}.
     * Either may be null (not given).
     */
    public static void check(String rpc, String contract, ContractNeed need, boolean contractNeedsRpc) throws UsageException {
        if (rpc != null) {
            rpcUrl(rpc);
            if (contract == null && need.refusal != null) {
                throw new UsageException(need.refusal);
            }
        }
        if (contract != null) {
            address("--contract", contract);
            if (rpc == null && contractNeedsRpc) {
                throw new UsageException("--contract is read on the ledger: give --rpc URL too");
            }
        }
    }

    /** Refuses an rpc URL that is not http(s). */
    public static String rpcUrl(String rpc) throws UsageException {
        try {
            return LedgerReader.checkRpcUrl(rpc);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--rpc '" + rpc + "' is not an http(s) URL of a ledger node (" + e.getMessage() + ")", e);
        }
    }

    /** Refuses an address that is not 0x and 20 bytes of hex. */
    public static String address(String option, String address) throws UsageException {
        try {
            return LedgerReader.checkAddress(address);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " '" + address + "' is not a contract address (" + e.getMessage() + ")", e);
        }
    }
}
