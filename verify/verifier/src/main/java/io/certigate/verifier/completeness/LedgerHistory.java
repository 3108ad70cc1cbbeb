package io.certigate.verifier.completeness;

import io.certigate.verifier.ledger.AnchorAbi.AnchoredEvent;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A device's anchored history as the ledger holds it: the {@code Anchored(root, device, firstSeq,
 * lastSeq)} events of the anchor contract the user pinned, for this device, up to the head block
 * at the time of reading, sorted by first seq (ledger order among equals).
 *
 * @param device    the device id
 * @param chainId   the chain id the node reported
 * @param contract  the anchor contract's address (the user's, never the file's)
 * @param headBlock the head block when the history was read: later anchors are not in it
 * @param ranges    the device's anchored ranges
 */
public record LedgerHistory(String device, long chainId, String contract, long headBlock, List<AnchoredEvent> ranges) {
    public LedgerHistory {
        List<AnchoredEvent> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(AnchoredEvent::firstSeq));
        ranges = List.copyOf(sorted);
    }

    /** Reads {@code device}'s history through {@code ledger} (its anchor contract), up to the current head block. */
    public static LedgerHistory read(LedgerReader ledger, String device) throws LedgerException {
        long chainId = ledger.chainId();
        long head = ledger.blockNumber();
        return new LedgerHistory(device, chainId, ledger.contract(), head, ledger.anchoredEventsOf(device, head));
    }

    /** The anchored range holding {@code seq} (the first by seq when ranges overlap), if any. */
    public java.util.Optional<AnchoredEvent> rangeOf(long seq) {
        int lo = 0;
        int hi = ranges.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            AnchoredEvent r = ranges.get(mid);
            if (seq < r.firstSeq()) {
                hi = mid - 1;
            } else if (seq > r.lastSeq()) {
                lo = mid + 1;
            } else {
                return java.util.Optional.of(r);
            }
        }
        return java.util.Optional.empty();
    }

    /** The highest anchored seq, 0 when nothing is anchored. */
    public long lastAnchoredSeq() {
        return ranges.stream().mapToLong(AnchoredEvent::lastSeq).max().orElse(0);
    }
}
