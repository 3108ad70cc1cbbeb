package io.certigate.app.spine;

import io.certigate.verifier.Verdict;
import io.certigate.verifier.chain.EntryObserver;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.completeness.CompletenessCheck;
import io.certigate.verifier.completeness.LedgerHistory;
import io.certigate.verifier.completeness.SeqRange;
import io.certigate.verifier.ledger.DeviceRegistryReader;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.verifier.trust.ExportTrustCheck;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code verify} checks on an export or a buffer besides its chain: with {@code --rpc}
 * and {@code --contract}, its completeness against the device's anchored history on the ledger; and
 * the trust in its keys (the file's own, or through {@code --trust-root} and {@code --registry}).
 * The anchor contract is the user's, never the file's. Both checks consume the chain's entries one
 * at a time, in seq order, as the chain verifier hands them over ({@link #observer()}), so the input
 * is read once and memory does not grow with its size.
 */
public final class ExportChecks implements AutoCloseable {
    /** What the verdict names as not checked when no ledger was given. */
    public static final String NO_LEDGER = "completeness against the ledger: whether the export holds the device's whole"
            + " anchored history (give --rpc and --contract)";

    private final LedgerReader ledger;
    private final LedgerHistory history;
    private final CompletenessCheck completeness;
    private final ExportTrustCheck trust;

    private ExportChecks(LedgerReader ledger, LedgerHistory history, CompletenessCheck completeness, ExportTrustCheck trust) {
        this.ledger = ledger;
        this.history = history;
        this.completeness = completeness;
        this.trust = trust;
    }

    /**
     * The checks the options ask for, for the chain of {@code device}; the device's anchored history is
     * read from the ledger now, before the entries.
     *
     * @param keyChains each key the input carries with the certificate chain it carries for it (may be empty)
     * @param rpc       JSON-RPC URL of a ledger node, or null
     * @param contract  the anchor contract's address, or null (needed with {@code rpc})
     * @param range     the range asked for, or null for the whole history
     * @throws UsageException an option is missing, malformed or names something the ledger does not hold
     */
    public static ExportChecks open(String device, Map<PublicKey, List<X509Certificate>> keyChains, String rpc,
            String contract, TrustOptions options, SeqRange range) throws UsageException {
        check(rpc, contract, options, range);
        X509Certificate root = options.root();
        if (rpc == null) {
            return new ExportChecks(null, null, null, new ExportTrustCheck(device, keyChains, root, null, null));
        }
        LedgerReader ledger = LedgerReader.connect(rpc, contract);
        try {
            if (!ledger.hasCode(contract)) {
                throw new UsageException("--contract " + contract + ": no contract at this address on chain "
                        + ledger.chainId() + " (give the anchor contract of the network the device anchors on)");
            }
            if (options.registry != null && !ledger.hasCode(options.registry)) {
                throw new UsageException("--registry " + options.registry + ": no contract at this address on chain "
                        + ledger.chainId());
            }
            LedgerHistory history = LedgerHistory.read(ledger, device);
            DeviceRegistryReader registry = options.registry == null ? null : new DeviceRegistryReader(ledger, options.registry);
            return new ExportChecks(ledger, history, new CompletenessCheck(history, range),
                    new ExportTrustCheck(device, keyChains, root, registry, history, ledger::blockTime));
        } catch (LedgerException e) {
            ledger.close();
            throw new UsageException("--rpc " + rpc + ": " + (e.unreachable() ? "no ledger node answers: " : "")
                    + e.getMessage(), e);
        } catch (UsageException | RuntimeException e) {
            ledger.close();
            throw e;
        }
    }

    /** Feeds each entry the chain verifier checked to the completeness and trust checks. */
    public EntryObserver observer() {
        return e -> {
            if (completeness != null) {
                completeness.accept(e.entry().record());
            }
            trust.accept(e.entry().record());
        };
    }

    /** The device's anchored history, or null when no ledger was given. */
    public LedgerHistory history() {
        return history;
    }

    /** The results, once every entry went through {@link #observer()}. */
    public Result finish(VerificationReport chain) {
        return new Result(chain, history, completeness == null ? null : completeness.finish(), trust.finish());
    }

    @Override
    public void close() {
        if (ledger != null) {
            ledger.close();
        }
    }

    /**
     * @param chain        the chain report (signatures, seq continuity, prev-hash links)
     * @param history      the device's anchored history, or null when no ledger was given
     * @param completeness the completeness verdict, or null when no ledger was given
     * @param trust        the trust verdict (says the keys are the file's own when no root was given)
     */
    public record Result(VerificationReport chain, LedgerHistory history, Verdict completeness, Verdict trust) {
        /** The whole verdict: chain, completeness and trust. */
        public Verdict verdict() {
            Verdict v = chain.verdict().and(trust);
            return v.and(completeness != null ? completeness : new Verdict(List.of(), List.of(NO_LEDGER)));
        }
    }

    private static void check(String rpc, String contract, TrustOptions trust, SeqRange range) throws UsageException {
        LedgerOptions.check(rpc, contract, LedgerOptions.ContractNeed.EXPORT, true);
        if (range != null && rpc == null) {
            throw new UsageException("--range limits the completeness check against the ledger: give --rpc and --contract too");
        }
        trust.check(rpc);
    }
}
