package io.certigate.app.spine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.app.CliRun;
import io.certigate.app.demo.DevLedger;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.Spine;
import io.certigate.provisioning.ca.ConsortiumCa;
import io.certigate.provisioning.device.KeyBackend;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.signing.Passphrase;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.LedgerReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate verify EXPORT --rpc --contract} on a real anvil dev chain: a gateway whose key was
 * rotated after seq 200 (both keys registered in a DeviceRegistry in turn) anchors seq 1..500 in five
 * batches of 100 ({@code anchor run}) and holds
 * 42 records more, not yet anchored; exports of that buffer are then verified against the
 * device's anchored history: complete (the unanchored tail is reported, not failed), truncated,
 * one batch removed, one hash-only entry forged inside a batch, a range export with and without
 * {@code --range}; and the trust in both keys through the consortium root.
 */
@Tag("integration")
class VerifyCompletenessCliTest {
    static final String DEVICE = "gw-complete";
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Csr.Identity ID = new Csr.Identity(DEVICE, "SN-C", "CG-TIC-1", Csr.SubjectKind.METER, "09333333333333");

    @TempDir
    Path dir;

    @Test
    void exportsAreCheckedAgainstTheAnchoredHistoryOnTheLedger() throws Exception {
        Path pass = Files.writeString(dir.resolve("pass"), "verify complete pass\n");
        char[] secret = "verify complete pass".toCharArray();
        for (String ca : new String[] {"ca", "other-ca"}) {
            assertThat(CliRun.run("ca", "init", "--dir", dir.resolve(ca).toString(), "--consortium", ca + " Fleet",
                    "--secret", "file:" + pass).exit()).isZero();
        }
        ConsortiumCa ca = new ConsortiumCa(new KeyBackend.Pkcs12(dir.resolve("ca/ca-issuing.p12"), secret).open(),
                Clock.systemUTC());
        DeviceKey first = certified(ca, "k1.p12", secret);
        DeviceKey rotated = certified(ca, "k2.p12", secret);
        Path buffer = dir.resolve("buffer.db");

        try (DevLedger ledger = DevLedger.start(dir.resolve("ledger"));
                LedgerClient client = LedgerClient.connect(ledger.config())) {
            Path l = dir.resolve("ledger");
            LedgerAccount registrar = LedgerAccount.open(l.resolve("dev-admin.json"),
                    Passphrase.resolve("file:" + l.resolve("dev-admin.pass")));
            String registryAddress = DeviceRegistryClient.deploy(client, registrar, TIMEOUT);
            String emptyRegistry = DeviceRegistryClient.deploy(client, registrar, TIMEOUT);
            DeviceRegistryClient registry = new DeviceRegistryClient(client, registryAddress, registrar, TIMEOUT);
            String account = ledger.account().address();

            // seq 1..200 signed and anchored while the first key is the registered one, then the rotation:
            // seq 201..500 signed and anchored with the second key, registered in its place
            registry.register(DEVICE, first.publicKey(), first.certificateChain().get(0), account);
            produce(first, buffer, 200);
            anchorRun(buffer, "2 of 2 batches anchored");
            registry.register(DEVICE, rotated.publicKey(), rotated.certificateChain().get(0), account);
            produce(rotated, buffer, 300);
            anchorRun(buffer, "5 of 5 batches anchored");
            produce(rotated, buffer, 42); // seq 501..542: the next batch, not anchored yet

            String rpc = ledger.config().rpcUrl();
            String contract = ledger.config().contract();
            String[] onLedger = {"--rpc", rpc, "--contract", contract};
            try (LedgerReader reader = LedgerReader.connect(rpc, contract)) {
                long head = reader.blockNumber();
                List<AnchorAbi.AnchoredEvent> paged = reader.anchoredEventsOf(DEVICE, head, 2);
                assertThat(paged).extracting(AnchorAbi.AnchoredEvent::firstSeq).containsExactly(1L, 101L, 201L, 301L, 401L);
                assertThat(paged).extracting(AnchorAbi.AnchoredEvent::txHash).containsExactlyElementsOf(
                        reader.anchoredEventsOf(DEVICE, head).stream().map(AnchorAbi.AnchoredEvent::txHash).toList());
                assertThat(reader.anchoredEventsOf("another-device", head)).isEmpty();
            }
            String root = dir.resolve("ca/root.pem").toString();

            // the whole buffer: every anchored range covered, the unanchored tail reported, not failed
            Path all = export(buffer, "all.json");
            CliRun.Result whole = verify(all, onLedger, "--trust-root", root);
            assertThat(whole.exit()).as(whole.out() + whole.err()).isZero();
            assertThat(whole.out()).contains("ledger: chain 1337, anchor contract " + contract)
                    .contains("ok   anchored ranges covered: 5 range(s), seq 1..500")
                    .contains("note not yet anchored: 42 entries of the export, seq 501..542")
                    .containsPattern("ok   key [0-9a-f]+: trusted: certificate .*seq 1\\.\\.200")
                    .containsPattern("ok   key [0-9a-f]+: trusted: certificate .*seq 201\\.\\.542")
                    // each key's chain judged at the time of every block that anchored its records too
                    .containsPattern("ok   key [0-9a-f]+ certificate at block \\d+: chain valid to the trust root at block \\d+ .*which"
                            + " anchored seq 1\\.\\.100, none dated after it")
                    .contains("result: OK (1 part(s) not checked");

            // the registry: each key's status at the blocks that anchored its records; revoked later changes nothing
            registry.revoke(rotated.publicKey(), "meter replaced");
            CliRun.Result registered = verify(all, onLedger, "--trust-root", root, "--registry", registryAddress);
            assertThat(registered.exit()).as(registered.out() + registered.err()).isZero();
            assertThat(registered.out()).containsPattern("ok   key [0-9a-f]+ at block \\d+: records seq 1\\.\\.100 \\(100\\)"
                    + " anchored at block \\d+: device key active in the registry " + registryAddress)
                    .containsPattern("ok   key [0-9a-f]+ at block \\d+: records seq 401\\.\\.500 \\(100\\) anchored at"
                            + " block \\d+: device key active")
                    .contains("note registry status of key ").contains("for its 42 record(s) not yet anchored");
            CliRun.Result unregistered = verify(all, onLedger, "--trust-root", root, "--registry", emptyRegistry);
            assertThat(unregistered.exit()).isEqualTo(1);
            assertThat(unregistered.out()).contains("device key unknown in the registry " + emptyRegistry);

            // cut before the end of the anchored history: fails, saying where the ledger's history goes on
            Path cut = export(buffer, "cut.json", "--to-seq", "300");
            CliRun.Result truncated = verify(cut, onLedger);
            assertThat(truncated.exit()).as(truncated.out()).isEqualTo(1);
            assertThat(truncated.out()).containsPattern("FAIL history continues on the ledger: seq 500 anchored at block \\d+"
                    + " \\(tx 0x[0-9a-f]{64}\\), the export ends at seq 300 < 500: 2 anchored range\\(s\\), seq 301\\.\\.500")
                    .contains("result: FAILED");

            // one anchored batch taken out of the file: named, with its block
            Path holed = without(all, "holed.json", 201, 300);
            CliRun.Result removed = verify(holed, onLedger);
            assertThat(removed.exit()).isEqualTo(1);
            assertThat(removed.out()).containsPattern("FAIL anchored range 201\\.\\.300 \\(block \\d+\\): 100 record\\(s\\) of"
                    + " this anchored range are not in the file, not even as hash-only entries: seq 201\\.\\.300");

            // a record replaced by a hash-only entry with a forged leaf hash: the chain links still hold, the root does not
            Path forged = forgedLeaf(all, "forged.json", 150);
            CliRun.Result changed = verify(forged, onLedger);
            assertThat(changed.exit()).isEqualTo(1);
            assertThat(changed.out()).doesNotContain("FAIL seq 150")
                    .containsPattern("FAIL anchored range 101\\.\\.200 \\(block \\d+\\): the root recomputed from the export's"
                            + " 100 leaves, [0-9a-f]{64}, is not the root on chain");

            // a range export: complete within the range when the range was asked for, incomplete otherwise
            Path part = export(buffer, "part.json", "--from-seq", "101", "--to-seq", "300");
            CliRun.Result ranged = verify(part, onLedger, "--range", "101..300");
            assertThat(ranged.exit()).as(ranged.out()).isZero();
            assertThat(ranged.out()).contains("ok   range 101..300: range 101..300, complete within the range")
                    .contains("anchored ranges covered: 2 range(s), seq 101..300");
            CliRun.Result unasked = verify(part, onLedger);
            assertThat(unasked.exit()).isEqualTo(1);
            assertThat(unasked.out()).contains("FAIL history before the export: the ledger holds seq 1..100 of gw-complete")
                    .contains("FAIL history continues on the ledger");

            // trust: another consortium's root, and a key the file carries without a chain
            CliRun.Result otherRoot = verify(all, onLedger, "--trust-root", dir.resolve("other-ca/root.pem").toString());
            assertThat(otherRoot.exit()).isEqualTo(1);
            assertThat(otherRoot.out()).containsPattern("FAIL key [0-9a-f]+: UNTRUSTED: signed 200 record\\(s\\), seq 1\\.\\.200;"
                    + " certificate chain of .* does not validate up to the consortium root");
            Path unchained = withoutOwnChains(all, "unchained.json");
            CliRun.Result noChain = verify(unchained, onLedger, "--trust-root", root);
            assertThat(noChain.exit()).isEqualTo(1);
            assertThat(noChain.out()).contains("UNTRUSTED: signed 200 record(s), seq 1..200, but the file carries no"
                    + " certificate chain for this key").containsPattern("ok   key [0-9a-f]+: trusted: certificate .*seq 201\\.\\.542");

            // report: from the buffer, the anchors are the gateway's claim (said so); with the ledger inputs, the
            // device's history is read from the chain and a cut export is reported incomplete
            Path fromBuffer = dir.resolve("buffer.html");
            CliRun.Result rb = CliRun.run("report", "--buffer", buffer.toString(), "--device", DEVICE, "--subject", ID.subject(),
                    "-o", fromBuffer.toString());
            assertThat(rb.exit()).as(rb.out() + rb.err()).isZero();
            assertThat(Files.readString(fromBuffer)).contains("gateway&#39;s claim, unchecked");
            Path fromLedger = dir.resolve("ledger.html");
            CliRun.Result rl = CliRun.run("report", "--export", all.toString(), "--subject", ID.subject(), "-o",
                    fromLedger.toString(), "--rpc", rpc, "--contract", contract, "--trust-root", root);
            assertThat(rl.exit()).as(rl.out() + rl.err()).isZero();
            assertThat(rl.out()).doesNotContain("INCOMPLETE");
            String judged = Files.readString(fromLedger);
            assertThat(judged).doesNotContain("id=\"incomplete-warning\"").contains("Judged with consortium root")
                    .contains("chain valid to the trust root at the time of each of its").contains("VERIFIED: the");
            // the same passport judged with another consortium's root: written, NOT VERIFIED, exit 1
            Path untrusted = dir.resolve("untrusted.html");
            CliRun.Result ru = CliRun.run("report", "--export", all.toString(), "--subject", ID.subject(), "-o",
                    untrusted.toString(), "--rpc", rpc, "--contract", contract, "--trust-root",
                    dir.resolve("other-ca/root.pem").toString());
            assertThat(ru.exit()).as(ru.out() + ru.err()).isEqualTo(1);
            assertThat(Files.readString(untrusted)).contains("NOT VERIFIED:").contains("the trust inputs refused key ")
                    .contains("UNTRUSTED");
            CliRun.Result rt = CliRun.run("report", "--export", cut.toString(), "--subject", ID.subject(), "-o",
                    dir.resolve("cut.html").toString(), "--rpc", rpc, "--contract", contract);
            assertThat(rt.exit()).as(rt.out() + rt.err()).isEqualTo(1);
            assertThat(rt.out()).contains("INCOMPLETE history");

            // the ledger inputs must name something the ledger holds
            CliRun.Result noContract = verify(all, new String[] {"--rpc", rpc, "--contract", "0x" + "1".repeat(40)});
            assertThat(noContract.exit()).isEqualTo(2);
            assertThat(noContract.err()).contains("--contract 0x" + "1".repeat(40) + ": no contract at this address on chain 1337");
        }
        CliRun.Result down = verify(dir.resolve("all.json"), new String[] {"--rpc", "http://127.0.0.1:9/", "--contract",
            "0x" + "1".repeat(40)});
        assertThat(down.exit()).isEqualTo(2);
        assertThat(down.err()).contains("--rpc http://127.0.0.1:9/: no ledger node answers");
    }

    private void anchorRun(Path buffer, String expected) {
        CliRun.Result r = CliRun.run("anchor", "run", "--buffer", buffer.toString(), "--device", DEVICE,
                "--ledger", dir.resolve("ledger/ledger.properties").toString(), "--batch-size", "100");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains(expected);
    }

    private DeviceKey certified(ConsortiumCa ca, String file, char[] secret) throws Exception {
        Path p12 = dir.resolve(file);
        DeviceKey key = Pkcs12KeyStore.create(p12, CoseAlgorithm.EDDSA, DEVICE, secret);
        return Pkcs12KeyStore.installChain(p12, secret, ca.issue(Csr.build(key, ID), ID, Duration.ofDays(30)));
    }

    private static void produce(DeviceKey key, Path buffer, int n) throws Exception {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Spine spine = Spine.open(key, buffer, RecordBuffer.Options.defaults(DEVICE), Sequencer.Options.DEFAULT,
                Clock.systemUTC(), writer)) {
            List<CompletableFuture<ReadingSink.Committed>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(spine.sequencer().submit(new Reading(System.currentTimeMillis(), TimeQuality.NTP, "tic",
                        "meter.energy.import", ID.subject(), new ReadingValue.Int(1_000_000 + i), "Wh")));
            }
            for (CompletableFuture<ReadingSink.Committed> f : fs) {
                f.get();
            }
            spine.sequencer().close();
        } finally {
            writer.shutdownNow();
        }
    }

    private Path export(Path buffer, String name, String... options) {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("export", "--buffer", buffer.toString(), "--device", DEVICE, "-o",
                out.toString()));
        args.addAll(List.of(options));
        CliRun.Result r = CliRun.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        return out;
    }

    private static CliRun.Result verify(Path file, String[] ledger, String... options) {
        List<String> args = new ArrayList<>(List.of("verify", file.toString()));
        args.addAll(List.of(ledger));
        args.addAll(List.of(options));
        return CliRun.run(args.toArray(String[]::new));
    }

    /** The export without its entries of seq {@code from..to}. */
    private Path without(Path export, String name, long from, long to) throws Exception {
        ObjectNode o = (ObjectNode) new ObjectMapper().readTree(export.toFile());
        Iterator<com.fasterxml.jackson.databind.JsonNode> it = o.withArray("records").elements();
        while (it.hasNext()) {
            long seq = it.next().path("seq").asLong();
            if (seq >= from && seq <= to) {
                it.remove();
            }
        }
        return Files.writeString(dir.resolve(name), o.toPrettyString());
    }

    /** Record {@code seq} turned into a hash-only entry that keeps its chain hash but carries another leaf hash. */
    private Path forgedLeaf(Path export, String name, long seq) throws Exception {
        ObjectNode o = (ObjectNode) new ObjectMapper().readTree(export.toFile());
        ArrayNode records = o.withArray("records");
        for (int i = 0; i < records.size(); i++) {
            ObjectNode r = (ObjectNode) records.get(i);
            if (r.path("seq").asLong() == seq) {
                byte[] cose = Base64.getUrlDecoder().decode(r.path("cose").asText());
                byte[] chainHash = java.security.MessageDigest.getInstance("SHA-256").digest(cose);
                ObjectNode forged = new ObjectMapper().createObjectNode();
                forged.put("seq", seq);
                forged.put("omitted", true);
                forged.put("chainHash", Base64.getUrlEncoder().withoutPadding().encodeToString(chainHash));
                forged.put("leafHash", Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]));
                records.set(i, forged);
            }
        }
        return Files.writeString(dir.resolve(name), o.toPrettyString());
    }

    /** The export as one written before keys carried their own chain: only the current key's chain, at the top. */
    private Path withoutOwnChains(Path export, String name) throws Exception {
        ObjectNode o = (ObjectNode) new ObjectMapper().readTree(export.toFile());
        o.withArray("keys").forEach(k -> ((ObjectNode) k).remove("certificateChain"));
        return Files.writeString(dir.resolve(name), o.toPrettyString());
    }
}
