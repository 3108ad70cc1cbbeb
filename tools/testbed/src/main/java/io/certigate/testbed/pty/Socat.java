package io.certigate.testbed.pty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one place a {@code socat} process is started: it joins two addresses (a pseudo-terminal and
 * another pseudo-terminal, as {@link PtyPair} does, or a pseudo-terminal and a TCP port, as the
 * ELM327 simulator's serial device does) and is handed back once every pty link it creates exists.
 * Needs the Debian package {@code socat}; a missing program is a clear error, never a skip.
 */
public final class Socat {
    private static final long SETUP_SECONDS = 5;

    private Socat() {
    }

    /** A raw, echo-less pseudo-terminal reachable at {@code link} (a symbolic link socat creates). */
    public static String pty(Path link) {
        return "pty,raw,echo=0,link=" + link.toAbsolutePath();
    }

    /** A TCP connection to {@code 127.0.0.1:port}. */
    public static String loopbackTcp(int port) {
        return "tcp:127.0.0.1:" + port;
    }

    /**
     * Starts {@code socat first second} (its output discarded) and waits up to 5 s until every
     * path of {@code links} exists.
     *
     * @throws IOException when socat is missing, exits early or does not create the links in time
     *                     (the process is destroyed then)
     */
    public static Process start(List<Path> links, String first, String second) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("socat", first, second).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("cannot start socat (install the Debian package socat): " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETUP_SECONDS);
        try {
            while (!links.stream().allMatch(Files::exists)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("socat did not create " + links + " (exit "
                            + (p.isAlive() ? "none" : p.exitValue()) + ")");
                }
                Thread.sleep(10); // waiting for an external process to set up, not protocol timing
            }
        } catch (IOException | InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
        return p;
    }

    /** Ends {@code socat} (SIGTERM, then SIGKILL after 2 s). */
    public static void stop(Process socat) {
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
