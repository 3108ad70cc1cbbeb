package io.certigate.obd;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * Mileage integrity per VIN: an odometer value lower than the last certified one is still
 * recorded, flagged {@code rollback-suspected}, logged as an alert and counted; it never lowers
 * the certified value. Values that are not lower raise it once their reading is committed.
 */
public final class MileageGuard {
    /** The flag a reading gets when its odometer is below the VIN's certified value. */
    public static final String ROLLBACK_SUSPECTED = "rollback-suspected";

    private static final System.Logger LOG = System.getLogger(MileageGuard.class.getName());

    private final OdometerStore store;
    private final ObdStats stats;

    public MileageGuard(OdometerStore store, ObdStats stats) {
        this.store = store;
        this.stats = stats;
    }

    /** The flags an odometer reading of {@code km} for {@code vin} must carry. */
    public List<String> assess(String vin, BigDecimal km) throws IOException {
        Optional<BigDecimal> last = store.lastCertified(vin);
        if (last.isPresent() && km.compareTo(last.get()) < 0) {
            stats.rollback();
            LOG.log(System.Logger.Level.WARNING, "ALERT odometer rollback suspected for VIN {0}: {1} km read, "
                    + "{2} km certified before", vin, km.toPlainString(), last.get().toPlainString());
            return List.of(ROLLBACK_SUSPECTED);
        }
        return List.of();
    }

    /** Called once an unflagged odometer reading is durably committed. */
    public void certified(String vin, BigDecimal km, long observedAtMillis) throws IOException {
        store.raise(vin, km, observedAtMillis);
    }

    public Optional<BigDecimal> lastCertified(String vin) throws IOException {
        return store.lastCertified(vin);
    }
}
