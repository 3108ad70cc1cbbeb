package io.certigate.uplink;

import java.util.concurrent.CompletableFuture;

/**
 * The hook through which anchoring hands a proof bundle (opaque JSON bytes, see the proof bundle
 * format of the architecture) to the uplink. The future completes once the peer acknowledged it,
 * or exceptionally (not connected, refused); the caller keeps the bundle and retries, because
 * anchoring, not the uplink, owns the proofs.
 */
@FunctionalInterface
public interface ProofPublisher {
    CompletableFuture<Void> publishProof(byte[] proofJson);
}
