package io.certigate.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class LoopbackHostTest {
    @Test
    void loopbackLiteralsAndLocalhostOnly() {
        for (String h : new String[] {"localhost", "LocalHost", "127.0.0.1", "127.255.255.254", "::1", "[::1]",
                "0:0:0:0:0:0:0:1", " 127.0.0.1 "}) {
            assertThat(LoopbackHost.is(h)).as(h).isTrue();
        }
        for (String h : new String[] {"0.0.0.0", "::", "[::]", "10.0.0.5", "192.168.1.20", "broker.example",
                "localhost.example", "127.0.0.1.example", "", null}) {
            assertThat(LoopbackHost.is(h)).as(h).isFalse();
        }
    }
}
