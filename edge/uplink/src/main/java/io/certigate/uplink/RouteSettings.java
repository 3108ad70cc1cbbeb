package io.certigate.uplink;

import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Scope;
import io.certigate.core.config.Setting.Type;
import java.util.List;

/**
 * The forwarding routes' settings ({@code route.<NAME>.*}) of the standalone configuration file;
 * {@link RouteConfig} reads them. A route forwards the readings of some kinds, for one purpose, to
 * one destination on the gateway's uplink connection; every other record of the chain goes to that
 * destination as a hash-only item. See docs/minimisation.md.
 */
public final class RouteSettings {
    private RouteSettings() {}

    public static final Setting PURPOSE = Setting.of("route.<NAME>.purpose", Type.TEXT, null,
            "what the destination uses the readings for (insurance, energy-coaching, road-maintenance); "
                    + "required for each route").only(Scope.STANDALONE);
    public static final Setting KINDS = Setting.of("route.<NAME>.kinds", Type.TEXT, null,
            "comma list of the reading kinds the route forwards whole: exact kinds (vehicle.odometer) or families "
                    + "(meter.index.*); required").only(Scope.STANDALONE);
    public static final Setting MQTT_TOPIC = Setting.of("route.<NAME>.mqtt.topic", Type.TEXT, null,
            "MQTT topic on the uplink.mqtt.url connection ({device} is replaced by the device id); not under "
                    + "certigate/v1/, no wildcards; or route.<NAME>.coap.path").only(Scope.STANDALONE);
    public static final Setting COAP_PATH = Setting.of("route.<NAME>.coap.path", Type.TEXT, null,
            "CoAP path on the uplink.coap.url endpoint ({device} is replaced by the device id); not under "
                    + "certigate/v1/; or route.<NAME>.mqtt.topic").only(Scope.STANDALONE);

    public static final List<Setting> ALL = List.of(PURPOSE, KINDS, MQTT_TOPIC, COAP_PATH);
}
