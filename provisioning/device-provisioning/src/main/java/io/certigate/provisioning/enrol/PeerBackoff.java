package io.certigate.provisioning.enrol;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed enrolment handshakes counted per peer address: after {@code maxFailures} failures in a row
 * a peer is refused for a backoff period (doubling with each further lockout, up to
 * {@link #MAX_BACKOFF}); a successful handshake clears its count. Unlike a single counter for the
 * whole device, someone who knows a device's serial cannot use up the provisioning PSK for the
 * technician, who connects from another address. The PSK itself is 128 random bits, so spreading
 * guesses over many addresses gains nothing. At most {@link #TRACKED} peers are remembered (the
 * oldest entry goes first). Time comes from the given clock.
 */
final class PeerBackoff {
    static final Duration MAX_BACKOFF = Duration.ofHours(1);
    static final int TRACKED = 4096;

    private final int maxFailures;
    private final Duration backoff;
    private final Clock clock;
    private final Map<InetAddress, Peer> peers = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Peer> eldest) {
            return size() > TRACKED;
        }
    };

    private static final class Peer {
        int failures;
        int lockouts;
        Instant refusedUntil = Instant.MIN;
    }

    PeerBackoff(int maxFailures, Duration backoff, Clock clock) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1: " + maxFailures);
        }
        this.maxFailures = maxFailures;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** Until when {@code peer} is refused, or null if it may try now. */
    synchronized Instant refusedUntil(InetAddress peer) {
        Peer p = peers.get(peer);
        if (p == null || !clock.instant().isBefore(p.refusedUntil)) {
            return null;
        }
        return p.refusedUntil;
    }

    /** Counts a failed handshake of {@code peer}; returns true if that failure started a lockout. */
    synchronized boolean failed(InetAddress peer) {
        Peer p = peers.computeIfAbsent(peer, a -> new Peer());
        if (++p.failures < maxFailures) {
            return false;
        }
        p.failures = 0;
        p.lockouts++;
        Duration d = backoff.multipliedBy(1L << Math.min(p.lockouts - 1, 20));
        p.refusedUntil = clock.instant().plus(d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d);
        return true;
    }

    /** A completed handshake: the peer's failures are forgotten. */
    synchronized void succeeded(InetAddress peer) {
        peers.remove(peer);
    }
}
