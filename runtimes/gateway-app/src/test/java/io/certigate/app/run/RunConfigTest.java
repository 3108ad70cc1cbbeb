package io.certigate.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone configuration's checks: ranges, duplicate and unknown keys. */
@Tag("unit")
class RunConfigTest {
    private static final String BASE = "device.id = gw-1\nkey.store = /k.p12\nkey.passphrase = env:PASS\nbuffer.file = /b.db\n";

    private static RunConfig parse(String extra) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(BASE + extra));
        return RunConfig.parse(p, "run.properties");
    }

    @Test
    void numbersWithinTheirRangesAreTaken() throws Exception {
        RunConfig c = parse("sequencer.queue-capacity = 8192\nsequencer.max-group = 64\nbuffer.max-records = 5000000000\n");
        assertThat(c.sequencerOptions().queueCapacity()).isEqualTo(8192);
        assertThat(c.sequencerOptions().maxGroup()).isEqualTo(64);
        assertThat(c.bufferOptions().maxRecords()).isEqualTo(5_000_000_000L);
        assertThat(parse("").sequencerOptions().queueCapacity()).isEqualTo(4096);
    }

    @Test
    void aNumberOutsideItsTypeOrRangeIsRefusedWithTheKeyTheValueAndTheRange() throws Exception {
        assertThatThrownBy(() -> parse("sequencer.queue-capacity = 99999999999\n")).isInstanceOf(RunConfig.ConfigException.class)
                .hasMessage("run.properties: sequencer.queue-capacity = '99999999999' must be a whole number in 1..1048576");
        assertThatThrownBy(() -> parse("sequencer.max-group = 4294967297\n"))
                .hasMessage("run.properties: sequencer.max-group = '4294967297' must be a whole number in 1..65536");
        assertThatThrownBy(() -> parse("buffer.busy-timeout-ms = 2147483648\n"))
                .hasMessage("run.properties: buffer.busy-timeout-ms = '2147483648' must be a whole number in 1..3600000");
        assertThatThrownBy(() -> parse("sources.synthetic.rate = -1\n"))
                .hasMessage("run.properties: sources.synthetic.rate = '-1' must be a whole number in 0..100000");
        assertThatThrownBy(() -> parse("anchor.batch-size = 4294967296\n"))
                .hasMessage("run.properties: anchor.batch-size = '4294967296' must be a whole number in 1..67108863");
        assertThatThrownBy(() -> parse("metrics.port = 70000\n"))
                .hasMessage("run.properties: metrics.port = '70000' must be a whole number in -1..65535");
        RunConfig tic = parse("tic.port = /dev/ttyUSB0\ntic.index-period-s = 9999999999999999\n");
        assertThatThrownBy(() -> MeterSources.parse(new RunConfig.Values(tic.raw(), "run.properties"), tic.raw(),
                "run.properties")).hasMessage("run.properties: tic.index-period-s = '9999999999999999'"
                        + " must be a whole number in 0..86400");
    }

    @Test
    void anUnknownKeySuggestsTheNearestKnownOne() {
        assertThatThrownBy(() -> parse("sequencer.queue-capcity = 10\n"))
                .hasMessage("run.properties: unknown key sequencer.queue-capcity (did you mean 'sequencer.queue-capacity'?)");
        assertThatThrownBy(() -> parse("tic.prot = /dev/ttyUSB0\n"))
                .hasMessage("run.properties: unknown key tic.prot (did you mean 'tic.port'?)");
        // once let through unchecked by its prefix
        assertThatThrownBy(() -> parse("anchor.batch-sise = 10\n"))
                .hasMessage("run.properties: unknown key anchor.batch-sise (did you mean 'anchor.batch-size'?)");
        assertThatThrownBy(() -> parse("uplink.mqtt.windw = 4\n"))
                .hasMessage("run.properties: unknown key uplink.mqtt.windw (did you mean 'uplink.mqtt.window'?)");
        assertThatThrownBy(() -> parse("colour = blue\n")).hasMessage("run.properties: unknown key colour");
    }

    @Test
    void keysNamedByTheOperatorAreAccepted() throws Exception {
        parse("obd.port = tcp://127.0.0.1:35000\nobd.poll.speed = 1000\ncoap.ingest.psk.road-01 = env:PSK\n");
    }

    @Test
    void aKeyGivenTwiceInTheFileIsAnError(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("run.properties"), BASE + "sequencer.max-group = 512\n# later\n"
                + "sequencer.max-group = 64\n");
        assertThatThrownBy(() -> RunConfig.load(file)).isInstanceOf(RunConfig.ConfigException.class)
                .hasMessageStartingWith(file + ": key sequencer.max-group is given twice");
        Path ok = Files.writeString(dir.resolve("ok.properties"), BASE + "sequencer.max-group = 64\n");
        assertThat(RunConfig.load(ok).sequencerOptions().maxGroup()).isEqualTo(64);
    }
}
