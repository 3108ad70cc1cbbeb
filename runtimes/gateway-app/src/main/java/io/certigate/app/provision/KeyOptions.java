package io.certigate.app.provision;

import io.certigate.provisioning.device.KeyBackend;
import io.certigate.signing.Passphrase;
import io.certigate.signing.Pkcs11DeviceKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/** Where keys live: PKCS#12 files in a directory, or a PKCS#11 token slot. Secrets: file: or env:. */
final class KeyOptions {
    @Option(names = "--pkcs11-library", description = "PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so); default: PKCS#12 files.")
    Path library;

    @Option(names = "--slot", description = "PKCS#11 slot.")
    Long slot;

    @Option(names = "--secret", required = true,
            description = "file:PATH or env:NAME: the PKCS#12 passphrase or the PKCS#11 PIN; there is no default.")
    String secret;

    /**
     * The files these options read in {@code dir} (the PKCS#12 key stores and certificates there,
     * the secret's file): an output may not be one of them.
     */
    Path[] inputs(Path dir) throws IOException {
        List<Path> in = new ArrayList<>();
        if (secret != null && secret.startsWith("file:")) {
            in.add(Path.of(secret.substring("file:".length())));
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(Files::isRegularFile).forEach(in::add);
            }
        }
        return in.toArray(Path[]::new);
    }

    /** A PKCS#12 file {@code dir/name.p12}, or the token key under alias {@code name}. */
    KeyBackend backend(Path dir, String name) throws Exception {
        char[] s = Passphrase.resolve(secret);
        if (library == null) {
            return new KeyBackend.Pkcs12(dir.resolve(name + ".p12"), s);
        }
        if (slot == null) {
            throw new IllegalArgumentException("--pkcs11-library needs --slot");
        }
        return new KeyBackend.Pkcs11(new Pkcs11DeviceKey.TokenConfig(library, slot, name), s);
    }
}
