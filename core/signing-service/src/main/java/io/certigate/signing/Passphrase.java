package io.certigate.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Where a key store passphrase comes from: a file (first line, trailing newline removed) or an
 * environment variable. There is no default passphrase: a missing or empty source is an error.
 */
public final class Passphrase {
    private Passphrase() {}

    public static char[] fromFile(Path file) throws SigningException {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            if (nl >= 0) {
                s = s.substring(0, nl);
            }
            s = s.strip();
            if (s.isEmpty()) {
                throw new SigningException("passphrase file " + file + " is empty");
            }
            return s.toCharArray();
        } catch (IOException e) {
            throw new SigningException("cannot read passphrase file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The passphrase in {@code file}, which is created first (owner read/write only, 24 random
     * bytes in URL-safe Base64) when it does not exist: for secrets a machine keeps for itself,
     * such as the demo's and the development chain's ledger accounts.
     */
    public static char[] createOrRead(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] b = new byte[24];
            new SecureRandom().nextBytes(b);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(b) + "\n", StandardCharsets.US_ASCII);
        }
        return Files.readString(file, StandardCharsets.US_ASCII).strip().toCharArray();
    }

    public static char[] fromEnvironment(String variable, Map<String, String> env) throws SigningException {
        String v = env.get(variable);
        if (v == null || v.isEmpty()) {
            throw new SigningException("environment variable " + variable + " holding the key passphrase is not set");
        }
        return v.toCharArray();
    }

    /**
     * Resolves the source configured under {@code key}; every error starts with the key, e.g.
     * {@code key.passphrase: cannot read passphrase file /etc/certigate/key.pass: ...}, so that an
     * operator knows which setting to fix.
     */
    public static char[] resolve(String key, String source) throws SigningException {
        try {
            return resolve(source);
        } catch (SigningException e) {
            throw new SigningException(key + ": " + e.getMessage(), e);
        }
    }

    /** Resolves {@code file:PATH} or {@code env:NAME}. */
    public static char[] resolve(String source) throws SigningException {
        if (source == null || source.isBlank()) {
            throw new SigningException("no passphrase source given (use file:PATH or env:NAME)");
        }
        if (source.startsWith("file:")) {
            return fromFile(Path.of(source.substring(5)));
        }
        if (source.startsWith("env:")) {
            return fromEnvironment(source.substring(4), System.getenv());
        }
        // the value is not repeated: a source that is neither may be the passphrase itself
        throw new SigningException("passphrase source is neither file:PATH nor env:NAME (value not shown)");
    }
}
