package io.certigate.gnss;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;

/**
 * Decodes the fields of the GNSS sentences this gateway uses (NMEA 0183 v4.11 §6.3: RMC, GGA, GSA,
 * GSV, VTG, ZDA). Pure: sentence in, message out. Fields added by later versions (RMC's mode and
 * navigational status, GSA's system id, GSV's signal id) are optional, so v2.3 to v4.11 receivers all decode.
 */
public final class NmeaDecoder {
    /** One knot is exactly 1.852 km/h (international nautical mile, 1852 m). */
    static final BigDecimal KMH_PER_KNOT = new BigDecimal("1.852");
    /** Decimal places of speeds in km/h. */
    public static final int SPEED_DECIMALS = 3;

    private NmeaDecoder() {}

    /**
     * @return the message, or null for a sentence type this gateway does not use (GLL, TXT, ...)
     * @throws NmeaFormatException when a field is not what the format says
     */
    public static NmeaMessage decode(NmeaSentence s) throws NmeaFormatException {
        try {
            return switch (s.type()) {
                case "RMC" -> rmc(s);
                case "GGA" -> gga(s);
                case "GSA" -> gsa(s);
                case "GSV" -> gsv(s);
                case "VTG" -> vtg(s);
                case "ZDA" -> zda(s);
                default -> null;
            };
        } catch (NumberFormatException | DateTimeException | ArithmeticException e) {
            throw new NmeaFormatException(s.type() + ": " + e.getMessage(), s.line());
        }
    }

    // $--RMC,hhmmss.ss,A,llll.ll,a,yyyyy.yy,a,x.x,x.x,xxxxxx,x.x,a,a,a*hh
    private static NmeaMessage.Rmc rmc(NmeaSentence s) {
        String status = s.field(1);
        Character mode = s.field(11).isEmpty() ? null : s.field(11).charAt(0);
        boolean valid = status.equals("A") && (mode == null || mode == 'A' || mode == 'D');
        return new NmeaMessage.Rmc(s.talker(), time(s.field(0)), valid,
                Coordinates.degrees(s.field(2), s.field(3), 2), Coordinates.degrees(s.field(4), s.field(5), 3),
                knots(s.field(6)), decimal(s.field(7)), date(s.field(8)), mode);
    }

    // $--GGA,hhmmss.ss,llll.ll,a,yyyyy.yy,a,x,xx,x.x,x.x,M,x.x,M,x.x,xxxx*hh
    private static NmeaMessage.Gga gga(NmeaSentence s) {
        return new NmeaMessage.Gga(s.talker(), time(s.field(0)), Coordinates.degrees(s.field(1), s.field(2), 2),
                Coordinates.degrees(s.field(3), s.field(4), 3), whole(s.field(5), 0, 9, 0), whole(s.field(6), 0, 99, -1),
                decimal(s.field(7)), signedDecimal(s.field(8)));
    }

    // $--GSA,a,x,xx,xx,xx,xx,xx,xx,xx,xx,xx,xx,xx,xx,x.x,x.x,x.x,h*hh
    private static NmeaMessage.Gsa gsa(NmeaSentence s) {
        int used = 0;
        for (int i = 2; i < 14; i++) {
            if (!s.field(i).isEmpty()) {
                whole(s.field(i), 0, 999, 0);
                used++;
            }
        }
        return new NmeaMessage.Gsa(s.talker(), whole(s.field(1), 1, 3, 1), used, decimal(s.field(14)),
                decimal(s.field(15)), decimal(s.field(16)));
    }

    // $--GSV,x,x,xx,xx,xx,xxx,xx,...,h*hh
    private static NmeaMessage.Gsv gsv(NmeaSentence s) {
        int total = whole(s.field(0), 1, 99, -1);
        int number = whole(s.field(1), 1, 99, -1);
        if (total < 0 || number < 0 || number > total) {
            throw new NumberFormatException("message " + s.field(1) + " of " + s.field(0));
        }
        return new NmeaMessage.Gsv(s.talker(), total, number, whole(s.field(2), 0, 999, 0));
    }

    // $--VTG,x.x,T,x.x,M,x.x,N,x.x,K,a*hh
    private static NmeaMessage.Vtg vtg(NmeaSentence s) {
        BigDecimal kmh = decimal(s.field(6));
        BigDecimal speed = kmh != null ? Coordinates.strip(kmh.setScale(Math.min(kmh.scale(), SPEED_DECIMALS),
                RoundingMode.HALF_EVEN)) : knots(s.field(4));
        Character mode = s.field(8).isEmpty() ? null : s.field(8).charAt(0);
        return new NmeaMessage.Vtg(s.talker(), decimal(s.field(0)), speed, mode);
    }

    // $--ZDA,hhmmss.ss,xx,xx,xxxx,xx,xx*hh
    private static NmeaMessage.Zda zda(NmeaSentence s) {
        LocalDate date = null;
        if (!s.field(1).isEmpty() || !s.field(2).isEmpty() || !s.field(3).isEmpty()) {
            date = LocalDate.of(whole(s.field(3), 1980, 2999, -1), whole(s.field(2), 1, 12, -1), whole(s.field(1), 1, 31, -1));
        }
        return new NmeaMessage.Zda(s.talker(), time(s.field(0)), date);
    }

    /** {@code hhmmss} with an optional fraction, kept to the millisecond; null when empty. */
    static LocalTime time(String f) {
        if (f.isEmpty()) {
            return null;
        }
        if (f.length() < 6 || (f.length() > 6 && f.charAt(6) != '.') || !digits(f.substring(0, 6))) {
            throw new NumberFormatException("time '" + f + "' is not hhmmss.ss");
        }
        int nanos = 0;
        if (f.length() > 7) {
            String frac = f.substring(7);
            if (!digits(frac) || frac.length() > 9) {
                throw new NumberFormatException("time '" + f + "' is not hhmmss.ss");
            }
            nanos = new BigDecimal("0." + frac).setScale(3, RoundingMode.HALF_EVEN).movePointRight(9).intValueExact();
        }
        if (nanos >= 1_000_000_000) {
            nanos = 999_000_000;
        }
        int second = Integer.parseInt(f.substring(4, 6));
        // a leap second (60) is reported as the last millisecond of minute 59
        return LocalTime.of(Integer.parseInt(f.substring(0, 2)), Integer.parseInt(f.substring(2, 4)), Math.min(second, 59),
                second == 60 ? 999_000_000 : nanos);
    }

    /** {@code ddmmyy}; the two-digit year is taken in 2000..2099 (gpsd does the same). Null when empty. */
    static LocalDate date(String f) {
        if (f.isEmpty()) {
            return null;
        }
        if (f.length() != 6 || !digits(f)) {
            throw new NumberFormatException("date '" + f + "' is not ddmmyy");
        }
        return LocalDate.of(2000 + Integer.parseInt(f.substring(4, 6)), Integer.parseInt(f.substring(2, 4)),
                Integer.parseInt(f.substring(0, 2)));
    }

    private static BigDecimal knots(String f) {
        BigDecimal k = decimal(f);
        if (k == null) {
            return null;
        }
        return Coordinates.strip(k.multiply(KMH_PER_KNOT).setScale(SPEED_DECIMALS, RoundingMode.HALF_EVEN));
    }

    /** An unsigned decimal figure, or null when empty. */
    static BigDecimal decimal(String f) {
        if (f.isEmpty()) {
            return null;
        }
        if (f.length() > 16 || !f.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            throw new NumberFormatException("'" + f + "' is not an unsigned decimal");
        }
        return new BigDecimal(f);
    }

    private static BigDecimal signedDecimal(String f) {
        return f.startsWith("-") ? negate(decimal(f.substring(1))) : decimal(f);
    }

    private static BigDecimal negate(BigDecimal d) {
        if (d == null) {
            throw new NumberFormatException("a lone '-'");
        }
        return d.negate();
    }

    private static int whole(String f, int min, int max, int ifEmpty) {
        if (f.isEmpty()) {
            return ifEmpty;
        }
        if (f.length() > 4 || !digits(f)) {
            throw new NumberFormatException("'" + f + "' is not a whole number");
        }
        int n = Integer.parseInt(f);
        if (n < min || n > max) {
            throw new NumberFormatException(n + " is outside " + min + ".." + max);
        }
        return n;
    }

    private static boolean digits(String f) {
        return !f.isEmpty() && f.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
