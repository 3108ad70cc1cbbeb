package io.certigate.app.meter;

import io.certigate.core.port.SerialLink;
import io.certigate.core.port.SerialSettings;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An opener for a technician's command: the readers retry a failed open forever (right for the
 * gateway, where a USB adapter comes back), but a command must stop at once when the port it was
 * given never opened. Records that first failure and calls {@code onFailure}; once the port has
 * opened, later failures are the reader's to retry.
 */
final class FirstOpen implements SerialLink.Opener {
    private final SerialLink.Opener delegate;
    private final Runnable onFailure;
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    private volatile boolean opened;

    FirstOpen(SerialLink.Opener delegate, Runnable onFailure) {
        this.delegate = delegate;
        this.onFailure = onFailure;
    }

    @Override
    public SerialLink open(SerialSettings settings) throws IOException {
        try {
            SerialLink link = delegate.open(settings);
            opened = true;
            return link;
        } catch (IOException e) {
            if (!opened && failure.compareAndSet(null, e)) {
                onFailure.run();
            }
            throw e;
        }
    }

    /** The failure of the first open when the port never opened, or null. */
    IOException failure() {
        return failure.get();
    }
}
