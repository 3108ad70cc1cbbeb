package io.certigate.app.run;

import io.certigate.anchor.batch.BatchStore;
import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;

/**
 * What a stopped gateway leaves for its next start: committed records not yet acknowledged by an
 * uplink peer, records not yet in an anchor batch, and batches not yet anchored. A stop does not
 * wait for delivery or anchoring (a gateway being stopped may be losing power, and a ledger or
 * broker outage must not hold the stop); the next start resumes both from the buffer.
 *
 * @param undelivered committed records without a delivery acknowledgement
 * @param uplink whether an uplink was configured (without one nothing is ever delivered)
 * @param unbatched committed records after the last anchor batch, or -1 without anchoring
 * @param unanchoredBatches batches cut but not yet anchored, or -1 without anchoring
 */
public record Backlog(long undelivered, boolean uplink, long unbatched, long unanchoredBatches) {

    /** Reads the backlog of {@code buffer}, of a gateway configured with or without uplink and anchoring. */
    public static Backlog of(RecordBuffer buffer, boolean uplink, boolean anchoring) throws BufferException {
        long undelivered = buffer.stats().undelivered();
        if (!anchoring) {
            return new Backlog(undelivered, uplink, -1, -1);
        }
        BatchStore batches = new BatchStore(buffer);
        long unbatched = Math.max(0, buffer.head().seq() - batches.lastBatchedSeq());
        return new Backlog(undelivered, uplink, unbatched, batches.unanchoredCount());
    }

    /** One line for the stop message. */
    public String describe() {
        StringBuilder sb = new StringBuilder("left for the next start: ");
        sb.append(count(undelivered, "committed record")).append(" not yet delivered");
        if (!uplink) {
            sb.append(" (no uplink configured)");
        }
        if (unbatched < 0) {
            sb.append("; anchoring off");
        } else {
            sb.append(", ").append(count(unbatched, "record")).append(" not yet in an anchor batch, ")
                    .append(count(unanchoredBatches, "batch")).append(" not yet anchored");
        }
        if ((uplink && undelivered > 0) || unbatched > 0 || unanchoredBatches > 0) {
            sb.append("; the next start resumes from the buffer (a stop does not wait for delivery or anchoring)");
        }
        return sb.toString();
    }

    private static String count(long n, String noun) {
        return n + " " + (n == 1 ? noun : noun.endsWith("h") ? noun + "es" : noun + "s");
    }
}
