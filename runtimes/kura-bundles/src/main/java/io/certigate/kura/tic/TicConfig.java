package io.certigate.kura.tic;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Metatype of the Linky TIC reader; {@code $_$} in a name stands for '-'. */
@ObjectClassDefinition(id = TicComponent.PID, name = "certigate Linky TIC reader",
        description = "Reads the teleinformation (TIC) output of a Linky meter and hands its index readings to the spine.")
public @interface TicConfig {

    @AttributeDefinition(name = "Port", description = "Serial device of the TIC interface.")
    String tic_port();

    @AttributeDefinition(name = "Mode", options = {
        @Option(label = "Detect", value = "auto"), @Option(label = "Historic (1200 baud)", value = "historic"),
        @Option(label = "Standard (9600 baud)", value = "standard")})
    String tic_mode() default "auto";

    @AttributeDefinition(name = "Index period (s)", min = "0", max = "86400", description = "At most one set of index readings per period.")
    long tic_index$_$period$_$s() default 900;

    @AttributeDefinition(name = "Instant period (s)", min = "0", max = "86400",
            description = "At most one set of power and current readings per period; 0 for every frame.")
    long tic_instant$_$period$_$s() default 60;

    @AttributeDefinition(name = "Time quality", description = "Of the gateway clock, for frames without a meter date.",
            options = {@Option(label = "GNSS", value = "gnss"), @Option(label = "NTP", value = "ntp"),
                @Option(label = "RTC only", value = "rtc"), @Option(label = "none", value = "none")})
    String time_quality() default "rtc";

    @AttributeDefinition(name = "Spine", description = "Filter selecting the spine of the device this reader feeds.")
    String spine_target() default "(device.id=*)";
}
