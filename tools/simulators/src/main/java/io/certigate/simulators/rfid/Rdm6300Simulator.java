package io.certigate.simulators.rfid;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated RDM6300 reader: while a tag is held in front of it, it repeats the tag's 14-byte frame
 * ({@code STX}, 10 hex characters, 2 hex characters of XOR checksum, {@code ETX}) every
 * {@code repeat}. With a corruption rate, a frame gets a wrong checksum character or loses bytes.
 */
public final class Rdm6300Simulator implements AutoCloseable {
    private final OutputStream out;
    private final Random random;
    private final double corruptionRate;
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong corrupted = new AtomicLong();
    private final AtomicLong presentations = new AtomicLong();
    private ScheduledFuture<?> task;

    public Rdm6300Simulator(OutputStream out, double corruptionRate, long seed) {
        this.out = out;
        this.corruptionRate = corruptionRate;
        this.random = new Random(seed);
    }

    public static Rdm6300Simulator onPty(Path device, double corruptionRate, long seed) throws IOException {
        return new Rdm6300Simulator(Files.newOutputStream(device, StandardOpenOption.WRITE), corruptionRate, seed);
    }

    /** The frame of a tag given by its 5 bytes (version byte and 4-byte card number). */
    public static byte[] frame(long tag40) {
        int xor = 0;
        StringBuilder sb = new StringBuilder(12);
        for (int i = 4; i >= 0; i--) {
            int b = (int) (tag40 >>> (8 * i)) & 0xFF;
            xor ^= b;
            sb.append(String.format("%02X", b));
        }
        sb.append(String.format("%02X", xor));
        byte[] body = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] f = new byte[14];
        f[0] = 0x02;
        System.arraycopy(body, 0, f, 1, 12);
        f[13] = 0x03;
        return f;
    }

    /** Writes {@code reads} consecutive frames of one tag, as a reader does while the tag is held. */
    public synchronized void present(long tag40, int reads) throws IOException {
        presentations.incrementAndGet();
        for (int i = 0; i < reads; i++) {
            byte[] f = frame(tag40);
            if (random.nextDouble() < corruptionRate) {
                corrupted.incrementAndGet();
                if (random.nextBoolean()) {
                    f[12] = (byte) (f[12] == '0' ? '1' : '0'); // wrong checksum
                } else {
                    byte[] cut = new byte[9];
                    System.arraycopy(f, 0, cut, 0, 9); // lost bytes: the next STX restarts
                    f = cut;
                }
            }
            out.write(f);
            frames.incrementAndGet();
        }
        out.flush();
    }

    /** Presents tags from {@code tags} in turn, one every {@code interval}, each read {@code reads} times. */
    public synchronized void start(ScheduledExecutorService scheduler, List<Long> tags, Duration interval, int reads) {
        AtomicLong next = new AtomicLong();
        task = scheduler.scheduleAtFixedRate(() -> {
            try {
                present(tags.get((int) (next.getAndIncrement() % tags.size())), reads);
            } catch (IOException e) {
                System.getLogger(Rdm6300Simulator.class.getName()).log(System.Logger.Level.WARNING,
                        "RDM6300 simulator write failed: {0}", e.getMessage());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public long frames() {
        return frames.get();
    }

    public long corruptedFrames() {
        return corrupted.get();
    }

    public long presentations() {
        return presentations.get();
    }

    @Override
    public synchronized void close() throws IOException {
        if (task != null) {
            task.cancel(false);
        }
        out.close();
    }
}
