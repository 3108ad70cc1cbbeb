package io.certigate.fleet.consumer;

import io.certigate.verifier.consent.Consent;
import io.certigate.verifier.consent.ConsentReader;
import io.certigate.verifier.ledger.LedgerException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Makes revocation take effect at the next block for the sealed copies (issue #19): every
 * {@code every} it asks the ledger for its head block; when new blocks came, it reads the consent
 * registry's {@code Revoked} events of those blocks (one {@code eth_getLogs} over the new range,
 * whatever the number of keys) and destroys the live copy keys served under a revoked consent, then
 * destroys the keys whose consents' validity ended by the head block's time (one indexed SQL update;
 * expiry emits no event). The cost per poll grows with the revocations, not with the keys held.
 *
 * <p>Each poll reads the events from the first block of the previous poll's range on, so that a key
 * made by a delivery that was checked just before a revocation and written just after the poll that
 * saw it is destroyed by the next poll (destroying is idempotent; the copy-key endpoint refuses such a
 * key in any case, as it checks the consent itself).
 *
 * <p>At its first poll it has no last block: it checks once each consent the live keys were served
 * under ({@link CopyKeys#liveConsents}) at the head block, so that revocations made while no watcher
 * ran are caught, then follows the events from there. A ledger or store error is logged and the same
 * range is read again at the next poll. Runs on the scheduler it is given (a {@code ManualScheduler}
 * in tests, virtual time).
 */
public final class CopyKeyWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CopyKeyWatcher.class.getName());

    /** What one poll did: the head block it saw and the keys it destroyed. */
    public record Poll(long block, List<String> revoked, List<String> expired) {}

    private final ConsentReader consents;
    private final CopyKeys keys;
    private long last = -1;
    private long overlapFrom;
    private ScheduledFuture<?> task;

    public CopyKeyWatcher(ConsentReader consents, CopyKeys keys) {
        this.consents = consents;
        this.keys = keys;
    }

    /** Polls every {@code every} on {@code scheduler}, the first time at once. */
    public CopyKeyWatcher start(ScheduledExecutorService scheduler, Duration every) {
        task = scheduler.scheduleWithFixedDelay(() -> {
            try {
                poll();
            } catch (LedgerException | SQLException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "copy keys: revocations not checked this time (checked again at"
                        + " the next poll): " + e.getMessage());
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One look at the ledger: destroys the keys of consents revoked or expired since the last one. */
    public synchronized Poll poll() throws LedgerException, SQLException {
        ConsentReader.BlockRef head = consents.head();
        if (head.number() == last) {
            return new Poll(last, List.of(), List.of());
        }
        List<Long> revoked = new ArrayList<>();
        if (last < 0) {
            for (long id : keys.liveConsents()) {
                Optional<Consent> c = consents.consent(id);
                if (c.isEmpty() || c.get().stateAt(head.number(), head.time()) == Consent.State.REVOKED) {
                    revoked.add(id);
                }
            }
        } else {
            // from the start of the previous poll's range: a key made by a delivery checked just before a
            // revocation, and written just after the poll that saw it, is caught by the next one
            revoked.addAll(consents.revokedBetween(overlapFrom, head.number()));
        }
        List<String> destroyed = keys.destroyForConsents(revoked, head.number(), CopyKeys.REVOKED);
        List<String> expired = keys.destroyExpired(head.time(), head.number());
        overlapFrom = last < 0 ? head.number() : last + 1;
        last = head.number();
        if (!destroyed.isEmpty() || !expired.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "copy keys: at block " + head.number() + " destroyed "
                    + destroyed.size() + " of revoked consents " + revoked + ", " + expired.size() + " expired");
        }
        return new Poll(head.number(), destroyed, expired);
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
