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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The single writer of a device chain. It takes plain readings from a bounded queue, gives each the
 * next seq, the previous record's chain hash and a fresh salt, signs it as COSE_Sign1 and commits a
 * group of records in one buffer transaction; each producer's future completes only after that
 * commit (group commit). If a commit fails, the group is refused and the chain head is left where
 * the buffer has it, so no seq is skipped and nothing unacknowledged is half-stored.
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
    private final ExecutorService executor;
    private final List<LongConsumer> commitListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean accepting = true;
    private volatile BufferException.Reason failing;
    private volatile Future<?> loop;

    public Sequencer(DeviceKey key, RecordBuffer buffer, Clock clock, SecureRandom random, ExecutorService executor,
            Options options) {
        this.deviceId = buffer.deviceId();
        this.key = key;
        this.protectedHeader = CoseSign1.protectedHeader(key);
        this.buffer = buffer;
        this.clock = clock;
        this.random = random;
        this.options = options;
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        this.executor = executor;
    }

    public synchronized Sequencer start() {
        if (loop == null) {
            loop = executor.submit(this::run);
        }
        return this;
    }

    /** Called with the last committed seq after every commit (uplink and batcher wake on it). */
    public void addCommitListener(LongConsumer listener) {
        commitListeners.add(listener);
    }

    @Override
    public CompletableFuture<Committed> submit(Reading reading) throws InterruptedException {
        if (!accepting) {
            throw new IllegalStateException("sequencer of " + deviceId + " is closed");
        }
        Pending p = new Pending(reading, new CompletableFuture<>());
        queue.put(p);
        Future<?> l = loop;
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

    public int queueDepth() {
        return queue.size();
    }

    private void run() {
        List<Pending> group = new ArrayList<>(options.maxGroup());
        CborWriter writer = new CborWriter(512);
        MessageDigest sha = io.certigate.core.model.RecordHashes.sha256();
        try {
            while (accepting || !queue.isEmpty()) {
                Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, options.maxGroup() - 1);
                commitGroup(group, writer, sha);
                group.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            failRemaining(group);
        }
    }

    private void commitGroup(List<Pending> group, CborWriter writer, MessageDigest sha) {
        ChainHead head = buffer.head();
        long seq = head.seq();
        byte[] prev = head.hash();
        List<StoredRecord.Signed> records = new ArrayList<>(group.size());
        List<Committed> results = new ArrayList<>(group.size());
        byte[] salt = new byte[ChainedReading.SALT_BYTES];
        try {
            for (Pending p : group) {
                random.nextBytes(salt);
                ChainedReading c = new ChainedReading(deviceId, ++seq, prev, salt, p.reading());
                byte[] cose = CoseSign1.sign(key, protectedHeader, ReadingCodec.encode(c, writer));
                prev = sha.digest(cose);
                records.add(new StoredRecord.Signed(seq, cose));
                results.add(new Committed(seq, prev, cose));
            }
            buffer.append(records, prev, clock.millis());
        } catch (BufferException e) {
            refuse(group, e);
            if (failing != e.reason()) {
                failing = e.reason();
                LOG.log(System.Logger.Level.ERROR, "readings refused: {0}", e.getMessage());
            }
            return;
        } catch (SigningException | RuntimeException e) {
            refuse(group, e);
            LOG.log(System.Logger.Level.ERROR, "readings refused: " + e.getMessage(), e);
            return;
        }
        if (failing != null) {
            LOG.log(System.Logger.Level.INFO, "buffer accepts readings again after {0}", failing);
            failing = null;
        }
        committed.addAndGet(group.size());
        for (int i = 0; i < group.size(); i++) {
            group.get(i).done().complete(results.get(i));
        }
        long last = seq;
        for (LongConsumer l : commitListeners) {
            try {
                l.accept(last);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "commit listener failed: " + e, e);
            }
        }
    }

    private void refuse(List<Pending> group, Exception e) {
        refused.addAndGet(group.size());
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
        Future<?> l;
        synchronized (this) {
            l = loop;
        }
        if (l != null) {
            try {
                l.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.log(System.Logger.Level.ERROR, "sequencer did not stop cleanly: " + e, e);
                l.cancel(true);
            }
        } else {
            failRemaining(new ArrayList<>());
        }
    }
}
