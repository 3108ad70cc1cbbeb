package io.certigate.app.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rollbacks of a cumulative kind (an odometer, an energy index) as events, not as anomalous rows:
 * an event starts at a reading lower than the highest value certified before it (or one the device
 * flagged {@code rollback-suspected}), takes in the readings that follow while they stay below
 * that value, and ends when a reading reaches it again. A rollback followed by five rising readings
 * is one event of six readings. A further drop inside an event starts the next event.
 *
 * <p>Readings come in seq order from one device, or in time order from several (a subject's
 * readings across devices): each seq is then named with its device. Memory is bounded: the first
 * {@link #KEPT} events are kept, the others only counted.
 */
final class RollbackEvents {
    static final int KEPT = 200;

    /** What a reading is with respect to the events. */
    enum Role { NONE, START, IN_EVENT }

    /** One rollback event. Mutable while open. */
    static final class Event {
        private final RollbackEvents in;
        final int number;
        final String kind;
        final String unit;
        final long seq;
        final long time;
        final double value;
        /** The highest value certified before it, NaN when the file holds none (the device flagged it). */
        final double before;
        final long beforeSeq;
        final long beforeTime;
        final boolean flagged;
        final String device;
        final String beforeDevice;
        String lastDevice;
        String recoveredDevice;
        long readings = 1;
        long lastSeq;
        long lastTime;
        double lastValue;
        /** The reading that reached {@link #before} again, 0 while open. */
        long recoveredSeq;
        long recoveredTime;
        /** Whether a further drop ended it (the next event follows). */
        boolean droppedAgain;

        Event(RollbackEvents in, int number, String kind, String unit, String device, long seq, long time, double value,
                double before, String beforeDevice, long beforeSeq, long beforeTime, boolean flagged) {
            this.in = in;
            this.device = device;
            this.beforeDevice = beforeDevice;
            this.lastDevice = device;
            this.number = number;
            this.kind = kind;
            this.unit = unit;
            this.seq = seq;
            this.time = time;
            this.value = value;
            this.before = before;
            this.beforeSeq = beforeSeq;
            this.beforeTime = beforeTime;
            this.flagged = flagged;
            this.lastSeq = seq;
            this.lastTime = time;
            this.lastValue = value;
        }

        /** One line: when, what was read, against what. */
        String headline() {
            String read = "on " + Html.time(time) + " (" + at(seq, device) + ") the " + what() + " read " + Html.quantity(value, unit);
            if (Double.isNaN(before)) {
                return read + ", flagged rollback-suspected by the device: lower than a value it had certified before,"
                        + " which is not in " + in.input;
            }
            return read + ", " + Html.quantity(before - value, unit) + " less than the " + Html.quantity(before, unit)
                    + " certified on " + Html.time(beforeTime) + " (" + at(beforeSeq, beforeDevice) + ")";
        }

        /** The whole event in words, once. */
        String explanation() {
            StringBuilder s = new StringBuilder(headline()).append(". ");
            long after = readings - 1;
            if (after > 0) {
                s.append("The ").append(Html.plural(after, "reading", "readings")).append(" after it ")
                        .append(lastValue > value ? "rose from there (to " + Html.quantity(lastValue, unit) + ")" : "followed")
                        .append(Double.isNaN(before) ? " and were flagged too" : " but stayed below " + Html.quantity(before, unit))
                        .append(": one event of ").append(Html.plural(readings, "reading", "readings"))
                        .append(", not ").append(String.format(java.util.Locale.ROOT, "%,d", readings)).append(" separate anomalies. ");
            }
            if (recoveredSeq > 0) {
                s.append("It ended at ").append(at(recoveredSeq, recoveredDevice)).append(" (").append(Html.time(recoveredTime)).append(") when the ")
                        .append(what()).append(Double.isNaN(before) ? " was certified again." : " reached " + Html.quantity(before, unit) + " again.");
            } else if (droppedAgain) {
                s.append("It ended with a further drop (rollback ").append(number + 1).append(").");
            } else {
                s.append("The ").append(what()).append(" was still below that value at the end of " + in.input + " (")
                        .append(at(lastSeq, lastDevice))
                        .append(", ").append(Html.time(lastTime)).append(").");
            }
            if (flagged) {
                s.append(" The device flagged the reading rollback-suspected when it signed it.");
            }
            return s.toString();
        }

        /** "seq N", with the device when the readings come from several. */
        private String at(long seq, String dev) {
            return in.devices > 1 && dev != null ? "seq " + seq + " of " + dev : "seq " + seq;
        }

        private String what() {
            return kind.equals("vehicle.odometer") ? "odometer" : kind;
        }
    }

    private static final class State {
        double high = Double.NaN;
        long highSeq;
        String highDevice;
        long highTime;
        double prev = Double.NaN;
        Event open;
    }

    private final Map<String, State> states = new HashMap<>();
    private final List<Event> kept = new ArrayList<>();
    private int count;
    private Event last;
    private String input = "this file";
    private String firstDevice;
    /** Devices seen: 0, 1, or 2 for more than one. */
    private int devices;

    /** What the readings were read from, as the explanations name it ("this file" unless told). */
    void input(String words) {
        input = words;
    }

    /** Classifies the next reading of {@code kind} of one device (in seq order). */
    Role accept(String kind, String unit, long seq, long time, double value, boolean flagged) {
        return accept(kind, unit, null, seq, time, value, flagged);
    }

    /**
     * Classifies the next reading of {@code kind}: in seq order when all come from one device, else in
     * time order; {@code device} names it (null: the one device of a file).
     */
    Role accept(String kind, String unit, String device, long seq, long time, double value, boolean flagged) {
        if (device != null && devices < 2) {
            if (firstDevice == null) {
                firstDevice = device;
                devices = 1;
            } else if (!firstDevice.equals(device)) {
                devices = 2;
            }
        }
        State s = states.computeIfAbsent(kind, k -> new State());
        Role role;
        Event e = s.open;
        if (e != null && !flagged && (Double.isNaN(e.before) || value >= e.before)) {
            e.recoveredSeq = seq;
            e.recoveredDevice = device;
            e.recoveredTime = time;
            s.open = null;
            e = null;
        }
        if (e != null && !(value < s.prev)) {
            e.readings++;
            e.lastSeq = seq;
            e.lastDevice = device;
            e.lastTime = time;
            e.lastValue = value;
            role = Role.IN_EVENT;
        } else if (e != null || flagged || (!Double.isNaN(s.high) && value < s.high)) {
            if (e != null) {
                e.droppedAgain = true;
            }
            s.open = open(kind, unit, device, seq, time, value, s, flagged);
            role = Role.START;
        } else {
            role = Role.NONE;
        }
        if (role == Role.NONE && (Double.isNaN(s.high) || value >= s.high)) {
            s.high = value;
            s.highSeq = seq;
            s.highDevice = device;
            s.highTime = time;
        }
        s.prev = value;
        return role;
    }

    private Event open(String kind, String unit, String device, long seq, long time, double value, State s, boolean flagged) {
        count++;
        boolean knownHigher = !Double.isNaN(s.high) && s.high > value;
        last = new Event(this, count, kind, unit, device, seq, time, value, knownHigher ? s.high : Double.NaN,
                knownHigher ? s.highDevice : null, knownHigher ? s.highSeq : 0, knownHigher ? s.highTime : 0, flagged);
        if (kept.size() < KEPT) {
            kept.add(last);
        }
        return last;
    }

    /** The number of the event the last accepted reading started or belongs to. */
    int currentNumber(String kind) {
        State s = states.get(kind);
        return s == null || s.open == null ? 0 : s.open.number;
    }

    /** The events kept (the first {@link #KEPT}), in order. */
    List<Event> events() {
        return List.copyOf(kept);
    }

    /** All events, including those not kept. */
    int count() {
        return count;
    }

    /** The events of {@code kind} kept. */
    List<Event> events(String kind) {
        return kept.stream().filter(e -> e.kind.equals(kind)).toList();
    }
}
