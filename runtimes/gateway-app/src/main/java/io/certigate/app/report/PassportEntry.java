package io.certigate.app.report;

import io.certigate.core.model.ChainedReading;

/**
 * One reading of the subject with its verdicts.
 *
 * @param reading   the decoded reading
 * @param verified  signature, payload and chain link checked out
 * @param problem   what failed, or null
 * @param anchor    where its batch root is on the ledger (e.g. "block 1234"), or null if not anchored
 * @param anomaly   why the value is suspicious (flag or decrease), or null
 */
public record PassportEntry(ChainedReading reading, boolean verified, String problem, String anchor, String anomaly) {}
