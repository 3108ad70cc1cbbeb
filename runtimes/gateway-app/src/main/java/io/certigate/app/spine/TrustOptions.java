package io.certigate.app.spine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import picocli.CommandLine.Option;

/**
 * The trust inputs {@code verify}, {@code report} and {@code proof verify} share, whatever file they
 * are given: the consortium's root certificate, and the device registry on the ledger (read through
 * the command's {@code --rpc}).
 */
public final class TrustOptions {
    /** How the trust model reads in each command's help. */
    public static final String HELP = "Trust: a signature only shows that a record was signed by some key. With"
            + " --trust-root (the consortium's root certificate) a key counts only if the file carries a certificate"
            + " chain from that root to the key; keys without one are reported as UNTRUSTED and the check fails. With"
            + " --registry and --rpc, the key must also have been the device's current key on the ledger (registered,"
            + " neither replaced by a rotation nor revoked) when its records were anchored. Without these, the keys are taken from the file itself, and the output says so:"
            + " the data is intact and unbroken, but nothing shows it came from a genuine device.";

    @Option(names = "--trust-root", paramLabel = "ROOT.pem",
            description = "The consortium root certificate (PEM or DER): keys are trusted only through a certificate chain to it.")
    public Path trustRoot;

    @Option(names = "--registry", paramLabel = "ADDRESS",
            description = "The DeviceRegistry contract: each key's status when its records were anchored (needs --trust-root and --rpc; for an export also --contract).")
    public String registry;

    /** The root certificate, or null when none was given. */
    public X509Certificate root() throws UsageException {
        if (trustRoot == null) {
            return null;
        }
        try (InputStream in = Files.newInputStream(trustRoot)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new UsageException("--trust-root " + trustRoot + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (CertificateException | ClassCastException e) {
            throw new UsageException("--trust-root " + trustRoot + ": not an X.509 certificate (PEM or DER): "
                    + e.getMessage(), e);
        }
    }

    /** Refuses a registry without a trust root or without a ledger node, and a malformed registry address. */
    public void check(String rpc) throws UsageException {
        if (registry == null) {
            return;
        }
        if (trustRoot == null) {
            throw new UsageException("--registry checks the status of keys trusted through a root: give --trust-root too");
        }
        if (rpc == null) {
            throw new UsageException("--registry is read on the ledger: give --rpc URL too");
        }
        LedgerOptions.address("--registry", registry);
    }
}
