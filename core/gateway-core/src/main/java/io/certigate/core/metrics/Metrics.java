package io.certigate.core.metrics;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Operator metrics of a gateway: counters and gauges with labels, rendered in the Prometheus text
 * exposition format, version 0.0.4 (every family with its {@code # HELP} and {@code # TYPE}; label
 * values and help texts escaped). Components register what they already count; a scrape reads it.
 *
 * <p>Naming is checked at registration, so that a scraper never sees a malformed family: names
 * match {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, a counter's name ends in {@code _total} and a gauge's does
 * not, and one name keeps one type and one help text. A series whose supplier fails or returns NaN
 * is left out of that scrape (its family's HELP and TYPE stay).
 */
public final class Metrics {
    /** The two metric types the gateway exposes. */
    public enum Type {
        COUNTER, GAUGE;

        String wire() {
            return this == COUNTER ? "counter" : "gauge";
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private record Family(String name, String help, Type type, Map<String, DoubleSupplier> fixed,
            Map<String, Supplier<Map<String, Double>>> varying) {}

    private final Map<String, Family> families = new ConcurrentHashMap<>();

    /** A counter kept here, created on first use; {@code labels} alternate names and values. */
    public LongAdder counter(String name, String help, String... labels) {
        Family f = family(name, help, Type.COUNTER);
        DoubleSupplier s = f.fixed().computeIfAbsent(labelSet(labels), k -> new AdderSeries(new LongAdder()));
        if (s instanceof AdderSeries a) {
            return a.adder();
        }
        throw new IllegalArgumentException(name + labelSet(labels) + " is read from a component, not counted here");
    }

    /** A counter a component keeps (read at each scrape); it must never go down. */
    public void counter(String name, String help, LongSupplier value, String... labels) {
        family(name, help, Type.COUNTER).fixed().put(labelSet(labels), () -> value.getAsLong());
    }

    /** A gauge read at each scrape; a supplier returning NaN is left out. */
    public void gauge(String name, String help, DoubleSupplier value, String... labels) {
        family(name, help, Type.GAUGE).fixed().put(labelSet(labels), value);
    }

    /**
     * A family whose series are only known at scrape time (readings per source, alerts per kind):
     * the supplier maps each value of {@code label} to the series' value. {@code fixedLabels}
     * (name/value pairs) come first on every series. The label's values must come from a bounded
     * set (source ids, reason codes), never free text.
     */
    public void varying(String name, String help, Type type, String label, Supplier<? extends Map<String, ? extends Number>> series,
            String... fixedLabels) {
        checkLabelName(label);
        String fixedKey = labelSet(fixedLabels);
        family(name, help, type).varying().put(fixedKey, () -> {
            Map<String, Double> out = new TreeMap<>();
            series.get().forEach((k, v) -> {
                String[] all = new String[fixedLabels.length + 2];
                System.arraycopy(fixedLabels, 0, all, 0, fixedLabels.length);
                all[fixedLabels.length] = label;
                all[fixedLabels.length + 1] = k;
                out.put(labelSet(all), v.doubleValue());
            });
            return out;
        });
    }

    private Family family(String name, String help, Type type) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name '" + name + "' is not [a-zA-Z_:][a-zA-Z0-9_:]*");
        }
        if (type == Type.COUNTER && !name.endsWith("_total")) {
            throw new IllegalArgumentException("counter " + name + " must end in _total");
        }
        if (type == Type.GAUGE && name.endsWith("_total")) {
            throw new IllegalArgumentException("gauge " + name + " must not end in _total (only counters do)");
        }
        if (help == null || help.isBlank()) {
            throw new IllegalArgumentException("metric " + name + " needs a help text");
        }
        Family f = families.computeIfAbsent(name, n -> new Family(n, help, type, new ConcurrentHashMap<>(),
                new ConcurrentHashMap<>()));
        if (f.type() != type || !f.help().equals(help)) {
            throw new IllegalArgumentException("metric " + name + " is already registered as a " + f.type().wire()
                    + " with help '" + f.help() + "'");
        }
        return f;
    }

    public void render(Appendable out) throws IOException {
        for (Family f : new TreeMap<>(families).values()) {
            out.append("# HELP ").append(f.name()).append(' ').append(escapeHelp(f.help())).append('\n');
            out.append("# TYPE ").append(f.name()).append(' ').append(f.type().wire()).append('\n');
            Map<String, Double> series = new TreeMap<>();
            f.fixed().forEach((labels, supplier) -> {
                try {
                    series.put(labels, supplier.getAsDouble());
                } catch (RuntimeException e) {
                    // a series whose source failed is absent from this scrape
                }
            });
            f.varying().forEach((fixed, supplier) -> {
                try {
                    series.putAll(supplier.get());
                } catch (RuntimeException e) {
                    // as above
                }
            });
            for (Map.Entry<String, Double> e : series.entrySet()) {
                if (!e.getValue().isNaN()) {
                    out.append(f.name()).append(e.getKey()).append(' ').append(format(e.getValue())).append('\n');
                }
            }
        }
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        try {
            render(sb);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sb.toString();
    }

    static String format(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static void checkLabelName(String name) {
        if (name == null || !LABEL.matcher(name).matches() || name.startsWith("__")) {
            throw new IllegalArgumentException("label name '" + name + "' is not [a-zA-Z_][a-zA-Z0-9_]* (or starts with __)");
        }
    }

    private static String labelSet(String... labels) {
        if (labels.length == 0) {
            return "";
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels must be name/value pairs, got " + labels.length + " strings");
        }
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < labels.length; i += 2) {
            checkLabelName(labels[i]);
            if (labels[i + 1] == null) {
                throw new IllegalArgumentException("label " + labels[i] + " has no value");
            }
            sb.append(i == 0 ? "" : ",").append(labels[i]).append("=\"")
                    .append(labels[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        }
        return sb.append('}').toString();
    }

    /** A counter series kept by this class. */
    private record AdderSeries(LongAdder adder) implements DoubleSupplier {
        @Override
        public double getAsDouble() {
            return adder.sum();
        }
    }
}
