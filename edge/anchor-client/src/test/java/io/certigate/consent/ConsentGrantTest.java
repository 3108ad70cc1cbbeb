package io.certigate.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.verifier.consent.SubjectHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A grant checked part by part before anything is signed; the holder's subject salts file. */
class ConsentGrantTest {
    static final String CONSUMER = "0x" + "ab".repeat(20);
    static final Instant FROM = Instant.parse("2027-01-01T00:00:00Z");
    static final Instant UNTIL = Instant.parse("2027-07-01T00:00:00Z");

    @Test
    @Tag("unit")
    void eachPartOfAGrantIsCheckedWithAnErrorNamingIt() {
        byte[] subject = new byte[32];
        assertThat(new ConsentGrant(CONSUMER, subject, "insurance.mileage", List.of("vehicle.odometer"), FROM, UNTIL)
                .kinds()).containsExactly("vehicle.odometer");
        assertThatThrownBy(() -> new ConsentGrant("bob", subject, "insurance.mileage", List.of("vehicle.odometer"),
                FROM, UNTIL)).hasMessageContaining("consumer 'bob' is not a ledger account address");
        assertThatThrownBy(() -> new ConsentGrant(CONSUMER, new byte[20], "insurance.mileage", List.of("vehicle.odometer"),
                FROM, UNTIL)).hasMessageContaining("subject hash is 32 bytes");
        assertThatThrownBy(() -> new ConsentGrant(CONSUMER, subject, "mileage", List.of("vehicle.odometer"), FROM, UNTIL))
                .hasMessageContaining("purpose 'mileage'");
        assertThatThrownBy(() -> new ConsentGrant(CONSUMER, subject, "insurance.mileage", List.of(), FROM, UNTIL))
                .hasMessageContaining("1 to 8 reading kinds, not 0");
        assertThatThrownBy(() -> new ConsentGrant(CONSUMER, subject, "insurance.mileage", List.of("vehicle.odometer",
                "vehicle.speed", "vehicle.fuel.level", "vehicle.engine.speed", "vehicle.coolant.temperature",
                "vehicle.distance.mil-on", "vehicle.distance.since-cleared", "vehicle.vin", "road.shock"), FROM, UNTIL))
                .hasMessageContaining("not 9");
        assertThatThrownBy(() -> new ConsentGrant(CONSUMER, subject, "insurance.mileage", List.of("vehicle.warp"), FROM,
                UNTIL)).hasMessageContaining("reading kind 'vehicle.warp' is unknown");
        assertThatThrownBy(() -> new ConsentGrant(CONSUMER, subject, "insurance.mileage",
                List.of("vehicle.odometer", "vehicle.odometer"), FROM, UNTIL)).hasMessageContaining("name a kind twice");
        assertThatThrownBy(() -> new ConsentGrant(CONSUMER, subject, "insurance.mileage", List.of("vehicle.odometer"),
                UNTIL, FROM)).hasMessageContaining("would end (2027-01-01T00:00:00Z) before it starts");
        assertThatThrownBy(() -> new ConsentGrant(CONSUMER, subject, "insurance.mileage", List.of("vehicle.odometer"),
                FROM, FROM)).hasMessageContaining("before it starts");
    }

    @Test
    @Tag("component")
    void saltsAreMadeOncePerSubjectKeptOwnerOnlyAndNameTheirHashes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("subjects.properties");
        SubjectSalts salts = SubjectSalts.load(file);
        assertThat(salts.salt("WVWZZZ1JZXW000001")).isEmpty();
        assertThat(file).doesNotExist();
        byte[] salt = salts.saltOrCreate("WVWZZZ1JZXW000001", new SecureRandom());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(salts.saltOrCreate("WVWZZZ1JZXW000001", new SecureRandom())).isEqualTo(salt);
        byte[] meter = salts.saltOrCreate("09876543210123", new SecureRandom());
        assertThat(meter).isNotEqualTo(salt);

        SubjectSalts again = SubjectSalts.load(file);
        assertThat(again.salt("WVWZZZ1JZXW000001")).hasValue(salt);
        assertThat(again.subjectOf(SubjectHash.of(meter, "09876543210123"))).hasValue("09876543210123");
        assertThat(again.subjectOf(SubjectHash.of(meter, "WVWZZZ1JZXW000001"))).isEmpty();
        assertThatThrownBy(() -> again.saltOrCreate("", new SecureRandom())).hasMessageContaining("empty");

        Files.writeString(file, "WVWZZZ1JZXW000001=abcd\n");
        assertThatThrownBy(() -> SubjectSalts.load(file)).hasMessageContaining("is 2 bytes, not 32");
        Files.writeString(file, "WVWZZZ1JZXW000001=not-hex\n");
        assertThatThrownBy(() -> SubjectSalts.load(file)).hasMessageContaining("is not hex");
    }
}
