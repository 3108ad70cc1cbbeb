package io.certigate.kura.rfid;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Metatype of the RFID reader; {@code $_$} in a name stands for '-'. */
@ObjectClassDefinition(id = RfidComponent.PID, name = "certigate RFID reader",
        description = "Reads tags from an RDM6300 (EM4100) or Wiegand-26 reader and hands each presentation to the spine.")
public @interface RfidConfig {

    @AttributeDefinition(name = "Port", description = "Serial device of the reader.")
    String rfid_port();

    @AttributeDefinition(name = "Format", options = {
        @Option(label = "EM4100 (RDM6300)", value = "em4100"), @Option(label = "Wiegand 26", value = "wiegand26")})
    String rfid_format() default "em4100";

    @AttributeDefinition(name = "Debounce (ms)", min = "0", max = "3600000", description = "A held tag is one event within this window.")
    long rfid_debounce$_$ms() default 2000;

    @AttributeDefinition(name = "Time quality", description = "Of the gateway clock that stamps the reads.", options = {
        @Option(label = "GNSS", value = "gnss"), @Option(label = "NTP", value = "ntp"),
        @Option(label = "RTC only", value = "rtc"), @Option(label = "none", value = "none")})
    String time_quality() default "rtc";

    @AttributeDefinition(name = "Spine", description = "Filter selecting the spine of the device this reader feeds.")
    String spine_target() default "(device.id=*)";
}
