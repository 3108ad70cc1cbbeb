package io.certigate.uplink;

import java.util.function.Consumer;

/**
 * Where a {@link ForwardingPump} hands its batches: an MQTT or a CoAP client. Small on purpose:
 * the pump owns ordering, the in-flight window and delivery marking; a transport only sends.
 */
public interface BatchTransport {

    /** Bytes a batch payload may take at most on this transport. */
    int maxPayloadBytes();

    /**
     * Sends {@code batch} without blocking. {@code done} is called exactly once, from any thread:
     * with null once the peer acknowledged the batch (MQTT PUBACK, CoAP 2.xx), or with the
     * failure.
     *
     * @throws UplinkException when the batch cannot even be handed over (not connected)
     */
    void send(RecordBatch batch, Consumer<Throwable> done) throws UplinkException;
}
