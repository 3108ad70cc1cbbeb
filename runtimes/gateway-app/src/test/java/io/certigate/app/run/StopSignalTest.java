package io.certigate.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The stop request and the status the shutdown hook halts with; the stop message's backlog line. */
@Tag("unit")
class StopSignalTest {

    @Test
    void theHookRequestsTheStopWaitsForTheOrderlyStopAndHaltsWithItsStatus() throws Exception {
        CompletableFuture<Integer> halted = new CompletableFuture<>();
        StopSignal signal = new StopSignal(halted::complete);
        signal.checkpoint("opening the buffer"); // nothing requested yet: start-up goes on
        Thread hook = new Thread(signal::onShutdown);
        hook.start();
        signal.await(); // returns once the hook has requested the stop
        assertThat(signal.isRequested()).isTrue();
        assertThatThrownBy(() -> signal.checkpoint("starting the anchoring"))
                .isInstanceOf(StopSignal.StopRequested.class).hasMessage("stop requested before starting the anchoring")
                .extracting(e -> ((StopSignal.StopRequested) e).next()).isEqualTo("starting the anchoring");
        assertThat(halted).as("the hook waits for the orderly stop").isNotDone();
        signal.finish(0);
        assertThat(halted.get(10, TimeUnit.SECONDS)).isZero();
        hook.join(10_000);
    }

    @Test
    void aRunThatEndedByItselfLeavesNoHookThatWouldHaltTheJvmLater() {
        StopSignal signal = StopSignal.forThisJvm();
        assertThat(signal.install()).isTrue();
        signal.finish(2); // e.g. a configuration error
        assertThat(signal.uninstall()).as("the hook was registered and is removed").isTrue();
        assertThat(signal.uninstall()).as("nothing left to remove").isFalse();
    }

    @Test
    void aFailedStopHaltsWithItsOwnStatus() throws Exception {
        CompletableFuture<Integer> halted = new CompletableFuture<>();
        StopSignal signal = new StopSignal(halted::complete);
        signal.finish(1);
        signal.onShutdown();
        assertThat(halted.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void theBacklogLineNamesEachPartAndSaysWhetherAnythingResumes() {
        assertThat(new Backlog(12, true, 1, 2).describe()).isEqualTo("left for the next start: 12 committed records"
                + " not yet delivered, 1 record not yet in an anchor batch, 2 batches not yet anchored; the next start"
                + " resumes from the buffer (a stop does not wait for delivery or anchoring)");
        assertThat(new Backlog(1, false, -1, -1).describe())
                .isEqualTo("left for the next start: 1 committed record not yet delivered (no uplink configured); anchoring off");
        assertThat(new Backlog(0, true, 0, 1).describe()).isEqualTo("left for the next start: 0 committed records not yet"
                + " delivered, 0 records not yet in an anchor batch, 1 batch not yet anchored; the next start resumes from"
                + " the buffer (a stop does not wait for delivery or anchoring)");
        assertThat(new Backlog(0, true, 0, 0).describe()).isEqualTo("left for the next start: 0 committed records not yet"
                + " delivered, 0 records not yet in an anchor batch, 0 batches not yet anchored");
    }
}
