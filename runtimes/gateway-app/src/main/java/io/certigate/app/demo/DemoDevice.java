package io.certigate.app.demo;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.Spine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Passphrase;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One gateway of {@code certigate demo}: a field scenario on a device of its own, with its own
 * directory ({@code <work>/<role>}), Ed25519 key in PKCS#12 (random passphrase in a 0600 file),
 * SQLite buffer, sequencer and writer thread, hence its own hash chain. A key found in the
 * directory is reused, with the device id of its certificate.
 */
final class DemoDevice implements AutoCloseable {
    private final String role;
    private final String kind;
    private final DemoScenario scenario;
    private final Path dir;
    private final Spine spine;
    private final ExecutorService writer;
    private AutoCloseable running;
    private long committed;

    private DemoDevice(String role, String kind, DemoScenario scenario, Path dir, Spine spine, ExecutorService writer) {
        this.role = role;
        this.kind = kind;
        this.scenario = scenario;
        this.dir = dir;
        this.spine = spine;
        this.writer = writer;
    }

    /**
     * Opens (or creates) the device in {@code work/role}.
     *
     * @param kind   what the gateway is, for the output ("vehicle box")
     * @param suffix the demo run's random suffix of new device ids ({@code role-suffix})
     */
    static DemoDevice open(Path work, String role, String kind, DemoScenario scenario, String suffix) throws Exception {
        Path dir = Files.createDirectories(work.resolve(role));
        Path passFile = dir.resolve("key.pass");
        if (!Files.exists(passFile)) {
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            Files.createFile(passFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passFile, Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n",
                    StandardCharsets.US_ASCII);
        }
        Path keyStore = dir.resolve("device.p12");
        char[] pass = Passphrase.fromFile(passFile);
        SoftwareDeviceKey key = Files.exists(keyStore) ? Pkcs12KeyStore.open(keyStore, pass)
                : Pkcs12KeyStore.create(keyStore, CoseAlgorithm.EDDSA, role + "-" + suffix, pass);
        String device = key.certificateChain().get(0).getSubjectX500Principal().getName().replaceAll("^.*CN=([^,]+).*$", "$1");
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "sequencer-" + role));
        try {
            Spine spine = Spine.open(key, dir.resolve("buffer.db"), RecordBuffer.Options.defaults(device),
                    Sequencer.Options.DEFAULT, Clock.systemUTC(), writer);
            return new DemoDevice(role, kind, scenario, dir, spine, writer);
        } catch (Exception | Error e) {
            writer.shutdownNow();
            throw e;
        }
    }

    /** Starts the scenario's simulators and adapters on this device's spine. */
    void start(ScheduledExecutorService scheduler, PrintStream out) throws Exception {
        out.println("  starting " + scenario.name() + " on " + spine.buffer().deviceId());
        running = scenario.start(new DemoScenario.Context(spine, dir, Clock.systemUTC(), scheduler, out));
    }

    /** Stops the scenario and commits what its sequencer holds. */
    void stop() throws Exception {
        try {
            if (running != null) {
                running.close();
            }
        } finally {
            spine.sequencer().close();
            committed = spine.sequencer().committedCount();
        }
    }

    String role() {
        return role;
    }

    /** What the gateway is ("vehicle box"). */
    String kind() {
        return kind;
    }

    String deviceId() {
        return spine.buffer().deviceId();
    }

    DemoScenario scenario() {
        return scenario;
    }

    Path dir() {
        return dir;
    }

    Spine spine() {
        return spine;
    }

    /** Readings committed during this run. */
    long committed() {
        return committed;
    }

    @Override
    public void close() throws Exception {
        try {
            spine.close();
        } finally {
            writer.shutdownNow();
        }
    }
}
