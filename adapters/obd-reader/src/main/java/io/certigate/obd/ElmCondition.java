package io.certigate.obd;

import java.util.Locale;

/** The status words an ELM327 prints instead of data (ELM327 datasheet, "Error Messages and Alerts"). */
public enum ElmCondition {
    NO_DATA("NO DATA", Kind.QUIET),
    STOPPED("STOPPED", Kind.QUIET),
    UNABLE_TO_CONNECT("UNABLE TO CONNECT", Kind.BUS),
    CAN_ERROR("CAN ERROR", Kind.BUS),
    BUS_BUSY("BUS BUSY", Kind.BUS),
    BUS_ERROR("BUS ERROR", Kind.BUS),
    BUS_INIT_ERROR("BUS INIT: ...ERROR", Kind.BUS),
    FB_ERROR("FB ERROR", Kind.BUS),
    DATA_ERROR("DATA ERROR", Kind.BUS),
    RX_ERROR("<RX ERROR", Kind.BUS),
    BUFFER_FULL("BUFFER FULL", Kind.ADAPTER),
    LV_RESET("LV RESET", Kind.ADAPTER),
    ACT_ALERT("ACT ALERT", Kind.ADAPTER),
    /** The adapter printed its identity unasked: it reset (power dip) and lost its settings. */
    ADAPTER_RESET("ELM327", Kind.ADAPTER),
    ERR("ERR", Kind.ADAPTER),
    UNKNOWN_COMMAND("?", Kind.ADAPTER);

    /** How the poller should react. */
    public enum Kind {
        /** Nothing answered: ignition off or PID not supported; back off if it lasts. */
        QUIET,
        /** The vehicle bus failed: retry later. */
        BUS,
        /** The adapter itself complained: re-initialise it. */
        ADAPTER
    }

    private final String text;
    private final Kind kind;

    ElmCondition(String text, Kind kind) {
        this.text = text;
        this.kind = kind;
    }

    public String text() {
        return text;
    }

    public Kind kind() {
        return kind;
    }

    /** The condition a whole reply line stands for, or null when the line is not a status word. */
    static ElmCondition ofLine(String line) {
        String s = line.trim().toUpperCase(Locale.ROOT);
        if (s.equals("?")) {
            return UNKNOWN_COMMAND;
        }
        if (s.startsWith("ELM327")) {
            return ADAPTER_RESET;
        }
        if (s.startsWith("BUS INIT")) {
            return s.endsWith("ERROR") ? BUS_INIT_ERROR : null;
        }
        String compact = s.replace(" ", "");
        for (ElmCondition c : values()) {
            if (c != UNKNOWN_COMMAND && c != ERR && c != ADAPTER_RESET && compact.equals(c.text.replace(" ", ""))) {
                return c;
            }
        }
        if (compact.startsWith("<DATAERROR") || compact.endsWith("<DATAERROR")) {
            return DATA_ERROR;
        }
        if (compact.matches("ERR[0-9]{2}")) {
            return ERR;
        }
        return null;
    }
}
