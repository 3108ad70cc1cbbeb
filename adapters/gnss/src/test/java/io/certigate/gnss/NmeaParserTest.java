package io.certigate.gnss;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The NMEA framing, decoding and epoch merge, on the hand-written fixtures (see their README). */
@Tag("unit")
class NmeaParserTest {

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = NmeaParserTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    static String sentence(String body) {
        return "$" + body + "*" + NmeaAssembler.checksum(body) + "\r\n";
    }

    @Test
    void aMultiConstellationEpochMergesIntoOneFix() throws IOException {
        List<GnssFix> updates = new ArrayList<>();
        NmeaReceiver r = new NmeaReceiver(updates::add);
        r.accept(ByteBuffer.wrap(fixture("epoch-gn-v411.nmea")), 1_718_440_559_250L, 77);

        GnssFix fix = r.latest();
        assertThat(fix.utc()).isEqualTo(Instant.parse("2024-06-15T08:35:59Z"));
        assertThat(fix.valid()).isTrue();
        assertThat(fix.latitude()).isEqualByComparingTo("48.85652");
        assertThat(fix.longitude()).isEqualTo(new BigDecimal("2.3508117")); // 21.04870' / 60 rounded to 7 places
        assertThat(fix.hdop()).isEqualTo(new BigDecimal("0.92"));
        assertThat(fix.satellitesUsed()).isEqualTo(9);
        assertThat(fix.satellitesInView()).isEqualTo(9); // 6 GPS + 3 GLONASS
        assertThat(fix.speedKmh()).isEqualTo(new BigDecimal("50.004")); // 27 kn * 1.852
        assertThat(fix.courseDegrees()).isEqualByComparingTo("90");
        assertThat(fix.receivedAtMillis()).isEqualTo(1_718_440_559_250L);
        assertThat(fix.clockOffsetMillis()).contains(250L);
        assertThat(updates).hasSize(9);
        assertThat(r.stats().counts()).isEqualTo(new NmeaStats.Counts(9, 1, 0, 0, 0, 0)); // TXT skipped
    }

    @Test
    void aReceiverWithoutFixGivesTimeButNoPosition() throws IOException {
        NmeaReceiver r = new NmeaReceiver(f -> { });
        r.accept(ByteBuffer.wrap(fixture("no-fix-v41.nmea")), 0, 0);
        GnssFix fix = r.latest();
        assertThat(fix.valid()).isFalse();
        assertThat(fix.hasPosition()).isFalse();
        assertThat(fix.position(0)).isEmpty();
        assertThat(fix.utc()).isEqualTo(Instant.parse("2024-12-31T23:59:59.500Z"));
        assertThat(fix.satellitesInView()).isZero();
        assertThat(r.stats().counts().bad()).isZero();
    }

    @Test
    void anyChunkingGivesTheSameSentences() throws IOException {
        byte[] all = fixture("epoch-gn-v411.nmea");
        NmeaAssembler whole = new NmeaAssembler(new NmeaStats());
        List<NmeaSentence> expected = whole.accept(ByteBuffer.wrap(all));
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 50; round++) {
            NmeaAssembler a = new NmeaAssembler(new NmeaStats());
            List<NmeaSentence> got = new ArrayList<>();
            int i = 0;
            while (i < all.length) {
                int n = round == 0 ? 1 : 1 + random.nextInt(40);
                n = Math.min(n, all.length - i);
                got.addAll(a.accept(all, i, n));
                i += n;
            }
            assertThat(got).as("seed %d round %d", seed, round).isEqualTo(expected);
        }
        assertThat(expected).hasSize(10); // TXT is framed here, skipped by the decoder
    }

    @Test
    void everyTalkerIsAccepted() {
        for (String t : List.of("GP", "GL", "GA", "GB", "GN", "BD", "GQ")) {
            NmeaStats stats = new NmeaStats();
            List<NmeaSentence> s = new NmeaAssembler(stats).accept(ByteBuffer.wrap(
                    sentence(t + "ZDA,120000.00,01,02,2025,,").getBytes(StandardCharsets.US_ASCII)));
            assertThat(s).as(t).singleElement().extracting(NmeaSentence::talker).isEqualTo(Talker.valueOf(t));
        }
        NmeaStats stats = new NmeaStats();
        assertThat(new NmeaAssembler(stats).accept(ByteBuffer.wrap((sentence("PUBX,00,081350.00") + sentence("IIZDA,1,2,3")
                + "!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26\r\n").getBytes(StandardCharsets.US_ASCII)))).isEmpty();
        assertThat(stats.counts().unknown()).isEqualTo(3); // proprietary, not a GNSS talker, AIS
    }

    @Test
    void badChecksumsOverLongLinesAndGarbageAreCountedAndSkipped() {
        String good = sentence("GPZDA,120000.00,01,02,2025,,");
        String wrongSum = "$GPZDA,120000.00,01,02,2025,,*00\r\n";
        String noSum = "$GPZDA,120000.00,01,02,2025,,\r\n";
        String badHex = "$GPZDA,120000.00,01,02,2025,,*G1\r\n";
        String overLong = sentence("GPTXT," + "x".repeat(200));
        String noise = "\u0000\u00ff\u0013 at the wrong baud \r\n";
        String cut = "$GPGGA,1200";  // cut off by the next sentence
        String control = "$GPZDA,12\u000100.00*11\r\n";
        NmeaStats stats = new NmeaStats();
        List<NmeaSentence> s = new NmeaAssembler(stats).accept(ByteBuffer.wrap((noise + wrongSum + good + noSum + badHex
                + overLong + cut + good + control).getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(s).hasSize(2);
        NmeaStats.Counts c = stats.counts();
        assertThat(c.badChecksum()).isEqualTo(3);
        assertThat(c.overLong()).isEqualTo(1);
        assertThat(c.garbage()).isEqualTo(3); // the noise run, the cut sentence, the control character
    }

    @Test
    void malformedFieldsAreCountedNotThrown() {
        NmeaReceiver r = new NmeaReceiver(f -> { });
        String in = sentence("GPRMC,12xx00,A,4851.3912,N,00221.0487,E,1.0,0.0,150624,,,A")
                + sentence("GPGGA,120000,9951.3912,N,00221.0487,E,1,05,1.0,0,M,0,M,,")
                + sentence("GPGGA,120000,4851.3912,X,00221.0487,E,1,05,1.0,0,M,0,M,,")
                + sentence("GPGSV,2,3,08")
                + sentence("GPRMC,120000,A,4851.3912,N,00221.0487,E,1.0,0.0,310224,,,A"); // 31 February
        assertThat(r.accept(ByteBuffer.wrap(in.getBytes(StandardCharsets.US_ASCII)), 0, 0)).isZero();
        assertThat(r.stats().counts().malformed()).isEqualTo(5);
        assertThat(r.latest()).isNull();
    }

    @Test
    void eachSentenceTypeDecodes() throws NmeaFormatException {
        NmeaMessage.Rmc rmc = (NmeaMessage.Rmc) decode("GARMC,101010.123,A,3349.1234,S,07033.5000,W,0.50,359.9,010125,,,D,V");
        assertThat(rmc.talker()).isEqualTo(Talker.GA);
        assertThat(rmc.time()).isEqualTo(LocalTime.of(10, 10, 10, 123_000_000));
        assertThat(rmc.date()).isEqualTo(LocalDate.of(2025, 1, 1));
        assertThat(rmc.valid()).isTrue();
        assertThat(rmc.latitude()).isEqualTo(new BigDecimal("-33.8187233")); // 49.1234/60 = 0.81872333..
        assertThat(rmc.longitude()).isEqualTo(new BigDecimal("-70.5583333"));
        assertThat(rmc.speedKmh()).isEqualTo(new BigDecimal("0.926"));
        // v2.3 without mode: valid on status alone; estimated (E) is not a measured fix
        assertThat(((NmeaMessage.Rmc) decode("GPRMC,101010,A,3349.1234,S,07033.5000,W,0.5,1,010125,,")).valid()).isTrue();
        assertThat(((NmeaMessage.Rmc) decode("GPRMC,101010,A,3349.1234,S,07033.5000,W,0.5,1,010125,,,E")).valid()).isFalse();

        NmeaMessage.Gga gga = (NmeaMessage.Gga) decode("GBGGA,101010.00,3349.1234,S,07033.5000,W,2,12,0.6,-12.5,M,,M,,");
        assertThat(gga.quality()).isEqualTo(2);
        assertThat(gga.valid()).isTrue();
        assertThat(gga.satellitesUsed()).isEqualTo(12);
        assertThat(gga.hdop()).isEqualTo(new BigDecimal("0.6"));
        assertThat(gga.altitudeMetres()).isEqualTo(new BigDecimal("-12.5"));
        assertThat(((NmeaMessage.Gga) decode("GPGGA,101010,3349.1234,S,07033.5000,W,6,04,2.0,0,M,,M,,")).valid()).isFalse();

        NmeaMessage.Gsa gsa = (NmeaMessage.Gsa) decode("GNGSA,A,2,01,02,03,,,,,,,,,,2.5,1.3,2.1");
        assertThat(gsa.fixType()).isEqualTo(2);
        assertThat(gsa.satellitesUsed()).isEqualTo(3);
        assertThat(gsa.hdop()).isEqualTo(new BigDecimal("1.3"));

        NmeaMessage.Gsv gsv = (NmeaMessage.Gsv) decode("GLGSV,3,2,11,70,10,020,,71,20,040,25");
        assertThat(gsv).isEqualTo(new NmeaMessage.Gsv(Talker.GL, 3, 2, 11));

        NmeaMessage.Vtg vtg = (NmeaMessage.Vtg) decode("GPVTG,054.7,T,034.4,M,005.5,N,010.2,K,A");
        assertThat(vtg.speedKmh()).isEqualTo(new BigDecimal("010.2"));
        assertThat(vtg.courseDegrees()).isEqualTo(new BigDecimal("054.7"));
        NmeaMessage.Vtg knotsOnly = (NmeaMessage.Vtg) decode("GPVTG,054.7,T,,M,005.5,N,,K,A");
        assertThat(knotsOnly.speedKmh()).isEqualTo(new BigDecimal("10.186"));

        NmeaMessage.Zda zda = (NmeaMessage.Zda) decode("GNZDA,235960.00,31,12,2016,00,00"); // the 2016 leap second
        assertThat(zda.date()).isEqualTo(LocalDate.of(2016, 12, 31));
        assertThat(zda.time()).isEqualTo(LocalTime.of(23, 59, 59, 999_000_000));

        assertThat(decode("GPGLL,4916.45,N,12311.12,W,225444,A")).isNull();
    }

    @Test
    void anEpochWithoutDateGetsItFromTheLastOneAcrossMidnight() {
        NmeaReceiver r = new NmeaReceiver(f -> { });
        String in = sentence("GPRMC,235959.00,A,4851.3912,N,00221.0487,E,0.0,0.0,311224,,,A")
                + sentence("GPGGA,000000.00,4851.3912,N,00221.0487,E,1,05,1.0,0,M,0,M,,");
        r.accept(ByteBuffer.wrap(in.getBytes(StandardCharsets.US_ASCII)), 0, 0);
        assertThat(r.latest().utc()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(r.latest().valid()).isTrue();
        assertThat(r.latest().speedKmh()).isNull(); // RMC's speed belonged to the previous epoch
    }

    @Test
    void hdopAndSatellitesUsedCarryOverUntilTheNewEpochGivesThem() {
        NmeaReceiver r = new NmeaReceiver(f -> { });
        String in = sentence("GPGGA,120000.00,4851.3912,N,00221.0487,E,1,07,0.8,0,M,0,M,,")
                + sentence("GPRMC,120001.00,A,4851.3912,N,00221.0487,E,0.0,0.0,010125,,,A");
        r.accept(ByteBuffer.wrap(in.getBytes(StandardCharsets.US_ASCII)), 0, 0);
        assertThat(r.latest().utc()).isEqualTo(Instant.parse("2025-01-01T12:00:01Z"));
        assertThat(r.latest().hdop()).isEqualTo(new BigDecimal("0.8"));
        assertThat(r.latest().satellitesUsed()).isEqualTo(7);
        r.accept(ByteBuffer.wrap(sentence("GPGGA,120001.00,4851.3912,N,00221.0487,E,1,05,1.6,0,M,0,M,,")
                .getBytes(StandardCharsets.US_ASCII)), 0, 0);
        assertThat(r.latest().hdop()).isEqualTo(new BigDecimal("1.6"));
        assertThat(r.latest().satellitesUsed()).isEqualTo(5);
    }

    @Test
    void coordinatesRoundTripThroughNmeaForm() {
        assertThat(Coordinates.toNmea(new BigDecimal("48.85652"), true, 5)).isEqualTo("4851.39120,N");
        assertThat(Coordinates.toNmea(new BigDecimal("-2.3508117"), false, 5)).isEqualTo("00221.04870,W");
        assertThat(Coordinates.degrees("4851.39120", "N", 2)).isEqualTo(new BigDecimal("48.85652"));
    }

    private static NmeaMessage decode(String body) throws NmeaFormatException {
        List<NmeaSentence> s = new NmeaAssembler(new NmeaStats()).accept(ByteBuffer.wrap(
                sentence(body).getBytes(StandardCharsets.US_ASCII)));
        assertThat(s).hasSize(1);
        return NmeaDecoder.decode(s.get(0));
    }
}
