package io.certigate.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class RouteConfigTest {
    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static RouteConfig parse(Properties p) {
        return RouteConfig.parse(p, "gw-7", true, true, "f.conf");
    }

    @Test
    void readsRoutesWithTheirDestination() {
        RouteConfig c = parse(props(
                "route.insurer.purpose", "insurance",
                "route.insurer.kinds", "vehicle.odometer",
                "route.insurer.mqtt.topic", "insurer/{device}/mileage",
                "route.city.purpose", "road-maintenance",
                "route.city.kinds", "road.shock, road.surface.*",
                "route.city.coap.path", "/city/roads/{device}",
                "uplink.mqtt.url", "tcp://localhost:1883"));
        assertThat(c.routes()).extracting(RouteConfig.Route::name).containsExactly("city", "insurer");
        RouteConfig.Route city = c.routes().get(0);
        assertThat(city.coapPath()).isEqualTo("city/roads/gw-7");
        assertThat(city.mqttTopic()).isNull();
        assertThat(city.filter().coversKind("road.surface.temperature")).isTrue();
        assertThat(city.destination()).isEqualTo("coap:/city/roads/gw-7");
        RouteConfig.Route insurer = c.routes().get(1);
        assertThat(insurer.mqttTopic()).isEqualTo("insurer/gw-7/mileage");
        assertThat(insurer.purpose()).isEqualTo("insurance");
        assertThat(RouteConfig.present(props("uplink.mqtt.url", "x"))).isFalse();
        assertThat(parse(props()).routes()).isEmpty();
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> parse(props("route.a.kinds", "x", "route.a.mqtt.topic", "t")))
                .hasMessage("f.conf: route.a.purpose is required (what the destination uses the readings for)");
        assertThatThrownBy(() -> parse(props("route.a.purpose", "p", "route.a.mqtt.topic", "t")))
                .hasMessageContaining("route.a.kinds is required");
        assertThatThrownBy(() -> parse(props("route.a.purpose", "p", "route.a.kinds", "Vehicle", "route.a.mqtt.topic", "t")))
                .hasMessageContaining("f.conf: route.a.kinds: 'Vehicle' is not a reading kind");
        assertThatThrownBy(() -> parse(props("route.a.purpose", "p", "route.a.kinds", "x")))
                .hasMessageContaining("route a needs exactly one destination: route.a.mqtt.topic or route.a.coap.path");
        assertThatThrownBy(() -> parse(props("route.a.purpose", "p", "route.a.kinds", "x", "route.a.mqtt.topic", "t",
                "route.a.coap.path", "c"))).hasMessageContaining("exactly one destination").hasMessageContaining("not both");
        assertThatThrownBy(() -> parse(props("route.a.purpose", "p", "route.a.kinds", "x", "route.a.mqtt.topik", "t")))
                .hasMessageContaining("route.a.mqtt.topik").hasMessageContaining("route.a.mqtt.topic");
        assertThatThrownBy(() -> parse(props("route.A.purpose", "p")))
                .hasMessageContaining("route.A.purpose: 'A' is not a route name");
    }

    @Test
    void topicsAreTheDestinationsOwnAndUnique() {
        assertThatThrownBy(() -> parse(props("route.a.purpose", "p", "route.a.kinds", "x",
                "route.a.mqtt.topic", "certigate/v1/gw-7/readings")))
                .hasMessageContaining("route.a.mqtt.topic = 'certigate/v1/gw-7/readings' lies under certigate/v1/");
        assertThatThrownBy(() -> parse(props("route.a.purpose", "p", "route.a.kinds", "x",
                "route.a.mqtt.topic", "city/#")))
                .hasMessageContaining("route.a.mqtt.topic = 'city/#' is not a topic name");
        assertThatThrownBy(() -> parse(props("route.a.purpose", "p", "route.a.kinds", "x", "route.a.mqtt.topic", "t/{device}",
                "route.b.purpose", "p", "route.b.kinds", "y", "route.b.mqtt.topic", "t/gw-7")))
                .hasMessage("f.conf: route.b.mqtt.topic = 't/gw-7' is already the destination of route a");
        assertThatThrownBy(() -> parse(props("route.a.purpose", "p", "route.a.kinds", "x",
                "route.a.coap.path", "/certigate/v1/gw-7/readings")))
                .hasMessageContaining("route.a.coap.path = 'certigate/v1/gw-7/readings' lies under /certigate/v1/");
    }

    @Test
    void aDestinationNeedsItsUplink() {
        Properties p = props("route.a.purpose", "p", "route.a.kinds", "x", "route.a.mqtt.topic", "t");
        assertThatThrownBy(() -> RouteConfig.parse(p, "gw-7", false, true, "f.conf"))
                .hasMessage("f.conf: route.a.mqtt.topic needs the MQTT uplink (uplink.mqtt.url)");
        Properties q = props("route.a.purpose", "p", "route.a.kinds", "x", "route.a.coap.path", "t");
        assertThatThrownBy(() -> RouteConfig.parse(q, "gw-7", true, false, "f.conf"))
                .hasMessage("f.conf: route.a.coap.path needs the CoAP uplink (uplink.coap.url)");
    }
}
