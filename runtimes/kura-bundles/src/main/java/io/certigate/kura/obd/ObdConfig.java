package io.certigate.kura.obd;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Metatype of the OBD reader: the {@code obd.*} keys of the standalone configuration (see
 * {@link io.certigate.obd.ObdReaderConfig}); {@code $_$} in a name stands for '-'. Per-PID periods
 * ({@code obd.poll.<PID>}) are accepted through ConfigAdmin as extra properties.
 */
@ObjectClassDefinition(id = ObdComponent.PID, name = "certigate OBD reader",
        description = "Polls an ELM327 adapter and hands VIN, certified odometer and live PIDs to the spine.")
public @interface ObdConfig {

    @AttributeDefinition(name = "Port", description = "Serial device path, or tcp://host:port for a Wi-Fi adapter.")
    String obd_port();

    @AttributeDefinition(name = "Baud rate", min = "0", max = "4000000", description = "0 probes the usual rates.")
    int obd_baud() default 0;

    @AttributeDefinition(name = "Headers (ATH1)")
    boolean obd_headers() default true;

    @AttributeDefinition(name = "Spaces (ATS1)")
    boolean obd_spaces() default false;

    @AttributeDefinition(name = "Reply timeout (ms)", min = "100", max = "60000")
    long obd_timeout$_$ms() default 2000;

    @AttributeDefinition(name = "VIN and odometer period (ms)", min = "1000", max = "86400000")
    long obd_identity$_$every$_$ms() default 300_000;

    @AttributeDefinition(name = "Reconnect back-off, min (ms)", min = "10", max = "3600000")
    long obd_backoff$_$min$_$ms() default 1000;

    @AttributeDefinition(name = "Reconnect back-off, max (ms)", min = "10", max = "3600000")
    long obd_backoff$_$max$_$ms() default 120_000;

    @AttributeDefinition(name = "NO DATA replies meaning ignition off", min = "1", max = "1000")
    int obd_quiet$_$limit() default 10;

    @AttributeDefinition(name = "Time quality", description = "How this gateway's clock is disciplined.", options = {
        @Option(label = "GNSS", value = "gnss"), @Option(label = "NTP", value = "ntp"),
        @Option(label = "RTC only", value = "rtc"), @Option(label = "none", value = "none")})
    String time_quality() default "ntp";

    @AttributeDefinition(name = "Spine", description = "Filter selecting the spine of the device this reader feeds.")
    String spine_target() default "(device.id=*)";
}
