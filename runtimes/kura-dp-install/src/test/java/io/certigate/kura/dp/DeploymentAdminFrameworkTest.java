package io.certigate.kura.dp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.Version;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.deploymentadmin.DeploymentAdmin;
import org.osgi.service.deploymentadmin.DeploymentException;
import org.osgi.service.deploymentadmin.DeploymentPackage;
import org.osgi.util.tracker.ServiceTracker;

/**
 * certigate's deployment package installed the way Kura installs it: through Felix DeploymentAdmin
 * 0.9.5, on Equinox, with Kura's own Bouncy Castle 1.78.1 and SLF4J 1.7.36 bundles and the Kura API
 * stand-in already there (kura.bndrun); next to a second package that carries
 * {@code org.xerial.sqlite-jdbc} as Kura's SQLite add-on does; then updated and uninstalled.
 */
@Tag("integration")
class DeploymentAdminFrameworkTest {
    static final String CERTIGATE_DP = "io.certigate.kura.dp";
    /** The package Kura's SQLite add-on installs its driver bundle with (here with that bundle only). */
    static final String SQLITE_ADDON_DP = "org.eclipse.kura.db.sqlite.provider";
    static final List<String> CERTIGATE_BUNDLES = List.of("io.certigate.kura", "io.certigate.kura.anchoring",
            "io.certigate.kura.coap", "io.certigate.kura.enrolment");
    /** Every component the four bundles declare. */
    static final List<String> PIDS = List.of("io.certigate.kura.spine", "io.certigate.kura.obd", "io.certigate.kura.tic",
            "io.certigate.kura.rfid", "io.certigate.kura.uplink", "io.certigate.kura.coap", "io.certigate.kura.enrolment",
            "io.certigate.kura.anchoring");
    static final Duration WAIT = Duration.ofSeconds(30);

    private final BundleContext context = FrameworkUtil.getBundle(DeploymentAdminFrameworkTest.class).getBundleContext();
    private final List<Configuration> configurations = new ArrayList<>();
    private Bundle probe;

    @TempDir
    Path dir;

    @Test
    void installsBesideKuraAndTheSqliteAddonThenUpdatesAndUninstallsCleanly() throws Exception {
        DeploymentAdmin admin = service(DeploymentAdmin.class);
        DeploymentPackages certigate = DeploymentPackages.read(Path.of(System.getProperty("certigate.dp")));

        // 1. certigate's package, into a framework that has Kura's Bouncy Castle and SLF4J only
        DeploymentPackage installed;
        try (InputStream in = certigate.stream()) {
            installed = admin.installDeploymentPackage(in);
        }
        assertThat(installed.getName()).isEqualTo(CERTIGATE_DP);
        assertThat(Arrays.stream(installed.getBundleInfos()).map(b -> b.getSymbolicName()))
                .containsExactlyInAnyOrderElementsOf(CERTIGATE_BUNDLES);
        for (String bsn : CERTIGATE_BUNDLES) {
            assertThat(bundle(bsn).getState()).as(bsn).isEqualTo(Bundle.ACTIVE);
        }
        // the certigate bundle's Bouncy Castle is Kura's 1.78.1: nothing else offers it here
        assertThat(providerOf("io.certigate.kura", "org.bouncycastle.crypto")).isEqualTo("bcprov 1.78.1");

        Function<String, Object> commands = installProbe();
        Path keyStore = dir.resolve("device.p12");
        commands.apply("key:" + keyStore);
        configureAll(keyStore);
        awaitAllActive();
        assertThat(commands.apply("commit")).as("seq of the first reading").isEqualTo(1L);

        // 2. the SQLite add-on's package, carrying org.xerial.sqlite-jdbc: installed beside certigate
        DeploymentPackage addon;
        try (InputStream in = DeploymentPackages.of(SQLITE_ADDON_DP, "1.0.0",
                Path.of(System.getProperty("certigate.sqlite-jdbc"))).stream()) {
            addon = admin.installDeploymentPackage(in);
        }
        Bundle driver = bundle("org.xerial.sqlite-jdbc");
        assertThat(addon.getBundle("org.xerial.sqlite-jdbc")).isEqualTo(driver);
        assertThat(sqliteVersion(driver)).isNotEmpty();
        // both work, each with its own driver classes
        assertThat(bundle("io.certigate.kura").loadClass("org.sqlite.JDBC")).isNotSameAs(driver.loadClass("org.sqlite.JDBC"));
        assertThat(commands.apply("commit")).as("seq with the add-on installed").isEqualTo(2L);
        assertThat(admin.listDeploymentPackages()).extracting(DeploymentPackage::getName)
                .containsExactlyInAnyOrder(CERTIGATE_DP, SQLITE_ADDON_DP);

        // 3. a new version of certigate's package: every bundle updated in place, the same buffer
        uninstallProbe();
        DeploymentPackage updated;
        try (InputStream in = certigate.withVersions("0.1.1", "0.1.1.update").stream()) {
            updated = admin.installDeploymentPackage(in);
        }
        assertThat(updated.getVersion()).isEqualTo(new Version("0.1.1"));
        for (String bsn : CERTIGATE_BUNDLES) {
            assertThat(bundle(bsn).getVersion()).as(bsn).isEqualTo(new Version("0.1.1.update"));
            assertThat(bundle(bsn).getState()).as(bsn).isEqualTo(Bundle.ACTIVE);
            assertThat(bundles(bsn)).as("copies of " + bsn).hasSize(1);
        }
        awaitAllActive();
        commands = installProbe();
        assertThat(commands.apply("commit")).as("seq after the update: the chain goes on").isEqualTo(3L);
        assertThat(sqliteVersion(driver)).isNotEmpty();

        // 4. uninstalled: nothing of certigate remains, the add-on is untouched
        uninstallProbe();
        deleteConfigurations();
        updated.uninstall();
        assertThat(admin.getDeploymentPackage(CERTIGATE_DP)).isNull();
        assertThat(Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName))
                .noneMatch(bsn -> bsn != null && bsn.startsWith("io.certigate.kura") && !bsn.equals("io.certigate.kura.api.stub")
                        && !bsn.equals("io.certigate.kura.dp.tests"));
        assertThat(context.getServiceReferences((String) null, "(objectClass=io.certigate.*)")).isNull();
        assertThat(componentStates()).isEmpty();
        assertThat(admin.listDeploymentPackages()).extracting(DeploymentPackage::getName).containsExactly(SQLITE_ADDON_DP);
        assertThat(driver.getState()).isIn(Bundle.ACTIVE, Bundle.RESOLVED);
        assertThat(sqliteVersion(driver)).isNotEmpty();
        addon.uninstall();
        assertThat(admin.listDeploymentPackages()).isEmpty();
    }

    /**
     * What certigate's package was before it embedded its libraries: a package carrying
     * {@code org.xerial.sqlite-jdbc}, installed after the SQLite add-on, is rolled back whole
     * (114.2.2: a bundle belongs to one package only), and nothing of it stays installed.
     */
    @Test
    void aPackageSharingABundleWithTheAddonIsRolledBack() throws Exception {
        DeploymentAdmin admin = service(DeploymentAdmin.class);
        Path sqlite = Path.of(System.getProperty("certigate.sqlite-jdbc"));
        DeploymentPackage addon;
        try (InputStream in = DeploymentPackages.of(SQLITE_ADDON_DP, "1.0.0", sqlite).stream()) {
            addon = admin.installDeploymentPackage(in);
        }
        long bundlesBefore = context.getBundles().length;
        try (InputStream in = DeploymentPackages.of("io.certigate.kura.clash.dp", "1.0.0", sqlite).stream()) {
            assertThatThrownBy(() -> admin.installDeploymentPackage(in))
                    .isInstanceOfSatisfying(DeploymentException.class, e -> assertThat(e.getCode())
                            .as("code of " + e.getMessage()).isEqualTo(DeploymentException.CODE_BUNDLE_SHARING_VIOLATION));
        }
        assertThat(admin.listDeploymentPackages()).extracting(DeploymentPackage::getName).containsExactly(SQLITE_ADDON_DP);
        assertThat(context.getBundles()).hasSize((int) bundlesBefore);
        assertThat(sqliteVersion(bundle("org.xerial.sqlite-jdbc"))).isNotEmpty();
        addon.uninstall();
        assertThat(admin.listDeploymentPackages()).isEmpty();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (probe != null) {
            uninstallProbe();
        }
        deleteConfigurations();
        for (DeploymentPackage dp : service(DeploymentAdmin.class).listDeploymentPackages()) {
            dp.uninstallForced();
        }
    }

    /** One configuration per certigate component, each with what it needs to start and nothing remote. */
    private void configureAll(Path keyStore) throws Exception {
        Path pass = Files.writeString(dir.resolve("passphrase"), "dp-passphrase", StandardCharsets.UTF_8);
        String filter = "(device.id=dp-1)";
        configure("io.certigate.kura.spine", Map.of("device.id", "dp-1", "key.store", keyStore.toString(),
                "key.passphrase", "file:" + pass, "buffer.file", dir.resolve("buffer.db").toString()));
        configure("io.certigate.kura.uplink", Map.of("uplink.mqtt.url", "tcp://127.0.0.1:" + freeTcpPort(),
                "spine.target", filter));
        Path psk = Files.writeString(dir.resolve("sensors.psk"), "road-1 = 000102030405060708090a0b0c0d0e0f\n");
        configure("io.certigate.kura.coap", Map.of("coap.ingest.address", "127.0.0.1", "coap.ingest.port", freeUdpPort(),
                "coap.ingest.psk-source", "file:" + psk, "spine.target", filter));
        Map<String, Object> enrol = new HashMap<>();
        enrol.put("provisioning.state-dir", Files.createDirectories(dir.resolve("state")).toString());
        enrol.put("key.store", dir.resolve("enrolled.p12").toString());
        enrol.put("key.passphrase", "file:" + pass);
        enrol.put("buffer.file", dir.resolve("enrolment.db").toString());
        enrol.put("provisioning.listen", "127.0.0.1:" + freeUdpPort());
        enrol.put("device.id", "dp-1");
        enrol.put("provisioning.ledger-account-key", dir.resolve("ledger.json").toString());
        enrol.put("provisioning.ledger-passphrase", "file:" + pass);
        enrol.put("provisioning.trust-root", keyStore + ".pem");
        enrol.put("provisioning.serial", "SN-1");
        enrol.put("provisioning.model", "CG-1");
        enrol.put("provisioning.subject", "site:dp");
        enrol.put("provisioning.algorithm", "es256");
        enrol.put("provisioning.timeout-s", 10);
        configure("io.certigate.kura.enrolment", enrol);
    }

    private void configure(String pid, Map<String, ?> properties) throws Exception {
        Configuration c = service(ConfigurationAdmin.class).getConfiguration(pid, "?");
        c.update(new Hashtable<>(properties));
        configurations.add(c);
    }

    private void deleteConfigurations() throws Exception {
        for (int i = configurations.size() - 1; i >= 0; i--) {
            try {
                configurations.get(i).delete();
            } catch (IllegalStateException alreadyDeleted) {
                // deleted before
            }
        }
        configurations.clear();
    }

    /**
     * Waits until every component of the certigate bundles that has a configuration is active; the
     * others (the OBD, TIC and RFID adapters, which need a serial line, and the anchoring, which needs a
     * ledger: all run in kura-bundles' framework tests) are enabled and wait for their configuration.
     */
    private void awaitAllActive() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> pids = configurations.stream().map(Configuration::getPid).toList();
        Map<String, String> states = componentStates();
        while (System.nanoTime() < deadline) {
            states = componentStates();
            if (allActive(states, pids)) {
                assertOthersWaitForConfiguration(states, pids);
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("components not active within " + WAIT + ": " + states);
    }

    private static void assertOthersWaitForConfiguration(Map<String, String> states, List<String> configured) {
        assertThat(states).containsOnlyKeys(PIDS);
        for (String pid : PIDS) {
            if (!configured.contains(pid)) {
                assertThat(states.get(pid)).as(pid).isEqualTo("UNSATISFIED_CONFIGURATION");
            }
        }
    }

    private static boolean allActive(Map<String, String> states, List<String> pids) {
        return pids.stream().allMatch(pid -> "ACTIVE".equals(states.get(pid)));
    }

    /** State (or failure) of every component of the certigate bundles, by configuration PID. */
    private Map<String, String> componentStates() throws Exception {
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
        Map<String, String> states = new HashMap<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (!d.bundle.symbolicName.startsWith("io.certigate.kura")) {
                continue;
            }
            String state = scr.isComponentEnabled(d) ? "UNSATISFIED_CONFIGURATION" : "DISABLED";
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                state = switch (c.state) {
                    case ComponentConfigurationDTO.ACTIVE -> "ACTIVE";
                    case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
                    case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
                    case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED " + c.failure;
                    default -> "STATE " + c.state;
                };
            }
            states.put(d.configurationPid[0], state);
        }
        return states;
    }

    @SuppressWarnings("unchecked")
    private Function<String, Object> installProbe() throws Exception {
        probe = context.installBundle(Path.of(System.getProperty("certigate.probe")).toUri().toString());
        probe.start();
        ServiceTracker<Object, Object> t = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=java.util.function.Function)(certigate.probe=true))"), null);
        t.open();
        try {
            Object p = t.waitForService(WAIT.toMillis());
            assertThat(p).as("probe service").isNotNull();
            return (Function<String, Object>) p;
        } finally {
            t.close();
        }
    }

    private void uninstallProbe() throws Exception {
        probe.uninstall();
        probe = null;
    }

    /** {@code sqlite_version()} through the given bundle's driver, on an in-memory database. */
    private static String sqliteVersion(Bundle driverBundle) throws Exception {
        Driver d = (Driver) driverBundle.loadClass("org.sqlite.JDBC").getConstructor().newInstance();
        try (Connection c = d.connect("jdbc:sqlite::memory:", new Properties()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select sqlite_version()")) {
            r.next();
            return r.getString(1);
        }
    }

    private String providerOf(String bsn, String packageName) {
        org.osgi.framework.wiring.BundleWiring w = bundle(bsn).adapt(org.osgi.framework.wiring.BundleWiring.class);
        for (org.osgi.framework.wiring.BundleWire wire : w.getRequiredWires("osgi.wiring.package")) {
            if (packageName.equals(wire.getCapability().getAttributes().get("osgi.wiring.package"))) {
                Bundle p = wire.getProvider().getBundle();
                return p.getSymbolicName() + " " + p.getVersion();
            }
        }
        return "none";
    }

    private Bundle bundle(String bsn) {
        List<Bundle> found = bundles(bsn);
        assertThat(found).as("bundles named " + bsn).hasSize(1);
        return found.get(0);
    }

    private List<Bundle> bundles(String bsn) {
        return Arrays.stream(context.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).toList();
    }

    private <S> S service(Class<S> type) throws InterruptedException {
        ServiceTracker<S, S> t = new ServiceTracker<>(context, type, null);
        t.open();
        S s = t.waitForService(WAIT.toMillis());
        assertThat(s).as(type.getSimpleName()).isNotNull();
        return s;
    }

    private static int freeTcpPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
