package io.certigate.app.spine;

import io.certigate.core.buffer.CapacityPolicy;
import io.certigate.core.buffer.RecordBuffer;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The options naming a device's buffer file, for the commands that read or rewrite what it holds
 * ({@code export}, {@code erase}); they append nothing, so no key, capacity or purge option applies.
 */
public final class SpineOptions {
    @Option(names = "--buffer", required = true, description = "The device's SQLite buffer file.")
    public Path buffer;

    @Option(names = "--device", required = true, description = "Device id (the buffer refuses another device's id).")
    public String device;

    public RecordBuffer.Options bufferOptions() {
        return new RecordBuffer.Options(device, 0, CapacityPolicy.REJECT, Duration.ofSeconds(5), 0);
    }
}
