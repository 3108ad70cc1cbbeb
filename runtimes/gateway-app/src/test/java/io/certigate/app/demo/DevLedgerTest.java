package io.certigate.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.AnchorPipeline;
import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.anchor.testing.TestDevice;
import io.certigate.verifier.proof.BundleVerifier;
import io.certigate.verifier.proof.ProofBundleJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wiring the demo and the CLI use: a dev ledger from scratch, its settings file, the pipeline on a sequencer. */
@Tag("integration")
@Tag("realtime")
class DevLedgerTest {
    @TempDir
    Path dir;

    @Test
    void aDevLedgerAndThePipelineAnchorEverythingTheSequencerCommits() throws Exception {
        try (DevLedger ledger = DevLedger.start(dir.resolve("ledger"));
                TestDevice device = new TestDevice(dir, "dev-pipeline", Clock.systemUTC())) {
            LedgerSettings settings = LedgerSettings.load(dir.resolve("ledger/ledger.properties"));
            assertThat(settings.config()).isEqualTo(ledger.config());
            assertThat(settings.openAccount().address()).isEqualTo(ledger.account().address());
            assertThat(Files.readString(dir.resolve("ledger/ledger.properties"))).doesNotContain(
                    Files.readString(dir.resolve("ledger/ledger-account.pass")).strip());

            try (AnchorPipeline pipeline = new AnchorPipeline(device.buffer, settings.config(), settings.openAccount(),
                    new AnchorBatcher.Options(40, Duration.ofMinutes(10)), Clock.systemUTC()).start()) {
                device.sequencer.addCommitListener(pipeline.commitListener());
                device.produce(130);
                assertThat(pipeline.drain(Duration.ofSeconds(60))).isTrue();
                assertThat(pipeline.store().all()).extracting(Batch::size).containsExactly(40L, 40L, 40L, 10L);
                io.certigate.verifier.Verdict r = BundleVerifier.verify(ProofBundleJson.read(ProofBundleJson.write(
                        pipeline.exporter().export(1, 130, device.key.certificateChain()))), ledger.chain().rpcUrl(),
                        ledger.config().contract());
                assertThat(r.valid()).as(BundleVerifier.render(r)).isTrue();
            }
        }
    }
}
