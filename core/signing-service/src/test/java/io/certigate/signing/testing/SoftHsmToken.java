package io.certigate.signing.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fresh SoftHSM2 token for a test: writes the configuration named by SOFTHSM2_CONF (set by the
 * build for the test JVM), initialises a token with softhsm2-util and reports its slot.
 */
public final class SoftHsmToken {
    public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    public final Path conf;
    public final long slot;
    public final String pin;

    private SoftHsmToken(Path conf, long slot, String pin) {
        this.conf = conf;
        this.slot = slot;
        this.pin = pin;
    }

    private static SoftHsmToken shared;

    /**
     * The token every test of this JVM uses (tests tell their keys apart by alias): SoftHSM reads
     * its token list once per process, so a token made after the first PKCS#11 use is not seen.
     */
    public static synchronized SoftHsmToken shared() throws IOException, InterruptedException {
        if (shared == null) {
            shared = create("certigate-test", "5678");
        }
        return shared;
    }

    public io.certigate.signing.Pkcs11DeviceKey.TokenConfig config(String alias) {
        return new io.certigate.signing.Pkcs11DeviceKey.TokenConfig(LIBRARY, slot, alias);
    }

    public static SoftHsmToken create(String label, String pin) throws IOException, InterruptedException {
        String confEnv = System.getenv("SOFTHSM2_CONF");
        if (confEnv == null) {
            throw new IllegalStateException("SOFTHSM2_CONF is not set: run this test through Maven");
        }
        if (!Files.exists(LIBRARY)) {
            throw new IllegalStateException(LIBRARY + " is missing: install the Debian package softhsm2");
        }
        Path conf = Path.of(confEnv);
        Path tokens = conf.getParent().resolve("tokens");
        Files.createDirectories(tokens);
        if (!Files.exists(conf)) {
            Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        }
        String out = run(List.of("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin,
                "--so-pin", "so-" + pin));
        Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("softhsm2-util did not report a slot: " + out);
        }
        return new SoftHsmToken(conf, Long.parseLong(m.group(1)), pin);
    }

    /** pkcs11-tool's (OpenSC) independent view of the token's objects. */
    public String listObjects() throws IOException, InterruptedException {
        return run(List.of("pkcs11-tool", "--module", LIBRARY.toString(), "--slot", Long.toString(slot),
                "--login", "--pin", pin, "--list-objects"));
    }

    public static String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
