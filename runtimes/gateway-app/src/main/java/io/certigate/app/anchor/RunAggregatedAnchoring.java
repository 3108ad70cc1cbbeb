package io.certigate.app.anchor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certigate.anchor.AnchorSettings;
import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.statement.AggregatedAnchorer;
import io.certigate.app.run.RunConfig;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.signing.DeviceKey;
import io.certigate.uplink.UplinkTopics;
import io.certigate.uplink.mqtt.MqttUplink;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Aggregated anchoring as a component of {@code certigate run} ({@code anchor.mode = aggregated},
 * issue #17): the gateway sends no ledger transaction. Its batches are cut as in direct mode, each
 * is stated by {@link AggregatedAnchorer} (chained statements kept in the buffer), the statements are
 * published on the MQTT uplink's connection on {@code certigate/v1/<device>/statements} (QoS 1),
 * again after each reconnect and every {@code anchor.statement-resend-s} while unreceipted, and the
 * fleet's receipts are taken from {@code certigate/v1/<device>/receipts}: each is checked against the
 * fleet certificate's key and marks its batches anchored. One task every second does the cutting,
 * stating and publishing.
 */
public final class RunAggregatedAnchoring implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RunAggregatedAnchoring.class.getName());
    static final long TICK_MS = 1_000;

    private final AggregatedAnchorer anchorer;
    private final AnchorBatcher batcher;
    private final BatchStore store;
    private final MqttUplink uplink;
    private final String topic;
    private final Clock clock;
    private final long resendMs;
    private final Map<Long, Long> publishedAt = new HashMap<>();
    private final AtomicLong receipts = new AtomicLong();
    private volatile boolean resendAll = true;
    private ScheduledFuture<?> task;

    RunAggregatedAnchoring(RecordBuffer buffer, DeviceKey key, PublicKey fleetKey, AnchorBatcher.Options batching,
            Duration resend, MqttUplink uplink, Clock clock) throws io.certigate.core.buffer.BufferException {
        this.store = new BatchStore(buffer);
        this.batcher = new AnchorBatcher(store, batching, clock);
        this.anchorer = new AggregatedAnchorer(store, key, buffer.deviceId(), fleetKey, clock);
        this.uplink = uplink;
        this.topic = UplinkTopics.STATEMENTS.topic(buffer.deviceId());
        this.clock = clock;
        this.resendMs = resend.toMillis();
        uplink.subscribe(UplinkTopics.RECEIPTS.topic(buffer.deviceId()), (t, payload) -> receipt(payload));
        uplink.onSession(() -> resendAll = true);
    }

    /** Whether {@code anchor.mode} is {@code aggregated}. */
    public static boolean configured(RunConfig.Values values) {
        return "aggregated".equals(values.get(AnchorSettings.MODE.key(), AnchorSettings.MODE.defaultValue()).trim());
    }

    /**
     * Checks the aggregated mode's settings and prepares it on {@code uplink} (which must not be started
     * yet, so that the receipts' subscription is in its first session); {@link #start} runs it.
     *
     * @param uplink the MQTT uplink, or null when none is configured (an error naming the keys)
     */
    public static RunAggregatedAnchoring prepare(RunConfig.Values values, RecordBuffer buffer, DeviceKey key,
            MqttUplink uplink, Clock clock) throws RunConfig.ConfigException, IOException,
            io.certigate.core.buffer.BufferException {
        String origin = values.origin();
        if (uplink == null) {
            throw new RunConfig.ConfigException(origin + ": " + AnchorSettings.MODE.key() + " = aggregated needs the MQTT"
                    + " uplink (uplink.mqtt.url, uplink.mqtt.*): statements go out and receipts come back on it");
        }
        if (!values.get(AnchorSettings.LEDGER.key(), "").isBlank()) {
            throw new RunConfig.ConfigException(origin + ": " + AnchorSettings.LEDGER.key() + " and "
                    + AnchorSettings.MODE.key() + " = aggregated exclude each other: in aggregated mode the fleet"
                    + " anchors, the gateway sends no ledger transaction");
        }
        Path cert = values.path(AnchorSettings.FLEET_CERTIFICATE.key());
        PublicKey fleetKey;
        try (InputStream in = Files.newInputStream(cert)) {
            fleetKey = CertificateFactory.getInstance("X.509").generateCertificate(in).getPublicKey();
        } catch (CertificateException e) {
            throw new RunConfig.ConfigException(origin + ": " + AnchorSettings.FLEET_CERTIFICATE.key() + " = " + cert
                    + ": not a certificate: " + e.getMessage());
        }
        AnchorBatcher.Options batching = new AnchorBatcher.Options(values.wholeInt(AnchorSettings.BATCH_SIZE),
                Duration.ofSeconds(values.whole(AnchorSettings.BATCH_AGE_S)));
        return new RunAggregatedAnchoring(buffer, key, fleetKey, batching,
                Duration.ofSeconds(values.whole(AnchorSettings.RESEND_S)), uplink, clock);
    }

    /** Starts the cutting, stating and publishing task on {@code scheduler}. */
    public RunAggregatedAnchoring start(ScheduledExecutorService scheduler, PrintStream out) {
        task = scheduler.scheduleWithFixedDelay(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
        out.println("certigate run: aggregated anchoring, statements on " + topic);
        return this;
    }

    private void tick() {
        try {
            batcher.cutRipe();
            synchronized (anchorer) {
                anchorer.step();
            }
            boolean all = resendAll;
            resendAll = false;
            long now = clock.millis();
            java.util.List<AggregatedAnchorer.Stated> open = unreceipted();
            publishedAt.keySet().retainAll(open.stream().map(AggregatedAnchorer.Stated::batchId)
                    .collect(java.util.stream.Collectors.toSet()));
            for (AggregatedAnchorer.Stated s : open) {
                Long at = publishedAt.get(s.batchId());
                if (all || at == null || now - at >= resendMs) {
                    publishedAt.put(s.batchId(), now);
                    uplink.publish(topic, s.cose()).whenComplete((ok, e) -> {
                        if (e != null) {
                            resendAll = true; // not acknowledged: the next tick publishes again
                        }
                    });
                }
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "aggregated anchoring: " + e.getMessage(), e);
        }
    }

    private java.util.List<AggregatedAnchorer.Stated> unreceipted() throws io.certigate.core.buffer.BufferException {
        synchronized (anchorer) {
            return anchorer.unreceipted();
        }
    }

    private void receipt(byte[] payload) {
        try {
            JsonNode j = new ObjectMapper().readTree(payload);
            AggregatedAnchorer.Outcome o;
            synchronized (anchorer) {
                o = anchorer.accept(Base64.getUrlDecoder().decode(j.get("statement").asText()),
                        Base64.getUrlDecoder().decode(j.get("receipt").asText()));
            }
            if (o == AggregatedAnchorer.Outcome.ANCHORED) {
                receipts.incrementAndGet();
            } else if (o != AggregatedAnchorer.Outcome.DUPLICATE) {
                LOG.log(System.Logger.Level.WARNING, "receipt refused: " + o);
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "receipt not taken: " + e.getMessage());
        }
    }

    /** The batches and the statements of this gateway. */
    public BatchStore store() {
        return store;
    }

    public AggregatedAnchorer anchorer() {
        return anchorer;
    }

    /** Receipts that marked batches anchored since the start. */
    public long receipts() {
        return receipts.get();
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
