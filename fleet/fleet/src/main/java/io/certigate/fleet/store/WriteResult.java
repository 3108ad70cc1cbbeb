package io.certigate.fleet.store;

/**
 * What one write did.
 *
 * @param stored           signed records stored now
 * @param duplicates       records and erasures already stored as they are (a replay): nothing written
 * @param erased           stored records replaced by their erasure
 * @param refusedErasures  erasures that match no stored record (none stored, or other hashes): not
 *                         written, reported as {@code unprovable-tombstone} findings
 * @param forks            records whose (device, seq) is stored with another chain hash: not written,
 *                         reported as {@code fork} findings
 * @param findings         finding rows written now (the batch's and the store's own, each once)
 */
public record WriteResult(long stored, long duplicates, long erased, long refusedErasures, long forks,
        long findings) {

    public static final WriteResult NOTHING = new WriteResult(0, 0, 0, 0, 0, 0);

    public WriteResult plus(WriteResult o) {
        return new WriteResult(stored + o.stored, duplicates + o.duplicates, erased + o.erased,
                refusedErasures + o.refusedErasures, forks + o.forks, findings + o.findings);
    }
}
