package io.certigate.kura;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The manifests bnd wrote for the four certigate bundles (this module's and the anchoring, CoAP and
 * enrolment bundles, on the test class path as built classes or jars): each exports exactly its
 * API packages, nothing dev-only (the testbed, the simulators, test fixtures, the dev chain) is
 * exported or embedded, and core packages no other bundle uses stay private.
 */
@Tag("unit")
class BundleExportsTest {
    /** The certigate packages each bundle exports: the API other bundles (and adapter bundles) build on. */
    static final Map<String, Set<String>> API = Map.of(
            "io.certigate.kura", Set.of("io.certigate.cbor", "io.certigate.signing", "io.certigate.core.buffer",
                    "io.certigate.core.config", "io.certigate.core.io", "io.certigate.core.metrics",
                    "io.certigate.core.model", "io.certigate.core.port", "io.certigate.core.sequencer",
                    "io.certigate.core.spine", "io.certigate.obd", "io.certigate.meter.tic",
                    "io.certigate.meter.rfid", "io.certigate.serial.jsc", "io.certigate.uplink",
                    "io.certigate.uplink.mqtt"),
            "io.certigate.kura.anchoring", Set.of("io.certigate.anchor.batch", "io.certigate.anchor.ledger",
                    "io.certigate.anchor.proof", "io.certigate.verifier", "io.certigate.verifier.chain",
                    "io.certigate.verifier.export", "io.certigate.verifier.ledger", "io.certigate.verifier.merkle",
                    "io.certigate.verifier.proof", "io.certigate.verifier.trust"),
            "io.certigate.kura.coap", Set.of(),
            "io.certigate.kura.enrolment", Set.of());

    /** Package prefixes that are for development and tests only. */
    static final List<String> DEV_ONLY = List.of("io.certigate.testbed", "io.certigate.simulators",
            "io.certigate.anchor.devchain", "io.certigate.app", "io.certigate.kura.osgi");

    private static final Map<String, Bundle> BUNDLES = new LinkedHashMap<>();

    record Bundle(Path location, Manifest manifest, List<String> entries) {
        String header(String name) {
            String v = manifest.getMainAttributes().getValue(name);
            return v == null ? "" : v;
        }
    }

    @BeforeAll
    static void findTheBundles() throws IOException {
        for (String element : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(element);
            Bundle b = read(p);
            if (b != null && API.containsKey(b.header("Bundle-SymbolicName"))) {
                BUNDLES.put(b.header("Bundle-SymbolicName"), b);
            }
        }
    }

    private static Bundle read(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            Path mf = p.resolve("META-INF/MANIFEST.MF");
            if (!Files.isRegularFile(mf)) {
                return null;
            }
            try (InputStream in = Files.newInputStream(mf); Stream<Path> files = Files.walk(p)) {
                return new Bundle(p, new Manifest(in), files.map(f -> p.relativize(f).toString().replace('\\', '/')).toList());
            }
        }
        if (!Files.isRegularFile(p) || !p.toString().endsWith(".jar")) {
            return null;
        }
        try (JarFile jar = new JarFile(p.toFile())) {
            Manifest mf = jar.getManifest();
            if (mf == null) {
                return null;
            }
            List<String> entries = new ArrayList<>();
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                entries.add(e.nextElement().getName());
            }
            return new Bundle(p, mf, entries);
        }
    }

    /** The package names of an OSGi header (clauses split at commas outside quotes, attributes dropped). */
    static Set<String> packages(String header) {
        Set<String> names = new TreeSet<>();
        StringBuilder clause = new StringBuilder();
        boolean quoted = false;
        for (char c : (header + ",").toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                String name = clause.toString().split(";", 2)[0].strip();
                if (!name.isEmpty()) {
                    names.add(name);
                }
                clause.setLength(0);
            } else {
                clause.append(c);
            }
        }
        return names;
    }

    @Test
    void theParserSkipsAttributesAndQuotedLists() {
        assertThat(packages("a.b;version=\"1.0\";uses:=\"c.d,e.f\",g.h;version=2, i.j"))
                .containsExactly("a.b", "g.h", "i.j");
    }

    @Test
    void allFourBundlesAreOnTheTestClassPath() {
        assertThat(BUNDLES.keySet()).containsExactlyInAnyOrderElementsOf(API.keySet());
    }

    @Test
    void eachBundleExportsExactlyItsApiPackages() {
        for (Map.Entry<String, Bundle> b : BUNDLES.entrySet()) {
            Set<String> exported = packages(b.getValue().header("Export-Package"));
            assertThat(exported.stream().filter(p -> p.startsWith("io.certigate.")))
                    .as("certigate packages exported by %s", b.getKey())
                    .containsExactlyInAnyOrderElementsOf(API.get(b.getKey()));
        }
    }

    @Test
    void nothingDevOnlyIsExported() {
        for (Map.Entry<String, Bundle> b : BUNDLES.entrySet()) {
            assertThat(packages(b.getValue().header("Export-Package")))
                    .as("packages exported by %s", b.getKey())
                    .noneMatch(BundleExportsTest::devOnly)
                    .noneMatch(p -> p.endsWith(".testing"));
        }
    }

    @Test
    void nothingDevOnlyIsEmbedded() {
        for (Map.Entry<String, Bundle> b : BUNDLES.entrySet()) {
            assertThat(b.getValue().entries()).as("entries of %s", b.getKey())
                    .noneMatch(e -> devOnly(e.replace('/', '.')))
                    .noneMatch(e -> e.startsWith("lib/testbed-") || e.startsWith("lib/simulators-"));
            assertThat(b.getValue().header("Bundle-ClassPath")).as("Bundle-ClassPath of %s", b.getKey())
                    .doesNotContain("testbed").doesNotContain("simulators");
            assertThat(packages(b.getValue().header("Private-Package")))
                    .as("private packages of %s", b.getKey()).noneMatch(BundleExportsTest::devOnly);
        }
    }

    @Test
    void eachBundleRequiresJava17OrLaterAsARange() {
        // a range, not bnd's version=17: a Java 8 framework leaves the bundle unresolved, a Java 21 one
        // (Kura's develop branch) resolves it
        for (Map.Entry<String, Bundle> b : BUNDLES.entrySet()) {
            assertThat(b.getValue().header("Require-Capability")).as("Require-Capability of %s", b.getKey())
                    .contains("osgi.ee;filter:=\"(&(osgi.ee=JavaSE)(version>=17))\"")
                    .doesNotContain("(version=17)");
        }
    }

    @Test
    void bouncyCastleIsImportedFromTheVersionKuraShips() {
        // Kura 5 ships Bouncy Castle 1.78.1 as plain bundles: every import of it accepts that version
        for (Map.Entry<String, Bundle> b : BUNDLES.entrySet()) {
            String imports = b.getValue().header("Import-Package").replaceAll("\\s", "");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(org\\.bouncycastle[\\w.]*)([^,]*)").matcher(imports);
            while (m.find()) {
                // the clause up to its first comma (the one inside "[1.78,2)"); an import without a
                // version (web3j's probe for Bouncy Castle's JSSE) must be optional
                String clause = m.group(2);
                if (clause.contains("version=")) {
                    assertThat(clause).as("%s imports %s", b.getKey(), m.group(1)).contains("version=\"[1.78");
                } else {
                    assertThat(clause).as("%s imports %s", b.getKey(), m.group(1)).contains("resolution:=optional");
                }
            }
        }
    }

    private static boolean devOnly(String name) {
        return DEV_ONLY.stream().anyMatch(name::startsWith);
    }
}
