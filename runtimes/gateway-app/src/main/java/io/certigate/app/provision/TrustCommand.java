package io.certigate.app.provision;

import io.certigate.verifier.Verdict;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.verifier.trust.DeviceTrustVerifier;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code certigate trust}: checks a proof bundle's device certificate chain up to the consortium
 * root and the device key's registry status at each anchoring block (complements
 * {@code certigate proof verify}, which checks signatures, inclusion and anchors).
 */
@Command(name = "trust", mixinStandardHelpOptions = true,
        description = {"Check the device trust of a proof bundle's records.",
            "For each record: the certificate chain to the consortium root at the record's time, and the key's"
                + " DeviceRegistry status at the anchoring block. Exit 0 only if all records pass.",
            io.certigate.app.spine.VerificationExit.HELP})
public final class TrustCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The proof bundle (JSON).")
    Path bundle;

    @Option(names = "--root", required = true, description = "The consortium root certificate (PEM or DER).")
    Path root;

    @Option(names = "--rpc", required = true, description = "JSON-RPC URL of a ledger node.")
    String rpc;

    @Option(names = "--chain-id", required = true, description = "EIP-155 chain id.")
    long chainId;

    @Option(names = "--registry", required = true, description = "DeviceRegistry contract address.")
    String registry;

    @Override
    public Integer call() {
        return io.certigate.app.spine.VerificationExit.run("trust", System.err, () -> {
            Verdict r = verdict(io.certigate.app.anchor.ProofCommand.read(bundle), root, rpc, chainId, registry);
            System.out.print(DeviceTrustVerifier.render(r));
            return r.valid() ? 0 : 1;
        });
    }

    /**
     * The device trust verdict of a proof bundle for {@code certigate verify}: the chain id is the
     * bundle's (its anchors name it; the node must be on that chain).
     */
    public static Verdict verdict(ProofBundle b, Path root, String rpc, String registry) throws Exception {
        if (b.anchors().isEmpty()) {
            return Verdict.of(java.util.List.of(Verdict.Check.fail("device trust",
                    "the bundle holds no anchor, so there is no block to check the registry at")));
        }
        return verdict(b, root, rpc, b.anchors().get(0).chainId(), registry);
    }

    private static Verdict verdict(ProofBundle b, Path root, String rpc, long chainId, String registry) throws Exception {
        X509Certificate rootCert;
        try (InputStream in = Files.newInputStream(root)) {
            rootCert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalArgumentException("consortium root " + root + " is not an X.509 certificate (PEM or DER): "
                    + e.getMessage(), e);
        }
        return new Verifier().deviceTrust(b, rootCert, rpc, chainId, registry);
    }
}
