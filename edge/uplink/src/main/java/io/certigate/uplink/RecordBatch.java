package io.certigate.uplink;

/**
 * One uplink message: the records {@code firstSeq..lastSeq} of one device (consecutive among the
 * undelivered ones, so possibly with already-delivered seqs skipped) encoded by {@link BatchCodec}.
 *
 * @param records how many records the payload holds
 */
public record RecordBatch(String device, long firstSeq, long lastSeq, int records, byte[] payload) {
    public RecordBatch {
        if (records < 1 || firstSeq > lastSeq) {
            throw new IllegalArgumentException("empty or inverted batch " + firstSeq + ".." + lastSeq);
        }
    }

    @Override
    public String toString() {
        return "RecordBatch[" + device + " seq " + firstSeq + ".." + lastSeq + ", " + records + " records, "
                + payload.length + " bytes]";
    }
}
