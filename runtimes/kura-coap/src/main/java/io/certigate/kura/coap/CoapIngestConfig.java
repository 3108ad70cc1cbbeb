package io.certigate.kura.coap;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Metatype of the CoAP/SenML ingest: the {@code coap.ingest.*} keys of {@code CoapIngestSettings},
 * as the standalone file spells them ({@code _} in a name stands for '.', {@code $_$} for '-'). The
 * sensors' pre-shared keys are given by their source ({@code file:} or {@code env:}), never in the
 * configuration. The ids before the keys were shared ({@code coap.bind}, ...) are read as former keys.
 */
@ObjectClassDefinition(id = CoapIngestComponent.PID, name = "certigate CoAP ingest",
        description = "Receives SenML packs from sensors over CoAP/DTLS-PSK (one key per sensor) and hands their readings to the spine.")
public @interface CoapIngestConfig {

    @AttributeDefinition(name = "Address", description = "Address the DTLS endpoint binds to.")
    String coap_ingest_address() default "0.0.0.0";

    @AttributeDefinition(name = "Port", min = "0", max = "65535", description = "UDP port; 0 for any free port.")
    int coap_ingest_port() default 5684;

    @AttributeDefinition(name = "Resource path", description = "coaps://<gateway>:<port>/<path>")
    String coap_ingest_path() default "senml";

    @AttributeDefinition(name = "Sensor keys", description = "Where the sensors' pre-shared keys are read from: file:PATH"
            + " or env:NAME, one 'sensor-id = key in hex' per line (never the keys themselves).")
    String coap_ingest_psk$_$source();

    @AttributeDefinition(name = "Largest pack (bytes)", min = "64", max = "1048576")
    int coap_ingest_max$_$payload$_$bytes() default 4096;

    @AttributeDefinition(name = "Commit timeout (ms)", min = "1", max = "600000",
            description = "A request waits this long for its readings to be committed.")
    long coap_ingest_commit$_$timeout$_$ms() default 5000;

    @AttributeDefinition(name = "Sensor clock quality", description = "Of absolute SenML times (the sensor's clock).", options = {
        @Option(label = "GNSS", value = "gnss"), @Option(label = "NTP", value = "ntp"),
        @Option(label = "RTC only", value = "rtc"), @Option(label = "none", value = "none")})
    String coap_ingest_sensor$_$clock$_$quality() default "rtc";

    @AttributeDefinition(name = "Time quality", description = "Of the gateway clock that resolves relative SenML times.", options = {
        @Option(label = "GNSS", value = "gnss"), @Option(label = "NTP", value = "ntp"),
        @Option(label = "RTC only", value = "rtc"), @Option(label = "none", value = "none")})
    String time_quality() default "ntp";

    @AttributeDefinition(name = "Spine", description = "Filter selecting the spine of the device this ingest feeds.")
    String spine_target() default "(device.id=*)";
}
