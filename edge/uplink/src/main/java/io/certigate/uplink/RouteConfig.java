package io.certigate.uplink;

import io.certigate.core.config.KeySuggestion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The forwarding routes of the standalone configuration ({@code route.<NAME>.*}), checked once at
 * start into immutable values; every error names the key.
 *
 * @param routes by name, in name order
 */
public record RouteConfig(List<Route> routes) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Set<String> PARTS = Set.of("purpose", "kinds", "mqtt.topic", "coap.path");

    /**
     * One route.
     *
     * @param name      the operator's name ({@code route.<name>.*}), also its cursor's name in the buffer
     * @param purpose   what the destination uses the readings for
     * @param filter    the kinds forwarded whole
     * @param mqttTopic the MQTT topic (device id filled in), or null
     * @param coapPath  the CoAP path (device id filled in), or null
     */
    public record Route(String name, String purpose, RecordFilter filter, String mqttTopic, String coapPath) {
        /** Where it goes, for messages: {@code mqtt:<topic>} or {@code coap:/<path>}. */
        public String destination() {
            return mqttTopic != null ? "mqtt:" + mqttTopic : "coap:/" + coapPath;
        }
    }

    public RouteConfig {
        routes = List.copyOf(routes);
    }

    /** Whether the file configures any route. */
    public static boolean present(Properties p) {
        return p.stringPropertyNames().stream().anyMatch(k -> k.startsWith("route."));
    }

    /**
     * Reads the routes of {@code p} for {@code device}.
     *
     * @param mqtt whether the file has an MQTT uplink (uplink.mqtt.url)
     * @param coap whether the file has a CoAP uplink (uplink.coap.url)
     * @throws IllegalArgumentException naming the file and the key
     */
    public static RouteConfig parse(Properties p, String device, boolean mqtt, boolean coap, String origin) {
        Map<String, Map<String, String>> byName = new TreeMap<>();
        for (String k : new TreeSet<>(p.stringPropertyNames())) {
            if (!k.startsWith("route.")) {
                continue;
            }
            String rest = k.substring("route.".length());
            int dot = rest.indexOf('.');
            String name = dot < 0 ? rest : rest.substring(0, dot);
            String part = dot < 0 ? "" : rest.substring(dot + 1);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(origin + ": " + k + ": '" + name + "' is not a route name "
                        + "(lower case letters, digits, - and _)");
            }
            if (!PARTS.contains(part)) {
                throw new IllegalArgumentException(origin + ": " + KeySuggestion.unknownKey(k,
                        Set.of("route." + name + ".purpose", "route." + name + ".kinds", "route." + name + ".mqtt.topic",
                                "route." + name + ".coap.path")));
            }
            byName.computeIfAbsent(name, n -> new HashMap<>()).put(part, p.getProperty(k).trim());
        }
        List<Route> routes = new ArrayList<>();
        Map<String, String> destinations = new HashMap<>();
        for (Map.Entry<String, Map<String, String>> e : byName.entrySet()) {
            String name = e.getKey();
            Map<String, String> v = e.getValue();
            String key = "route." + name + ".";
            String purpose = v.get("purpose");
            if (purpose == null || purpose.isEmpty()) {
                throw new IllegalArgumentException(origin + ": " + key + "purpose is required (what the destination "
                        + "uses the readings for)");
            }
            String kinds = v.get("kinds");
            if (kinds == null || kinds.isEmpty()) {
                throw new IllegalArgumentException(origin + ": " + key + "kinds is required (the reading kinds the "
                        + "route forwards, such as vehicle.odometer or meter.index.*)");
            }
            RecordFilter filter;
            try {
                filter = RecordFilter.of(Arrays.stream(kinds.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .toList());
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(origin + ": " + key + "kinds: " + bad.getMessage());
            }
            String topic = blankToNull(v.get("mqtt.topic"));
            String path = blankToNull(v.get("coap.path"));
            if ((topic == null) == (path == null)) {
                throw new IllegalArgumentException(origin + ": route " + name + " needs exactly one destination: "
                        + key + "mqtt.topic or " + key + "coap.path" + (topic != null ? ", not both" : ""));
            }
            if (topic != null) {
                topic = topic.replace("{device}", device);
                if (!mqtt) {
                    throw new IllegalArgumentException(origin + ": " + key + "mqtt.topic needs the MQTT uplink "
                            + "(uplink.mqtt.url)");
                }
                if (topic.contains("+") || topic.contains("#") || topic.startsWith("$") || topic.startsWith("/")
                        || topic.endsWith("/") || topic.contains("//")) {
                    throw new IllegalArgumentException(origin + ": " + key + "mqtt.topic = '" + topic + "' is not a "
                            + "topic name (no wildcards + #, no leading $ or /, no empty level)");
                }
                if (topic.startsWith(UplinkTopics.PREFIX) || topic.equals("certigate/v1")) {
                    throw new IllegalArgumentException(origin + ": " + key + "mqtt.topic = '" + topic + "' lies under "
                            + UplinkTopics.PREFIX + ", the certigate topics (readings, proofs, status): choose a topic "
                            + "of the destination's own");
                }
            } else {
                path = path.replace("{device}", device).replaceAll("^/+", "");
                if (!coap) {
                    throw new IllegalArgumentException(origin + ": " + key + "coap.path needs the CoAP uplink "
                            + "(uplink.coap.url)");
                }
                if (path.isEmpty() || path.contains("?") || path.contains("#") || path.contains("//")
                        || path.endsWith("/")) {
                    throw new IllegalArgumentException(origin + ": " + key + "coap.path = '" + path + "' is not a path "
                            + "(segments separated by /, no query)");
                }
                if (path.startsWith(UplinkTopics.PREFIX)) {
                    throw new IllegalArgumentException(origin + ": " + key + "coap.path = '" + path + "' lies under /"
                            + UplinkTopics.PREFIX + ", the certigate paths: choose a path of the destination's own");
                }
            }
            Route r = new Route(name, purpose, filter, topic, path);
            String other = destinations.putIfAbsent(r.destination(), name);
            if (other != null) {
                throw new IllegalArgumentException(origin + ": " + key + (topic != null ? "mqtt.topic" : "coap.path")
                        + " = '" + (topic != null ? topic : path) + "' is already the destination of route " + other);
            }
            routes.add(r);
        }
        return new RouteConfig(routes);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
