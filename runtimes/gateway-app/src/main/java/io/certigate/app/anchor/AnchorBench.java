package io.certigate.app.anchor;

import io.certigate.anchor.AnchorPipeline;
import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.app.demo.DevLedger;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.Spine;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.provisioning.registry.RegistryContract;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.merkle.InclusionProof;
import io.certigate.verifier.merkle.InclusionVerifier;
import io.certigate.verifier.merkle.MerkleTree;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The anchoring figures of {@code certigate bench anchor}, measured in one run on a local anvil
 * chain: gas per anchor transaction, gas per reading for batches of 1k (real signed readings through
 * the sequencer, batcher and anchorer), 100k and 1M readings (the batch root of synthetic leaf
 * hashes: an anchor's gas does not depend on the batch size), the gas per anchor transaction once
 * the contract is bound to a device registry (the production set-up: the contract asks the
 * registry which device the caller anchors for), the Merkle build rate against the raw SHA-256 rate
 * over the same number of 65-byte inputs, and the inclusion proof verification rate.
 */
public final class AnchorBench {
    private final boolean quick;
    private final PrintStream out;

    public AnchorBench(boolean quick, PrintStream out) {
        this.quick = quick;
        this.out = out;
    }

    public Map<String, String> run(Path work) throws Exception {
        Map<String, String> r = new LinkedHashMap<>();
        List<Long> gas = new ArrayList<>();
        try (DevLedger ledger = DevLedger.start(work.resolve("ledger"))) {
            out.println("ledger: anvil dev chain at " + ledger.config().rpcUrl() + ", " + AnchorContract.compiledWith());
            long gas1k = realBatch(work, ledger, 1000);
            gas.add(gas1k);
            r.put("gas_per_reading_1k", fmt(gas1k / 1000.0));
            try (LedgerClient c = LedgerClient.connect(ledger.config())) {
                LedgerAdmin gw = new LedgerAdmin(c, ledger.account(), Duration.ofSeconds(30));
                long first = 1;
                for (int size : new int[] {100_000, 1_000_000}) {
                    byte[] root = MerkleTree.buildFlat(randomLeaves(size, size)).root();
                    long used = gw.send(ledger.config().contract(), BigInteger.ZERO, AnchorContract.encodeAnchor(root,
                            AnchorAbi.deviceKey("bench"), first, first + size - 1)).getGasUsed().longValueExact();
                    first += size;
                    gas.add(used);
                    r.put("gas_per_reading_" + (size == 100_000 ? "100k" : "1m"), fmt((double) used / size));
                    out.printf(Locale.ROOT, "anchor of a %,d-reading batch: %,d gas%n", size, used);
                }
                for (int i = 0; i < (quick ? 3 : 10); i++) {
                    byte[] root = MerkleTree.buildFlat(randomLeaves(1000, 1000 + i)).root();
                    gas.add(gw.send(ledger.config().contract(), BigInteger.ZERO, AnchorContract.encodeAnchor(root,
                            AnchorAbi.deviceKey("bench"), first, first + 999)).getGasUsed().longValueExact());
                    first += 1000;
                }
                r.put("gas_per_anchor_tx", Long.toString(mean(gas)));
                r.put("anchor_txs", Integer.toString(gas.size()));
                List<Long> bound = registryMode(ledger, c, gw, first);
                r.put("gas_per_anchor_tx_registry", Long.toString(mean(bound)));
                out.printf(Locale.ROOT, "anchor with the contract bound to the device registry: %,d gas (mean of %d)%n",
                        mean(bound), bound.size());
            }
        }
        merkleFigures(r);
        return r;
    }

    /**
     * Binds the contract to a new device registry in which the gateway's account is the "bench"
     * device's (stand-in key and certificate hashes: the contract checks neither), then anchors
     * from that account; returns the gas of each anchor.
     */
    private List<Long> registryMode(DevLedger ledger, LedgerClient c, LedgerAdmin gw, long first) throws Exception {
        Duration timeout = Duration.ofSeconds(30);
        String registry = DeviceRegistryClient.deploy(c, ledger.admin(), timeout);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] keyHash = sha256.digest("bench stand-in key".getBytes(StandardCharsets.UTF_8));
        byte[] certHash = sha256.digest("bench stand-in certificate".getBytes(StandardCharsets.UTF_8));
        new LedgerAdmin(c, ledger.admin(), timeout).send(registry, BigInteger.ZERO, RegistryContract.encodeRegister(
                AnchorAbi.deviceKey("bench"), keyHash, certHash, ledger.account().address()), BigInteger.valueOf(400_000));
        DeviceRegistryClient.bindAnchorContract(c, ledger.admin(), ledger.config().contract(), registry, timeout);
        List<Long> gas = new ArrayList<>();
        long next = first;
        for (int i = 0; i < (quick ? 3 : 10); i++) {
            byte[] root = MerkleTree.buildFlat(randomLeaves(1000, 5000 + i)).root();
            gas.add(gw.send(ledger.config().contract(), BigInteger.ZERO, AnchorContract.encodeAnchor(root,
                    AnchorAbi.deviceKey("bench"), next, next + 999)).getGasUsed().longValueExact());
            next += 1000;
        }
        return gas;
    }

    private static long mean(List<Long> gas) {
        return Math.round(gas.stream().mapToLong(Long::longValue).average().orElse(0));
    }

    private long realBatch(Path work, DevLedger ledger, int n) throws Exception {
        SoftwareDeviceKey key = Pkcs12KeyStore.create(work.resolve("bench.p12"), CoseAlgorithm.EDDSA, "gw-bench",
                "bench-only-passphrase".toCharArray());
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Spine spine = Spine.open(key, work.resolve("bench.db"), RecordBuffer.Options.defaults("gw-bench"),
                Sequencer.Options.DEFAULT, Clock.systemUTC(), writer);
                AnchorPipeline p = new AnchorPipeline(spine.buffer(), ledger.config(), ledger.account(),
                        new AnchorBatcher.Options(n, Duration.ofDays(1)), Clock.systemUTC()).start()) {
            spine.sequencer().addCommitListener(p.commitListener());
            List<CompletableFuture<ReadingSink.Committed>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(spine.sequencer().submit(new Reading(System.currentTimeMillis(), TimeQuality.NTP, "obd",
                        "vehicle.odometer", "VF1BENCH000000001", new ReadingValue.Int(120_000 + i), "km")));
            }
            for (CompletableFuture<ReadingSink.Committed> f : fs) {
                f.get();
            }
            if (!p.drain(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the 1k batch was not anchored within 60 s");
            }
            Batch b = p.store().all().get(0);
            try (LedgerClient c = LedgerClient.connect(ledger.config())) {
                long used = c.receipt(b.txHash()).orElseThrow().getGasUsed().longValueExact();
                out.printf(Locale.ROOT, "anchor of a real %,d-reading batch (signed, sequenced, batched, anchored): %,d gas%n",
                        b.size(), used);
                return used;
            }
        } finally {
            writer.shutdownNow();
        }
    }

    private void merkleFigures(Map<String, String> r) throws Exception {
        int n = 1 << 20;
        int rounds = quick ? 5 : 11;
        byte[] leaves = randomLeaves(n, 42);
        MerkleTree.buildFlat(leaves.clone()); // warm-up
        rawSha(leaves, n - 1);
        // alternate the two in rounds and take the median ratio, so both see the same machine load
        double[] ratios = new double[rounds];
        long bestTree = Long.MAX_VALUE;
        long bestRaw = Long.MAX_VALUE;
        MerkleTree tree = null;
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            tree = MerkleTree.buildFlat(leaves);
            long treeNs = System.nanoTime() - t0;
            t0 = System.nanoTime();
            rawSha(leaves, n - 1);
            long rawNs = System.nanoTime() - t0;
            ratios[i] = (double) rawNs / treeNs;
            bestTree = Math.min(bestTree, treeNs);
            bestRaw = Math.min(bestRaw, rawNs);
        }
        java.util.Arrays.sort(ratios);
        double treeRate = (n - 1) / (bestTree / 1e9);
        double rawRate = (n - 1) / (bestRaw / 1e9);
        out.printf(Locale.ROOT, "Merkle tree of %,d leaves: best %.0f ms (%,.0f node hashes/s); raw SHA-256 of %,d 65-byte inputs: best %.0f ms (%,.0f/s); median ratio of %d rounds %.3f%n",
                n, bestTree / 1e6, treeRate, n - 1, bestRaw / 1e6, rawRate, rounds, ratios[rounds / 2]);
        r.put("merkle_build_ms_1m", fmt(bestTree / 1e6));
        r.put("merkle_hashes_per_s", Long.toString(Math.round(treeRate)));
        r.put("sha256_per_s", Long.toString(Math.round(rawRate)));
        r.put("merkle_ratio", fmt(ratios[rounds / 2]));

        int proofs = quick ? 50_000 : 200_000;
        Random rnd = new Random(7);
        List<InclusionProof> ps = new ArrayList<>(proofs);
        List<byte[]> leafOf = new ArrayList<>(proofs);
        for (int i = 0; i < proofs; i++) {
            int m = rnd.nextInt(n);
            ps.add(tree.inclusionProof(m));
            leafOf.add(tree.leafHash(m));
        }
        byte[] root = tree.root();
        for (int i = 0; i < Math.min(proofs, 20_000); i++) {
            InclusionVerifier.verify(leafOf.get(i), ps.get(i), root); // warm-up
        }
        long t0 = System.nanoTime();
        int ok = 0;
        for (int i = 0; i < proofs; i++) {
            ok += InclusionVerifier.verify(leafOf.get(i), ps.get(i), root) ? 1 : 0;
        }
        double rate = proofs / ((System.nanoTime() - t0) / 1e9);
        if (ok != proofs) {
            throw new IllegalStateException((proofs - ok) + " proofs failed to verify");
        }
        out.printf(Locale.ROOT, "verified %,d inclusion proofs of a 1M-leaf tree (20 hashes each): %,.0f proofs/s%n", proofs, rate);
        r.put("proof_verify_per_s", Long.toString(Math.round(rate)));
    }

    /** Hashes {@code count} 65-byte inputs (0x01 ‖ 64 bytes, like an interior node) with one digest. */
    private static void rawSha(byte[] data, int count) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] outBuf = new byte[32];
        int span = data.length - 64;
        for (int i = 0; i < count; i++) {
            int off = (int) ((long) i * 64 % span);
            d.update((byte) 0x01);
            d.update(data, off, 64);
            d.digest(outBuf, 0, 32);
        }
    }

    private static byte[] randomLeaves(int n, long seed) {
        byte[] b = new byte[n * MerkleTree.HASH_LEN];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v < 1 ? "%.6f" : "%.3f", v);
    }
}
