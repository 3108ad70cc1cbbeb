package io.certigate.gnss;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * An NMEA byte stream to fixes: {@link NmeaAssembler} frames and checks sentences,
 * {@link NmeaDecoder} decodes them, {@link FixAssembler} merges each epoch. Bad input is counted in
 * {@link #stats()} and dropped; nothing thrown. Not thread-safe: one reader feeds it; the stats and
 * the listener's fixes may be read anywhere.
 */
public final class NmeaReceiver {
    private final NmeaStats stats = new NmeaStats();
    private final NmeaAssembler assembler = new NmeaAssembler(stats);
    private final FixAssembler fixes = new FixAssembler();
    private final Consumer<GnssFix> listener;
    private final System.Logger log = System.getLogger(NmeaReceiver.class.getName());
    private boolean loggedMalformed;

    /** @param listener called with the updated fix after each decoded sentence */
    public NmeaReceiver(Consumer<GnssFix> listener) {
        this.listener = listener;
    }

    /**
     * Consumes {@code bytes} received at gateway time {@code millis} and monotonic time {@code nanos}.
     *
     * @return how many sentences were decoded from them (0 at a wrong baud rate)
     */
    public int accept(ByteBuffer bytes, long millis, long nanos) {
        int decoded = 0;
        for (NmeaSentence s : assembler.accept(bytes)) {
            NmeaMessage m;
            try {
                m = NmeaDecoder.decode(s);
            } catch (NmeaFormatException e) {
                stats.malformed();
                if (!loggedMalformed) { // once per receiver: a broken receiver repeats itself every second
                    loggedMalformed = true;
                    log.log(System.Logger.Level.WARNING, "dropping a malformed NMEA sentence (further ones only counted): "
                            + e.getMessage());
                }
                continue;
            }
            if (m == null) {
                stats.unknown();
                continue;
            }
            stats.sentence();
            decoded++;
            listener.accept(fixes.accept(m, millis, nanos));
        }
        return decoded;
    }

    public NmeaStats stats() {
        return stats;
    }

    /** The fix as of the last decoded sentence, or null. */
    public GnssFix latest() {
        return fixes.latest();
    }
}
