package io.certigate.fleet.store;

/**
 * One device's figures in the store.
 *
 * @param device      the device id
 * @param firstSeenMs verification time of its first stored record, epoch ms; -1 when none is stored
 *                    (a device known from findings only)
 * @param lastSeenMs  verification time of its latest stored record; -1 as above
 * @param records     records stored (erased ones included)
 * @param erased      records erased
 * @param findings    findings about it
 * @param forks       of which forks
 * @param maxSeq      highest seq stored (0: none)
 */
public record DeviceCounts(String device, long firstSeenMs, long lastSeenMs, long records, long erased, long findings,
        long forks, long maxSeq) {}
