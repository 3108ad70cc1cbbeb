package io.certigate.kura.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The deployment package the build wrote (its path comes from the run properties) against the
 * framework it was tested in: its headers follow OSGi Compendium 114.3, its manifest comes first,
 * every bundle it carries is the very bundle (name and version) running here, active, none has the
 * symbolic name of a bundle Kura installs ({@link KuraBundles}), and the certigate bundles wire to
 * nothing outside the package but the framework and what Kura provides.
 */
@Tag("integration")
class DeploymentPackageFrameworkTest {
    private final OsgiHarness osgi = new OsgiHarness();

    @Test
    void carriesTheBundlesThatRanHere() throws Exception {
        Path dp = Path.of(System.getProperty("certigate.dp", "(certigate.dp not set)"));
        assertThat(dp).as("deployment package").exists();
        try (JarFile jar = new JarFile(dp.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            String first = entries.nextElement().getName();
            if (first.equals("META-INF/")) {
                first = entries.nextElement().getName();
            }
            assertThat(first).isEqualTo("META-INF/MANIFEST.MF");
            Manifest mf = jar.getManifest();
            Attributes main = mf.getMainAttributes();
            assertThat(main.getValue("DeploymentPackage-SymbolicName")).isEqualTo("io.certigate.kura.dp");
            assertThat(Version.parseVersion(main.getValue("DeploymentPackage-Version")))
                    .isEqualTo(osgi.bundle("io.certigate.kura").getVersion());
            List<String> names = new ArrayList<>();
            for (Map.Entry<String, Attributes> e : mf.getEntries().entrySet()) {
                assertThat(jar.getEntry(e.getKey())).as(e.getKey()).isNotNull();
                String bsn = e.getValue().getValue("Bundle-SymbolicName");
                Bundle running = osgi.bundle(bsn);
                assertThat(running.getVersion()).as(bsn)
                        .isEqualTo(Version.parseVersion(e.getValue().getValue("Bundle-Version")));
                // STARTING: started with a lazy activation policy (Paho), active on first class load
                assertThat(running.getState()).as(bsn + " state").isIn(Bundle.ACTIVE, Bundle.STARTING);
                names.add(bsn);
            }
            // certigate's four bundles and nothing else: the libraries Kura lacks are embedded in them
            assertThat(names).containsExactlyInAnyOrder("io.certigate.kura", "io.certigate.kura.anchoring",
                    "io.certigate.kura.coap", "io.certigate.kura.enrolment");
            assertThat(names).as("bundles of the package that Kura (or its SQLite add-on) installs itself")
                    .noneMatch(KuraBundles::isKuras);
            assertThat(Files.size(dp)).isGreaterThan(1_000_000);
            // and nothing the certigate bundles need is missing: every bundle they are wired to is in
            // the package, except the framework, SCR, the Kura API, SLF4J and Bouncy Castle (on a
            // gateway: Kura's own)
            for (String certigate : List.of("io.certigate.kura", "io.certigate.kura.anchoring", "io.certigate.kura.coap",
                    "io.certigate.kura.enrolment")) {
                BundleWiring wiring = osgi.bundle(certigate).adapt(BundleWiring.class);
                for (BundleWire w : wiring.getRequiredWires(null)) {
                    Bundle provider = w.getProvider().getBundle();
                    if (provider.getBundleId() == 0 || provider.getSymbolicName().equals("io.certigate.kura.api.stub")
                            || provider.getSymbolicName().equals(certigate)
                            || provider.getSymbolicName().startsWith("slf4j.")
                            || provider.getSymbolicName().matches("bc(prov|pkix|util)")
                            || provider.getSymbolicName().equals("org.apache.felix.scr")) {
                        continue;
                    }
                    assertThat(names).as(certigate + " wired to " + provider.getSymbolicName() + " for " + w.getCapability())
                            .contains(provider.getSymbolicName());
                }
            }
        } finally {
            osgi.close();
        }
    }
}
