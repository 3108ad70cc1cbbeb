package io.certigate.core.sequencer;

import io.certigate.core.model.Reading;
import java.util.concurrent.CompletableFuture;

/** Where source adapters hand their plain readings. */
public interface ReadingSink {

    /**
     * Queues a reading for sequencing, blocking while the queue is full (back-pressure). The future
     * completes with the committed record once it is durable, or exceptionally with a
     * {@link io.certigate.core.buffer.BufferException} when the buffer refused it.
     *
     * @throws IllegalStateException when the sink is closed
     */
    CompletableFuture<Committed> submit(Reading reading) throws InterruptedException;

    /** A reading's place in the chain once durably committed. */
    record Committed(long seq, byte[] chainHash, byte[] cose) {}
}
