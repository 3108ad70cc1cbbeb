package io.certigate.core.sequencer;

import io.certigate.cbor.CborWriter;
import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.ChainHead;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.SigningException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The single writer of a device chain. It takes plain readings from a bounded queue, gives each the
 * next seq, the previous record's chain hash and a fresh salt, signs it as COSE_Sign1 and commits a
 * group of records in one buffer transaction; each producer's future completes only after that
 * commit (group commit). Signing the next group overlaps the commit (and its fsync) of the previous
 * one. If a commit fails, that group and any group signed on top of it are refused and the chain
 * continues from the buffer's head, so no seq is skipped and nothing unacknowledged is stored.
 *
 * <p>The two stages (signing, committing) are long-running tasks, each on an executor the caller
 * gives; the sequencer starts no thread of its own. They block on their queues: give each stage a
 * thread of its own (two threads if both executors are the same pool).
 */
public final class Sequencer implements ReadingSink, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Sequencer.class.getName());

    /**
     * @param queueCapacity readings waiting at most; producers block beyond it
     * @param maxGroup      readings committed per transaction at most
     */
    public record Options(int queueCapacity, int maxGroup) {
        public static final Options DEFAULT = new Options(4096, 512);

        public Options {
            if (queueCapacity < 1 || maxGroup < 1) {
                throw new IllegalArgumentException("queue capacity and group size must be >= 1");
            }
        }
    }

    private record Pending(Reading reading, CompletableFuture<Committed> done) {}

    private final String deviceId;
    private final DeviceKey key;
    private final byte[] protectedHeader;
    private final RecordBuffer buffer;
    private final Clock clock;
    private final SecureRandom random;
    private final Options options;
    private final BlockingQueue<Pending> queue;
    private final Executor signing;
    private final Executor committing;
    private final BlockingQueue<SignedGroup> toCommit = new ArrayBlockingQueue<>(1);
    private final CountDownLatch committerDone = new CountDownLatch(1);
    private volatile Thread signingThread;
    private volatile Thread commitThread;
    private final List<LongConsumer> commitListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> perSource =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> perAlert =
            new java.util.concurrent.ConcurrentHashMap<>();
    private volatile String lastError;
    private volatile String lastRefusalReason;
    private volatile long lastRefusalMs;
    private volatile boolean accepting = true;
    private volatile BufferException.Reason failing;
    private volatile long epoch;
    private volatile CompletableFuture<Void> loop;
    private volatile java.util.function.UnaryOperator<Reading> stamp = java.util.function.UnaryOperator.identity();

    /**
     * The signing stage runs on {@code executor}, the commit stage on a thread of its own named
     * {@code sequencer-commit-<device>}: what the runtimes use.
     */
    public Sequencer(DeviceKey key, RecordBuffer buffer, Clock clock, SecureRandom random, ExecutorService executor,
            Options options) {
        this(key, buffer, clock, random, executor,
                r -> new Thread(r, "sequencer-commit-" + buffer.deviceId()).start(), options);
    }

    /**
     * @param signing    runs the signing stage (one long-running task) from {@link #start()} to {@link #close()}
     * @param committing runs the commit stage (one long-running task) alongside it
     */
    public Sequencer(DeviceKey key, RecordBuffer buffer, Clock clock, SecureRandom random, Executor signing,
            Executor committing, Options options) {
        this.deviceId = buffer.deviceId();
        this.key = key;
        this.protectedHeader = CoseSign1.protectedHeader(key);
        this.buffer = buffer;
        this.clock = clock;
        this.random = random;
        this.options = options;
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        this.signing = signing;
        this.committing = committing;
    }

    /** Hands the two stages to their executors (once). */
    public synchronized Sequencer start() {
        if (loop == null) {
            committing.execute(this::commitLoop);
            CompletableFuture<Void> l = new CompletableFuture<>();
            try {
                signing.execute(() -> {
                    try {
                        run();
                    } finally {
                        l.complete(null);
                    }
                });
            } catch (RuntimeException e) {
                stopCommitter();
                throw e;
            }
            loop = l;
        }
        return this;
    }

    /** Called with the last committed seq after every commit (uplink and batcher wake on it). */
    public void addCommitListener(LongConsumer listener) {
        commitListeners.add(listener);
    }

    /** Stops calling a listener added before (a component going away). */
    public void removeCommitListener(LongConsumer listener) {
        commitListeners.remove(listener);
    }

    /**
     * Sets the step every submitted reading goes through before it is queued, on the submitting
     * thread: a GNSS receiver's time quality and position ({@code io.certigate.gnss.GnssService#stamp}).
     * It must be fast, never block and never throw; the identity by default.
     */
    public void stampWith(java.util.function.UnaryOperator<Reading> step) {
        this.stamp = java.util.Objects.requireNonNull(step, "step");
    }

    @Override
    public CompletableFuture<Committed> submit(Reading reading) throws InterruptedException {
        if (!accepting) {
            throw new IllegalStateException("sequencer of " + deviceId + " is closed");
        }
        Pending p = new Pending(stamp.apply(reading), new CompletableFuture<>());
        queue.put(p);
        CompletableFuture<Void> l = loop;
        if (!accepting && l != null && l.isDone()) {
            failRemaining(new ArrayList<>()); // closed while we were blocked: never leave a future hanging
        }
        return p.done();
    }

    public long committedCount() {
        return committed.get();
    }

    public long refusedCount() {
        return refused.get();
    }

    /** Committed readings by source id. */
    public java.util.Map<String, Long> committedBySource() {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        perSource.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /**
     * Committed readings that carry an alert flag ({@link Reading#isAlert}, such as
     * {@code rollback-suspected}), by flag. Flags are the adapters' own constants, a bounded set.
     */
    public java.util.Map<String, Long> alertsByKind() {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        perAlert.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /**
     * Why the last readings were refused, as a short fixed code for operators: the buffer's reason
     * ({@code capacity}, {@code disk_full}, {@code refused_file}, {@code io}), {@code signing}, or
     * {@code internal}; null if none was refused since start.
     */
    public String lastRefusalReason() {
        return lastRefusalReason;
    }

    /** Clock time (epoch ms) of the last refusal, 0 if none. */
    public long lastRefusalMillis() {
        return lastRefusalMs;
    }

    /** The message of the last refusal, or null. */
    public String lastError() {
        return lastError;
    }

    public int queueDepth() {
        return queue.size();
    }

    /** A signed group on its way to the committer, with the epoch it was signed in. */
    private record SignedGroup(List<Pending> pending, List<StoredRecord.Signed> records, List<Committed> results,
            byte[] lastHash, long epoch) {}

    private static final SignedGroup END = new SignedGroup(List.of(), List.of(), List.of(), null, -1);

    /**
     * The signing stage: assigns seq and prev from the speculative head (the last record signed),
     * signs, and hands the group to the commit stage, which runs while the next group is signed.
     * After a failed commit the epoch changes, the speculative head is reset to the buffer's, and
     * groups signed on top of the failed one are refused rather than stored.
     */
    private void run() {
        signingThread = Thread.currentThread();
        List<Pending> group = new ArrayList<>(options.maxGroup());
        CborWriter writer = new CborWriter(512);
        MessageDigest sha = io.certigate.core.model.RecordHashes.sha256();
        long signedEpoch = epoch;
        ChainHead head = buffer.head();
        long seq = head.seq();
        byte[] prev = head.hash();
        try {
            while (accepting || !queue.isEmpty()) {
                Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, options.maxGroup() - 1);
                if (signedEpoch != epoch) {
                    signedEpoch = epoch;
                    head = buffer.head();
                    seq = head.seq();
                    prev = head.hash();
                }
                List<StoredRecord.Signed> records = new ArrayList<>(group.size());
                List<Committed> results = new ArrayList<>(group.size());
                byte[] salt = new byte[ChainedReading.SALT_BYTES];
                long s0 = seq;
                byte[] p0 = prev;
                try {
                    for (Pending p : group) {
                        random.nextBytes(salt);
                        ChainedReading c = new ChainedReading(deviceId, ++seq, prev, salt, p.reading());
                        byte[] cose = CoseSign1.sign(key, protectedHeader, ReadingCodec.encode(c, writer));
                        prev = sha.digest(cose);
                        records.add(new StoredRecord.Signed(seq, cose));
                        results.add(new Committed(seq, prev, cose));
                    }
                } catch (SigningException | RuntimeException e) {
                    refuse(group, e);
                    LOG.log(System.Logger.Level.ERROR, "readings refused: " + e.getMessage(), e);
                    seq = s0;
                    prev = p0;
                    group = new ArrayList<>(options.maxGroup());
                    continue;
                }
                toCommit.put(new SignedGroup(group, records, results, prev, signedEpoch));
                group = new ArrayList<>(options.maxGroup());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            failRemaining(group);
            stopCommitter();
            signingThread = null;
        }
    }

    /** Lets the commit stage finish what it holds and waits for it to end. */
    private void stopCommitter() {
        try {
            toCommit.put(END);
            committerDone.await();
        } catch (InterruptedException e) {
            Thread c = commitThread;
            if (c != null) {
                c.interrupt();
            }
            Thread.currentThread().interrupt();
        }
    }

    private void commitLoop() {
        commitThread = Thread.currentThread();
        try {
            for (SignedGroup g = toCommit.take(); g != END; g = toCommit.take()) {
                commit(g);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            commitThread = null;
            committerDone.countDown();
        }
    }

    private void commit(SignedGroup g) {
        if (g.epoch() != epoch) {
            refuse(g.pending(), new BufferException(failingReason(), buffer.file(),
                    "readings refused: signed on top of a group the buffer refused", null));
            return;
        }
        try {
            buffer.append(g.records(), g.lastHash(), clock.millis());
        } catch (BufferException e) {
            epoch++;
            refuse(g.pending(), e);
            if (failing != e.reason()) {
                failing = e.reason();
                LOG.log(System.Logger.Level.ERROR, "readings refused: {0}", e.getMessage());
            }
            return;
        } catch (RuntimeException e) {
            epoch++;
            refuse(g.pending(), e);
            LOG.log(System.Logger.Level.ERROR, "readings refused: " + e.getMessage(), e);
            return;
        }
        if (failing != null) {
            LOG.log(System.Logger.Level.INFO, "buffer accepts readings again after {0}", failing);
            failing = null;
        }
        committed.addAndGet(g.pending().size());
        for (int i = 0; i < g.pending().size(); i++) {
            Pending p = g.pending().get(i);
            perSource.computeIfAbsent(p.reading().source(), k -> new java.util.concurrent.atomic.LongAdder()).increment();
            for (String flag : p.reading().flags()) {
                if (Reading.isAlert(flag)) {
                    perAlert.computeIfAbsent(flag, k -> new java.util.concurrent.atomic.LongAdder()).increment();
                }
            }
            p.done().complete(g.results().get(i));
        }
        long last = g.records().get(g.records().size() - 1).seq();
        for (LongConsumer l : commitListeners) {
            try {
                l.accept(last);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "commit listener failed: " + e, e);
            }
        }
    }

    private BufferException.Reason failingReason() {
        BufferException.Reason r = failing;
        return r == null ? BufferException.Reason.IO : r;
    }

    private void refuse(List<Pending> group, Exception e) {
        refused.addAndGet(group.size());
        lastError = e.getMessage();
        lastRefusalMs = clock.millis();
        lastRefusalReason = e instanceof BufferException b ? b.reason().name().toLowerCase(java.util.Locale.ROOT)
                : e instanceof SigningException ? "signing" : "internal";
        for (Pending p : group) {
            p.done().completeExceptionally(e);
        }
    }

    private void failRemaining(List<Pending> group) {
        IllegalStateException closed = new IllegalStateException("sequencer of " + deviceId + " stopped");
        group.forEach(p -> p.done().completeExceptionally(closed));
        Pending p;
        while ((p = queue.poll()) != null) {
            p.done().completeExceptionally(closed);
        }
    }

    /** Stops accepting, commits what is queued, then returns. Does not close the buffer. */
    @Override
    public void close() throws InterruptedException {
        accepting = false;
        CompletableFuture<Void> l;
        synchronized (this) {
            l = loop;
        }
        if (l != null) {
            try {
                l.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.log(System.Logger.Level.ERROR, "sequencer did not stop cleanly: " + e, e);
                Thread t = signingThread;
                if (t != null) {
                    t.interrupt();
                }
            }
        } else {
            failRemaining(new ArrayList<>());
        }
    }
}
