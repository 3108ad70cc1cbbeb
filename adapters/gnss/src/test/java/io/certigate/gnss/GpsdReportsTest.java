package io.certigate.gnss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * gpsd's JSON reports. The lines are hand-written after gpsd_json(5) and the reports gpsd 3.22
 * (Debian 12) printed for the simulator's route in GpsdInteropTest.
 */
@Tag("unit")
class GpsdReportsTest {

    @Test
    void tpvAndSkyMergeIntoAFix() throws GpsdException {
        GpsdFixAssembler a = new GpsdFixAssembler();
        assertThat(GpsdReports.parse("{\"class\":\"VERSION\",\"release\":\"3.22\",\"rev\":\"3.22\",\"proto_major\":3,"
                + "\"proto_minor\":14}")).isEqualTo(new GpsdReports.Version("3.22", 3, 14));
        a.accept(GpsdReports.parse("{\"class\":\"SKY\",\"device\":\"/dev/pts/3\",\"xdop\":0.61,\"hdop\":0.92,\"nSat\":12,"
                + "\"uSat\":9,\"satellites\":[]}"), 0, 0);
        GnssFix f = a.accept(GpsdReports.parse("{\"class\":\"TPV\",\"device\":\"/dev/pts/3\",\"mode\":3,"
                + "\"time\":\"2024-06-15T08:35:59.000Z\",\"ept\":0.005,\"lat\":48.856520000,\"lon\":2.350811667,"
                + "\"altHAE\":81.500,\"track\":90.0000,\"speed\":13.890,\"climb\":0.000}"), 1_000, 2_000);
        assertThat(f.valid()).isTrue();
        assertThat(f.utc()).isEqualTo(Instant.parse("2024-06-15T08:35:59Z"));
        assertThat(f.latitude()).isEqualTo(new BigDecimal("48.85652"));
        assertThat(f.longitude()).isEqualTo(new BigDecimal("2.3508117"));
        assertThat(f.speedKmh()).isEqualTo(new BigDecimal("50.004"));
        assertThat(f.hdop()).isEqualTo(new BigDecimal("0.92"));
        assertThat(f.satellitesUsed()).isEqualTo(9);
        assertThat(f.satellitesInView()).isEqualTo(12);
        assertThat(f.receivedNanos()).isEqualTo(2_000);
    }

    @Test
    void olderSkyReportsCountTheUsedFlags() throws GpsdException {
        GpsdReports.Sky sky = (GpsdReports.Sky) GpsdReports.parse("{\"class\":\"SKY\",\"hdop\":1.234,\"satellites\":["
                + "{\"PRN\":2,\"used\":true},{\"PRN\":5,\"used\":false},{\"PRN\":12,\"used\":true}]}");
        assertThat(sky).isEqualTo(new GpsdReports.Sky(new BigDecimal("1.23"), 2, 3));
    }

    @Test
    void aTpvWithoutFixHasNoPosition() throws GpsdException {
        GnssFix f = new GpsdFixAssembler().accept(GpsdReports.parse("{\"class\":\"TPV\",\"mode\":1,"
                + "\"time\":\"2024-06-15T08:36:10.000Z\"}"), 0, 0);
        assertThat(f.valid()).isFalse();
        assertThat(f.hasPosition()).isFalse();
        assertThat(f.utc()).isNotNull();
    }

    @Test
    void otherClassesAndBrokenLines() throws GpsdException {
        assertThat(GpsdReports.parse("{\"class\":\"DEVICES\",\"devices\":[]}")).isEqualTo(new GpsdReports.Other("DEVICES"));
        assertThatThrownBy(() -> GpsdReports.parse("{\"class\":\"TPV\",\"mode\":3,\"lat\":91.0,\"lon\":0}"))
                .isInstanceOf(GpsdException.class).hasMessageContaining("beyond 90");
        assertThatThrownBy(() -> GpsdReports.parse("{\"class\":\"TPV\",\"time\":\"yesterday\"}"))
                .isInstanceOf(GpsdException.class);
        assertThatThrownBy(() -> GpsdReports.parse("[1,2]")).isInstanceOf(GpsdException.class);
        assertThatThrownBy(() -> GpsdReports.parse("{\"class\":")).isInstanceOf(GpsdException.class)
                .satisfies(e -> assertThat(((GpsdException) e).line()).isEqualTo("{\"class\":"));
    }
}
