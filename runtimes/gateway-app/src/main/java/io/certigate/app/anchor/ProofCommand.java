package io.certigate.app.anchor;

import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.proof.ProofExporter;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.io.OutputFile;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.spine.DeviceIdentity;
import io.certigate.core.spine.KeySource;
import io.certigate.signing.DeviceKey;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.proof.BundleVerifier;
import io.certigate.verifier.proof.CertificateChains;
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.verifier.proof.ProofBundleJson;
import io.certigate.verifier.proof.ProofFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code certigate proof}: export proof bundles of anchored readings and verify them. */
@Command(name = "proof", mixinStandardHelpOptions = true,
        description = {"Write and verify proof bundles of anchored readings.",
            "A bundle holds a reading (or a range), its certificate chain, its Merkle audit path and its anchor, and"
                + " with the device key each record's RFC 9942 COSE receipt."},
        subcommands = {ProofCommand.Export.class, ProofCommand.Verify.class})
public final class ProofCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write the proof bundle of anchored records.",
                "The buffer is opened read-only and never created; -o is written whole or not at all and may not be"
                    + " the buffer."})
    static final class Export implements Callable<Integer> {
        @Option(names = "--buffer", required = true, description = "The device's SQLite buffer file.")
        Path buffer;

        @Option(names = "--device", required = true, description = "Device id.")
        String device;

        @Option(names = "--seq", description = "One record (instead of --from-seq and --to-seq).")
        Long seq;

        @Option(names = "--from-seq", description = "First record of a range.")
        Long from;

        @Option(names = "--to-seq", description = "Last record of a range.")
        Long to;

        @Option(names = {"-o", "--out"}, required = true, description = "Bundle file to write (JSON).")
        Path out;

        @Option(names = "--key-store", paramLabel = "FILE", description = {"The device's PKCS#12 key store (needs"
                + " --passphrase): each record then gets its RFC 9942 COSE receipt, the anchored batch root signed once by"
                + " the device key that anchored it, embedded in the bundle (base64url) and, with --receipts-dir, written"
                + " as COSE files.", "The key must be the one the bundle's certificate certifies."})
        Path keyStore;

        @Option(names = "--pkcs11-library", paramLabel = "LIB", description = "Instead of --key-store: the PKCS#11"
                + " module holding the device key (with --slot and --key-alias; --passphrase is then the PIN).")
        Path pkcs11Library;

        @Option(names = "--slot", description = "With --pkcs11-library: the token slot.")
        Long slot;

        @Option(names = "--key-alias", description = "With --pkcs11-library: the device key's alias on the token.")
        String keyAlias;

        @Option(names = "--passphrase", paramLabel = "SECRET", description = "file:PATH or env:NAME: the key store's"
                + " passphrase or the token's PIN; there is no default.")
        String passphrase;

        @Option(names = "--receipts-dir", paramLabel = "DIR", description = "With a key: also write each record's receipt"
                + " as DIR/<device>-<seq>.receipt (a tagged COSE_Sign1, RFC 9942; the root is detached).")
        Path receiptsDir;

        @Override
        public Integer call() throws Exception {
            if (seq != null && (from != null || to != null)) {
                System.err.println("proof export: --seq names one record, --from-seq and --to-seq a range: give one or the other");
                return 2;
            }
            long a = seq != null ? seq : from == null ? 1 : from;
            long b = seq != null ? seq : to == null ? a : to;
            KeySource keySource;
            try {
                keySource = keySource();
            } catch (IllegalArgumentException e) {
                System.err.println("proof export: " + e.getMessage());
                return 2;
            }
            List<Path> inputs = new java.util.ArrayList<>(List.of(buffer));
            if (keyStore != null) {
                inputs.add(keyStore);
            }
            if (passphrase != null && passphrase.startsWith("file:")) {
                inputs.add(Path.of(passphrase.substring("file:".length())));
            }
            OutputFile.checkNotAnInput(out, inputs.toArray(Path[]::new));
            DeviceKey key = keySource == null ? null : keySource.open();
            try (RecordBuffer rb = RecordBuffer.openReadOnly(buffer, device)) {
                List<StoredRecord> first = rb.range(a, a);
                List<X509Certificate> chain = first.isEmpty() || !(first.get(0) instanceof StoredRecord.Signed s)
                        ? List.of() : CertificateChains.forRecord(DeviceIdentity.chains(rb), s.coseUnsafe());
                ProofBundle bundle = new ProofExporter(rb, new BatchStore(rb)).export(a, b, chain, key);
                OutputFile.write(out, ProofBundleJson.write(bundle), buffer);
                if (receiptsDir != null) {
                    java.nio.file.Files.createDirectories(receiptsDir);
                    for (ProofBundle.Entry e : bundle.records()) {
                        OutputFile.write(receiptsDir.resolve(device + "-" + e.seq() + ".receipt"), e.receipt(),
                                inputs.toArray(Path[]::new));
                    }
                }
                System.out.println("wrote the proof of " + bundle.records().size() + " records in "
                        + bundle.anchors().size() + " anchored batches to " + out
                        + (key == null ? "" : ", with their RFC 9942 receipts signed by " + key.describe())
                        + (receiptsDir == null ? "" : " (receipt files in " + receiptsDir + ")"));
            }
            return 0;
        }

        /** The device key that signs receipts, or null for a bundle without receipts. */
        private KeySource keySource() {
            if (keyStore != null && pkcs11Library != null) {
                throw new IllegalArgumentException("--key-store and --pkcs11-library name two keys: give one");
            }
            if (keyStore == null && pkcs11Library == null) {
                if (passphrase != null || slot != null || keyAlias != null || receiptsDir != null) {
                    throw new IllegalArgumentException("--passphrase, --slot, --key-alias and --receipts-dir apply with"
                            + " a device key only (--key-store or --pkcs11-library)");
                }
                return null;
            }
            if (passphrase == null) {
                throw new IllegalArgumentException("signing receipts needs --passphrase (file:PATH or env:NAME)");
            }
            if (keyStore != null) {
                if (slot != null || keyAlias != null) {
                    throw new IllegalArgumentException("--slot and --key-alias apply with --pkcs11-library only");
                }
                return new KeySource.Pkcs12(keyStore, passphrase);
            }
            if (slot == null || keyAlias == null) {
                throw new IllegalArgumentException("--pkcs11-library needs --slot and --key-alias");
            }
            return new KeySource.Pkcs11(pkcs11Library, slot, keyAlias, passphrase);
        }
    }

    /**
     * Verifies a proof bundle file and prints the report; {@code rpc} null verifies offline (and says
     * so); online, the anchors must be in {@code contract} (the verifier's setting, never the
     * bundle's). Returns the exit code: 0 valid, 1 invalid; an unreadable bundle throws. For {@code certigate verify} to accept
     * bundles (their {@code "format"} is {@value ProofBundle#FORMAT}).
     */
    public static int verify(Path bundle, String rpc, String contract, java.io.PrintStream out) throws Exception {
        Verdict r = new Verifier().proof(read(bundle), rpc, contract);
        out.print(BundleVerifier.render(r));
        return r.valid() ? 0 : 1;
    }

    /** Reads a proof bundle file (small by design: read whole); an unreadable one names the file. */
    public static ProofBundle read(Path bundle) throws java.io.IOException, ProofFormatException {
        try {
            return ProofBundleJson.read(Files.readAllBytes(bundle));
        } catch (ProofFormatException e) {
            throw new ProofFormatException(bundle + ": " + e.getMessage(), e);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify a proof bundle: signatures, Merkle inclusion and, with --rpc and --contract, each anchor"
                    + " on chain.",
                "An anchor is checked in the anchor contract given by --contract (never the one the bundle names: a bundle"
                    + " naming another contract fails): the contract's block for the root, the transaction receipt and its"
                    + " Anchored event. --offline checks no anchor and says so.",
                io.certigate.app.spine.TrustOptions.HELP,
                io.certigate.app.spine.VerificationExit.HELP})
    static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", description = "The proof bundle (JSON).")
        Path bundle;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Ledger ledger;

        @Option(names = "--contract", paramLabel = "ADDRESS",
                description = "With --rpc: the consortium's CertigateAnchor contract the anchors must be in.")
        String contract;

        @picocli.CommandLine.Mixin
        io.certigate.app.spine.TrustOptions trust = new io.certigate.app.spine.TrustOptions();

        static final class Ledger {
            @Option(names = "--rpc", description = "JSON-RPC URL of a ledger node to check the anchors against (needs"
                    + " --contract).")
            String rpc;

            @Option(names = "--offline", description = "Do not contact the ledger (the anchors stay unchecked).")
            boolean offline;
        }

        @Override
        public Integer call() {
            return io.certigate.app.spine.VerificationExit.run("proof verify", System.err, () -> {
                if (ledger.offline && contract != null) {
                    throw new io.certigate.app.spine.UsageException("--contract applies with --rpc only (--offline checks no anchor)");
                }
                return io.certigate.app.spine.VerifyCommand.verifyBundle(bundle, ledger.offline ? null : ledger.rpc,
                        contract, trust, System.out);
            });
        }
    }
}
