package io.certigate.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.AnchorSettings;
import io.certigate.app.metrics.MetricsSettings;
import io.certigate.core.config.Setting;
import io.certigate.core.spine.SpineSettings;
import io.certigate.meter.coap.CoapIngestSettings;
import io.certigate.meter.rfid.RfidSettings;
import io.certigate.meter.tic.TicSettings;
import io.certigate.motion.MotionSettings;
import io.certigate.obd.ObdSettings;
import io.certigate.provisioning.enrol.ProvisioningSettings;
import io.certigate.uplink.UplinkSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md documents exactly the keys of the settings definitions of every capability
 * (both runtimes'), each in a table row of its own whose default column gives the definition's
 * default.
 */
@Tag("unit")
class ConfigurationDocsTest {
    private static final Path DOC = Path.of("../../docs/configuration.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([^`|]+)` \\| ([^|]*) \\|");

    static List<Setting> everySetting() {
        List<Setting> all = new ArrayList<>();
        for (List<Setting> capability : List.of(SpineSettings.ALL, List.of(RunConfig.SYNTHETIC_RATE), ObdSettings.ALL,
                TicSettings.ALL, RfidSettings.ALL, CoapIngestSettings.ALL, UplinkSettings.ALL,
                io.certigate.uplink.RouteSettings.ALL, AnchorSettings.ALL,
                MetricsSettings.ALL, ProvisioningSettings.ALL, ProvisioningSettings.KURA,
                io.certigate.app.fleet.FleetConfig.OWN, io.certigate.gnss.GnssSettings.ALL, MotionSettings.ALL)) {
            all.addAll(capability);
        }
        return all;
    }

    /** The rows of the document's key tables: key, default column. */
    static Map<String, String> documented() throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
            Matcher m = ROW.matcher(line);
            if (m.find() && !m.group(1).equals("key")) {
                assertThat(rows.put(m.group(1), m.group(2).trim())).as(m.group(1) + " documented twice").isNull();
            }
        }
        return rows;
    }

    @Test
    void everyDefinedKeyIsDocumentedWithItsDefault() throws IOException {
        Map<String, String> rows = documented();
        List<String> problems = new ArrayList<>();
        for (Setting s : everySetting()) {
            String dflt = rows.get(s.key());
            if (dflt == null) {
                problems.add(s.key() + ": not documented");
            } else if (s.defaultValue() != null && !dflt.contains("`" + s.defaultValue() + "`")) {
                problems.add(s.key() + ": documented default '" + dflt + "', defined `" + s.defaultValue() + "`");
            } else if (s.type() == Setting.Type.WHOLE && s.defaultValue() != null && !dflt.equals("`" + s.defaultValue() + "`")) {
                problems.add(s.key() + ": documented default '" + dflt + "' is not just `" + s.defaultValue() + "`");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyDocumentedKeyIsDefined() throws IOException {
        Set<String> defined = new TreeSet<>();
        everySetting().forEach(s -> defined.add(s.key()));
        Set<String> unknown = new TreeSet<>(documented().keySet());
        unknown.removeAll(defined);
        assertThat(unknown).isEmpty();
        assertThat(documented()).hasSizeGreaterThan(80);
    }

    @Test
    void everyKeyTheStandaloneRuntimeAcceptsIsDefined() {
        Set<String> defined = new TreeSet<>();
        RunConfig.SETTINGS.stream().filter(s -> !s.isFamily()).forEach(s -> defined.add(s.key()));
        Set<String> known = new TreeSet<>(RunConfig.KNOWN);
        known.removeAll(defined);
        // the former clear-text secrets, known only to be refused with the key to use instead
        assertThat(known).containsExactlyInAnyOrder("uplink.coap.psk-secret-hex", "uplink.mqtt.tls.client-passphrase");
    }
}
