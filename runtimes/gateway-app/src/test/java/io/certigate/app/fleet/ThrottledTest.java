package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ThrottledTest {

    @Test
    void readsOnFirstUseThenAtMostOncePerInterval() {
        AtomicLong nanos = new AtomicLong(0); // virtual time: 0 is a valid reading of nanoTime
        AtomicInteger reads = new AtomicInteger();
        Throttled<Integer> t = new Throttled<>(reads::incrementAndGet, 5_000, nanos::get);

        assertThat(t.get()).isEqualTo(1);
        nanos.set(4_999);
        assertThat(t.get()).isEqualTo(1);
        assertThat(reads).hasValue(1);
        nanos.set(5_000);
        assertThat(t.get()).isEqualTo(2);
        nanos.set(9_999);
        assertThat(t.get()).isEqualTo(2);
        nanos.set(-100_000); // nanoTime may be negative; only differences count
        assertThat(t.get()).isEqualTo(2);
        nanos.set(Long.MAX_VALUE);
        assertThat(t.get()).isEqualTo(3);
    }
}
