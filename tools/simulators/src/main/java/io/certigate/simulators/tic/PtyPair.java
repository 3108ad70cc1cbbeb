package io.certigate.simulators.tic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A pseudo-terminal pair made by {@code socat}: what one side writes, the other reads, like a serial
 * cable. The device simulator writes to {@link #deviceSide()}, the gateway opens {@link #gatewaySide()}.
 * Needs the {@code socat} program; {@link #open} fails with a clear message when it is missing.
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
        Process p;
        try {
            p = new ProcessBuilder("socat", "-d", "pty,raw,echo=0,link=" + gw, "pty,raw,echo=0,link=" + dev)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("cannot start socat (install the socat package): " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(Files.exists(gw) && Files.exists(dev))) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("socat did not create the pty pair in " + dir + " (exit "
                        + (p.isAlive() ? "none" : p.exitValue()) + ")");
            }
            try {
                Thread.sleep(20); // waiting for an external process to set up, not protocol timing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted while waiting for socat", e);
            }
        }
        return new PtyPair(p, gw, dev);
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
        socat.destroy();
        try {
            if (!socat.waitFor(2, TimeUnit.SECONDS)) {
                socat.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            socat.destroyForcibly();
        }
    }
}
