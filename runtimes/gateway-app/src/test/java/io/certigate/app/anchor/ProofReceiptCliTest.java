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
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.verifier.receipt.ReceiptCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code proof export --key-store} on a buffer anchored on a dev chain with {@code anchor run}:
 * the bundle carries each record's RFC 9942 receipt (and {@code --receipts-dir} writes them as COSE
 * files), {@code proof verify} and {@code verify} check them with the anchors on chain, a tampered
 * receipt fails naming the record, and the key options are refused where they do not apply.
 */
@Tag("integration")
class ProofReceiptCliTest {
    @TempDir
    Path dir;

    @Test
    void receiptsExportedWithTheDeviceKeyVerifyOnChain() throws Exception {
        Path keyStore = dir.resolve("device.p12");
        Path pass = dir.resolve("device.pass");
        Files.writeString(pass, "device-pass");
        SoftwareDeviceKey key = Pkcs12KeyStore.create(keyStore, CoseAlgorithm.ES256, "gw-receipt",
                "device-pass".toCharArray());
        Path buffer = dir.resolve("buffer.db");
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Spine spine = Spine.open(key, buffer, RecordBuffer.Options.defaults("gw-receipt"), Sequencer.Options.DEFAULT,
                Clock.systemUTC(), writer)) {
            List<CompletableFuture<ReadingSink.Committed>> fs = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                fs.add(spine.sequencer().submit(new Reading(System.currentTimeMillis(), TimeQuality.GNSS, "obd",
                        "vehicle.odometer", "VF1RFB00012345678", new ReadingValue.Int(120_000 + i), "km")));
            }
            for (CompletableFuture<ReadingSink.Committed> f : fs) {
                f.get();
            }
            spine.sequencer().close();
        } finally {
            writer.shutdownNow();
        }
        try (var ledger = io.certigate.app.demo.DevLedger.start(dir.resolve("ledger"))) {
            CliRun.Result run = CliRun.run("anchor", "run", "--buffer", buffer.toString(), "--device", "gw-receipt",
                    "--ledger", dir.resolve("ledger/ledger.properties").toString(), "--batch-size", "10");
            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("3 of 3 batches anchored");

            Path bundle = dir.resolve("bundle.json");
            Path receipts = dir.resolve("receipts");
            CliRun.Result exp = CliRun.run("proof", "export", "--buffer", buffer.toString(), "--device", "gw-receipt",
                    "--from-seq", "8", "--to-seq", "12", "-o", bundle.toString(), "--key-store", keyStore.toString(),
                    "--passphrase", "file:" + pass, "--receipts-dir", receipts.toString());
            assertThat(exp.exit()).as(exp.out() + exp.err()).isZero();
            assertThat(exp.out()).contains("with their RFC 9942 receipts");
            ProofBundle b = ProofCommand.read(bundle);
            assertThat(b.records()).hasSize(5).allSatisfy(e -> {
                assertThat(e.receipt()).isNotNull();
                assertThat(Files.readAllBytes(receipts.resolve("gw-receipt-" + e.seq() + ".receipt"))).isEqualTo(e.receipt());
            });
            assertThat(ReceiptCodec.parse(b.records().get(0).receipt()).ledger().contract())
                    .isEqualToIgnoringCase(ledger.config().contract());

            String[] online = {"--rpc", ledger.config().rpcUrl(), "--contract", ledger.config().contract()};
            CliRun.Result verified = CliRun.run("proof", "verify", bundle.toString(), online[0], online[1], online[2], online[3]);
            assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
            assertThat(verified.out()).contains("ok    receipt 8: RFC 9942 receipt").contains("ok    receipt 12")
                    .contains("VALID (signatures, inclusion and on-chain anchors)");
            CliRun.Result verify = CliRun.run("verify", bundle.toString(), online[0], online[1], online[2], online[3]);
            assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
            assertThat(verify.out()).contains("receipt 10");

            // a receipt from another record of the same batch: its proof gives another root, the signature fails
            String json = Files.readString(bundle);
            String r9 = Base64.getUrlEncoder().withoutPadding().encodeToString(b.records().get(1).receipt());
            String r10 = Base64.getUrlEncoder().withoutPadding().encodeToString(b.records().get(2).receipt());
            Path tampered = dir.resolve("tampered.json");
            Files.writeString(tampered, json.replace(r10, r9));
            CliRun.Result bad = CliRun.run("proof", "verify", tampered.toString(), "--offline");
            assertThat(bad.exit()).as(bad.out()).isEqualTo(1);
            assertThat(bad.out()).contains("FAIL  receipt 10: receipt signature does not verify").contains("INVALID");
        }
        CliRun.Result noKey = CliRun.run("proof", "export", "--buffer", buffer.toString(), "--device", "gw-receipt",
                "--seq", "3", "-o", dir.resolve("x.json").toString(), "--passphrase", "file:" + pass);
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.err()).contains("apply with a device key only");
        CliRun.Result noPass = CliRun.run("proof", "export", "--buffer", buffer.toString(), "--device", "gw-receipt",
                "--seq", "3", "-o", dir.resolve("x.json").toString(), "--key-store", keyStore.toString());
        assertThat(noPass.exit()).isEqualTo(2);
        assertThat(noPass.err()).contains("signing receipts needs --passphrase");
        CliRun.Result overKey = CliRun.run("proof", "export", "--buffer", buffer.toString(), "--device", "gw-receipt",
                "--seq", "3", "-o", keyStore.toString(), "--key-store", keyStore.toString(), "--passphrase", "file:" + pass);
        assertThat(overKey.exit()).isNotZero();
        assertThat(Pkcs12KeyStore.open(keyStore, "device-pass".toCharArray()).publicKey()).isEqualTo(key.publicKey());
    }
}
