package io.certigate.obd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.ReadingValue;
import java.math.BigDecimal;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Replies as ELM327 adapters print them, good and broken. */
@Tag("unit")
class Elm327RepliesTest {
    private static final ObdRequest SPEED = ObdRequest.of(0x01, 0x0D);
    private static final ObdRequest PIDS = ObdRequest.of(0x01, 0x00);
    private static final ObdRequest VIN = ObdRequest.of(0x09, 0x02);

    private static ObdReply.Data data(ObdReply r) {
        assertThat(r).isInstanceOf(ObdReply.Data.class);
        return (ObdReply.Data) r;
    }

    @Test
    void singleFrameInEveryPrintingStyle() throws Exception {
        // 0x32 = 50 km/h; spaces on/off, echo on/off, headers on/off, CR or CRLF, with or without prompt
        String[] variants = {
            "41 0D 32\r\r>",
            "410D32\r\r>",
            "010D\r41 0D 32\r\r>",
            "41 0D 32\r\n\r\n>",
            "7E8 03 41 0D 32\r\r",
            "7E803410D32\r\r>",
            "SEARCHING...\r41 0D 32\r\r>",
            "41 0d 32 \r",
        };
        for (String v : variants) {
            ObdReply.Data d = data(Elm327Replies.parse(SPEED, v));
            assertThat(d.responses()).as(v).hasSize(1);
            assertThat(ObdPid.SPEED.decode(d.responses().get(0), v)).as(v).isEqualTo(ReadingValue.of(50));
        }
    }

    @Test
    void canHeadersKeepTheEcuId() throws Exception {
        ObdReply.Data d = data(Elm327Replies.parse(SPEED, HeaderLayout.CAN_11, "7E8 03 41 0D 32 AA AA AA AA\r\r>"));
        assertThat(d.responses().get(0).header()).isEqualTo("7E8");
        assertThat(d.responses().get(0).data()).containsExactly(0x32);
        ObdReply.Data d29 = data(Elm327Replies.parse(SPEED, HeaderLayout.CAN_29, "18 DA F1 10 03 41 0D 32\r"));
        assertThat(d29.responses().get(0).header()).isEqualTo("18DAF110");
        assertThat(d29.first()).containsExactly(0x32);
        // ISO 9141-2 with headers: 48 6B 10 header, trailing checksum byte
        ObdReply.Data legacy = data(Elm327Replies.parse(SPEED, HeaderLayout.LEGACY, "BUS INIT: ...OK\r48 6B 10 41 0D 32 D5\r\r>"));
        assertThat(legacy.responses().get(0).header()).isEqualTo("486B10");
        assertThat(legacy.first()).containsExactly(0x32);
    }

    @Test
    void severalEcusAnswerSupportedPids() throws Exception {
        // headers off, two ECUs: capture published in the HavardLine/ODB2 notes (Wi-Fi ELM327 on port 35000)
        ObdReply.Data off = data(Elm327Replies.parse(PIDS, "41 00 BF 9F F9 91\r41 00 80 00 00 00\r\r>"));
        assertThat(off.responses()).hasSize(2);
        // headers on: engine 7E8 and transmission 7E9
        ObdReply.Data on = data(Elm327Replies.parse(PIDS, HeaderLayout.CAN_11,
                "7E8 06 41 00 BE 3F A8 13\r7E9 06 41 00 98 18 80 01\r\r>"));
        assertThat(on.responses()).extracting(ObdReply.EcuResponse::header).containsExactly("7E8", "7E9");
        ObdReply.Data swapped = data(Elm327Replies.parse(PIDS, HeaderLayout.CAN_11,
                "7E9 06 41 00 98 18 80 01\r7E8 06 41 00 BE 3F A8 13\r\r>"));
        assertThat(swapped.primary().header()).isEqualTo("7E8");
        SupportedPids s = SupportedPids.none().with(on);
        assertThat(s.supports(0x0D)).isTrue();  // BE: 01 03 04 05 06 07 of 7E8
        assertThat(s.supports(0x01)).isTrue();
        assertThat(s.supports(0x02)).isFalse();
        assertThat(s.continuesAfter(0x00)).isTrue(); // 13: last bit = PID 20
    }

    @Test
    void datasheetCanVinWithCanFormatting() throws Exception {
        // ELM327 datasheet (ELM327DSJ, "Multiline Responses", p. 42): CAN, formatting on, headers off
        String raw = "014\r0: 49 02 01 31 44 34\r1: 47 50 30 30 52 35 35\r2: 42 31 32 33 34 35 36\r\r>";
        Vin vin = Vin.fromReply(data(Elm327Replies.parse(VIN, raw)), raw);
        assertThat(vin.value()).isEqualTo("1D4GP00R55B123456");
        // spaces off (ATS0) prints the same segments without blanks
        String compact = "014\r0:490201314434\r1:47503030523535\r2:42313233343536\r\r>";
        assertThat(Vin.fromReply(data(Elm327Replies.parse(VIN, compact)), compact)).isEqualTo(vin);
    }

    @Test
    void datasheetJ1850VinInFiveMessages() throws Exception {
        // ELM327 datasheet (ELM327DSJ, "Multiline Responses", p. 42): J1850, each line numbered by its third byte
        String raw = "49 02 01 00 00 00 31\r49 02 02 44 34 47 50\r49 02 03 30 30 52 35\r49 02 04 35 42 31 32\r"
                + "49 02 05 33 34 35 36\r\r>";
        assertThat(Vin.fromReply(data(Elm327Replies.parse(VIN, raw)), raw).value()).isEqualTo("1D4GP00R55B123456");
    }

    @Test
    void rawHeadersVinWithIsoTpPci() throws Exception {
        // capture from a Stack Overflow question on reading the VIN with pyserial (question 51202387), ATH1
        String raw = "7E8 10 14 49 02 01 4C 46 56\r7E8 21 33 42 32 38 52 38 41\r7E8 22 33 30 32 35 33 31 30\r\r>";
        Vin vin = Vin.fromReply(data(Elm327Replies.parse(VIN, HeaderLayout.CAN_11, raw)), raw);
        assertThat(vin.value()).isEqualTo("LFV3B28R8A3025310");
        assertThat(vin.checkDigit()).isEqualTo(Vin.CheckDigit.NOT_APPLICABLE); // Chinese WMI
        // the same with ATS0, and with the NONE layout recognising the 3-digit ids
        String compact = "7E810144902014C4656\r7E82133423238523841\r7E82233303235333130\r";
        assertThat(Vin.fromReply(data(Elm327Replies.parse(VIN, compact)), compact)).isEqualTo(vin);
    }

    @Test
    void vinCheckDigit() throws Exception {
        // the datasheet's example VIN is made up: its weighted sum is 10 mod 11, so position 9 should be X, not 5
        assertThat(Vin.checkDigitOf("1D4GP00R55B123456")).isEqualTo('X');
        assertThat(Vin.of("1D4GP00R55B123456").checkDigit()).isEqualTo(Vin.CheckDigit.INVALID);
        // 1M8GDM9AXKP042788: the check-digit example of 49 CFR 565 (X at position 9)
        assertThat(Vin.of("1M8GDM9AXKP042788").checkDigit()).isEqualTo(Vin.CheckDigit.VALID);
        assertThat(Vin.of("1M8GDM9A1KP042788").checkDigit()).isEqualTo(Vin.CheckDigit.INVALID);
        assertThatThrownBy(() -> Vin.of("1M8GDM9AXKP04278")).isInstanceOf(ObdReplyException.class).hasMessageContaining("16");
        assertThatThrownBy(() -> Vin.of("1M8GDM9AXKP0427O8")).isInstanceOf(ObdReplyException.class).hasMessageContaining("'O'".replace('\'', '"'));
        assertThatThrownBy(() -> Vin.of("WVWZZZ1KZAI123456")).isInstanceOf(ObdReplyException.class);
    }

    @Test
    void conditionsInsteadOfData() throws Exception {
        assertThat(((ObdReply.Condition) Elm327Replies.parse(SPEED, "NO DATA\r\r>")).condition()).isEqualTo(ElmCondition.NO_DATA);
        assertThat(((ObdReply.Condition) Elm327Replies.parse(SPEED, "SEARCHING...\rUNABLE TO CONNECT\r\r>")).condition())
                .isEqualTo(ElmCondition.UNABLE_TO_CONNECT);
        assertThat(((ObdReply.Condition) Elm327Replies.parse(SPEED, "010D\rCAN ERROR\r\r>")).condition()).isEqualTo(ElmCondition.CAN_ERROR);
        assertThat(((ObdReply.Condition) Elm327Replies.parse(SPEED, "STOPPED\r\r>")).condition()).isEqualTo(ElmCondition.STOPPED);
        assertThat(((ObdReply.Condition) Elm327Replies.parse(SPEED, "?\r\r>")).condition()).isEqualTo(ElmCondition.UNKNOWN_COMMAND);
        assertThat(((ObdReply.Condition) Elm327Replies.parse(SPEED, "BUS INIT: ...ERROR\r\r>")).condition())
                .isEqualTo(ElmCondition.BUS_INIT_ERROR);
        assertThat(((ObdReply.Condition) Elm327Replies.parse(SPEED, "NODATA\r>")).condition()).isEqualTo(ElmCondition.NO_DATA);
        assertThat(((ObdReply.Condition) Elm327Replies.parse(SPEED, "ACT ALERT\r\r>")).condition()).isEqualTo(ElmCondition.ACT_ALERT);
        // a power dip resets the adapter: it prints its identity and forgets ATE0/ATH1
        ObdReply reset = Elm327Replies.parse(SPEED, HeaderLayout.CAN_11, "\r\rELM327 v1.5\r\r>");
        assertThat(((ObdReply.Condition) reset).condition().kind()).isEqualTo(ElmCondition.Kind.ADAPTER);
        ObdReply.Negative neg = (ObdReply.Negative) Elm327Replies.parse(VIN, HeaderLayout.CAN_11, "7E8 03 7F 09 12\r\r>");
        assertThat(neg.responseCode()).isEqualTo(0x12);
    }

    @Test
    void odometerIsExactTenthsOfKilometres() throws Exception {
        // 0x0012D687 = 1234567 tenths = 123456.7 km
        ObdReply.Data d = data(Elm327Replies.parse(ObdRequest.of(0x01, 0xA6), "41 A6 00 12 D6 87\r\r>"));
        assertThat(ObdPid.ODOMETER.decode(d.responses().get(0), "")).isEqualTo(new ReadingValue.Decimal(new BigDecimal("123456.7")));
        assertThat(ObdPid.ENGINE_SPEED.decode(new ObdReply.EcuResponse(null, new byte[] {0x1A, (byte) 0xF8}), ""))
                .isEqualTo(ReadingValue.of(1726)); // (0x1A*256 + 0xF8) / 4
        assertThat(ObdPid.ENGINE_SPEED.decode(new ObdReply.EcuResponse(null, new byte[] {0x0F, (byte) 0xA1}), ""))
                .isEqualTo(ReadingValue.of(new BigDecimal("1000.25")));
        assertThat(ObdPid.COOLANT_TEMPERATURE.decode(new ObdReply.EcuResponse(null, new byte[] {0x00}), ""))
                .isEqualTo(ReadingValue.of(-40));
        assertThat(ObdPid.FUEL_LEVEL.decode(new ObdReply.EcuResponse(null, new byte[] {(byte) 0xFF}), ""))
                .isEqualTo(ReadingValue.of(new BigDecimal("100.00")));
        assertThat(ObdPid.DISTANCE_SINCE_CLEARED.decode(new ObdReply.EcuResponse(null, new byte[] {0x04, (byte) 0xD2}), ""))
                .isEqualTo(ReadingValue.of(1234));
    }

    @Test
    void anotherServiceOrPidIsAnErrorNeverAValue() {
        assertThatThrownBy(() -> Elm327Replies.parse(SPEED, "41 0C 1A F8\r\r>"))
                .isInstanceOf(ObdReplyException.class).hasMessageContaining("PID echo 0C").hasMessageContaining("41 0C 1A F8");
        assertThatThrownBy(() -> Elm327Replies.parse(SPEED, "49 0D 32\r\r>"))
                .isInstanceOf(ObdReplyException.class).hasMessageContaining("response service 49");
        assertThatThrownBy(() -> Elm327Replies.parse(SPEED, "41\r\r>")).isInstanceOf(ObdReplyException.class);
    }

    @Test
    void malformedVariantsAreRejectedWithTheirRawText() {
        String[] bad = {
            "",                                   // nothing
            "\r\r>",                              // only the prompt
            "4I 0D 3Z\r\r>",                      // not hex
            "41 0D 3\r\r>",                       // odd digit group
            "\u00ff\u00fe#@!\r>",                 // line noise
            "014\r0: 49 02 01 31 44 34\r1: 47 50 30 30 52 35 35\r\r>",                     // segment 2 missing
            "014\r0: 49 02 01 31 44 34\r2: 42 31 32 33 34 35 36\r1: 47 50 30 30 52 35 35\r>", // out of order
            "7E8 10 14 49 02 01 4C 46 56\r7E8 21 33 42 32 38 52 38 41\r\r>",                // consecutive frame missing
            "7E8 10 14 49 02 01 4C 46 56\r7E8 22 33 30 32 35 33 31 30\r7E8 21 33 42 32 38 52 38 41\r>",
            "7E8 21 33 42 32 38 52 38 41\r>",     // consecutive without first
            "7E8 07 41 0D 32\r>",                 // PCI length beyond the frame
            "7E8 30 00 00\r>",                    // flow control is no data
        };
        for (String raw : bad) {
            ObdRequest req = raw.contains("49") || raw.contains("014") ? VIN : SPEED;
            assertThatThrownBy(() -> Elm327Replies.parse(req, raw)).as(ObdReplyException.quote(raw))
                    .isInstanceOfSatisfying(ObdReplyException.class, e -> assertThat(e.raw()).isEqualTo(raw));
        }
    }

    @Test
    void truncatedVinIsNoVin() throws Exception {
        String raw = "49 02 01 00 00 00 31\r49 02 02 44 34 47 50\r49 02 04 35 42 31 32\r\r>";
        ObdReply.Data d = data(Elm327Replies.parse(VIN, raw));
        assertThatThrownBy(() -> Vin.fromReply(d, raw)).isInstanceOf(ObdReplyException.class).hasMessageContaining("VIN message 3");
    }

    @Test
    void protocolNumbers() {
        assertThat(ElmProtocol.fromDpn("A6")).isEqualTo(ElmProtocol.ISO_15765_4_CAN_11_500);
        assertThat(ElmProtocol.fromDpn("3")).isEqualTo(ElmProtocol.ISO_9141_2);
        assertThatThrownBy(() -> ElmProtocol.fromDpn("NO DATA")).isInstanceOf(IllegalArgumentException.class);
    }
}
