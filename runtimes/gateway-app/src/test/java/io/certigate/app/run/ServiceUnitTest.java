package io.certigate.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The shipped systemd unit keeps the hardening docs/security.md relies on. */
@Tag("unit")
class ServiceUnitTest {
    @Test
    void theShippedUnitSetsAPrivateUmaskAndTheSandbox() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "..", "docs", "certigate.service")).stream()
                .map(String::strip).filter(l -> !l.startsWith("#")).toList();
        assertThat(lines).contains("UMask=0077", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "ReadWritePaths=/var/lib/certigate", "PrivateTmp=yes", "ProtectHome=yes", "StateDirectory=certigate");
    }
}
