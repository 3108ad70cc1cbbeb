package io.certigate.gnss;

import java.util.List;

/**
 * One framed NMEA 0183 sentence whose checksum was right: {@code $GNRMC,...*hh}.
 *
 * @param talker who sent it ({@link Talker})
 * @param type   the sentence formatter, e.g. {@code RMC}
 * @param fields the data fields after the address field, empty strings for null fields
 * @param line   the sentence as received, without CR LF (for logs and errors)
 */
public record NmeaSentence(Talker talker, String type, List<String> fields, String line) {
    public NmeaSentence {
        fields = List.copyOf(fields);
    }

    /** Field {@code i}, or an empty (null) field when the sentence is shorter: older versions send fewer fields. */
    public String field(int i) {
        return i < fields.size() ? fields.get(i) : "";
    }
}
