package io.certigate.app.report;

import io.certigate.core.model.ChainedReading;

/**
 * One reading of the subject with its verdicts, as the passport consumes it (one at a time).
 *
 * @param reading  the decoded reading
 * @param verified signature, payload and chain link checked out
 * @param problem  what failed, or null
 * @param anchor   the anchoring transaction of its batch, or null if it is not in an anchored batch
 */
public record PassportEntry(ChainedReading reading, boolean verified, String problem, Ledger.Anchor anchor) {}
