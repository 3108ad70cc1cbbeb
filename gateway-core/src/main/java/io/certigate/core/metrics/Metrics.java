package io.certigate.core.metrics;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Operator metrics of a gateway: counters and gauges with labels, rendered in the Prometheus text
 * exposition format (version 0.0.4). Components register what they have; a scrape reads it.
 */
public final class Metrics {
    private record Family(String name, String help, String type) {}

    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final Map<String, Map<String, LongAdder>> counters = new ConcurrentHashMap<>();
    private final Map<String, Map<String, DoubleSupplier>> gauges = new ConcurrentHashMap<>();
    private final Map<String, java.util.function.Supplier<Map<String, Double>>> dynamic = new ConcurrentHashMap<>();

    /** A counter series, created on first use; {@code labels} alternate names and values. */
    public LongAdder counter(String name, String help, String... labels) {
        families.putIfAbsent(name, new Family(name, help, "counter"));
        return counters.computeIfAbsent(name, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(labelSet(labels), k -> new LongAdder());
    }

    /** A gauge series read at each scrape; a supplier returning NaN is left out. */
    public void gauge(String name, String help, DoubleSupplier value, String... labels) {
        families.putIfAbsent(name, new Family(name, help, "gauge"));
        gauges.computeIfAbsent(name, k -> new ConcurrentHashMap<>()).put(labelSet(labels), value);
    }

    /**
     * A family whose series are only known at scrape time, such as readings per source: the
     * supplier maps one label value (of {@code label}) to the series' value.
     */
    public void dynamic(String name, String help, String type, String label,
            java.util.function.Supplier<Map<String, Double>> series) {
        families.putIfAbsent(name, new Family(name, help, type));
        dynamic.put(name, () -> {
            Map<String, Double> out = new TreeMap<>();
            series.get().forEach((k, v) -> out.put(labelSet(label, k), v));
            return out;
        });
    }

    public void render(Appendable out) throws IOException {
        for (Family f : new TreeMap<>(families).values()) {
            out.append("# HELP ").append(f.name()).append(' ').append(f.help().replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            out.append("# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
            if (dynamic.containsKey(f.name())) {
                Map<String, Double> series;
                try {
                    series = dynamic.get(f.name()).get();
                } catch (RuntimeException ex) {
                    continue;
                }
                for (Map.Entry<String, Double> e : series.entrySet()) {
                    out.append(f.name()).append(e.getKey()).append(' ').append(format(e.getValue())).append('\n');
                }
            } else if (f.type().equals("counter")) {
                for (Map.Entry<String, LongAdder> e : new TreeMap<>(counters.getOrDefault(f.name(), Map.of())).entrySet()) {
                    out.append(f.name()).append(e.getKey()).append(' ').append(Long.toString(e.getValue().sum())).append('\n');
                }
            } else {
                for (Map.Entry<String, DoubleSupplier> e : new TreeMap<>(gauges.getOrDefault(f.name(), Map.of())).entrySet()) {
                    double v;
                    try {
                        v = e.getValue().getAsDouble();
                    } catch (RuntimeException ex) {
                        continue; // a gauge whose source failed is absent from this scrape
                    }
                    if (!Double.isNaN(v)) {
                        out.append(f.name()).append(e.getKey()).append(' ').append(format(v)).append('\n');
                    }
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

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static String labelSet(String... labels) {
        if (labels.length == 0) {
            return "";
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels must be name/value pairs");
        }
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < labels.length; i += 2) {
            sb.append(i == 0 ? "" : ",").append(labels[i]).append("=\"")
                    .append(labels[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        }
        return sb.append('}').toString();
    }
}
