package io.certigate.fleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class StoreOptionsTest {

    @Test
    void defaultsApplyAndTheOptionsCompareByValue() {
        Map<String, String> conf = Map.of("fleet.store.jdbc-url", "jdbc:postgresql://127.0.0.1:5432/certigate",
                "fleet.store.password", "env:PGPASS");
        StoreOptions o = StoreOptions.of("fleet.properties", conf);
        assertThat(o).isEqualTo(new StoreOptions("jdbc:postgresql://127.0.0.1:5432/certigate", "certigate",
                "env:PGPASS", "certigate-fleet-store", 2000, Duration.ofMillis(100), Duration.ofMillis(5000)));
        assertThat(StoreOptions.of("fleet.properties", conf)).isEqualTo(o);
    }

    @Test
    void refusesAMissingUrlAPasswordInClearAndValuesOutOfRange() {
        assertThatThrownBy(() -> StoreOptions.of("f", Map.of()))
                .hasMessage("f: fleet.store.jdbc-url is required");
        assertThatThrownBy(() -> StoreOptions.of("f", Map.of("fleet.store.jdbc-url", "jdbc:sqlite:x.db")))
                .hasMessageContaining("is not a PostgreSQL JDBC URL");
        assertThatThrownBy(() -> StoreOptions.of("f", Map.of("fleet.store.jdbc-url", "jdbc:postgresql://h/db",
                "fleet.store.password", "hunter2")))
                .hasMessageContaining("fleet.store.password must be file:PATH or env:NAME")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> StoreOptions.of("f", Map.of("fleet.store.jdbc-url", "jdbc:postgresql://h/db",
                "fleet.store.batch-size", "0")))
                .hasMessage("f: fleet.store.batch-size = '0' must be a whole number in 1..100000");
        assertThatThrownBy(() -> StoreOptions.of("f", Map.of("fleet.store.jdbc-url", "jdbc:postgresql://h/db",
                "fleet.store.retry-min-ms", "900", "fleet.store.retry-max-ms", "800")))
                .hasMessage("f: fleet.store.retry-max-ms is below fleet.store.retry-min-ms");
    }
}
