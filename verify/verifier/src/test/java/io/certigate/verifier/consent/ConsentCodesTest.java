package io.certigate.verifier.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Purpose and kind codes, the salted subject hash (known answers computed with Python's hashlib), a consent's state. */
@Tag("unit")
class ConsentCodesTest {
    @Test
    void aPurposeIsItsAsciiBytesZeroPaddedAndReadsBack() {
        byte[] word = ConsentCodes.purpose("insurance.mileage");
        assertThat(HexFormat.of().formatHex(word)).isEqualTo(
                // "insurance.mileage" (17 bytes), then 15 zero bytes
                "696e737572616e63652e6d696c65616765" + "00".repeat(15));
        assertThat(ConsentCodes.text(word)).isEqualTo("insurance.mileage");
        assertThat(ConsentCodes.text(ConsentCodes.purpose("energy.coaching-v2"))).isEqualTo("energy.coaching-v2");
    }

    @Test
    void purposesThatAreNotCodesAreRefused() {
        for (String bad : List.of("insurance", "Insurance.mileage", "insurance mileage", "insurance..mileage",
                ".insurance", "insurance.", "1nsurance.mileage", "insurance.mileage." + "x".repeat(20), "")) {
            assertThatThrownBy(() -> ConsentCodes.purpose(bad)).as(bad)
                    .hasMessageContaining("purpose '" + bad + "' is not a code such as insurance.mileage");
        }
        assertThatThrownBy(() -> ConsentCodes.purpose(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void kindsComeFromTheCatalogueOrAreTariffRegisters() {
        for (String k : List.of("vehicle.odometer", "meter.energy.import", "meter.energy.import.hchp", "road.shock",
                "rfid.tag", "vehicle.distance.since-cleared")) {
            assertThat(ConsentCodes.text(ConsentCodes.kind(k))).isEqualTo(k);
        }
        for (String bad : List.of("vehicle.teleport", "vehicle", "meter.energy.import.", "meter.energy.import.HCHP",
                "road.position.lat")) {
            assertThatThrownBy(() -> ConsentCodes.kind(bad)).as(bad)
                    .hasMessageContaining("reading kind '" + bad + "' is unknown; known kinds:")
                    .hasMessageContaining("vehicle.odometer").hasMessageContaining("meter.energy.import.<register>");
        }
    }

    @Test
    void aWordWithBytesAfterThePaddingIsNotACode() {
        byte[] word = ConsentCodes.purpose("insurance.mileage");
        word[31] = 1;
        assertThatThrownBy(() -> ConsentCodes.text(word)).hasMessageContaining("after the padding");
        assertThatThrownBy(() -> ConsentCodes.text(new byte[31])).hasMessageContaining("32 bytes, not 31");
    }

    @Test
    void theSubjectHashIsSha256OfTheSaltAndTheIdsUtf8() {
        byte[] salt = new byte[32];
        for (int i = 0; i < 32; i++) {
            salt[i] = (byte) i;
        }
        // hashlib.sha256(bytes(range(32)) + b'WVWZZZ1JZXW000001').hexdigest()
        assertThat(HexFormat.of().formatHex(SubjectHash.of(salt, "WVWZZZ1JZXW000001")))
                .isEqualTo("cf0ac39c756c9c74dd551aa946fc3116b0ebbd15001315aba3240e850dca7314");
        assertThat(HexFormat.of().formatHex(SubjectHash.of(salt, "09876543210123")))
                .isEqualTo("1b3dca81ef510316102eb3ac1f05717adc4acf6f1959b7133e6b64fcb2917030");
        byte[] other = salt.clone();
        other[0] = 1;
        assertThat(SubjectHash.of(other, "WVWZZZ1JZXW000001")).as("another salt, another hash")
                .isNotEqualTo(SubjectHash.of(salt, "WVWZZZ1JZXW000001"));
        assertThatThrownBy(() -> SubjectHash.of(new byte[16], "x")).hasMessageContaining("32 bytes, not 16");
        assertThatThrownBy(() -> SubjectHash.of(salt, " ")).hasMessageContaining("empty");
    }

    @Test
    void aConsentsStateAtABlockFollowsTheContractsRule() {
        Instant from = Instant.parse("2027-01-01T00:00:00Z");
        Instant until = Instant.parse("2027-07-01T00:00:00Z");
        Consent c = new Consent(1, "0x01", "0x02", new byte[32], "insurance.mileage", List.of("vehicle.odometer"), from,
                until, 100, 200);
        Instant in = Instant.parse("2027-03-01T00:00:00Z");
        assertThat(c.stateAt(99, in)).isEqualTo(Consent.State.NOT_GRANTED);
        assertThat(c.stateAt(100, in)).isEqualTo(Consent.State.IN_FORCE);
        assertThat(c.stateAt(199, in)).isEqualTo(Consent.State.IN_FORCE);
        assertThat(c.stateAt(200, in)).isEqualTo(Consent.State.REVOKED);
        assertThat(c.stateAt(150, from.minusSeconds(1))).isEqualTo(Consent.State.NOT_YET_VALID);
        assertThat(c.stateAt(150, from)).as("the start is included").isEqualTo(Consent.State.IN_FORCE);
        assertThat(c.stateAt(150, until.minusSeconds(1))).isEqualTo(Consent.State.IN_FORCE);
        assertThat(c.stateAt(150, until)).as("the end is excluded").isEqualTo(Consent.State.EXPIRED);
        Consent open = new Consent(1, "0x01", "0x02", new byte[32], "insurance.mileage", List.of("vehicle.odometer"),
                from, until, 100, 0);
        assertThat(open.stateAt(1_000_000, in).inForce()).isTrue();
        assertThat(open.covers("vehicle.odometer")).isTrue();
        assertThat(open.covers("vehicle.speed")).isFalse();
    }
}
