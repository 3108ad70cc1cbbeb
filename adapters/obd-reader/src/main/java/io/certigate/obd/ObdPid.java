package io.certigate.obd;

import io.certigate.core.model.ReadingValue;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The service 01 PIDs certigate reads, with their reading kind, UCUM unit and decoder (SAE J1979 /
 * ISO 15031-5 Annex B; A, B, C, D are the data bytes after the PID echo).
 */
public enum ObdPid {
    /** 05 engine coolant temperature: A - 40 °C. */
    COOLANT_TEMPERATURE(0x05, 1, "vehicle.coolant.temperature", "Cel") {
        @Override
        ReadingValue decode(int[] d) {
            return ReadingValue.of(d[0] - 40L);
        }
    },
    /** 0C engine speed: (256 A + B) / 4 rpm. */
    ENGINE_SPEED(0x0C, 2, "vehicle.engine.speed", "/min") {
        @Override
        ReadingValue decode(int[] d) {
            return ReadingValue.of(BigDecimal.valueOf(256L * d[0] + d[1], 2).multiply(BigDecimal.valueOf(25)).stripTrailingZeros());
        }
    },
    /** 0D vehicle speed: A km/h. */
    SPEED(0x0D, 1, "vehicle.speed", "km/h") {
        @Override
        ReadingValue decode(int[] d) {
            return ReadingValue.of(d[0]);
        }
    },
    /** 21 distance travelled with the malfunction indicator lamp on: 256 A + B km. */
    DISTANCE_WITH_MIL(0x21, 2, "vehicle.distance.mil-on", "km") {
        @Override
        ReadingValue decode(int[] d) {
            return ReadingValue.of(256L * d[0] + d[1]);
        }
    },
    /** 2F fuel tank level input: 100 A / 255 %, kept to 0.01 %. */
    FUEL_LEVEL(0x2F, 1, "vehicle.fuel.level", "%") {
        @Override
        ReadingValue decode(int[] d) {
            return ReadingValue.of(BigDecimal.valueOf(100L * d[0]).divide(BigDecimal.valueOf(255), 2, RoundingMode.HALF_EVEN));
        }
    },
    /** 31 distance travelled since diagnostic codes were cleared: 256 A + B km. Never an odometer. */
    DISTANCE_SINCE_CLEARED(0x31, 2, "vehicle.distance.since-cleared", "km") {
        @Override
        ReadingValue decode(int[] d) {
            return ReadingValue.of(256L * d[0] + d[1]);
        }
    },
    /** A6 odometer: (A·2^24 + B·2^16 + C·2^8 + D) / 10 km, exact. */
    ODOMETER(0xA6, 4, "vehicle.odometer", "km") {
        @Override
        ReadingValue decode(int[] d) {
            long tenths = ((long) d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3];
            return new ReadingValue.Decimal(BigDecimal.valueOf(tenths, 1));
        }
    };

    private final int pid;
    private final int length;
    private final String kind;
    private final String unit;

    ObdPid(int pid, int length, String kind, String unit) {
        this.pid = pid;
        this.length = length;
        this.kind = kind;
        this.unit = unit;
    }

    public int pid() {
        return pid;
    }

    /** Data bytes after the PID echo. */
    public int length() {
        return length;
    }

    public String kind() {
        return kind;
    }

    public String unit() {
        return unit;
    }

    public ObdRequest request() {
        return new ObdRequest(0x01, pid);
    }

    abstract ReadingValue decode(int[] data);

    /**
     * Decodes one ECU's data bytes (after the PID echo). Extra bytes are allowed (some ECUs pad);
     * missing ones are an error.
     */
    public ReadingValue decode(ObdReply.EcuResponse response, String raw) throws ObdReplyException {
        if (response.length() < length) {
            throw new ObdReplyException("PID " + Elm327Replies.hex(pid) + " needs " + length + " data bytes, got "
                    + response.length(), raw);
        }
        int[] d = new int[length];
        for (int i = 0; i < length; i++) {
            d[i] = response.at(i);
        }
        return decode(d);
    }

    /** The table entry for a service 01 PID, or null when certigate does not decode it. */
    public static ObdPid of(int pid) {
        for (ObdPid p : values()) {
            if (p.pid == pid) {
                return p;
            }
        }
        return null;
    }

    /** Parses a PID given as hex ({@code 0D}) or by name ({@code SPEED}). */
    public static ObdPid parse(String text) {
        String t = text.trim();
        for (ObdPid p : values()) {
            if (p.name().equalsIgnoreCase(t)) {
                return p;
            }
        }
        try {
            ObdPid p = of(Integer.parseInt(t, 16));
            if (p != null) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("unknown OBD PID '" + text + "'");
    }
}
