package io.certigate.testbed.time;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ScheduledExecutorService} on virtual time: nothing runs until the test calls
 * {@link #runDue()} or {@link #advance(Duration)}, and then every task runs on the calling thread,
 * one at a time, in the order of its due time (then of its submission). Time is a
 * {@link ManualClock}: advancing the scheduler moves the clock to each task's due time before
 * running it, then to the end of the step. A check that something does not happen is then exact:
 * after {@code runDue()} nothing is left that could still do it.
 *
 * <p>Any thread may submit (a core's callbacks come from other threads); tasks run only where time
 * is driven. A thread that waits on one of these futures ({@code get}) outside a task runs what is
 * due first, so that a core blocking on its own executor (a close that waits for its last task)
 * does not hang the test; if the task is still not done, an untimed {@code get} fails at once
 * rather than block forever, and a timed one times out.
 *
 * <p>Like {@code ScheduledThreadPoolExecutor}: an exception thrown by a task completes its future
 * exceptionally (and stops a periodic task); every such exception is also kept in
 * {@link #failures()}, so that those of tasks given to {@code execute}, which no one could see
 * otherwise, can be asserted on. {@link #shutdown()} refuses new tasks,
 * cancels periodic ones and keeps delayed one-shot ones (they still run when time reaches them);
 * {@link #shutdownNow()} drops everything.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    /** Tasks run by one {@link #runDue()} or {@link #advance} step at most: beyond it a task keeps re-submitting itself. */
    static final int MAX_RUNS_PER_STEP = 1_000_000;

    private final ManualClock clock;
    private final Object lock = new Object();
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    /** The thread running tasks now, or null. */
    private final java.util.concurrent.atomic.AtomicReference<Thread> driver = new java.util.concurrent.atomic.AtomicReference<>();
    private long sequence;
    private long executed;
    private boolean shutdown;

    /** A scheduler on a fresh {@link ManualClock}. */
    public ManualScheduler() {
        this(new ManualClock());
    }

    /** A scheduler that moves {@code clock}. */
    public ManualScheduler(ManualClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The clock this scheduler moves; give it to the cores it drives. */
    public ManualClock clock() {
        return clock;
    }

    // ------------------------------------------------------------------ driving time

    /** Runs every task due now, including those they submit for now; returns how many ran. */
    public int runDue() {
        return runUntil(clock.nanoTime());
    }

    /**
     * Moves time forward by {@code d}, running every task that falls due on the way at its due time
     * (the clock reads that time while it runs), then sets the clock to the end. Returns the number
     * of tasks run.
     */
    public int advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + d);
        }
        long end = clock.nanoTime() + d.toNanos();
        int n = runUntil(end);
        long now = clock.nanoTime();
        if (end > now) {
            clock.advance(Duration.ofNanos(end - now));
        }
        return n;
    }

    /** Moves time to the next due task and runs what is due then; returns 0 (and keeps time) if nothing is pending. */
    public int runNext() {
        Duration next = nextDelay();
        return next == null ? 0 : advance(next);
    }

    /** Tasks waiting to run (not cancelled), periodic ones counted once. */
    public int pending() {
        synchronized (lock) {
            purgeCancelled();
            return queue.size();
        }
    }

    /** Time until the next pending task is due (zero if one is due now), or null if none is pending. */
    public Duration nextDelay() {
        synchronized (lock) {
            purgeCancelled();
            Task<?> t = queue.peek();
            return t == null ? null : Duration.ofNanos(Math.max(0, t.due - clock.nanoTime()));
        }
    }

    /** Tasks run so far (each run of a periodic task counts). */
    public long executed() {
        synchronized (lock) {
            return executed;
        }
    }

    /** What tasks threw, in order. */
    public List<Throwable> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    private int runUntil(long end) {
        Thread me = Thread.currentThread();
        if (driver.get() == me) {
            throw new IllegalStateException("time is driven from inside a task of this scheduler");
        }
        if (!driver.compareAndSet(null, me)) {
            throw new IllegalStateException("time is driven from two threads at once");
        }
        int n = 0;
        try {
            while (true) {
                Task<?> t;
                synchronized (lock) {
                    purgeCancelled();
                    t = queue.peek();
                    if (t == null || t.due > end) {
                        return n;
                    }
                    queue.poll();
                    executed++;
                }
                long now = clock.nanoTime();
                if (t.due > now) {
                    clock.advance(Duration.ofNanos(t.due - now));
                }
                t.run();
                if (++n >= MAX_RUNS_PER_STEP) {
                    throw new IllegalStateException(n + " tasks in one step: a task keeps re-submitting itself");
                }
            }
        } finally {
            driver.set(null);
        }
    }

    private void purgeCancelled() {
        queue.removeIf(FutureTask::isCancelled);
    }

    // ------------------------------------------------------------------ ScheduledExecutorService

    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        if (command instanceof Task<?> t && t.owner() == this) { // from submit(): built by newTaskFor
            enqueue(t);
        } else {
            enqueue(new Task<Void>(Executors.callable(command, null), clock.nanoTime(), 0, true));
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(new Task<Void>(Executors.callable(command, null), at(delay, unit), 0, false));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(new Task<>(callable, at(delay, unit), 0, false));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("period must be > 0");
        }
        return enqueue(new Task<Void>(Executors.callable(command, null), at(initialDelay, unit), unit.toNanos(period),
                false));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        if (delay <= 0) {
            throw new IllegalArgumentException("delay must be > 0");
        }
        return enqueue(new Task<Void>(Executors.callable(command, null), at(initialDelay, unit), -unit.toNanos(delay),
                false));
    }

    @Override
    protected <T> java.util.concurrent.RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return new Task<>(callable, clock.nanoTime(), 0, false);
    }

    @Override
    protected <T> java.util.concurrent.RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return new Task<>(Executors.callable(runnable, value), clock.nanoTime(), 0, false);
    }

    private long at(long delay, TimeUnit unit) {
        return clock.nanoTime() + Math.max(0, unit.toNanos(delay));
    }

    private <T> Task<T> enqueue(Task<T> t) {
        synchronized (lock) {
            if (shutdown) {
                throw new RejectedExecutionException("scheduler is shut down");
            }
            t.seq = sequence++;
            queue.add(t);
        }
        return t;
    }

    @Override
    public void shutdown() {
        synchronized (lock) {
            shutdown = true;
            queue.removeIf(t -> {
                if (t.period != 0) {
                    t.cancel(false);
                    return true;
                }
                return false;
            });
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        synchronized (lock) {
            shutdown = true;
            purgeCancelled();
            List<Runnable> left = new ArrayList<>(queue);
            queue.clear();
            return left;
        }
    }

    @Override
    public boolean isShutdown() {
        synchronized (lock) {
            return shutdown;
        }
    }

    @Override
    public boolean isTerminated() {
        synchronized (lock) {
            purgeCancelled();
            return shutdown && queue.isEmpty();
        }
    }

    /** Runs what is due (outside a task) and tells whether that terminated the scheduler; never waits on real time. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        if (driver.get() == null) {
            runDue();
        }
        return isTerminated();
    }

    @Override
    public String toString() {
        return "ManualScheduler[" + clock.instant() + ", " + pending() + " pending]";
    }

    // ------------------------------------------------------------------ tasks

    private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
        private long due;
        private long seq;
        /** 0: one-shot; > 0: fixed rate; < 0: fixed delay (negated). */
        private final long period;
        private final boolean fromExecute;

        Task(Callable<V> callable, long due, long period, boolean fromExecute) {
            super(callable);
            this.due = due;
            this.period = period;
            this.fromExecute = fromExecute;
        }

        @Override
        public boolean isPeriodic() {
            return period != 0;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - clock.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            if (other == this) {
                return 0;
            }
            if (other instanceof Task<?> t) {
                int c = Long.compare(due, t.due);
                return c != 0 ? c : Long.compare(seq, t.seq);
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public void run() {
            if (!isPeriodic()) {
                super.run();
                return;
            }
            if (runAndReset()) {
                due = period > 0 ? due + period : clock.nanoTime() - period;
                synchronized (lock) {
                    if (!shutdown) {
                        seq = sequence++;
                        queue.add(this);
                        return;
                    }
                }
                cancel(false);
            }
        }

        @Override
        protected void setException(Throwable t) {
            failures.add(t);
            super.setException(t);
        }

        ManualScheduler owner() {
            return ManualScheduler.this;
        }

        /**
         * Runs what is due first when no thread drives the scheduler; fails rather than block when
         * the wait could only end by driving it from this very thread.
         */
        private boolean wouldHang() {
            if (isDone()) {
                return false;
            }
            Thread d = driver.get();
            if (d == null) {
                runDue();
                return !isDone();
            }
            return d == Thread.currentThread();
        }

        @Override
        public V get() throws InterruptedException, ExecutionException {
            if (wouldHang()) {
                throw new IllegalStateException("the task is due in " + Duration.ofNanos(getDelay(TimeUnit.NANOSECONDS))
                        + " of virtual time: advance the scheduler before waiting on it");
            }
            return super.get();
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            if (wouldHang()) {
                throw new TimeoutException("the task is due in " + Duration.ofNanos(getDelay(TimeUnit.NANOSECONDS))
                        + " of virtual time and nothing else drives the scheduler");
            }
            return super.get(timeout, unit);
        }

        @Override
        public String toString() {
            return "task due at +" + Duration.ofNanos(due - ManualClock.NANO_ORIGIN) + (fromExecute ? " (execute)" : "")
                    + (isPeriodic() ? " (periodic)" : "");
        }
    }

}
