package io.certigate.kura.osgi;

import java.io.IOException;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.tracker.ServiceTracker;

/** What the in-framework tests do with the running framework: configure, look up, wait. */
final class OsgiHarness implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    /** The passphrase of the device keys the framework tests make. */
    static final String PASSPHRASE = io.certigate.testbed.device.TestDevice.PASSPHRASE;

    /** Configurations made through {@link #configure}, deleted newest first by {@link #close()}. */
    private final java.util.List<Configuration> made = new java.util.ArrayList<>();

    final BundleContext context = FrameworkUtil.getBundle(OsgiHarness.class).getBundleContext();
    private final ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> configAdmin =
            new ServiceTracker<>(context, ConfigurationAdmin.class, null);

    OsgiHarness() {
        configAdmin.open();
    }

    /** Creates or updates a component's configuration, visible to any bundle (location "?"). */
    Configuration configure(String pid, Map<String, ?> properties) throws IOException, InterruptedException {
        ConfigurationAdmin ca = configAdmin.waitForService(WAIT.toMillis());
        if (ca == null) {
            throw new AssertionError("no ConfigurationAdmin service within " + WAIT);
        }
        Configuration c = ca.getConfiguration(pid, "?");
        c.update(new Hashtable<>(properties));
        if (!made.contains(c)) {
            made.add(c);
        }
        return c;
    }

    /** Waits for a service matching {@code filter} whose service.id differs from {@code notId} (-1: any). */
    <S> ServiceReference<S> awaitService(Class<S> type, String filter, long notId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                for (ServiceReference<S> r : context.getServiceReferences(type, filter)) {
                    if (id(r) != notId) {
                        return r;
                    }
                }
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(filter, e);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + type.getSimpleName() + " service matching " + filter + " within " + WAIT
                + "; components: " + components());
    }

    /** Every component's name, state and failure as SCR reports them, for failure messages. */
    String components() {
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        if (ref == null) {
            return "no ServiceComponentRuntime";
        }
        ServiceComponentRuntime scr = context.getService(ref);
        try {
            StringBuilder out = new StringBuilder();
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
                out.append('\n').append(d.name).append(scr.isComponentEnabled(d) ? " enabled" : " disabled");
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    out.append(", state ").append(c.state);
                    if (c.failure != null) {
                        out.append(", failure ").append(c.failure);
                    }
                }
            }
            return out.toString();
        } finally {
            context.ungetService(ref);
        }
    }

    /** Waits until no service matches. */
    void awaitNoService(Class<?> type, String filter) throws InterruptedException, InvalidSyntaxException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!context.getServiceReferences(type, filter).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(type.getSimpleName() + " matching " + filter + " still registered after " + WAIT);
            }
            Thread.sleep(20);
        }
    }

    static long id(ServiceReference<?> r) {
        return (Long) r.getProperty(Constants.SERVICE_ID);
    }

    Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    /** Readings of a given kind and time quality. */
    static long count(java.util.List<io.certigate.core.model.Reading> readings, String kind,
            io.certigate.core.model.TimeQuality tq) {
        return readings.stream().filter(r -> r.kind().equals(kind) && r.timeQuality() == tq).count();
    }

    /** Polls the buffer until the readings in it, each verified against the device key, satisfy {@code done}. */
    java.util.List<io.certigate.core.model.Reading> awaitReadings(io.certigate.signing.DeviceKey key,
            io.certigate.core.spine.Spine spine, java.util.function.Predicate<java.util.List<io.certigate.core.model.Reading>> done)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        java.util.List<io.certigate.core.model.Reading> readings = new java.util.ArrayList<>();
        while (System.nanoTime() < deadline) {
            readings.clear();
            for (io.certigate.core.model.StoredRecord r : spine.buffer().range(1, Long.MAX_VALUE)) {
                byte[] payload = io.certigate.signing.CoseSign1.verify(((io.certigate.core.model.StoredRecord.Signed) r).cose(),
                        key.publicKey(), key.keyId());
                readings.add(io.certigate.core.model.ReadingCodec.decode(payload).reading());
            }
            if (done.test(readings)) {
                return java.util.List.copyOf(readings);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the buffer never held the expected readings; it holds " + readings.size() + ", the last: "
                + readings.subList(Math.max(0, readings.size() - 5), readings.size()) + "; components: " + components());
    }

    /** The shared test device's key in {@code dir/device.p12}, its passphrase also in {@code dir/passphrase}. */
    static io.certigate.signing.DeviceKey createDeviceKey(java.nio.file.Path dir, String device,
            io.certigate.signing.CoseAlgorithm algorithm) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("passphrase"), PASSPHRASE, java.nio.charset.StandardCharsets.UTF_8);
        return io.certigate.testbed.device.TestDevice.openOrCreate(dir.resolve("device.p12"), device, algorithm).key();
    }

    /**
     * Configures the spine of {@code device} on the key made by {@link #createDeviceKey} and the
     * buffer {@code dir/buffer.db}, and waits for its service.
     */
    ServiceReference<io.certigate.core.spine.Spine> configureSpine(java.nio.file.Path dir, String device) throws Exception {
        configure("io.certigate.kura.spine", Map.of("device.id", device,
                "key.store", dir.resolve("device.p12").toString(), "key.passphrase", "file:" + dir.resolve("passphrase"),
                "buffer.file", dir.resolve("buffer.db").toString()));
        return awaitService(io.certigate.core.spine.Spine.class, "(device.id=" + device + ")", -1);
    }

    /**
     * Deletes the configurations this harness made, newest first (adapters before the spine they
     * use), waits until no spine is registered any more, then lets go of ConfigurationAdmin.
     */
    @Override
    public void close() throws Exception {
        try {
            for (int i = made.size() - 1; i >= 0; i--) {
                try {
                    made.get(i).delete();
                } catch (IllegalStateException alreadyDeleted) {
                    // the test deleted it itself
                }
            }
            made.clear();
            awaitNoService(io.certigate.core.spine.Spine.class, null);
        } finally {
            configAdmin.close();
        }
    }
}
