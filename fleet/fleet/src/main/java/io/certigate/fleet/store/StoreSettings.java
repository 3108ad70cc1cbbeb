package io.certigate.fleet.store;

import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Type;
import java.util.List;

/** The fleet store's settings (PostgreSQL connection, consumer group, batch size, retries), defined once. */
public final class StoreSettings {
    private StoreSettings() {}

    public static final Setting JDBC_URL = Setting.of("fleet.store.jdbc-url", Type.TEXT, null,
            "the PostgreSQL database, jdbc:postgresql://HOST:PORT/DATABASE; required");
    public static final Setting USER = Setting.of("fleet.store.user", Type.TEXT, "certigate",
            "the PostgreSQL role the store logs in as");
    public static final Setting PASSWORD = Setting.of("fleet.store.password", Type.SECRET_SOURCE, null,
            "where the role's password is read from (file:PATH or env:NAME); none for a trust login");
    public static final Setting GROUP = Setting.of("fleet.store.group", Type.TEXT, "certigate-fleet-store",
            "the Kafka consumer group of the store's sinks (instances of one group share the partitions)");
    public static final Setting BATCH_SIZE = Setting.whole("fleet.store.batch-size", 2000, 1, 100_000, "records",
            "Kafka records taken per poll at most (max.poll.records); each poll is written in one transaction");
    public static final Setting RETRY_MIN_MS = Setting.whole("fleet.store.retry-min-ms", 100, 1, 60_000, "ms",
            "first wait before writing again after PostgreSQL failed (doubles up to fleet.store.retry-max-ms)");
    public static final Setting RETRY_MAX_MS = Setting.whole("fleet.store.retry-max-ms", 5000, 1, 600_000, "ms",
            "longest wait between two attempts to write while PostgreSQL fails");

    public static final Setting MASTER_KEY_SOURCE = Setting.of("fleet.store.master-key-source", Type.SECRET_SOURCE,
            null, "where the store's master key is read from (file:PATH or env:NAME; 32 bytes as 64 hex digits or"
                    + " base64): it wraps the per-subject data keys payloads are encrypted under; required by the store role");

    public static final List<Setting> ALL = List.of(JDBC_URL, USER, PASSWORD, GROUP, BATCH_SIZE, RETRY_MIN_MS,
            RETRY_MAX_MS, MASTER_KEY_SOURCE);
}
