package io.certigate.obd;

import java.math.BigDecimal;
import java.util.Optional;

/** The highest certified odometer value per VIN, kept across restarts. */
public interface OdometerStore {

    /** The last certified value for the VIN, if any. */
    Optional<BigDecimal> lastCertified(String vin) throws java.io.IOException;

    /** Records a certified value; a value not above the stored one leaves it unchanged. */
    void raise(String vin, BigDecimal km, long observedAtMillis) throws java.io.IOException;

    /** A store that forgets on restart, for the technician tool and tests of other parts. */
    static OdometerStore inMemory() {
        java.util.concurrent.ConcurrentHashMap<String, BigDecimal> map = new java.util.concurrent.ConcurrentHashMap<>();
        return new OdometerStore() {
            @Override
            public Optional<BigDecimal> lastCertified(String vin) {
                return Optional.ofNullable(map.get(vin));
            }

            @Override
            public void raise(String vin, BigDecimal km, long observedAtMillis) {
                map.merge(vin, km, (a, b) -> a.compareTo(b) >= 0 ? a : b);
            }
        };
    }
}
