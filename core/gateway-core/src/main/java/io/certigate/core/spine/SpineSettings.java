package io.certigate.core.spine;

import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Type;
import java.util.List;

/**
 * The spine's settings (device, key, buffer, sequencer), defined once for the standalone
 * configuration file and the Kura spine component. The Kura metatype used dots where the file
 * has hyphens ({@code buffer.max.records}); those ids are read as former keys.
 */
public final class SpineSettings {
    private SpineSettings() {}

    public static final Setting DEVICE_ID = Setting.of("device.id", Type.TEXT, null,
            "the device id (the buffer refuses another device's id); required");
    public static final Setting KEY_TYPE = Setting.choice("key.type", "pkcs12", List.of("pkcs12", "pkcs11"),
            "where the device key is: a PKCS#12 file or a PKCS#11 token");
    public static final Setting KEY_STORE = Setting.of("key.store", Type.PATH, null,
            "PKCS#12 file of the device key; required for pkcs12");
    public static final Setting KEY_PASSPHRASE = Setting.of("key.passphrase", Type.SECRET_SOURCE, null,
            "where the key store's passphrase is read from; required for pkcs12");
    public static final Setting PKCS11_LIBRARY = Setting.of("key.pkcs11.library", Type.PATH, null,
            "the token's PKCS#11 library; required for pkcs11");
    /** PKCS#11 slot id. */
    public static final Setting PKCS11_SLOT = Setting.ofLong("key.pkcs11.slot", 0, 0, Long.MAX_VALUE,
            "PKCS#11 slot id");
    public static final Setting PKCS11_ALIAS = Setting.of("key.pkcs11.alias", Type.TEXT, "device",
            "alias of the device key on the token");
    public static final Setting PKCS11_PIN = Setting.of("key.pkcs11.pin", Type.SECRET_SOURCE, null,
            "where the token's PIN is read from; required for pkcs11");
    public static final Setting BUFFER_FILE = Setting.of("buffer.file", Type.PATH, null, "the SQLite buffer; required");

    /** Records the buffer keeps at most; 0 for no limit. */
    public static final Setting MAX_RECORDS = Setting.whole("buffer.max-records", 0, 0, Long.MAX_VALUE, "records",
            "records kept at most (0: no limit)").formerly("buffer.max.records");
    public static final Setting CAPACITY_POLICY = Setting.choice("buffer.capacity-policy", "reject",
            List.of("reject", "purge"), "at capacity: refuse new readings, or purge delivered and anchored records")
            .formerly("buffer.capacity.policy");
    /** SQLite busy timeout (an int of milliseconds for SQLite). */
    public static final Setting BUSY_TIMEOUT_MS = Setting.whole("buffer.busy-timeout-ms", 5000, 1, 3_600_000, "ms",
            "how long a statement waits for another connection's lock");

    /** Readings waiting to be signed at most; producers block beyond. The queue is allocated at this size. */
    public static final Setting QUEUE_CAPACITY = Setting.whole("sequencer.queue-capacity", 4096, 1, 1 << 20, "readings",
            "readings waiting to be signed at most (producers block beyond)").formerly("sequencer.queue.capacity");
    /** Readings signed and committed in one transaction at most. */
    public static final Setting MAX_GROUP = Setting.whole("sequencer.max-group", 512, 1, 1 << 16, "readings",
            "readings signed and committed together at most").formerly("sequencer.max.group");

    public static final List<Setting> ALL = List.of(DEVICE_ID, KEY_TYPE, KEY_STORE, KEY_PASSPHRASE, PKCS11_LIBRARY, PKCS11_SLOT,
            PKCS11_ALIAS, PKCS11_PIN, BUFFER_FILE, MAX_RECORDS, CAPACITY_POLICY, BUSY_TIMEOUT_MS, QUEUE_CAPACITY, MAX_GROUP);
}
