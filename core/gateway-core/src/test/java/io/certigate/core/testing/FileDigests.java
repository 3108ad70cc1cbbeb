package io.certigate.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** SHA-256 of files, to show that a command left a file byte-identical. */
public final class FileDigests {
    private FileDigests() {}

    /** Hex SHA-256 of the file's bytes, or "absent" when there is no file (a link is followed). */
    public static String sha256(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "absent";
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The digests of an SQLite file and of its -wal and -journal, by file name. */
    public static Map<String, String> sqlite(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String side : new String[] {"", "-wal", "-journal"}) {
            m.put(file.getFileName() + side, sha256(Path.of(file + side)));
        }
        return m;
    }
}
