package io.certigate.consent;

import io.certigate.core.config.PropertiesFile;
import io.certigate.core.io.OutputFile;
import io.certigate.verifier.consent.SubjectHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A holder's subject salts: one line {@code <subject id>=<salt, 64 hex digits>} per subject (a VIN,
 * a meter id) in a properties file created owner-only (0600). The salt is made once per subject,
 * at its first grant, and must be handed to the fleet tier that serves the subject's data (it
 * computes the same {@link SubjectHash}); it is never published. Losing the file does not expose
 * anything; it only makes the holder's own consents unreadable by subject in {@code consent list}.
 */
public final class SubjectSalts {
    private final Path file;
    private final Map<String, byte[]> salts;

    private SubjectSalts(Path file, Map<String, byte[]> salts) {
        this.file = file;
        this.salts = salts;
    }

    /** The salts in {@code file}; none when it does not exist yet. */
    public static SubjectSalts load(Path file) throws IOException {
        Map<String, byte[]> salts = new TreeMap<>();
        if (Files.exists(file)) {
            Properties p = PropertiesFile.load(file);
            for (String subject : p.stringPropertyNames()) {
                String hex = p.getProperty(subject).trim();
                byte[] salt;
                try {
                    salt = HexFormat.of().parseHex(hex);
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": the salt of '" + subject + "' is not hex", e);
                }
                if (salt.length != SubjectHash.SALT_BYTES) {
                    throw new IOException(file + ": the salt of '" + subject + "' is " + salt.length + " bytes, not "
                            + SubjectHash.SALT_BYTES);
                }
                salts.put(subject, salt);
            }
        }
        return new SubjectSalts(file, salts);
    }

    public Optional<byte[]> salt(String subject) {
        return Optional.ofNullable(salts.get(subject)).map(byte[]::clone);
    }

    /** The subject's salt, made and saved (the whole file rewritten, owner-only) when it has none yet. */
    public byte[] saltOrCreate(String subject, SecureRandom random) throws IOException {
        byte[] salt = salts.get(subject);
        if (salt == null) {
            SubjectHash.of(new byte[SubjectHash.SALT_BYTES], subject); // refuses an empty id before anything is saved
            salt = SubjectHash.newSalt(random);
            salts.put(subject, salt);
            save();
        }
        return salt.clone();
    }

    /** The subject ids with a salt, sorted. */
    public List<String> subjects() {
        return List.copyOf(salts.keySet());
    }

    /** The subject whose salted hash is {@code hash}, if it is one of these. */
    public Optional<String> subjectOf(byte[] hash) {
        for (var e : salts.entrySet()) {
            if (Arrays.equals(SubjectHash.of(e.getValue(), e.getKey()), hash)) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    private void save() throws IOException {
        Properties p = new Properties();
        salts.forEach((subject, salt) -> p.setProperty(subject, HexFormat.of().formatHex(salt)));
        OutputFile.write(file, out -> p.store(out, "certigate subject salts: give a subject's salt to the fleet tier"
                + " that serves it, to nobody else"));
    }
}
