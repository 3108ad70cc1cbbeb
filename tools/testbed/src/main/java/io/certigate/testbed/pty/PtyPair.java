package io.certigate.testbed.pty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A pseudo-terminal pair made by {@code socat}: what one side writes, the other reads, like a serial
 * cable. The device simulator writes to {@link #deviceSide()}, the gateway opens {@link #gatewaySide()}.
 * Started by {@link Socat}; {@link #open} fails with a clear message when socat is missing.
 */
public final class PtyPair implements AutoCloseable {
    private final Process socat;
    private final Path gatewaySide;
    private final Path deviceSide;

    private PtyPair(Process socat, Path gatewaySide, Path deviceSide) {
        this.socat = socat;
        this.gatewaySide = gatewaySide;
        this.deviceSide = deviceSide;
    }

    /** Creates the pair as links {@code dir/ttyGW} and {@code dir/ttyDEV}; waits until both exist. */
    public static PtyPair open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path gw = dir.resolve("ttyGW");
        Path dev = dir.resolve("ttyDEV");
        try {
            return new PtyPair(Socat.start(List.of(gw, dev), Socat.pty(gw), Socat.pty(dev)), gw, dev);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for socat", e);
        }
    }

    public Path gatewaySide() {
        return gatewaySide;
    }

    public Path deviceSide() {
        return deviceSide;
    }

    public boolean alive() {
        return socat.isAlive();
    }

    @Override
    public void close() {
        Socat.stop(socat);
    }
}
