package io.certigate.testbed.pty;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
     * Starts {@code socat -d -d first second} and waits up to 5 s until socat reports that both
     * addresses are set up ("starting data transfer loop": the ptys exist with their raw, echo-less
     * line settings applied) and every path of {@code links} exists. socat's diagnostics are read
     * by a daemon thread until it exits, so it never blocks on a full pipe.
     *
     * @throws IOException when socat is missing, exits early or is not ready in time (the process is
     *                     destroyed then)
     */
    public static Process start(List<Path> links, String first, String second) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("socat", "-d", "-d", first, second).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot start socat (install the Debian package socat): " + e.getMessage(), e);
        }
        CountDownLatch transferring = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.contains("starting data transfer loop")) {
                        transferring.countDown();
                    }
                }
            } catch (IOException e) {
                // socat ended: its exit is seen below
            }
        }, "socat-diagnostics");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETUP_SECONDS);
        try {
            while (!links.stream().allMatch(Files::exists) || !transferring.await(10, TimeUnit.MILLISECONDS)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("socat did not create " + links + " (exit "
                            + (p.isAlive() ? "none" : p.exitValue()) + ")");
                }
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
