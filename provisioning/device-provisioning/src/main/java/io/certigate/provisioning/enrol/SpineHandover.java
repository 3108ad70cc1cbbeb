package io.certigate.provisioning.enrol;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.model.Reading;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.Spine;
import io.certigate.signing.DeviceKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link TestReadingSink} of a device that keeps its chain in a buffer: once the chain is
 * installed it opens the device's spine (key, buffer, sequencer) on the installed key, so the buffer
 * remembers the certified chain, commits the test reading through the sequencer and hands the
 * running spine over ({@link #spine()}) to whoever carries on with it: the gateway runtime keeps
 * producing readings on it, a standalone enrolment closes it.
 */
public final class SpineHandover implements TestReadingSink {

    /** Opens the device's spine on the installed key; may first store what the ledger settings imply. */
    @FunctionalInterface
    public interface Opener {
        Spine open(DeviceKey installed, Map<String, String> ledger) throws EnrolmentException, BufferException, IOException;
    }

    private final Opener opener;
    private final Duration timeout;
    private final CompletableFuture<Spine> spine = new CompletableFuture<>();

    public SpineHandover(Opener opener, Duration timeout) {
        this.opener = opener;
        this.timeout = timeout;
    }

    /** A spine on {@code bufferFile} with the default buffer and sequencer options. */
    public static SpineHandover onBuffer(Path bufferFile, String deviceId, Clock clock, ExecutorService writer,
            Duration timeout) {
        return new SpineHandover((key, ledger) -> Spine.open(key, bufferFile, RecordBuffer.Options.defaults(deviceId),
                Sequencer.Options.DEFAULT, clock, writer), timeout);
    }

    /** Completes with the running spine once the test reading is committed. */
    public CompletableFuture<Spine> spine() {
        return spine;
    }

    @Override
    public synchronized byte[] commit(DeviceKey installed, Map<String, String> ledger, Reading reading)
            throws EnrolmentException {
        if (spine.isDone()) {
            throw new EnrolmentException("the device's spine is already running: it was provisioned before");
        }
        Spine s;
        try {
            s = opener.open(installed, ledger);
        } catch (BufferException | IOException e) {
            throw new EnrolmentException("cannot open the device's buffer: " + e.getMessage(), e);
        }
        try {
            ReadingSink.Committed c = s.sequencer().submit(reading).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            spine.complete(s);
            return c.cose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(s);
            throw new EnrolmentException("interrupted while committing the test reading", e);
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            close(s);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new EnrolmentException("the sequencer did not commit the test reading: " + cause.getMessage(), cause);
        }
    }

    private static void close(Spine s) {
        try {
            s.close();
        } catch (BufferException e) {
            System.getLogger(SpineHandover.class.getName()).log(System.Logger.Level.WARNING,
                    "closing the device's buffer after a failed test reading: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
