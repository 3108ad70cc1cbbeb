package io.certigate.provisioning.enrol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The pre-shared key a device shows (console or printed label) while it waits to be provisioned:
 * an identity {@code certigate-<serial>} and 16 random bytes, made fresh each time provisioning
 * mode starts. There is no default key. The label format is two lines, {@code psk-identity=...}
 * and {@code psk=<hex>}, read by the technician's {@code --psk-file}.
 */
public final class ProvisioningPsk {
    public static final int KEY_BYTES = 16;
    private final String identity;
    private final byte[] key;

    public ProvisioningPsk(String identity, byte[] key) {
        if (identity == null || identity.isBlank()) {
            throw new IllegalArgumentException("PSK identity is missing");
        }
        if (key == null || key.length < KEY_BYTES) {
            throw new IllegalArgumentException("PSK must be at least " + KEY_BYTES + " bytes");
        }
        this.identity = identity;
        this.key = key.clone();
    }

    public static ProvisioningPsk generate(String serial, SecureRandom random) {
        byte[] k = new byte[KEY_BYTES];
        random.nextBytes(k);
        return new ProvisioningPsk("certigate-" + serial, k);
    }

    public String identity() {
        return identity;
    }

    public byte[] key() {
        return key.clone();
    }

    /** The label text: what the console prints and the label file holds. */
    public String label() {
        return "psk-identity=" + identity + "\npsk=" + HexFormat.of().formatHex(key) + "\n";
    }

    /** Reads a label file written by {@link #label()}; refuses a missing or short key. */
    public static ProvisioningPsk read(Path file) throws IOException {
        Properties p = new Properties();
        p.load(new java.io.StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        String id = p.getProperty("psk-identity");
        String hex = p.getProperty("psk");
        if (id == null || hex == null) {
            throw new IOException("PSK file " + file + " needs the lines psk-identity=... and psk=<hex>");
        }
        try {
            return new ProvisioningPsk(id.strip(), HexFormat.of().parseHex(hex.strip()));
        } catch (IllegalArgumentException e) {
            throw new IOException("PSK file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Overwrites the key bytes held by this object. */
    public void destroy() {
        Arrays.fill(key, (byte) 0);
    }
}
