package io.certigate.meter.tic;

import java.util.OptionalLong;

/**
 * One checksum-valid information group of a TIC frame: {@code LF label SEP [horodate SEP] data SEP
 * checksum CR}. Immutable.
 *
 * @param mode     the mode whose separator and checksum rule the group satisfied
 * @param label    the label as sent
 * @param known    the dictionary entry of the label, or null for a label the dictionary lacks
 * @param horodate the horodate of a horodated standard-mode group, or null
 * @param data     the data field as sent (may be empty, may contain spaces in standard mode)
 */
public record TicGroup(TicMode mode, String label, TicLabel known, TicHorodate horodate, String data) {

    /** The data as a number when it is all decimal digits. */
    public OptionalLong number() {
        if (data.isEmpty() || data.length() > 18) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseLong(data));
    }

    /** The group as a technician reads it: label, horodate if any, data. */
    @Override
    public String toString() {
        return label + (horodate == null ? "" : " @" + horodate.format()) + " = '" + data + "'";
    }
}
