package io.certigate.app.bench;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.uplink.Backoff;
import io.certigate.uplink.BatchCodec;
import io.certigate.uplink.RecordBatch;
import io.certigate.uplink.UplinkTopics;
import io.certigate.uplink.mqtt.MqttUplink;
import io.certigate.uplink.mqtt.MqttUplinkOptions;
import io.certigate.uplink.mqtt.NoDelaySockets;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Publish throughput of the store-and-forward uplink against plain Paho, in one run and on one
 * broker: the uplink reads undelivered records from the SQLite buffer, batches them, publishes at
 * QoS 1 and marks each batch delivered (a buffer transaction) on its PUBACK; plain Paho publishes
 * the very same batch payloads at QoS 1 with the same in-flight window and no buffer. Records are
 * signed and committed before timing starts, and each buffer is checkpointed (closed and opened
 * again) so that the uplink starts from a backlog as after a restart. The two alternate in rounds
 * (each on its own buffer) so that both see the same machine load, after warm-up rounds so that
 * neither pays the JVM's class loading and compilation (the uplink's own code, run only in its
 * turns, needs a few rounds to be compiled); garbage is collected before each timed run. Both
 * clients have Nagle off ({@link NoDelaySockets}). Each timing, in nanoseconds, starts in the
 * connect callback and ends with the last PUBACK (plain) or the commit of the last delivery mark
 * (uplink). The ratio, uplink throughput / plain throughput, is the median of the rounds' ratios
 * (goal ≥ 0.8).
 *
 * <p>Beside the wall time, each turn's CPU time is taken: this JVM's (every thread: sending,
 * reading, marking, Paho's) and, when the broker is a process this JVM started, the broker's.
 * CPU time per record does not depend on how the two cores are shared with other work, so it
 * shows what the buffer costs even on a loaded machine.
 */
public final class UplinkBench {
    private static final String DEVICE = "bench-device";

    /**
     * The measured figures; rates and CPU times are over all measured rounds, the ratio is the
     * median of the rounds' ratios. CPU microseconds per record are this JVM's plus the broker's
     * (the broker's is 0 when the bench did not start it); {@code uplinkMarks} counts the delivery
     * mark transactions of the measured uplink turns; {@code readRecordsPerSecond} is the rate of
     * the uplink's read path alone (buffer rows cut into batch payloads, one thread, nothing sent),
     * a ceiling for the uplink, whose sending task does this work for every record.
     */
    public record Result(int records, int recordsPerBatch, int window, int rounds, int batches, long payloadBytes,
            double uplinkRecordsPerSecond, double plainRecordsPerSecond, double uplinkCpuMicrosPerRecord,
            double plainCpuMicrosPerRecord, long uplinkMarks, double readRecordsPerSecond, double ratio) {

        /** {@code key=value} pairs, {@code uplink_ratio} last. */
        public String line() {
            return String.format(Locale.ROOT, "records=%d batch=%d window=%d rounds=%d batches=%d payload_bytes=%d "
                    + "uplink_rps=%.0f plain_rps=%.0f uplink_cpu_us=%.3f plain_cpu_us=%.3f marks=%d read_rps=%.0f "
                    + "uplink_ratio=%.3f", records, recordsPerBatch, window, rounds, batches, payloadBytes,
                    uplinkRecordsPerSecond, plainRecordsPerSecond, uplinkCpuMicrosPerRecord, plainCpuMicrosPerRecord,
                    uplinkMarks, readRecordsPerSecond, ratio);
        }
    }

    /** One timed turn: wall seconds, CPU nanoseconds (JVM + broker) and, for the uplink, mark transactions. */
    private record Turn(double seconds, long cpuNanos, long marks) {}

    private UplinkBench() {}

    /**
     * Runs the bench against the broker at {@code brokerUrl}, keeping its files in {@code workDir}
     * (which must not hold an earlier run): {@code records} split over {@code rounds} rounds, each
     * timing the uplink and plain Paho on the same records in alternating order, after
     * {@code warmups} rounds of the same size that are not counted.
     */
    public static Result run(String brokerUrl, Path workDir, int records, int recordsPerBatch, int window, int rounds,
            int warmups, PrintStream progress) throws Exception {
        if (rounds < 1 || records < rounds) {
            throw new IllegalArgumentException("need at least one record per round");
        }
        if (warmups < 0) {
            throw new IllegalArgumentException("warm-up rounds must be >= 0");
        }
        SoftwareDeviceKey key = Pkcs12KeyStore.create(workDir.resolve("bench.p12"), CoseAlgorithm.EDDSA, DEVICE,
                "bench".toCharArray());
        ExecutorService seqExecutor = Executors.newSingleThreadExecutor();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        MqttUplinkOptions options = MqttUplinkOptions.defaults(brokerUrl, DEVICE)
                .withBatching(recordsPerBatch, window, 256 * 1024)
                .withReconnect(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
        BatchCodec codec = new BatchCodec(DEVICE, recordsPerBatch, 256 * 1024 - 64);
        int perRound = records / rounds;
        List<Double> ratios = new ArrayList<>();
        double uplinkSeconds = 0;
        double plainSeconds = 0;
        long uplinkCpu = 0;
        long plainCpu = 0;
        long marks = 0;
        double readSeconds = 0;
        int batchCount = 0;
        long bytes = 0;
        try {
            int total = warmups + rounds;
            progress.println("signing and committing " + (perRound * total) + " records in " + total
                    + " buffers (" + warmups + " for warm-up) ...");
            List<RecordBuffer> buffers = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                Path file = workDir.resolve("round-" + i + ".db");
                RecordBuffer b = RecordBuffer.open(file, RecordBuffer.Options.defaults(DEVICE));
                produce(key, b, perRound, seqExecutor);
                // closing checkpoints the WAL into the database file: the uplink starts from a
                // backlog as after a gateway restart, and does not pay the producer's checkpoint
                b.close();
                buffers.add(RecordBuffer.open(file, RecordBuffer.Options.defaults(DEVICE)));
            }
            for (int i = 0; i < total; i++) {
                RecordBuffer b = buffers.get(i);
                // the plain side's payloads, cut by the uplink's own read path, which is timed alone
                List<RecordBatch> batches = new ArrayList<>();
                long readStart = System.nanoTime();
                readBacklog(b, codec, recordsPerBatch, batches);
                double read = (System.nanoTime() - readStart) / 1e9;
                Turn up;
                Turn plain;
                if (i % 2 == 0) {
                    up = uplink(b, options, perRound, scheduler, key);
                    plain = plain(brokerUrl, batches, window);
                } else {
                    plain = plain(brokerUrl, batches, window);
                    up = uplink(b, options, perRound, scheduler, key);
                }
                b.close();
                double ratio = plain.seconds() / up.seconds();
                String figures = String.format(Locale.ROOT, "uplink %.0f records/s (%.3f µs CPU/record, %d marks), "
                        + "plain %.0f records/s (%.3f µs CPU/record), read alone %.0f records/s, ratio %.3f",
                        perRound / up.seconds(), up.cpuNanos() / 1e3 / perRound, up.marks(), perRound / plain.seconds(),
                        plain.cpuNanos() / 1e3 / perRound, perRound / read, ratio);
                if (i < warmups) {
                    progress.println("warm-up " + (i + 1) + ": " + figures);
                    continue;
                }
                progress.println("round " + (i - warmups + 1) + ": " + figures);
                ratios.add(ratio);
                uplinkSeconds += up.seconds();
                plainSeconds += plain.seconds();
                uplinkCpu += up.cpuNanos();
                plainCpu += plain.cpuNanos();
                marks += up.marks();
                readSeconds += read;
                batchCount += batches.size();
                bytes += batches.stream().mapToLong(x -> x.payload().length).sum();
            }
        } finally {
            seqExecutor.shutdownNow();
            scheduler.shutdownNow();
        }
        ratios.sort(null);
        double median = ratios.size() % 2 == 1 ? ratios.get(ratios.size() / 2)
                : (ratios.get(ratios.size() / 2 - 1) + ratios.get(ratios.size() / 2)) / 2;
        int measured = perRound * rounds;
        return new Result(measured, recordsPerBatch, window, rounds, batchCount, bytes, measured / uplinkSeconds,
                measured / plainSeconds, uplinkCpu / 1e3 / measured, plainCpu / 1e3 / measured, marks,
                measured / readSeconds, median);
    }

    /** Reads every undelivered record as the uplink's sending task does, batch by batch, into {@code out}. */
    private static void readBacklog(RecordBuffer buffer, BatchCodec codec, int recordsPerBatch, List<RecordBatch> out)
            throws Exception {
        long[] cursor = {0};
        BatchCodec.Cutter cutter = codec.cutter(out::add, seq -> {
            throw new IllegalStateException("bench record " + seq + " does not fit a message");
        });
        int n;
        do {
            n = buffer.forEachUndelivered(cursor[0], recordsPerBatch, (seq, cose, tomb) -> {
                cursor[0] = seq;
                cutter.add(seq, cose, tomb);
            });
            cutter.flush();
        } while (n == recordsPerBatch);
    }

    /**
     * CPU time so far of this JVM (all threads) and of the broker when this JVM started it
     * (a child process running mosquitto); the operating system counts it in clock ticks.
     */
    private static long cpuNanos() {
        long jvm = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        long broker = ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.endsWith("mosquitto")).orElse(false))
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
        return jvm + broker;
    }

    private static void produce(SoftwareDeviceKey key, RecordBuffer buffer, int n, ExecutorService executor)
            throws Exception {
        Sequencer sequencer = new Sequencer(key, buffer, Clock.systemUTC(), new SecureRandom(), executor,
                Sequencer.Options.DEFAULT).start();
        produce(sequencer, n);
        sequencer.close();
    }

    private static void produce(Sequencer sequencer, int n) throws Exception {
        List<CompletableFuture<ReadingSink.Committed>> done = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            done.add(sequencer.submit(new Reading(1_700_000_000_000L + i, TimeQuality.NTP, "obd", "vehicle.odometer",
                    "VF1BENCH000000001", ReadingValue.of(100_000 + i), "km")));
        }
        CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get();
    }

    /** Seconds from the uplink's connect to the commit of its last delivery mark. */
    private static Turn uplink(RecordBuffer buffer, MqttUplinkOptions options, int records,
            ScheduledExecutorService scheduler, SoftwareDeviceKey key) throws Exception {
        AtomicLong end = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        System.gc(); // neither side pays for the other's (or the set-up's) garbage
        long cpu = cpuNanos();
        try (MqttUplink uplink = new MqttUplink(buffer, key.certificateChain(), options, Clock.systemUTC(), scheduler,
                new SplittableRandom())) {
            uplink.onDelivered(through -> {
                if (through >= records && end.compareAndSet(0, System.nanoTime())) {
                    done.countDown();
                }
            });
            uplink.start();
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("uplink did not deliver within 10 minutes: " + uplink.stats()
                        + " " + uplink.lastError());
            }
            double seconds = (end.get() - uplink.connectedAtNanos()) / 1e9;
            cpu = cpuNanos() - cpu;
            if (buffer.stats().undelivered() != 0) {
                throw new IllegalStateException("buffer still holds undelivered records after the uplink run");
            }
            return new Turn(seconds, cpu, uplink.stats().markTransactions());
        }
    }

    /** Seconds from plain Paho's connect to its last PUBACK. */
    private static Turn plain(String url, List<RecordBatch> batches, int window) throws Exception {
        String topic = UplinkTopics.READINGS.topic(DEVICE);
        System.gc();
        long cpu = cpuNanos();
        MqttAsyncClient client = new MqttAsyncClient(url, "bench-plain-" + System.nanoTime(), new MemoryPersistence());
        try {
            // the uplink's client options where they bear on throughput: clean session, in-flight
            // limit, no Nagle (the uplink also registers a will and publishes a birth status)
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            o.setMaxInflight(window + 8);
            o.setSocketFactory(NoDelaySockets.plain());
            AtomicLong start = new AtomicLong();
            AtomicLong end = new AtomicLong();
            client.connect(o, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    start.set(System.nanoTime());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    // waitForCompletion throws
                }
            }).waitForCompletion(10_000);
            Semaphore slots = new Semaphore(window);
            AtomicInteger acked = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            IMqttActionListener release = new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    if (acked.incrementAndGet() == batches.size()) {
                        end.set(System.nanoTime());
                    }
                    slots.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    failure.compareAndSet(null, e);
                    slots.release();
                }
            };
            for (RecordBatch b : batches) {
                slots.acquire();
                client.publish(topic, b.payload(), 1, false, null, release);
            }
            slots.acquire(window);
            cpu = cpuNanos() - cpu;
            if (failure.get() != null) {
                throw new IllegalStateException("plain publishing failed: " + failure.get(), failure.get());
            }
            return new Turn((end.get() - start.get()) / 1e9, cpu, 0);
        } finally {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5000);
            }
            client.close();
        }
    }
}
