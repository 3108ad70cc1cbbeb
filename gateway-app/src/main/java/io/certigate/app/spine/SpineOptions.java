package io.certigate.app.spine;

import io.certigate.core.buffer.CapacityPolicy;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.spine.KeySource;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options naming a device's buffer file and, where signing is needed, its key. */
public final class SpineOptions {
    @Option(names = "--buffer", required = true, description = "The device's SQLite buffer file.")
    public Path buffer;

    @Option(names = "--device", required = true, description = "Device id (the buffer refuses another device's id).")
    public String device;

    @Option(names = "--key-store", description = "PKCS#12 file holding the device key.")
    public Path keyStore;

    @Option(names = "--passphrase", description = "file:PATH or env:NAME holding the key store passphrase.")
    public String passphrase;

    @Option(names = "--max-records", defaultValue = "0", description = "Records kept at most (0: no limit).")
    public long maxRecords;

    @Option(names = "--capacity-policy", defaultValue = "reject", description = "reject or purge (delivered and anchored).")
    public String capacityPolicy;

    public RecordBuffer.Options bufferOptions() {
        return new RecordBuffer.Options(device, maxRecords, CapacityPolicy.parse(capacityPolicy), Duration.ofSeconds(5), 0);
    }

    public KeySource keySource() {
        if (keyStore == null || passphrase == null) {
            throw new IllegalArgumentException("--key-store and --passphrase are required to sign readings");
        }
        return new KeySource.Pkcs12(keyStore, passphrase);
    }
}
