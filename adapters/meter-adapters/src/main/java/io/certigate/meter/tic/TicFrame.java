package io.certigate.meter.tic;

import java.util.List;
import java.util.Optional;

/**
 * One complete TIC frame (STX … ETX) as the assembler delivered it: the groups whose checksum
 * held, and the groups that were rejected. Immutable; a new instance per frame.
 *
 * @param mode   the frame's mode (fixed by configuration, or detected from its first good group)
 * @param groups the usable groups, in the order sent
 * @param errors the rejected groups, in the order sent
 */
public record TicFrame(TicMode mode, List<TicGroup> groups, List<TicGroupError> errors) {

    public TicFrame {
        groups = List.copyOf(groups);
        errors = List.copyOf(errors);
    }

    /** The first good group with this label. */
    public Optional<TicGroup> group(String label) {
        for (TicGroup g : groups) {
            if (g.label().equals(label)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /** The first good group of this dictionary label. */
    public Optional<TicGroup> group(TicLabel label) {
        return label.mode() == mode ? group(label.wire()) : Optional.empty();
    }

    /** The meter's identifier (ADCO in historic mode, ADSC in standard mode), if its group was good. */
    public Optional<String> meterId() {
        for (TicGroup g : groups) {
            if (g.known() != null && g.known().role() == TicLabel.Role.METER_ID) {
                return Optional.of(g.data());
            }
        }
        return Optional.empty();
    }

    public boolean clean() {
        return errors.isEmpty();
    }
}
