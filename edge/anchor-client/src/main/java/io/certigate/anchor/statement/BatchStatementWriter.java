package io.certigate.anchor.statement;

import io.certigate.anchor.batch.Batch;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.SigningException;
import io.certigate.verifier.statement.BatchStatement;
import io.certigate.verifier.statement.BatchStatementCodec;

/**
 * Writes a device's batch statements for aggregated anchoring (ARCHITECTURE.md, "Batch statement"):
 * a batch cut as in direct mode ({@code AnchorBatcher}) is stated, instead of anchored, as a
 * COSE_Sign1 signed by the device key over the verifier's {@link BatchStatementCodec#payload}
 * (device, first and last seq, tree size, root, and the hash of the device's previous statement).
 * Stateless: the caller keeps the device's last statement and hands it in, so the chain is only as
 * durable as the place that keeps it.
 */
public final class BatchStatementWriter {
    private BatchStatementWriter() {}

    /** The statement of {@code batch}, chained to {@code previous} (its COSE bytes; null for the device's first). */
    public static BatchStatement statement(String device, Batch batch, byte[] previous) {
        return new BatchStatement(device, batch.firstSeq(), batch.lastSeq(), batch.size(), batch.root(),
                previous == null ? BatchStatement.firstPrev() : BatchStatementCodec.hash(previous));
    }

    /** Signs {@code statement} with the device key; returns the tagged COSE_Sign1 bytes. */
    public static byte[] sign(DeviceKey key, BatchStatement statement) throws SigningException {
        return CoseSign1.sign(key, BatchStatementCodec.payload(statement));
    }

    /** {@link #statement} then {@link #sign}. */
    public static byte[] sign(DeviceKey key, String device, Batch batch, byte[] previous) throws SigningException {
        return sign(key, statement(device, batch, previous));
    }
}
