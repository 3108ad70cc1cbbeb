package io.certigate.gnss;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What an NMEA stream contained: the reader's thread counts, any thread reads. Bad input is counted
 * here and dropped; none of it stops the receiver.
 */
public final class NmeaStats {
    private final AtomicLong sentences = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final AtomicLong badChecksum = new AtomicLong();
    private final AtomicLong overLong = new AtomicLong();
    private final AtomicLong garbage = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();

    /** A snapshot. {@link #bad()} sums what was dropped as damaged. */
    public record Counts(long sentences, long unknown, long badChecksum, long overLong, long garbage, long malformed) {
        public long bad() {
            return badChecksum + overLong + garbage + malformed;
        }

        @Override
        public String toString() {
            return sentences + " sentences decoded, " + unknown + " unknown skipped, " + badChecksum + " bad checksum, "
                    + overLong + " over-long, " + garbage + " garbage, " + malformed + " malformed";
        }
    }

    void sentence() {
        sentences.incrementAndGet();
    }

    void unknown() {
        unknown.incrementAndGet();
    }

    void badChecksum() {
        badChecksum.incrementAndGet();
    }

    void overLong() {
        overLong.incrementAndGet();
    }

    void garbage() {
        garbage.incrementAndGet();
    }

    void malformed() {
        malformed.incrementAndGet();
    }

    public Counts counts() {
        return new Counts(sentences.get(), unknown.get(), badChecksum.get(), overLong.get(), garbage.get(), malformed.get());
    }
}
