package io.certigate.provisioning.enrol;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The device's provisioning state in its state directory: the {@code provisioning-mode} marker
 * (present on a blank or reset device, removed once provisioned), the PSK label file shown to the
 * technician while in that mode, the ledger settings received at enrolment, and where the installed
 * device key lives (no secret), so that the next rotation can retire it.
 */
public final class ProvisioningState {
    static final String MODE = "provisioning-mode";
    static final String LABEL = "provisioning-psk.txt";
    static final String LEDGER = "ledger.properties";
    static final String KEY = "device-key.properties";
    private final Path dir;

    public ProvisioningState(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public boolean inProvisioningMode() {
        return Files.exists(dir.resolve(MODE));
    }

    /** Puts the device in provisioning mode (first boot, factory reset, or before a key rotation). */
    public void enter() throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MODE), "waiting for enrolment\n", StandardCharsets.UTF_8);
    }

    void leave() throws IOException {
        Files.deleteIfExists(dir.resolve(MODE));
    }

    public Path labelFile() {
        return dir.resolve(LABEL);
    }

    void writeLabel(ProvisioningPsk psk) throws IOException {
        writePrivate(labelFile(), psk.label());
    }

    void deleteLabel() throws IOException {
        Files.deleteIfExists(labelFile());
    }

    void writeLedgerSettings(Map<String, String> settings) throws IOException {
        Properties p = new Properties();
        p.putAll(settings);
        StringWriter w = new StringWriter();
        p.store(w, "ledger settings received at enrolment");
        writePrivate(dir.resolve(LEDGER), w.toString());
    }

    /** Records where the installed device key lives ({@code KeyBackend.location()}). */
    void recordKey(Map<String, String> location) throws IOException {
        Properties p = new Properties();
        p.putAll(location);
        StringWriter w = new StringWriter();
        p.store(w, "where the installed device key lives; retired at the next key rotation");
        writePrivate(dir.resolve(KEY), w.toString());
    }

    /** Where the installed device key lives, as recorded at its provisioning; empty before. */
    public Map<String, String> recordedKey() throws IOException {
        return read(dir.resolve(KEY));
    }

    /** The ledger settings received at enrolment; empty before. */
    public Map<String, String> ledgerSettings() throws IOException {
        return read(dir.resolve(LEDGER));
    }

    private static Map<String, String> read(Path f) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(f)) {
            return out;
        }
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(f, StandardCharsets.UTF_8)));
        for (String k : p.stringPropertyNames()) {
            out.put(k, p.getProperty(k));
        }
        return out;
    }

    private void writePrivate(Path file, String text) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".state", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
