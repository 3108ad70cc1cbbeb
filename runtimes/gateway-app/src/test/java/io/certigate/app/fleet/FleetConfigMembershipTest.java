package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The consumer group settings of a fleet instance ({@code fleet.kafka.group-instance-id}, session, heartbeat). */
@Tag("unit")
class FleetConfigMembershipTest {
    private static Properties verifyOnly() {
        Properties p = new Properties();
        p.setProperty("fleet.roles", "verify");
        p.setProperty("fleet.kafka.bootstrap-servers", "127.0.0.1:9092");
        p.setProperty("fleet.verify.ca", "/etc/certigate/consortium-ca.pem");
        return p;
    }

    @Test
    void byDefaultMembersAreDynamicAndLeaveTheirPartitionsAfterTenSecondsOfSilence() {
        FleetConfig c = FleetConfig.parse(verifyOnly(), "fleet.properties");
        assertThat(c.membership()).isEqualTo(new FleetConfig.GroupMembership(null, 10_000, 3_000));
        assertThat(c.membership().consumerProperties()).isEqualTo(Map.of("session.timeout.ms", 10_000,
                "heartbeat.interval.ms", 3_000));
    }

    @Test
    void aStaticInstanceIdGoesToTheConsumersWithTheTimers() {
        Properties p = verifyOnly();
        p.setProperty("fleet.kafka.group-instance-id", "fleet-a");
        p.setProperty("fleet.kafka.session-timeout-ms", "6000");
        p.setProperty("fleet.kafka.heartbeat-interval-ms", "1500");
        FleetConfig c = FleetConfig.parse(p, "fleet.properties");
        assertThat(c.membership().consumerProperties()).isEqualTo(Map.of("group.instance.id", "fleet-a",
                "session.timeout.ms", 6_000, "heartbeat.interval.ms", 1_500));
    }

    @Test
    void aHeartbeatNotBelowTheSessionTimeoutOrATimeoutOutOfRangeIsRefusedNamingTheKeys() {
        Properties p = verifyOnly();
        p.setProperty("fleet.kafka.session-timeout-ms", "6000");
        p.setProperty("fleet.kafka.heartbeat-interval-ms", "6000");
        assertThatThrownBy(() -> FleetConfig.parse(p, "fleet.properties"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("fleet.properties: ")
                .hasMessageContaining("fleet.kafka.heartbeat-interval-ms").hasMessageContaining("fleet.kafka.session-timeout-ms");
        Properties q = verifyOnly();
        q.setProperty("fleet.kafka.session-timeout-ms", "999");
        assertThatThrownBy(() -> FleetConfig.parse(q, "fleet.properties"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fleet.kafka.session-timeout-ms");
    }
}
