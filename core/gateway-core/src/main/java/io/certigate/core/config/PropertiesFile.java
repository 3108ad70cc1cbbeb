package io.certigate.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Reads a Java properties file (the {@link Properties#load(Reader)} syntax, UTF-8) and refuses a key
 * given twice: {@code Properties} alone keeps the last value silently, so a second
 * {@code sequencer.max-group} further down a file would override the first unseen.
 */
public final class PropertiesFile {
    private PropertiesFile() {}

    /**
     * @throws IOException the file cannot be read, or names a key more than once (all such keys
     *                     are listed; their values are not, they may be secret sources)
     */
    public static Properties load(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return load(r, file.toString());
        }
    }

    /** @param origin what the error names: the file */
    public static Properties load(Reader reader, String origin) throws IOException {
        Recording p = new Recording();
        p.load(reader);
        if (!p.duplicates.isEmpty()) {
            throw new IOException(origin + ": " + (p.duplicates.size() == 1 ? "key " + p.duplicates.get(0) + " is given twice"
                    : "keys " + String.join(", ", p.duplicates) + " are given twice") + " (a later value would silently replace"
                    + " the earlier one: keep one)");
        }
        Properties out = new Properties();
        out.putAll(p);
        return out;
    }

    /** Properties that remember which keys {@code load} put more than once. */
    private static final class Recording extends Properties {
        private static final long serialVersionUID = 1L;
        private final transient List<String> duplicates = new ArrayList<>();

        @Override
        public synchronized Object put(Object key, Object value) {
            Object previous = super.put(key, value);
            if (previous != null && !duplicates.contains(key.toString())) {
                duplicates.add(key.toString());
            }
            return previous;
        }
    }
}
