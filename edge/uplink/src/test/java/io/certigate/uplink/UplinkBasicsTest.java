package io.certigate.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class UplinkBasicsTest {

    @Test
    void topicsFollowTheDocumentedLayout() {
        assertThat(UplinkTopics.READINGS.topic("veh-7")).isEqualTo("certigate/v1/veh-7/readings");
        assertThat(UplinkTopics.PROOFS.topic("veh-7")).isEqualTo("certigate/v1/veh-7/proofs");
        assertThat(UplinkTopics.STATUS.topic("veh-7")).isEqualTo("certigate/v1/veh-7/status");
        assertThat(UplinkTopics.READINGS.allDevices()).isEqualTo("certigate/v1/+/readings");
        assertThat(UplinkTopics.READINGS.deviceOf("certigate/v1/veh-7/readings")).isEqualTo("veh-7");
        assertThat(UplinkTopics.READINGS.deviceOf("certigate/v1/veh-7/status")).isNull();
        assertThat(UplinkTopics.READINGS.deviceOf("certigate/v1/a/b/readings")).isNull();
        assertThatThrownBy(() -> UplinkTopics.READINGS.topic("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UplinkTopics.READINGS.topic("a+")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UplinkTopics.READINGS.topic("#")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backoffDoublesUpToItsCeilingWithEqualJitter() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(3));
        assertThat(b.ceilingMillis(1)).isEqualTo(100);
        assertThat(b.ceilingMillis(2)).isEqualTo(200);
        assertThat(b.ceilingMillis(5)).isEqualTo(1600);
        assertThat(b.ceilingMillis(6)).isEqualTo(3000);
        assertThat(b.ceilingMillis(1000)).isEqualTo(3000);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2000; i++) {
            long d = b.delayMillis(3, random);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).as("seed %d", seed).isBetween(200L, 230L);
        assertThat(max).as("seed %d", seed).isBetween(370L, 400L);
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
