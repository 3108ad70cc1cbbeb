package io.certigate.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** What {@code -V} prints on every command: the build's version (filtered into version.properties by Maven) and the JVM. */
public final class CertigateVersion implements IVersionProvider {
    static final String RESOURCE = "version.properties";

    @Override
    public String[] getVersion() throws IOException {
        return new String[] {"certigate " + version(),
            "JVM " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }

    /** The project version this build was made from. */
    public static String version() throws IOException {
        try (InputStream in = CertigateVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is missing from the certigate jar");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            if (v.isBlank() || v.startsWith("${")) {
                throw new IOException(RESOURCE + " holds no version (was it filtered by the build?): '" + v + "'");
            }
            return v;
        }
    }
}
