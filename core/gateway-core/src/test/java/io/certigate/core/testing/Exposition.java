package io.certigate.core.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, written from the format's
 * description independently of {@code Metrics}, for tests that scrape a gateway. Beyond the syntax
 * it insists on what certigate promises its operators: every family has {@code # HELP} and
 * {@code # TYPE} before its samples, a family's samples are contiguous, no series appears twice, a
 * name ending in {@code _total} is a counter and a counter's name ends in {@code _total}.
 */
public final class Exposition {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One series: its labels and value. */
    public record Sample(Map<String, String> labels, double value) {}

    /** One family: type, help and its samples in order. */
    public record Family(String name, String type, String help, List<Sample> samples) {
        /** The value of the series with exactly these labels (name/value pairs), if present. */
        public Optional<Double> value(String... labels) {
            Map<String, String> want = new TreeMap<>();
            for (int i = 0; i < labels.length; i += 2) {
                want.put(labels[i], labels[i + 1]);
            }
            return samples.stream().filter(s -> new TreeMap<>(s.labels()).equals(want)).map(Sample::value).findFirst();
        }
    }

    private final Map<String, Family> families;

    private Exposition(Map<String, Family> families) {
        this.families = families;
    }

    public Map<String, Family> families() {
        return families;
    }

    /** The family, or an AssertionError listing those present. */
    public Family family(String name) {
        Family f = families.get(name);
        if (f == null) {
            throw new AssertionError("no metric family " + name + " in the scrape; present: " + families.keySet());
        }
        return f;
    }

    /** The value of a series (labels as name/value pairs), or an AssertionError. */
    public double value(String name, String... labels) {
        Family f = family(name);
        return f.value(labels).orElseThrow(() -> new AssertionError("no series " + name + " with labels "
                + List.of(labels) + "; series: " + f.samples()));
    }

    /** Parses a scrape; any departure from the format throws an IllegalArgumentException naming the line. */
    public static Exposition parse(String text) {
        Map<String, String> help = new LinkedHashMap<>();
        Map<String, String> type = new LinkedHashMap<>();
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        Set<String> finished = new HashSet<>();
        Set<String> seen = new HashSet<>();
        String current = null;
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a line feed");
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            String where = "line " + (i + 1) + " '" + line + "': ";
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                    String name = parts[2];
                    requireName(name, where);
                    if (samples.containsKey(name)) {
                        throw new IllegalArgumentException(where + parts[1] + " after samples of " + name);
                    }
                    Map<String, String> target = parts[1].equals("HELP") ? help : type;
                    if (target.containsKey(name)) {
                        throw new IllegalArgumentException(where + "second " + parts[1] + " for " + name);
                    }
                    String rest = parts.length == 4 ? parts[3] : "";
                    if (parts[1].equals("TYPE") && !TYPES.contains(rest)) {
                        throw new IllegalArgumentException(where + "unknown type '" + rest + "'");
                    }
                    target.put(name, parts[1].equals("HELP") ? unescapeHelp(rest, where) : rest);
                }
                continue; // other comments are allowed
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            int nameEnd = brace >= 0 && (space < 0 || brace < space) ? brace : space;
            if (nameEnd <= 0) {
                throw new IllegalArgumentException(where + "no value");
            }
            String name = line.substring(0, nameEnd);
            requireName(name, where);
            Map<String, String> labels = new LinkedHashMap<>();
            int pos = nameEnd;
            if (line.charAt(pos) == '{') {
                pos = labels(line, pos + 1, labels, where);
            }
            if (pos >= line.length() || line.charAt(pos) != ' ') {
                throw new IllegalArgumentException(where + "expected a space before the value");
            }
            String[] tail = line.substring(pos + 1).split(" ");
            if (tail.length < 1 || tail.length > 2) {
                throw new IllegalArgumentException(where + "expected a value and an optional timestamp");
            }
            double value = number(tail[0], where);
            if (tail.length == 2) {
                try {
                    Long.parseLong(tail[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + "timestamp '" + tail[1] + "' is not an integer");
                }
            }
            if (!help.containsKey(name) || !type.containsKey(name)) {
                throw new IllegalArgumentException(where + name + " has no HELP or no TYPE before its samples");
            }
            if (!name.equals(current)) {
                if (finished.contains(name)) {
                    throw new IllegalArgumentException(where + "samples of " + name + " are not contiguous");
                }
                if (current != null) {
                    finished.add(current);
                }
                current = name;
            }
            if (!seen.add(name + new TreeMap<>(labels))) {
                throw new IllegalArgumentException(where + "series repeated");
            }
            samples.computeIfAbsent(name, k -> new ArrayList<>()).add(new Sample(Map.copyOf(labels), value));
        }
        Map<String, Family> out = new TreeMap<>();
        Set<String> names = new HashSet<>(help.keySet());
        names.addAll(type.keySet());
        for (String name : names) {
            if (!help.containsKey(name) || !type.containsKey(name)) {
                throw new IllegalArgumentException(name + " has a " + (help.containsKey(name) ? "HELP" : "TYPE")
                        + " line only");
            }
            String t = type.get(name);
            if (name.endsWith("_total") && !t.equals("counter")) {
                throw new IllegalArgumentException(name + " ends in _total but is a " + t);
            }
            if (t.equals("counter") && !name.endsWith("_total")) {
                throw new IllegalArgumentException("counter " + name + " does not end in _total");
            }
            List<Sample> s = samples.getOrDefault(name, List.of());
            if (t.equals("counter")) {
                for (Sample x : s) {
                    if (x.value() < 0 || Double.isNaN(x.value())) {
                        throw new IllegalArgumentException("counter " + name + x.labels() + " = " + x.value());
                    }
                }
            }
            out.put(name, new Family(name, t, help.get(name), List.copyOf(s)));
        }
        return new Exposition(out);
    }

    private static void requireName(String name, String where) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + "'" + name + "' is not a metric name");
        }
    }

    /** Reads {@code name="value",...}} from {@code pos}; returns the index after the closing brace. */
    private static int labels(String line, int pos, Map<String, String> out, String where) {
        while (true) {
            if (pos < line.length() && line.charAt(pos) == '}') {
                return pos + 1;
            }
            int eq = line.indexOf('=', pos);
            if (eq < 0) {
                throw new IllegalArgumentException(where + "label without '='");
            }
            String label = line.substring(pos, eq);
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException(where + "'" + label + "' is not a label name");
            }
            if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException(where + "value of " + label + " is not quoted");
            }
            StringBuilder v = new StringBuilder();
            int p = eq + 2;
            while (true) {
                if (p >= line.length()) {
                    throw new IllegalArgumentException(where + "unterminated value of " + label);
                }
                char c = line.charAt(p);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    char n = p + 1 < line.length() ? line.charAt(p + 1) : 0;
                    switch (n) {
                        case '\\' -> v.append('\\');
                        case '"' -> v.append('"');
                        case 'n' -> v.append('\n');
                        default -> throw new IllegalArgumentException(where + "bad escape in value of " + label);
                    }
                    p += 2;
                    continue;
                }
                v.append(c);
                p++;
            }
            if (out.put(label, v.toString()) != null) {
                throw new IllegalArgumentException(where + "label " + label + " twice");
            }
            pos = p + 1;
            if (pos < line.length() && line.charAt(pos) == ',') {
                pos++;
            } else if (pos >= line.length() || line.charAt(pos) != '}') {
                throw new IllegalArgumentException(where + "expected ',' or '}' after " + label);
            }
        }
    }

    private static double number(String s, String where) {
        switch (s) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                if (!s.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
                    throw new IllegalArgumentException(where + "'" + s + "' is not a number");
                }
                return Double.parseDouble(s);
        }
    }

    private static String unescapeHelp(String s, String where) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                char n = i + 1 < s.length() ? s.charAt(i + 1) : 0;
                if (n == '\\') {
                    sb.append('\\');
                } else if (n == 'n') {
                    sb.append('\n');
                } else {
                    throw new IllegalArgumentException(where + "bad escape in HELP");
                }
                i++;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
