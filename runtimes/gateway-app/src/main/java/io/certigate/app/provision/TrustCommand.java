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
 * {@code certigate trust}: checks a proof bundle's device trust with the verifier's
 * {@code DeviceTrustVerifier}: each record's anchoring block in the pinned anchor contract, its
 * certificate chain up to the consortium root at that block's time and at the reading's time, and
 * the device key's registry status at that block (complements {@code certigate proof verify}, which
 * checks the transactions and events of the anchors).
 */
@Command(name = "trust", mixinStandardHelpOptions = true,
        description = {"Check the device trust of a proof bundle's records.",
            "For each record: its inclusion under its batch root and the block that anchored that root in the anchor"
                + " contract --contract (never the one the bundle names); the certificate chain to the consortium root"
                + " at that block's time and at the reading's time; the reading dated no later than 5 minutes after"
                + " that block; the key ACTIVE in the DeviceRegistry at that block (a key superseded by a rotation or"
                + " revoked certifies only what was anchored before that block). Exit 0 only if all records pass.",
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

    @Option(names = "--contract", required = true, paramLabel = "ADDRESS",
            description = "The consortium's CertigateAnchor contract the anchors must be in.")
    String contract;

    @Override
    public Integer call() {
        return io.certigate.app.spine.VerificationExit.run("trust", System.err, () -> {
            Verdict r = verdict(io.certigate.app.anchor.ProofCommand.read(bundle), root, rpc, chainId, registry, contract);
            System.out.print(DeviceTrustVerifier.render(r));
            return r.valid() ? 0 : 1;
        });
    }

    /**
     * The device trust verdict of a proof bundle for {@code certigate verify}: the chain id is the
     * bundle's (its anchors name it; the node must be on that chain).
     */
    public static Verdict verdict(ProofBundle b, Path root, String rpc, String registry, String contract) throws Exception {
        if (b.anchors().isEmpty()) {
            return Verdict.of(java.util.List.of(Verdict.Check.fail("device trust",
                    "the bundle holds no anchor, so there is no block to check the registry at")));
        }
        return verdict(b, root, rpc, b.anchors().get(0).chainId(), registry, contract);
    }

    private static Verdict verdict(ProofBundle b, Path root, String rpc, long chainId, String registry,
            String contract) throws Exception {
        X509Certificate rootCert;
        try (InputStream in = Files.newInputStream(root)) {
            rootCert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalArgumentException("consortium root " + root + " is not an X.509 certificate (PEM or DER): "
                    + e.getMessage(), e);
        }
        return new Verifier().deviceTrust(b, rootCert, rpc, chainId, registry, contract);
    }
}
