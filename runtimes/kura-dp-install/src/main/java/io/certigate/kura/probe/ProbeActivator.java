package io.certigate.kura.probe;

import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.time.Duration;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Registers a {@code Function<String, Object>} (property {@code certigate.probe=true}) through which
 * the deployment package test, which imports nothing of certigate, drives the installed bundles:
 * <ul>
 * <li>{@code "key:<file>"} creates a device key store at {@code <file>} (Ed25519, device {@code dp-1},
 * passphrase {@link #PASSPHRASE}) with the certigate bundle's signing code on the framework's Bouncy
 * Castle, its self-signed certificate beside it ({@code <file>.pem}), and answers the key id;</li>
 * <li>{@code "commit"} submits one reading to the spine's {@code ReadingSink} and answers the sequence
 * number it was committed with, once it is durable.</li>
 * </ul>
 */
public final class ProbeActivator implements BundleActivator {
    static final String PASSPHRASE = "dp-passphrase";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private ServiceTracker<ReadingSink, ReadingSink> sinks;
    private ServiceRegistration<?> registration;

    @Override
    public void start(BundleContext context) {
        sinks = new ServiceTracker<>(context, ReadingSink.class, null);
        sinks.open();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("certigate.probe", "true");
        Function<String, Object> probe = this::apply;
        registration = context.registerService(Function.class.getName(), probe, props);
    }

    private Object apply(String command) {
        try {
            if (command.startsWith("key:")) {
                Path file = Path.of(command.substring(4));
                SoftwareDeviceKey key = Pkcs12KeyStore.create(file, CoseAlgorithm.EDDSA, "dp-1", PASSPHRASE.toCharArray());
                Files.writeString(file.resolveSibling(file.getFileName() + ".pem"), "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.certificateChain().get(0).getEncoded())
                        + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
                return key.keyId();
            }
            if (command.equals("commit")) {
                ReadingSink sink = sinks.waitForService(WAIT.toMillis());
                if (sink == null) {
                    throw new IllegalStateException("no ReadingSink within " + WAIT);
                }
                Reading r = new Reading(System.currentTimeMillis(), TimeQuality.NTP, "probe", "probe.count", "dp-1",
                        new ReadingValue.Int(1), null);
                return sink.submit(r).get(WAIT.toSeconds(), TimeUnit.SECONDS).seq();
            }
            throw new IllegalArgumentException("unknown probe command " + command);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException(command + " failed: " + e, e);
        }
    }

    @Override
    public void stop(BundleContext context) {
        registration.unregister();
        sinks.close();
    }
}
