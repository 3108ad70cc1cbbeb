package io.certigate.kura;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.AnchorSettings;
import io.certigate.core.config.Setting;
import io.certigate.core.spine.SpineSettings;
import io.certigate.meter.coap.CoapIngestSettings;
import io.certigate.meter.rfid.RfidSettings;
import io.certigate.meter.tic.TicSettings;
import io.certigate.obd.ObdSettings;
import io.certigate.provisioning.enrol.ProvisioningSettings;
import io.certigate.uplink.UplinkSettings;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every certigate Kura component's metatype, as bnd generated it from the annotations
 * ({@code OSGI-INF/metatype/<pid>.xml} of the built bundles), against its capability's settings
 * definition: each attribute id is a key of the definition that Kura reads, with the same type,
 * default, range and choices; each such key of the definition is in the metatype. A DS reference
 * target ({@code spine.target}) is not a setting.
 */
@Tag("unit")
class MetatypeMatchesSettingsTest {

    static Map<String, List<Setting>> components() {
        Map<String, List<Setting>> m = new LinkedHashMap<>();
        m.put("io.certigate.kura.spine", SpineSettings.ALL);
        m.put("io.certigate.kura.obd", ObdSettings.ALL);
        m.put("io.certigate.kura.tic", TicSettings.ALL);
        m.put("io.certigate.kura.rfid", RfidSettings.ALL);
        m.put("io.certigate.kura.uplink", UplinkSettings.ALL);
        m.put("io.certigate.kura.coap", CoapIngestSettings.ALL);
        m.put("io.certigate.kura.anchoring", AnchorSettings.ALL);
        m.put("io.certigate.kura.enrolment", ProvisioningSettings.KURA);
        return m;
    }

    static List<String> pids() {
        return new ArrayList<>(components().keySet());
    }

    @ParameterizedTest
    @MethodSource("pids")
    void everyAttributeIsTheSettingOfTheSameKey(String pid) throws Exception {
        Map<String, Element> ads = attributes(pid);
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (Setting s : components().get(pid)) {
            if (s.scope().kura() && !s.isFamily()) {
                settings.put(s.key(), s);
            }
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Element> e : ads.entrySet()) {
            Setting s = settings.get(e.getKey());
            if (s == null) {
                problems.add(e.getKey() + ": no such setting read by Kura");
            } else {
                compare(s, e.getValue(), problems);
            }
        }
        Set<String> missing = new TreeSet<>(settings.keySet());
        missing.removeAll(ads.keySet());
        missing.forEach(k -> problems.add(k + ": a setting Kura reads, not in the metatype"));
        assertThat(problems).as(pid).isEmpty();
    }

    private static void compare(Setting s, Element ad, List<String> problems) {
        String type = ad.getAttribute("type");
        String expected = switch (s.type()) {
            case WHOLE -> s.max() > Integer.MAX_VALUE ? "Long" : type.equals("Integer") ? "Integer" : "Long";
            case BOOLEAN -> "Boolean";
            default -> "String";
        };
        if (!type.equals(expected)) {
            problems.add(s.key() + ": type " + type + ", the setting is " + s.type() + " (" + expected + ")");
        }
        String dflt = ad.hasAttribute("default") ? ad.getAttribute("default") : null;
        if (dflt != null && dflt.isEmpty()) {
            dflt = null;
        }
        if (!java.util.Objects.equals(dflt, s.defaultValue())) {
            problems.add(s.key() + ": default " + dflt + ", the setting's is " + s.defaultValue());
        }
        if (s.type() == Setting.Type.WHOLE) {
            if (!ad.getAttribute("min").equals(Long.toString(s.min()))) {
                problems.add(s.key() + ": min " + ad.getAttribute("min") + ", the setting's is " + s.min());
            }
            if (!ad.getAttribute("max").equals(Long.toString(s.max()))) {
                problems.add(s.key() + ": max " + ad.getAttribute("max") + ", the setting's is " + s.max());
            }
        }
        NodeList options = ad.getElementsByTagName("Option");
        List<String> values = new ArrayList<>();
        for (int i = 0; i < options.getLength(); i++) {
            values.add(((Element) options.item(i)).getAttribute("value"));
        }
        if (s.type() == Setting.Type.CHOICE ? !values.equals(s.choices()) : !values.isEmpty()) {
            problems.add(s.key() + ": options " + values + ", the setting's choices are " + s.choices());
        }
    }

    /** The attributes of {@code pid}'s metatype, by id, as bnd wrote them into the built bundle. */
    private static Map<String, Element> attributes(String pid) throws Exception {
        String name = "OSGI-INF/metatype/" + pid + ".xml";
        URL url = MetatypeMatchesSettingsTest.class.getClassLoader().getResource(name);
        assertThat(url).as(name + " on the class path (built by bnd from the component's annotations)").isNotNull();
        Map<String, Element> ads = new LinkedHashMap<>();
        try (InputStream in = url.openStream()) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            NodeList list = f.newDocumentBuilder().parse(in).getElementsByTagName("AD");
            for (int i = 0; i < list.getLength(); i++) {
                Element ad = (Element) list.item(i);
                if (!ad.getAttribute("id").endsWith(".target")) {
                    ads.put(ad.getAttribute("id"), ad);
                }
            }
        }
        assertThat(ads).as(name).isNotEmpty();
        return ads;
    }
}
