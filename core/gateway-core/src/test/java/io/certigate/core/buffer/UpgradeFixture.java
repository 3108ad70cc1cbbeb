package io.certigate.core.buffer;

import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the committed upgrade fixture holds ({@code src/test/resources/io/certigate/core/buffer/upgrade/schema-1/}):
 * one device's buffer of schema {@value #SCHEMA}, written by {@link UpgradeFixtureWriter}, and the
 * PKCS#12 test key that signed it. Shared by the writer and {@link BufferUpgradeTest} so that the
 * test checks the stored readings against the ones written.
 */
final class UpgradeFixture {
    /** The schema version of the buffer in the fixture folder; a later schema gets its own folder. */
    static final int SCHEMA = 1;
    static final String RESOURCE = "/io/certigate/core/buffer/upgrade/schema-" + SCHEMA + "/";
    static final String BUFFER = "buffer.db";
    static final String KEY_STORE = "device.p12";
    /** The test key's passphrase, kept in clear next to it: it protects nothing but this fixture. */
    static final String PASSPHRASE = "device.pass";

    static final String DEVICE = "gw-upgrade-fixture";
    static final String VIN = "VF1RFB00X57177144";
    static final String METER = "021861348497";
    static final long OBSERVED_FROM = Instant.parse("2026-12-06T08:00:00Z").toEpochMilli();
    static final Instant CREATED_AT = Instant.parse("2026-12-06T09:00:00Z");

    /** Records 1..12 delivered in order (the watermark), 15..16 acknowledged ahead of the gap. */
    static final long DELIVERED_THROUGH = 12;
    static final long DELIVERED_AHEAD_FROM = 15;
    static final long DELIVERED_AHEAD_TO = 16;
    /** The record whose payload (a VIN) was erased: a tombstone. */
    static final long ERASED = 7;
    /** The odometer reading that went down, flagged by the adapter. */
    static final long FLAGGED = 15;

    private UpgradeFixture() {}

    /** The 20 readings of the fixture, in seq order (index 0 is seq 1). */
    static List<Reading> readings() {
        List<Reading> out = new ArrayList<>();
        for (int seq = 1; seq <= 20; seq++) {
            out.add(reading(seq));
        }
        return out;
    }

    /**
     * The reading of {@code seq}: an odometer (exact decimal, km) at odd seqs, a TIC energy index
     * (integer, Wh) at even ones; the odometer of {@link #FLAGGED} is lower than the one before.
     */
    static Reading reading(long seq) {
        long t = OBSERVED_FROM + seq * 60_000;
        if (seq % 2 == 0) {
            return new Reading(t, TimeQuality.RTC, "tic", "meter.energy.import", METER,
                    new ReadingValue.Int(4_512_300 + seq * 17), "Wh");
        }
        if (seq == FLAGGED) {
            return new Reading(t, TimeQuality.GNSS, "obd", "vehicle.odometer", VIN,
                    new ReadingValue.Decimal(new BigDecimal("9870.5")), "km", List.of("rollback-suspected"));
        }
        return new Reading(t, TimeQuality.GNSS, "obd", "vehicle.odometer", VIN,
                new ReadingValue.Decimal(BigDecimal.valueOf(120_000 + seq * 13, 1)), "km");
    }
}
