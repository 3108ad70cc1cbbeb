package io.certigate.app.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.Spine;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The anchoring commands end to end on a real anvil dev chain: the demo's anchoring helper on a live
 * sequencer, then {@code anchor run} / {@code anchor status} on the buffer, and {@code proof export}
 * / {@code proof verify} online, offline and against a tampered bundle.
 */
@Tag("integration")
class AnchorCliTest {
    @TempDir
    Path dir;



    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void produce(Sequencer s, int n) throws Exception {
        List<CompletableFuture<ReadingSink.Committed>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(s.submit(new Reading(System.currentTimeMillis(), TimeQuality.GNSS, "tic", "meter.energy.import",
                    "09876543210123", new ReadingValue.Int(5_000_000 + i), "Wh")));
        }
        for (CompletableFuture<ReadingSink.Committed> f : fs) {
            f.get();
        }
    }

    @Test
    void everyAnchoringCommandHasHelp() {
        for (String[] c : new String[][] {{"anchor"}, {"anchor", "devchain"}, {"anchor", "run"}, {"anchor", "status"},
            {"anchor", "account"}, {"anchor", "deploy"}, {"anchor", "allow"}, {"proof"}, {"proof", "export"},
            {"proof", "verify"}, {"bench", "anchor"}}) {
            String[] args = java.util.Arrays.copyOf(c, c.length + 1);
            args[c.length] = "--help";
            CliRun.Result r = CliRun.run(args);
            assertThat(r.exit()).as(String.join(" ", c)).isZero();
            assertThat(r.out()).contains("Usage: certigate " + String.join(" ", c));
        }
    }

    @Test
    void demoAnchoringThenTheAnchorAndProofCommands() throws Exception {
        SoftwareDeviceKey key = Pkcs12KeyStore.create(dir.resolve("d.p12"), CoseAlgorithm.ES256, "gw-cli", "pw".toCharArray());
        Path buffer = dir.resolve("buffer.db");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        String rpc;
        try (Spine spine = Spine.open(key, buffer, RecordBuffer.Options.defaults("gw-cli"), Sequencer.Options.DEFAULT,
                Clock.systemUTC(), writer);
                DemoAnchoring anchoring = DemoAnchoring.start(dir, spine.buffer(), spine.sequencer(), out)) {
            produce(spine.sequencer(), 1500);
            assertThat(anchoring.finish(key.certificateChain(), out)).as(log.toString(StandardCharsets.UTF_8)).isTrue();
            rpc = anchoring.rpcUrl();
            produce(spine.sequencer(), 30); // left unanchored for `anchor run`
            spine.sequencer().close();
        } finally {
            writer.shutdownNow();
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("anchored 2 of 2 batches").contains("all ");

        // the chain is down now (DemoAnchoring closed it): restart it from its kept database
        try (var ledger = io.certigate.app.demo.DevLedger.start(dir.resolve("ledger2"))) {
            CliRun.Result r = CliRun.run("anchor", "run", "--buffer", buffer.toString(), "--device", "gw-cli",
                    "--ledger", dir.resolve("ledger2/ledger.properties").toString(), "--batch-size", "100");
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("3 of 3 batches anchored");
            CliRun.Result status = CliRun.run("anchor", "status", "--buffer", buffer.toString(), "--device", "gw-cli");
            assertThat(status.out()).contains("batch 3  seq 1501..1530  ANCHORED");

            Path bundle = dir.resolve("one.json");
            CliRun.Result exp = CliRun.run("proof", "export", "--buffer", buffer.toString(), "--device", "gw-cli", "--seq", "1510",
                    "-o", bundle.toString());
            assertThat(exp.exit()).as(exp.err()).isZero();
            CliRun.Result online = CliRun.run("proof", "verify", bundle.toString(), "--rpc", ledger.config().rpcUrl(),
                    "--contract", ledger.config().contract());
            assertThat(online.exit()).as(online.out()).isZero();
            // the contract to check against is the verifier's setting, never the bundle's
            CliRun.Result unpinned = CliRun.run("proof", "verify", bundle.toString(), "--rpc", ledger.config().rpcUrl());
            assertThat(unpinned.exit()).isEqualTo(2);
            assertThat(unpinned.err()).contains("--rpc needs --contract ADDRESS").contains("never taken from the bundle");
            assertThat(online.out()).contains("VALID (signatures, inclusion and on-chain anchors)");
            // a node that does not answer leaves the anchors unjudged: exit 2, not a failure of the data
            CliRun.Result down = CliRun.run("proof", "verify", bundle.toString(), "--rpc", "http://127.0.0.1:9/",
                    "--contract", ledger.config().contract());
            assertThat(down.exit()).as(down.out() + down.err()).isEqualTo(2);
            assertThat(down.err()).contains("--rpc http://127.0.0.1:9/: no ledger node answers");
            CliRun.Result offline = CliRun.run("proof", "verify", bundle.toString(), "--offline");
            assertThat(offline.exit()).isZero();
            assertThat(offline.out()).contains("OFFLINE: the anchors were NOT checked");
            CliRun.Result neither = CliRun.run("proof", "verify", bundle.toString());
            assertThat(neither.exit()).isNotZero();
            // the first two batches were anchored on the demo's chain, not on this one
            CliRun.Result early = CliRun.run("proof", "export", "--buffer", buffer.toString(), "--device", "gw-cli", "--from-seq", "999",
                    "--to-seq", "1001", "-o", dir.resolve("early.json").toString());
            assertThat(early.exit()).isZero();
            CliRun.Result otherChain = CliRun.run("proof", "verify", dir.resolve("early.json").toString(), "--rpc",
                    ledger.config().rpcUrl(), "--contract", ledger.config().contract());
            assertThat(otherChain.exit()).isEqualTo(1);
            assertThat(otherChain.out()).contains("INVALID");

            // administration as on a real network: a new account, a new contract, the allowlist
            Path l2 = dir.resolve("ledger2");
            Files.writeString(dir.resolve("new.pass"), "new-account-pass\n");
            CliRun.Result account = CliRun.run("anchor", "account", "--key", dir.resolve("new.json").toString(),
                    "--passphrase", "file:" + dir.resolve("new.pass"));
            assertThat(account.out().strip()).matches("0x[0-9a-f]{40}");
            String[] signer = {"--rpc", ledger.config().rpcUrl(), "--chain-id", "1337", "--key",
                l2.resolve("dev-admin.json").toString(), "--passphrase", "file:" + l2.resolve("dev-admin.pass")};
            CliRun.Result deploy = CliRun.run(concat(new String[] {"anchor", "deploy"}, signer));
            assertThat(deploy.exit()).as(deploy.err()).isZero();
            String contract = deploy.out().strip();
            assertThat(contract).matches("0x[0-9a-fA-F]{40}");
            CliRun.Result allow = CliRun.run(concat(new String[] {"anchor", "allow", "--contract", contract, "--account", account.out().strip()},
                    signer));
            assertThat(allow.exit()).as(allow.err()).isZero();
            assertThat(allow.out()).startsWith("allowed " + account.out().strip());
            // pinned to the new contract, the bundle (which names the first one) fails, both named
            CliRun.Result otherContract = CliRun.run("proof", "verify", bundle.toString(), "--rpc",
                    ledger.config().rpcUrl(), "--contract", contract);
            assertThat(otherContract.exit()).as(otherContract.out()).isEqualTo(1);
            assertThat(otherContract.out()).containsIgnoringCase("the bundle names anchor contract "
                    + ledger.config().contract()).contains("this verifier checks against anchor contract " + contract);
            CliRun.Result wrongChain = CliRun.run("anchor", "deploy", "--rpc", ledger.config().rpcUrl(), "--chain-id", "5", "--key",
                    l2.resolve("dev-admin.json").toString(), "--passphrase", "file:" + l2.resolve("dev-admin.pass"));
            assertThat(wrongChain.exit()).isNotZero();
            assertThat(wrongChain.err()).contains("is on chain 1337, configured 5");

            String text = Files.readString(bundle);
            Files.writeString(bundle, text.replace("\"seq\" : 1510", "\"seq\" : 1511"));
            CliRun.Result tampered = CliRun.run("proof", "verify", bundle.toString(), "--offline");
            assertThat(tampered.exit()).isEqualTo(1);
            assertThat(tampered.out()).contains("FAIL  record 1511");
        }
        assertThat(rpc).startsWith("http://127.0.0.1:");
    }

    @Test
    void runAnchoringComponentAnchorsFromTheRunConfiguration() throws Exception {
        SoftwareDeviceKey key = Pkcs12KeyStore.create(dir.resolve("r.p12"), CoseAlgorithm.EDDSA, "gw-run", "pw".toCharArray());
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (var ledger = io.certigate.app.demo.DevLedger.start(dir.resolve("ledger"));
                Spine spine = Spine.open(key, dir.resolve("run.db"), RecordBuffer.Options.defaults("gw-run"),
                        Sequencer.Options.DEFAULT, Clock.systemUTC(), writer)) {
            assertThat(ledger.chain().running()).isTrue();
            java.util.Properties p = new java.util.Properties();
            io.certigate.app.run.RunConfig.Values none = new io.certigate.app.run.RunConfig.Values(p, "run.properties");
            assertThat(RunAnchoring.start(none, spine, System.out)).isNull();
            p.setProperty("anchor.ledger", dir.resolve("ledger/ledger.properties").toString());
            p.setProperty("anchor.batch-size", "25");
            p.setProperty("anchor.batch-age-s", "0");
            try (var pipeline = RunAnchoring.start(new io.certigate.app.run.RunConfig.Values(p, "run.properties"), spine,
                    System.out)) {
                produce(spine.sequencer(), 60);
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (System.nanoTime() < deadline
                        && (pipeline.store().unanchoredCount() > 0 || pipeline.store().all().isEmpty()
                                || pipeline.store().all().get(pipeline.store().all().size() - 1).lastSeq() < 60)) {
                    Thread.sleep(50);
                }
                assertThat(pipeline.store().unanchoredCount()).isZero();
                assertThat(pipeline.store().all().get(pipeline.store().all().size() - 1).lastSeq()).isEqualTo(60);
            }
            spine.sequencer().close();
        } finally {
            writer.shutdownNow();
        }
    }
}
