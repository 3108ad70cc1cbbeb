package io.certigate.fleet.collector;

/**
 * What the collector holds and what it saw.
 *
 * @param received     records received (each delivery counted, duplicates included)
 * @param unique       distinct (device, seq) records stored and verified
 * @param duplicates   deliveries of a record already stored (same bytes)
 * @param missing      seqs absent between 1 and the highest verified seq, per device (an unsigned
 *                     status message's head seq is not counted)
 * @param badSignature records refused: unknown key id or signature that does not verify
 * @param brokenLink   stored records whose prev is not the chain hash of their predecessor
 * @param conflicts    deliveries carrying different bytes under a stored (device, seq)
 * @param malformed    items or messages that are not records of the claimed device
 * @param unverified   stored records whose device key is not known yet
 * @param devices      devices seen
 * @param unprovableTombstones tombstones not stored: no verified signed record held under their
 *                     (device, seq), or hashes that are not that record's (an erasure must be
 *                     provable; a record erased before it was delivered is counted as missing)
 * @param unverifiedDropped records not stored because their device, whose key is not known, already
 *                     had the most unverified records held ({@link UnverifiedLimits#perDevice()})
 * @param unverifiedExpired unverified records deleted after {@link UnverifiedLimits#keepFor()}
 */
public record CollectorReport(long received, long unique, long duplicates, long missing, long badSignature,
        long brokenLink, long conflicts, long malformed, long unverified, long devices,
        long unprovableTombstones, long unverifiedDropped, long unverifiedExpired) {

    /** The summary line, {@code key=value} pairs. */
    public String line() {
        return "received=" + received + " unique=" + unique + " duplicates=" + duplicates + " missing=" + missing
                + " bad_signature=" + badSignature + " broken_link=" + brokenLink + " conflicts=" + conflicts
                + " malformed=" + malformed + " unverified=" + unverified + " devices=" + devices
                + " unprovable_tombstones=" + unprovableTombstones + " unverified_dropped=" + unverifiedDropped
                + " unverified_expired=" + unverifiedExpired;
    }

    @Override
    public String toString() {
        return line();
    }
}
