package io.certigate.obd;

/**
 * One OBD-II request as sent to an ELM327: a service (mode) and, for the services that take one,
 * a PID. {@link #command()} is the hex text the adapter receives, without the carriage return.
 *
 * @param mode service number, 0x01..0x0A
 * @param pid  parameter id 0x00..0xFF, or {@link #NO_PID} for services without one (03, 04, 07, 0A)
 */
public record ObdRequest(int mode, int pid) {
    public static final int NO_PID = -1;

    public ObdRequest {
        if (mode < 0x01 || mode > 0x0A) {
            throw new IllegalArgumentException("OBD service must be 01..0A, got " + mode);
        }
        if (pid < NO_PID || pid > 0xFF) {
            throw new IllegalArgumentException("OBD PID must be 00..FF, got " + pid);
        }
    }

    public static ObdRequest of(int mode, int pid) {
        return new ObdRequest(mode, pid);
    }

    /** The response service byte a conforming ECU answers with: 0x40 + mode. */
    public int responseMode() {
        return 0x40 + mode;
    }

    public boolean hasPid() {
        return pid != NO_PID;
    }

    /** The command text, e.g. {@code 010D}. */
    public String command() {
        return hasPid() ? String.format("%02X%02X", mode, pid) : String.format("%02X", mode);
    }

    @Override
    public String toString() {
        return command();
    }
}
