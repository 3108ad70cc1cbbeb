package io.certigate.provisioning.enrol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Failed handshakes counted per peer, on the test's clock. */
@Tag("unit")
class PeerBackoffTest {
    static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

    @Test
    void aPeerIsRefusedAfterItsFailuresOthersAreNotAndTheBackoffDoublesUpToTheCap() throws Exception {
        EnrolmentAgentTest.MutableClock clock = new EnrolmentAgentTest.MutableClock(T0);
        PeerBackoff b = new PeerBackoff(3, Duration.ofMinutes(1), clock);
        InetAddress attacker = InetAddress.getByName("192.0.2.7");
        InetAddress technician = InetAddress.getByName("192.0.2.8");

        assertThat(b.failed(attacker)).isFalse();
        assertThat(b.failed(attacker)).isFalse();
        assertThat(b.refusedUntil(attacker)).isNull();
        assertThat(b.failed(attacker)).as("third failure starts a lockout").isTrue();
        assertThat(b.refusedUntil(attacker)).isEqualTo(T0.plus(Duration.ofMinutes(1)));
        assertThat(b.refusedUntil(technician)).isNull();

        clock.advance(Duration.ofSeconds(59));
        assertThat(b.refusedUntil(attacker)).isNotNull();
        clock.advance(Duration.ofSeconds(1));
        assertThat(b.refusedUntil(attacker)).isNull();

        for (int i = 0; i < 3; i++) {
            b.failed(attacker);
        }
        assertThat(b.refusedUntil(attacker)).as("second lockout: twice as long").isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
        for (int lockout = 0; lockout < 12; lockout++) {
            for (int i = 0; i < 3; i++) {
                b.failed(attacker);
            }
        }
        assertThat(b.refusedUntil(attacker)).isEqualTo(clock.instant().plus(PeerBackoff.MAX_BACKOFF));
    }

    @Test
    void aCompletedHandshakeClearsThePeersFailures() throws Exception {
        EnrolmentAgentTest.MutableClock clock = new EnrolmentAgentTest.MutableClock(T0);
        PeerBackoff b = new PeerBackoff(2, Duration.ofMinutes(1), clock);
        InetAddress peer = InetAddress.getByName("192.0.2.9");
        b.failed(peer);
        b.succeeded(peer);
        assertThat(b.failed(peer)).isFalse();
        assertThat(b.refusedUntil(peer)).isNull();
    }
}
