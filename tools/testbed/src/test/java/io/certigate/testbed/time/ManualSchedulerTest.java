package io.certigate.testbed.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ManualSchedulerTest {
    private final ManualScheduler s = new ManualScheduler();
    private final List<String> log = new ArrayList<>();

    private long elapsedMs() {
        return Duration.between(ManualClock.DEFAULT_START, s.clock().instant()).toMillis();
    }

    @Test
    void nothingRunsUntilTimeIsDrivenThenOnTheCallingThreadInDueOrder() {
        Thread test = Thread.currentThread();
        s.schedule(() -> log.add("b@" + elapsedMs()), 20, TimeUnit.MILLISECONDS);
        s.schedule(() -> log.add("a@" + elapsedMs()), 10, TimeUnit.MILLISECONDS);
        s.execute(() -> log.add("now@" + elapsedMs() + (Thread.currentThread() == test ? " here" : " elsewhere")));
        s.schedule(() -> log.add("a2@" + elapsedMs()), 10, TimeUnit.MILLISECONDS);
        assertThat(log).isEmpty();
        assertThat(s.pending()).isEqualTo(4);

        assertThat(s.runDue()).isEqualTo(1);
        assertThat(log).containsExactly("now@0 here");
        assertThat(s.nextDelay()).isEqualTo(Duration.ofMillis(10));

        assertThat(s.advance(Duration.ofMillis(9))).isZero();
        assertThat(s.advance(Duration.ofMillis(15))).isEqualTo(3);
        assertThat(log).containsExactly("now@0 here", "a@10", "a2@10", "b@20"); // each ran at its own due time
        assertThat(elapsedMs()).isEqualTo(24);
        assertThat(s.pending()).isZero();
        assertThat(s.nextDelay()).isNull();
    }

    @Test
    void tasksSubmittedByTasksRunInTheSameStepWhenTheyFallDueWithinIt() {
        s.execute(() -> {
            log.add("first");
            s.execute(() -> log.add("chained now"));
            s.schedule(() -> log.add("chained +5"), 5, TimeUnit.MILLISECONDS);
        });
        assertThat(s.runDue()).isEqualTo(2);
        assertThat(log).containsExactly("first", "chained now");
        assertThat(s.runNext()).isEqualTo(1);
        assertThat(log).containsExactly("first", "chained now", "chained +5");
        assertThat(elapsedMs()).isEqualTo(5);
        assertThat(s.runNext()).isZero();
    }

    @Test
    void periodicTasksAtFixedRateAndWithFixedDelayRepeatUntilCancelled() {
        ScheduledFuture<?> rate = s.scheduleAtFixedRate(() -> log.add("r@" + elapsedMs()), 0, 100, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> delay = s.scheduleWithFixedDelay(() -> log.add("d@" + elapsedMs()), 50, 150,
                TimeUnit.MILLISECONDS);
        s.advance(Duration.ofMillis(349));
        assertThat(log).containsExactly("r@0", "d@50", "r@100", "d@200", "r@200", "r@300");
        assertThat(s.pending()).isEqualTo(2);
        assertThat(rate.getDelay(TimeUnit.MILLISECONDS)).isEqualTo(51);

        assertThat(rate.cancel(false)).isTrue();
        assertThat(s.pending()).isEqualTo(1);
        log.clear();
        s.advance(Duration.ofMillis(301));
        assertThat(log).containsExactly("d@350", "d@500", "d@650");
        delay.cancel(false);
        assertThat(s.pending()).isZero();
        assertThat(rate.isCancelled()).isTrue();
    }

    @Test
    void aCancelledTaskNeverRunsAndAFailingOneIsReported() throws Exception {
        ScheduledFuture<?> f = s.schedule(() -> log.add("cancelled"), 10, TimeUnit.MILLISECONDS);
        f.cancel(false);
        s.execute(() -> {
            throw new IllegalStateException("boom");
        });
        ScheduledFuture<?> periodic = s.scheduleAtFixedRate(() -> {
            log.add("tick");
            throw new IllegalArgumentException("once");
        }, 0, 10, TimeUnit.MILLISECONDS);
        s.advance(Duration.ofMillis(100));
        assertThat(log).containsExactly("tick"); // a periodic task that throws stops
        assertThat(s.failures()).extracting(Throwable::getMessage).containsExactly("boom", "once");
        assertThatThrownBy(periodic::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("once");
        assertThat(s.pending()).isZero();
    }

    @Test
    void waitingOnAFutureRunsWhatIsDueAndFailsRatherThanHangOnWhatIsNot() throws Exception {
        Future<String> due = s.submit(() -> "done");
        assertThat(due.get()).isEqualTo("done"); // as a core closing on its own executor does

        ScheduledFuture<String> later = s.schedule(() -> "later", 1, TimeUnit.SECONDS);
        assertThatThrownBy(later::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("advance");
        assertThatThrownBy(() -> later.get(5, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        s.advance(Duration.ofSeconds(1));
        assertThat(later.get()).isEqualTo("later");

        s.execute(() -> assertThatThrownBy(() -> s.runDue()).isInstanceOf(IllegalStateException.class));
        s.runDue();
        assertThat(s.failures()).isEmpty();
    }

    @Test
    void anotherThreadsWaitEndsWhenTheTestDrivesTime() throws Exception {
        ScheduledFuture<String> f = s.schedule(() -> "x", 30, TimeUnit.SECONDS);
        CountDownLatch started = new CountDownLatch(1);
        List<String> got = new ArrayList<>();
        s.execute(started::countDown);
        Thread waiter = new Thread(() -> {
            try {
                s.runDue(); // this thread drives first: nothing of 30 s is due
                got.add(f.isDone() ? "early" : "waiting");
            } catch (RuntimeException e) {
                got.add(e.toString());
            }
        });
        waiter.start();
        waiter.join();
        assertThat(started.getCount()).isZero();
        assertThat(got).containsExactly("waiting");
        s.advance(Duration.ofSeconds(30));
        assertThat(f.get()).isEqualTo("x");
    }

    @Test
    void shutdownRefusesNewTasksDropsPeriodicOnesAndKeepsDelayedOnes() {
        s.scheduleAtFixedRate(() -> log.add("periodic"), 10, 10, TimeUnit.MILLISECONDS);
        s.schedule(() -> log.add("delayed"), 20, TimeUnit.MILLISECONDS);
        s.shutdown();
        assertThat(s.isShutdown()).isTrue();
        assertThat(s.isTerminated()).isFalse();
        assertThatThrownBy(() -> s.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThat(s.awaitTermination(1, TimeUnit.SECONDS)).isFalse(); // never waits on real time
        s.advance(Duration.ofMillis(20));
        assertThat(log).containsExactly("delayed");
        assertThat(s.isTerminated()).isTrue();

        ManualScheduler other = new ManualScheduler(new ManualClock(Instant.EPOCH));
        other.schedule(() -> log.add("never"), 1, TimeUnit.MILLISECONDS);
        assertThat(other.shutdownNow()).hasSize(1);
        other.advance(Duration.ofSeconds(1));
        assertThat(log).containsExactly("delayed");
        assertThat(other.isTerminated()).isTrue();
    }

    @Test
    void aTaskThatKeepsResubmittingItselfIsReportedInsteadOfSpinningForever() {
        Runnable[] self = new Runnable[1];
        self[0] = () -> s.execute(self[0]);
        s.execute(self[0]);
        assertThatThrownBy(s::runDue).isInstanceOf(IllegalStateException.class).hasMessageContaining("re-submitting");
    }
}
