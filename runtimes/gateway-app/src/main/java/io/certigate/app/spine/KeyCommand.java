package io.certigate.app.spine;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Passphrase;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certigate key create}: a device key generated into a new PKCS#12 file. */
@Command(name = "key", mixinStandardHelpOptions = true, description = "Create device keys.",
        subcommands = KeyCommand.Create.class)
public final class KeyCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Generate a device key into a new PKCS#12 file (never overwrites one).")
    static final class Create implements Callable<Integer> {
        @Option(names = "--key-store", required = true, description = "PKCS#12 file to create.")
        Path keyStore;

        @Option(names = "--device", required = true, description = "Device id, written into the certificate.")
        String device;

        @Option(names = "--alg", defaultValue = "ed25519", description = "ed25519 (default) or es256.")
        String alg;

        @Option(names = "--passphrase", required = true, description = "file:PATH or env:NAME; there is no default.")
        String passphrase;

        @Override
        public Integer call() throws Exception {
            SoftwareDeviceKey k = Pkcs12KeyStore.create(keyStore, CoseAlgorithm.parse(alg), device,
                    Passphrase.resolve(passphrase));
            System.out.println("created " + k.algorithm() + " key " + HexFormat.of().formatHex(k.keyId())
                    + " for device " + device + " in " + keyStore);
            return 0;
        }
    }
}
