package io.certigate.verifier.chain;

import io.certigate.core.model.ChainedReading;
import io.certigate.verifier.export.ExportEntry;
import java.util.List;

/**
 * An entry of a device's chain after {@link ChainVerifier} checked it, as handed to an
 * {@link EntryObserver}: the entry, its hashes (computed once, by the parallel stage), the reading
 * it carries when it is a signed record whose payload could be read, and what was found about it.
 *
 * @param entry     the entry as the input holds it (a signed record, a tombstone or a hash-only entry)
 * @param chainHash SHA-256 of the COSE bytes (the next record's prev), kept or computed
 * @param leafHash  RFC 9162 leaf hash SHA-256(0x00 ‖ COSE bytes), kept or computed
 * @param reading   the decoded payload of a signed record, or null (hash-only, erased, unreadable)
 * @param verified  a signed record whose signature, payload and link to the previous entry checked out
 * @param findings  what was found about this entry (bad signature, broken link, flag, erased), in order
 */
public record CheckedEntry(ExportEntry entry, byte[] chainHash, byte[] leafHash, ChainedReading reading, boolean verified,
        List<Finding> findings) {
    public long seq() {
        return entry.seq();
    }
}
