package io.certigate.app.spine;

import io.certigate.verifier.Verdict;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.completeness.LedgerHistory;
import io.certigate.verifier.completeness.SeqRange;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.ledger.DeviceRegistryReader;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import java.security.cert.X509Certificate;

/**
 * Everything {@code verify} and {@code report} check on an export (or a buffer, exported first):
 * its chain; with {@code --rpc} and {@code --contract}, its completeness against the device's
 * anchored history on the ledger; and the trust in its keys (the file's own, or through
 * {@code --trust-root} and {@code --registry}). The anchor contract is the user's, never the file's.
 *
 * @param chain        the chain report (signatures, seq continuity, prev-hash links)
 * @param history      the device's anchored history, or null when no ledger was given
 * @param completeness the completeness verdict, or null when no ledger was given
 * @param trust        the trust verdict (says the keys are the file's own when no root was given)
 */
public record ExportChecks(VerificationReport chain, LedgerHistory history, Verdict completeness, Verdict trust) {

    /** What the verdict names as not checked when no ledger was given. */
    public static final String NO_LEDGER = "completeness against the ledger: whether the export holds the device's whole"
            + " anchored history (give --rpc and --contract)";

    /** The whole verdict: chain, completeness and trust. */
    public Verdict verdict() {
        Verdict v = chain.verdict().and(trust);
        return v.and(completeness != null ? completeness : new Verdict(java.util.List.of(), java.util.List.of(NO_LEDGER)));
    }

    /**
     * Runs the checks the options ask for.
     *
     * @param rpc      JSON-RPC URL of a ledger node, or null
     * @param contract the anchor contract's address, or null (needed with {@code rpc})
     * @param range    the range asked for, or null for the whole history
     * @throws UsageException an option is missing, malformed or names something the ledger does not hold
     */
    public static ExportChecks run(ExportFile.Contents c, String rpc, String contract, TrustOptions trust, SeqRange range)
            throws UsageException {
        check(rpc, contract, trust, range);
        X509Certificate root = trust.root();
        Verifier verifier = new Verifier();
        VerificationReport chain = verifier.export(c);
        if (rpc == null) {
            return new ExportChecks(chain, null, null, verifier.exportTrust(c, root, null, null));
        }
        try (LedgerReader ledger = LedgerReader.connect(rpc, contract)) {
            LedgerHistory history;
            try {
                if (!ledger.hasCode(contract)) {
                    throw new UsageException("--contract " + contract + ": no contract at this address on chain "
                            + ledger.chainId() + " (give the anchor contract of the network the device anchors on)");
                }
                if (trust.registry != null && !ledger.hasCode(trust.registry)) {
                    throw new UsageException("--registry " + trust.registry + ": no contract at this address on chain "
                            + ledger.chainId());
                }
                history = LedgerHistory.read(ledger, c.device());
            } catch (LedgerException e) {
                throw new UsageException("--rpc " + rpc + ": " + (e.unreachable() ? "no ledger node answers: " : "")
                        + e.getMessage(), e);
            }
            Verdict completeness = verifier.completeness(history, range, c.records());
            DeviceRegistryReader registry = trust.registry == null ? null : new DeviceRegistryReader(ledger, trust.registry);
            return new ExportChecks(chain, history, completeness, verifier.exportTrust(c, root, registry, history));
        }
    }

    private static void check(String rpc, String contract, TrustOptions trust, SeqRange range) throws UsageException {
        if (rpc != null) {
            TrustOptions.rpcUrl(rpc);
            if (contract == null) {
                throw new UsageException("--rpc on an export needs --contract ADDRESS: the anchor contract that holds"
                        + " the device's anchored history (it is never taken from the file)");
            }
        }
        if (contract != null) {
            TrustOptions.address("--contract", contract);
            if (rpc == null) {
                throw new UsageException("--contract is read on the ledger: give --rpc URL too");
            }
        }
        if (range != null && rpc == null) {
            throw new UsageException("--range limits the completeness check against the ledger: give --rpc and --contract too");
        }
        trust.check(rpc);
    }
}
