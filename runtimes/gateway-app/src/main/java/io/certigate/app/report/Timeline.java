package io.certigate.app.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The charted kind's readings aggregated into time buckets, in bounded memory whatever the number
 * of readings: buckets start at one second and grow (1 s, 2 s, 5 s … 1 day, 7 days, 30 days) whenever
 * there would be more than {@link #MAX_BUCKETS}. Each bucket keeps the highest certified value
 * and the lowest value of a reading inside a rollback event. The longest pauses between consecutive
 * readings are kept to show gaps in time.
 */
final class Timeline {
    static final int MAX_BUCKETS = 1200;
    static final int KEPT_GAPS = 16;
    static final long SECOND = 1000;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;
    private static final long[] WIDTHS = {SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE,
        5 * MINUTE, 10 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY,
        91 * DAY, 365 * DAY, 3650 * DAY};

    /** One bucket: [start, start + width). */
    static final class Bucket {
        final long start;
        long count;
        double certified = Double.NaN;
        long certifiedAt;
        double rolledBack = Double.NaN;
        long rolledBackAt;

        Bucket(long start) {
            this.start = start;
        }

        void merge(Bucket o) {
            count += o.count;
            if (!Double.isNaN(o.certified) && !(o.certified <= certified)) {
                certified = o.certified;
                certifiedAt = o.certifiedAt;
            }
            if (!Double.isNaN(o.rolledBack) && !(o.rolledBack >= rolledBack)) {
                rolledBack = o.rolledBack;
                rolledBackAt = o.rolledBackAt;
            }
        }
    }

    /** A pause between two consecutive readings. */
    record Gap(long from, long to) {
        long length() {
            return to - from;
        }
    }

    private TreeMap<Long, Bucket> buckets = new TreeMap<>();
    private int width;
    private final PriorityQueue<Gap> gaps = new PriorityQueue<>(Comparator.comparingLong(Gap::length));
    private long count;
    private long first = Long.MAX_VALUE;
    private long last = Long.MIN_VALUE;
    private long previous = Long.MIN_VALUE;
    private double min = Double.NaN;
    private double max = Double.NaN;

    /** Adds a reading (in seq order); {@code inRollback} when it belongs to a rollback event. */
    void add(long time, double value, boolean inRollback) {
        count++;
        first = Math.min(first, time);
        last = Math.max(last, time);
        min = min(min, value);
        max = max(max, value);
        if (previous != Long.MIN_VALUE && time > previous) {
            gaps.add(new Gap(previous, time));
            if (gaps.size() > KEPT_GAPS) {
                gaps.poll();
            }
        }
        previous = time;
        long w = WIDTHS[width];
        Bucket b = buckets.computeIfAbsent(Math.floorDiv(time, w) * w, Bucket::new);
        Bucket one = new Bucket(b.start);
        if (inRollback) {
            one.rolledBack = value;
            one.rolledBackAt = time;
        } else {
            one.certified = value;
            one.certifiedAt = time;
        }
        one.count = 1;
        b.merge(one);
        while (buckets.size() > MAX_BUCKETS && width < WIDTHS.length - 1) {
            coarsen();
        }
    }

    private void coarsen() {
        width++;
        long w = WIDTHS[width];
        TreeMap<Long, Bucket> wider = new TreeMap<>();
        for (Bucket b : buckets.values()) {
            wider.computeIfAbsent(Math.floorDiv(b.start, w) * w, Bucket::new).merge(b);
        }
        buckets = wider;
    }

    long count() {
        return count;
    }

    long first() {
        return first;
    }

    long last() {
        return last;
    }

    double min() {
        return min;
    }

    double max() {
        return max;
    }

    /** The bucket width in ms. */
    long width() {
        return WIDTHS[width];
    }

    List<Bucket> buckets() {
        return new ArrayList<>(buckets.values());
    }

    /**
     * The pauses worth showing, oldest first: at least {@code minimum} ms, longer than three bucket
     * widths and than a fortieth of the whole span.
     */
    List<Gap> gaps(long minimum) {
        long threshold = Math.max(minimum, Math.max(3 * width(), (last - first) / 40));
        return gaps.stream().filter(g -> g.length() >= threshold).sorted(Comparator.comparingLong(Gap::from)).toList();
    }

    private static double max(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    private static double min(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
    }
}
