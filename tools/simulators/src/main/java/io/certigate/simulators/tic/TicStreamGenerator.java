package io.certigate.simulators.tic;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Produces the byte stream of a simulated Linky meter, frame by frame, in either TIC mode, written
 * from the frame and group layout of Enedis-NOI-CPT_54E independently of the gateway's decoder.
 * The load is a random walk (150 VA to 6 kVA); the active register grows by power × elapsed time,
 * so indexes are realistic and monotonic. With a corruption rate, a frame is damaged in one of the
 * ways seen on real lines: a flipped bit, a lost CR, line noise inside a group, or an EOT interruption.
 * Deterministic for a given seed and sequence of instants.
 */
public final class TicStreamGenerator {
    static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final String[] HISTORIC_TEMPO_REGISTERS = {"BBRHCJB", "BBRHPJB", "BBRHCJW", "BBRHPJW", "BBRHCJR", "BBRHPJR"};
    private static final String[] PTEC_TEMPO = {"HCJB", "HPJB", "HCJW", "HPJW", "HCJR", "HPJR"};
    private static final String[] COLORS = {"BLEU", "BLAN", "ROUG"};

    /** What a frame was damaged with, for tests and the simulator's own counters. */
    public enum Corruption { NONE, BIT_FLIP, LOST_CR, NOISE, EOT }

    /**
     * @param historic       historic mode (true) or standard mode (false)
     * @param tariff         tariff option
     * @param meterId        12-digit ADCO / ADSC
     * @param corruptionRate probability that a frame is damaged, 0..1
     * @param degradedClock  send the standard-mode DATE with a lower-case season letter
     * @param seed           random seed
     */
    public record Config(boolean historic, TicTariff tariff, String meterId, double corruptionRate, boolean degradedClock,
            long seed) {
        public Config {
            if (!meterId.matches("\\d{12}")) {
                throw new IllegalArgumentException("meter id must be 12 digits");
            }
            if (corruptionRate < 0 || corruptionRate > 1) {
                throw new IllegalArgumentException("corruption rate must be within 0..1");
            }
        }
    }

    private final Config config;
    private final Random random;
    private final double[] registersWh;
    private double powerVa = 800;
    private double maxVa;
    private Instant last;
    private Corruption lastCorruption = Corruption.NONE;

    public TicStreamGenerator(Config config, long[] initialIndexesWh) {
        this.config = config;
        this.random = new Random(config.seed());
        this.registersWh = new double[config.tariff().registers()];
        for (int i = 0; i < registersWh.length && initialIndexesWh != null && i < initialIndexesWh.length; i++) {
            registersWh[i] = initialIndexesWh[i];
        }
    }

    /** The next frame's bytes (STX … ETX, or cut by EOT), for a meter whose clock reads {@code now}. */
    public byte[] nextFrame(Instant now) {
        LocalDateTime local = LocalDateTime.ofInstant(now, PARIS);
        advance(now, local);
        List<String[]> groups = config.historic() ? historic(local) : standard(now, local);
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        out.write(0x02);
        lastCorruption = random.nextDouble() < config.corruptionRate()
                ? Corruption.values()[1 + random.nextInt(Corruption.values().length - 1)] : Corruption.NONE;
        int victim = random.nextInt(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            byte[] g = group(groups.get(i));
            if (i == victim && lastCorruption != Corruption.NONE) {
                if (corrupt(out, g)) {
                    return out.toByteArray();
                }
            } else {
                out.writeBytes(g);
            }
        }
        out.write(0x03);
        return out.toByteArray();
    }

    /** How the last frame was damaged. */
    public Corruption lastCorruption() {
        return lastCorruption;
    }

    /** Current register values in Wh (for checks). */
    public long[] registers() {
        long[] r = new long[registersWh.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (long) registersWh[i];
        }
        return r;
    }

    /** Damages one group; returns true when the frame ends here (EOT). */
    private boolean corrupt(ByteArrayOutputStream out, byte[] g) {
        switch (lastCorruption) {
            case BIT_FLIP:
                int at = 1 + random.nextInt(g.length - 3);
                g[at] = (byte) ((g[at] ^ (1 << random.nextInt(5))) & 0x7F);
                if (g[at] < 0x20) {
                    g[at] = '~';
                }
                out.writeBytes(g);
                return false;
            case LOST_CR:
                out.write(g, 0, g.length - 1);
                return false;
            case NOISE:
                int cut = 2 + random.nextInt(g.length - 4);
                out.write(g, 0, cut);
                out.writeBytes(new byte[] {0x7F, 0x15, 'Z', 0x00});
                out.write(g, cut, g.length - cut);
                return false;
            default:
                out.write(g, 0, g.length / 2);
                out.write(0x04);
                return true;
        }
    }

    private void advance(Instant now, LocalDateTime local) {
        if (last != null && now.isAfter(last)) {
            double hours = Duration.between(last, now).toMillis() / 3_600_000.0;
            registersWh[config.tariff().activeRegister(local)] += powerVa * 0.95 * hours;
        }
        last = now;
        powerVa = Math.max(150, Math.min(6000, powerVa + random.nextGaussian() * 120));
        maxVa = Math.max(maxVa, powerVa);
    }

    private List<String[]> historic(LocalDateTime local) {
        TicTariff t = config.tariff();
        int active = t.activeRegister(local);
        List<String[]> g = new ArrayList<>();
        g.add(f("ADCO", config.meterId()));
        g.add(f("OPTARIF", t == TicTariff.BASE ? "BASE" : t == TicTariff.HCHP ? "HC.." : "BBR("));
        g.add(f("ISOUSC", "30"));
        if (t == TicTariff.BASE) {
            g.add(f("BASE", idx(0)));
        } else if (t == TicTariff.HCHP) {
            g.add(f("HCHC", idx(0)));
            g.add(f("HCHP", idx(1)));
        } else {
            for (int i = 0; i < 6; i++) {
                g.add(f(HISTORIC_TEMPO_REGISTERS[i], idx(i)));
            }
        }
        g.add(f("PTEC", t == TicTariff.BASE ? "TH.." : t == TicTariff.HCHP ? (active == 0 ? "HC.." : "HP..") : PTEC_TEMPO[active]));
        if (t == TicTariff.TEMPO) {
            g.add(f("DEMAIN", local.getHour() >= 20 ? COLORS[TicTariff.color(local.plusDays(1))] : "----"));
        }
        g.add(f("IINST", String.format("%03d", Math.round(powerVa / 230))));
        g.add(f("IMAX", "090"));
        g.add(f("PAPP", String.format("%05d", Math.round(powerVa / 10) * 10)));
        g.add(f("HHPHC", "A"));
        g.add(f("MOTDETAT", "000000"));
        return g;
    }

    private List<String[]> standard(Instant now, LocalDateTime local) {
        TicTariff t = config.tariff();
        int active = t.activeRegister(local);
        String date = horodate(now, config.degradedClock());
        List<String[]> g = new ArrayList<>();
        g.add(f("ADSC", config.meterId()));
        g.add(f("VTIC", "02"));
        g.add(new String[] {"DATE", date, ""});
        g.add(f("NGTF", pad(t == TicTariff.BASE ? "BASE" : t == TicTariff.HCHP ? "H PLEINE/CREUSE" : "TEMPO", 16)));
        g.add(f("LTARF", pad(t == TicTariff.BASE ? "BASE" : t == TicTariff.HCHP ? (active == 0 ? "HEURE CREUSE" : "HEURE PLEINE")
                : PTEC_TEMPO[active], 16)));
        long total = 0;
        for (long r : registers()) {
            total += r;
        }
        g.add(f("EAST", String.format("%09d", total)));
        for (int i = 0; i < 10; i++) {
            g.add(f(String.format("EASF%02d", i + 1), i < registersWh.length ? idx(i) : "000000000"));
        }
        g.add(f("EASD01", String.format("%09d", total)));
        for (int i = 2; i <= 4; i++) {
            g.add(f("EASD0" + i, "000000000"));
        }
        g.add(f("IRMS1", String.format("%03d", Math.round(powerVa / 230))));
        g.add(f("URMS1", "231"));
        g.add(f("PREF", "06"));
        g.add(f("PCOUP", "06"));
        g.add(f("SINSTS", String.format("%05d", Math.round(powerVa))));
        g.add(new String[] {"SMAXSN", date, String.format("%05d", Math.round(maxVa))});
        g.add(new String[] {"UMOY1", date, "230"});
        g.add(f("STGE", "003A0001"));
        g.add(f("MSG1", pad("PAS DE          MESSAGE", 32)));
        g.add(f("PRM", "0" + config.meterId() + "9"));
        g.add(f("RELAIS", "000"));
        g.add(f("NTARF", String.format("%02d", active + 1)));
        g.add(f("NJOURF", "00"));
        g.add(f("NJOURF+1", "00"));
        return g;
    }

    /** Standard-mode horodate: season E (UTC+2) or H (UTC+1), lower case when the clock is degraded. */
    static String horodate(Instant now, boolean degraded) {
        ZoneOffset offset = PARIS.getRules().getOffset(now);
        char season = offset.getTotalSeconds() == 7200 ? 'E' : 'H';
        LocalDateTime l = LocalDateTime.ofInstant(now, offset);
        return String.format("%c%02d%02d%02d%02d%02d%02d", degraded ? Character.toLowerCase(season) : season,
                l.getYear() % 100, l.getMonthValue(), l.getDayOfMonth(), l.getHour(), l.getMinute(), l.getSecond());
    }

    private String idx(int i) {
        return String.format("%09d", (long) registersWh[i]);
    }

    private static String[] f(String label, String value) {
        return new String[] {label, value};
    }

    private static String pad(String s, int n) {
        StringBuilder b = new StringBuilder(s);
        while (b.length() < n) {
            b.append(' ');
        }
        return b.toString();
    }

    /** LF, fields joined by the mode's separator, separator, checksum, CR. */
    private byte[] group(String[] fields) {
        char sep = config.historic() ? ' ' : '\t';
        String body = String.join(String.valueOf(sep), fields) + sep;
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        int sum = 0;
        int end = config.historic() ? b.length - 1 : b.length;
        for (int i = 0; i < end; i++) {
            sum += b[i];
        }
        byte[] g = new byte[b.length + 3];
        g[0] = 0x0A;
        System.arraycopy(b, 0, g, 1, b.length);
        g[g.length - 2] = (byte) ((sum & 0x3F) + 0x20);
        g[g.length - 1] = 0x0D;
        return g;
    }
}
