package io.certigate.meter.coap;

import io.certigate.core.model.Reading;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;

/**
 * {@code POST /<path>} with a SenML pack ({@code application/senml+json} 110 or
 * {@code application/senml+cbor} 112) from a sensor authenticated by its DTLS PSK identity.
 *
 * <table>
 *   <caption>Responses (diagnostic text payload on errors, RFC 7252 §5.5.2)</caption>
 *   <tr><td>2.04 Changed</td><td>stored, or a duplicate of a pack already stored (same sensor and seq)</td></tr>
 *   <tr><td>4.00 Bad Request</td><td>malformed JSON/CBOR/SenML, or a missing field (name, value, seq, unit)</td></tr>
 *   <tr><td>4.01 Unauthorized</td><td>no PSK identity on the request</td></tr>
 *   <tr><td>4.13 Request Entity Too Large</td><td>payload above the configured limit</td></tr>
 *   <tr><td>4.15 Unsupported Content-Format</td><td>content format absent or not 110/112</td></tr>
 *   <tr><td>4.22 Unprocessable Entity</td><td>unknown unit, wrong unit, unknown measurement, unsupported SenML version or must-understand field</td></tr>
 *   <tr><td>5.03 Service Unavailable</td><td>the gateway could not commit the readings in time; the sensor retries</td></tr>
 * </table>
 */
public final class SenmlIngestResource extends CoapResource {
    private static final System.Logger LOG = System.getLogger(SenmlIngestResource.class.getName());

    /** Counters for the operator. */
    public record Stats(long stored, long duplicates, long rejected, long readings) {}

    private final ReadingSink sink;
    private final SensorSequences sequences;
    private final Clock clock;
    private final int maxPayload;
    private final Duration commitTimeout;
    private final TimeQuality sensorClockQuality;
    private final TimeQuality gatewayClockQuality;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong readings = new AtomicLong();

    public SenmlIngestResource(String path, ReadingSink sink, SensorSequences sequences, Clock clock, int maxPayload,
            Duration commitTimeout, TimeQuality sensorClockQuality, TimeQuality gatewayClockQuality) {
        super(path);
        this.sink = sink;
        this.sequences = sequences;
        this.clock = clock;
        this.maxPayload = maxPayload;
        this.commitTimeout = commitTimeout;
        this.sensorClockQuality = sensorClockQuality;
        this.gatewayClockQuality = gatewayClockQuality;
        getAttributes().setTitle("SenML sensor readings");
        getAttributes().addContentType(MediaTypeRegistry.APPLICATION_SENML_JSON);
        getAttributes().addContentType(MediaTypeRegistry.APPLICATION_SENML_CBOR);
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        Principal peer = exchange.advanced().getRequest().getSourceContext().getPeerIdentity();
        if (!(peer instanceof PreSharedKeyIdentity psk)) {
            reject(exchange, ResponseCode.UNAUTHORIZED, "?", "a DTLS pre-shared-key identity is required");
            return;
        }
        String sensor = psk.getIdentity();
        byte[] payload = exchange.getRequestPayload();
        if (payload.length > maxPayload) {
            reject(exchange, ResponseCode.REQUEST_ENTITY_TOO_LARGE, sensor, "payload of " + payload.length + " bytes exceeds " + maxPayload);
            return;
        }
        int format = exchange.getRequestOptions().getContentFormat();
        SenmlReadings.Pack pack;
        try {
            List<SenmlRecord> records;
            if (format == MediaTypeRegistry.APPLICATION_SENML_JSON) {
                records = SenmlDecoder.decodeJson(payload);
            } else if (format == MediaTypeRegistry.APPLICATION_SENML_CBOR) {
                records = SenmlDecoder.decodeCbor(payload);
            } else {
                reject(exchange, ResponseCode.UNSUPPORTED_CONTENT_FORMAT, sensor, "content format " + format
                        + " is not application/senml+json (110) or application/senml+cbor (112)");
                return;
            }
            pack = SenmlReadings.map(sensor, records, clock.instant(), sensorClockQuality, gatewayClockQuality);
        } catch (SenmlException e) {
            ResponseCode code = e.problem() == SenmlException.Problem.MALFORMED
                    || e.problem() == SenmlException.Problem.MISSING_FIELD ? ResponseCode.BAD_REQUEST : ResponseCode.UNPROCESSABLE_ENTITY;
            reject(exchange, code, sensor, e.problem().name().toLowerCase().replace('_', ' ') + ": " + e.getMessage());
            return;
        }
        store(exchange, sensor, pack);
    }

    private void store(CoapExchange exchange, String sensor, SenmlReadings.Pack pack) {
        synchronized (locks.computeIfAbsent(sensor, k -> new Object())) {
            try {
                if (sequences.seen(sensor, pack.sequence())) {
                    duplicates.incrementAndGet();
                    exchange.respond(ResponseCode.CHANGED, "duplicate seq " + pack.sequence() + ", already stored");
                    return;
                }
                List<CompletableFuture<ReadingSink.Committed>> futures = new ArrayList<>();
                for (Reading r : pack.readings()) {
                    futures.add(sink.submit(r));
                }
                CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                        .get(commitTimeout.toMillis(), TimeUnit.MILLISECONDS);
                sequences.commit(sensor, pack.sequence());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unavailable(exchange, sensor, "interrupted");
                return;
            } catch (ExecutionException | TimeoutException | java.io.IOException | IllegalStateException e) {
                unavailable(exchange, sensor, e.toString());
                return;
            }
        }
        stored.incrementAndGet();
        readings.addAndGet(pack.readings().size());
        exchange.respond(ResponseCode.CHANGED, "stored " + pack.readings().size() + " readings, seq " + pack.sequence());
    }

    private void unavailable(CoapExchange exchange, String sensor, String why) {
        LOG.log(System.Logger.Level.WARNING, "SenML pack from {0} not committed: {1}",
                io.certigate.core.io.LogText.escape(sensor), io.certigate.core.io.LogText.escape(why));
        exchange.setMaxAge(5);
        exchange.respond(ResponseCode.SERVICE_UNAVAILABLE, "readings not committed, retry later");
    }

    private void reject(CoapExchange exchange, ResponseCode code, String sensor, String diagnostic) {
        rejected.incrementAndGet();
        LOG.log(System.Logger.Level.WARNING, "SenML pack from {0} rejected with {1}: {2}",
                io.certigate.core.io.LogText.escape(sensor), code, io.certigate.core.io.LogText.escape(diagnostic));
        exchange.respond(code, diagnostic);
    }

    public Stats stats() {
        return new Stats(stored.get(), duplicates.get(), rejected.get(), readings.get());
    }
}
