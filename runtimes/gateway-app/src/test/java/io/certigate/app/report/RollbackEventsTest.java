package io.certigate.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.report.RollbackEvents.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class RollbackEventsTest {
    private final RollbackEvents events = new RollbackEvents();
    private long seq;

    private List<Role> feed(double... km) {
        List<Role> roles = new ArrayList<>();
        for (double v : km) {
            seq++;
            roles.add(events.accept("vehicle.odometer", "km", seq, 1_763_000_000_000L + seq * 60_000, v, false));
        }
        return roles;
    }

    @Test
    void aRollbackFollowedByFiveRisingReadingsIsOneEvent() {
        List<Role> roles = feed(1000, 1010, 1020, 500, 501, 502, 503, 504, 505, 1021, 1030);
        assertThat(roles).containsExactly(Role.NONE, Role.NONE, Role.NONE, Role.START, Role.IN_EVENT, Role.IN_EVENT,
                Role.IN_EVENT, Role.IN_EVENT, Role.IN_EVENT, Role.NONE, Role.NONE);
        assertThat(events.count()).isEqualTo(1);
        RollbackEvents.Event e = events.events().get(0);
        assertThat(e.readings).isEqualTo(6);
        assertThat(e.before).isEqualTo(1020);
        assertThat(e.beforeSeq).isEqualTo(3);
        assertThat(e.recoveredSeq).isEqualTo(10);
        assertThat(e.explanation()).contains("(seq 4) the odometer read 500 km, 520 km less than the 1,020 km certified")
                .contains("The 5 readings after it rose from there (to 505 km) but stayed below 1,020 km: one event of 6 readings")
                .contains("It ended at seq 10");
    }

    @Test
    void aFurtherDropInsideAnEventStartsTheNext() {
        List<Role> roles = feed(1000, 400, 410, 200, 210, 1000);
        assertThat(roles).containsExactly(Role.NONE, Role.START, Role.IN_EVENT, Role.START, Role.IN_EVENT, Role.NONE);
        assertThat(events.count()).isEqualTo(2);
        assertThat(events.events().get(0).droppedAgain).isTrue();
        assertThat(events.events().get(1).before).as("measured against the last certified value").isEqualTo(1000);
        assertThat(events.events().get(0).explanation()).contains("further drop (rollback 2)");
    }

    @Test
    void aFlaggedReadingWithoutAHigherOneInTheFileIsAnEventUntilCertifiedAgain() {
        seq++;
        assertThat(events.accept("vehicle.odometer", "km", seq, 1_763_000_000_000L, 700, true)).isEqualTo(Role.START);
        seq++;
        assertThat(events.accept("vehicle.odometer", "km", seq, 1_763_000_060_000L, 710, true)).isEqualTo(Role.IN_EVENT);
        seq++;
        assertThat(events.accept("vehicle.odometer", "km", seq, 1_763_000_120_000L, 2000, false)).isEqualTo(Role.NONE);
        assertThat(events.count()).isEqualTo(1);
        assertThat(events.events().get(0).explanation()).contains("flagged rollback-suspected by the device")
                .contains("which is not in this file").contains("was certified again");
    }

    @Test
    void acrossDevicesInTimeOrderEachSeqIsNamedWithItsDevice() {
        long t = 1_763_000_000_000L;
        assertThat(events.accept("vehicle.odometer", "km", "box-old", 1, t, 1000, false)).isEqualTo(Role.NONE);
        assertThat(events.accept("vehicle.odometer", "km", "box-old", 2, t + 60_000, 1010, false)).isEqualTo(Role.NONE);
        // the replacement box starts from seq 1, below what the old box certified
        assertThat(events.accept("vehicle.odometer", "km", "box-new", 1, t + 120_000, 900, false)).isEqualTo(Role.START);
        assertThat(events.accept("vehicle.odometer", "km", "box-new", 2, t + 180_000, 905, false)).isEqualTo(Role.IN_EVENT);
        events.input("the store's readings");
        assertThat(events.events().get(0).explanation())
                .contains("(seq 1 of box-new) the odometer read 900 km, 110 km less than the 1,010 km certified")
                .contains("(seq 2 of box-old)")
                .contains("still below that value at the end of the store's readings (seq 2 of box-new");
    }

    @Test
    void anOpenEventAtTheEndOfTheFileSaysSo() {
        feed(1000, 900, 901);
        assertThat(events.events().get(0).explanation()).contains("still below that value at the end of this file (seq 3");
    }

    @Test
    void equalValuesAreNoRollback() {
        assertThat(feed(1000, 1000, 1000.5, 1000.5)).containsOnly(Role.NONE);
        assertThat(events.count()).isZero();
    }
}
