package io.certigate.core.spine;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.SigningException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.ExecutorService;

/**
 * The certified-reading spine of one device, assembled: its key, its buffer and its sequencer.
 * The standalone runtime and the OSGi components both build one of these.
 */
public final class Spine implements AutoCloseable {
    private final DeviceKey key;
    private final RecordBuffer buffer;
    private final Sequencer sequencer;

    private Spine(DeviceKey key, RecordBuffer buffer, Sequencer sequencer) {
        this.key = key;
        this.buffer = buffer;
        this.sequencer = sequencer;
    }

    /** Opens the key and the buffer, remembers the key's certificate in the buffer, starts the sequencer. */
    public static Spine open(DeviceKey key, java.nio.file.Path bufferFile, RecordBuffer.Options bufferOptions,
            Sequencer.Options sequencerOptions, Clock clock, ExecutorService writer) throws BufferException {
        RecordBuffer buffer = RecordBuffer.open(bufferFile, bufferOptions);
        try {
            DeviceIdentity.remember(buffer, key);
        } catch (BufferException | RuntimeException e) {
            buffer.close();
            throw e;
        }
        Sequencer s = new Sequencer(key, buffer, clock, new SecureRandom(), writer, sequencerOptions).start();
        return new Spine(key, buffer, s);
    }

    public static Spine open(KeySource keySource, java.nio.file.Path bufferFile, RecordBuffer.Options bufferOptions,
            Sequencer.Options sequencerOptions, Clock clock, ExecutorService writer)
            throws BufferException, SigningException {
        return open(keySource.open(), bufferFile, bufferOptions, sequencerOptions, clock, writer);
    }

    public DeviceKey key() {
        return key;
    }

    public RecordBuffer buffer() {
        return buffer;
    }

    public Sequencer sequencer() {
        return sequencer;
    }

    /** Stops accepting readings, commits what is queued, closes the buffer. */
    @Override
    public void close() throws BufferException, InterruptedException {
        try {
            sequencer.close();
        } finally {
            buffer.close();
        }
    }
}
