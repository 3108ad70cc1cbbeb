package io.certigate.app.run;

import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;

/**
 * A stop request to {@code certigate run} (SIGTERM, SIGINT) and the exit status that follows it.
 *
 * <p>The JVM turns SIGTERM into a shutdown: it runs the shutdown hooks, then halts with 143. The
 * hook installed here marks the stop as requested, waits until the run has finished its orderly
 * stop ({@link #finish}), and halts the JVM with the run's own status: 0 for a stop that went as
 * planned. Start-up looks at {@link #checkpoint} between its steps, so a stop requested while the
 * gateway is starting ends the start-up instead of starting more. A SIGTERM that arrives before
 * {@link #install} (while the JVM itself starts, before anything is opened) still ends with 143;
 * docs/certigate.service counts 143 as a clean stop for that case.
 */
public final class StopSignal {
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final IntConsumer halt;
    private volatile int status = 1;
    private Thread hook;

    /** Thrown by {@link #checkpoint} once a stop was requested: start-up goes no further. */
    public static final class StopRequested extends Exception {
        private static final long serialVersionUID = 1L;
        private final String next;

        StopRequested(String next) {
            super("stop requested before " + next);
            this.next = next;
        }

        /** The step that was not started. */
        public String next() {
            return next;
        }
    }

    /** A signal whose hook halts the JVM through {@code halt} (tests pass their own). */
    StopSignal(IntConsumer halt) {
        this.halt = halt;
    }

    public static StopSignal forThisJvm() {
        return new StopSignal(Runtime.getRuntime()::halt);
    }

    /**
     * Installs the shutdown hook. Returns false when the JVM is already shutting down (a signal
     * came while it was starting): the stop is then requested and nothing should be started.
     */
    public boolean install() {
        try {
            Thread h = new Thread(this::onShutdown, "certigate-shutdown");
            Runtime.getRuntime().addShutdownHook(h);
            hook = h;
            return true;
        } catch (IllegalStateException shutdownInProgress) {
            requested.countDown();
            return false;
        }
    }

    /** The shutdown hook's work: request the stop, wait for the orderly stop, halt with its status. */
    void onShutdown() {
        requested.countDown();
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        halt.accept(status);
    }

    public boolean isRequested() {
        return requested.getCount() == 0;
    }

    /** Counted down when the stop is requested (for code that waits on a latch). */
    public CountDownLatch latch() {
        return requested;
    }

    /** Ends start-up when a stop was requested; {@code next} names the step that would come next. */
    public void checkpoint(String next) throws StopRequested {
        if (isRequested()) {
            throw new StopRequested(next);
        }
    }

    /** Waits for the stop request. */
    public void await() throws InterruptedException {
        requested.await();
    }

    /** The run is over with {@code exitStatus}: a waiting hook halts the JVM with it. */
    public void finish(int exitStatus) {
        status = exitStatus;
        finished.countDown();
    }

    /**
     * Removes the hook after a run that ended by itself (a configuration error, a source that
     * could not start, provisioning stopped), so that the JVM's later exit keeps its own status
     * instead of being halted with this run's, as when {@code run} is called in a process that
     * goes on (tests, the demo). During a shutdown the hook is already running and halts with
     * the status given to {@link #finish}.
     *
     * @return whether a hook was removed
     */
    public boolean uninstall() {
        Thread h = hook;
        if (h == null) {
            return false;
        }
        try {
            hook = null;
            return Runtime.getRuntime().removeShutdownHook(h);
        } catch (IllegalStateException shutdownInProgress) {
            return false;
        }
    }
}
