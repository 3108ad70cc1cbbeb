package io.certigate.kura.spine;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.spine.Spine;
import io.certigate.signing.SigningException;
import java.time.Clock;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The device's spine (key, sequencer, buffer) as a configurable component. While it runs it
 * registers the {@link ReadingSink} the source adapters hand readings to and the {@link Spine} the
 * uplink and the anchoring read from, each with a {@code device.id} property. A changed
 * configuration closes the spine (committing what is queued) and opens a new one, for example on
 * a key rotation; an unchanged one restarts nothing.
 */
@Component(configurationPid = SpineComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = ConfigurableComponent.class, immediate = true)
@Designate(ocd = SpineConfig.class)
public final class SpineComponent implements ConfigurableComponent {
    public static final String PID = "io.certigate.kura.spine";
    private static final System.Logger LOG = System.getLogger(SpineComponent.class.getName());

    private BundleContext context;
    private SpineOptions options;
    private Running running;

    private record Running(Spine spine, ExecutorService writer, ServiceRegistration<ReadingSink> sink,
            ServiceRegistration<Spine> spineRegistration) {}

    @Activate
    void activate(BundleContext ctx, Map<String, Object> properties) throws BufferException, SigningException {
        this.context = ctx;
        start(SpineOptions.from(properties));
    }

    @Modified
    void modified(Map<String, Object> properties) throws BufferException, SigningException, InterruptedException {
        SpineOptions next = SpineOptions.from(properties);
        if (next.equals(options)) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "spine of {0} reconfigured: reopening", next.deviceId());
        stop();
        start(next);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stop();
    }

    private void start(SpineOptions o) throws BufferException, SigningException {
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "certigate-spine-" + o.deviceId()));
        Spine spine;
        try {
            spine = Spine.open(o.key(), o.bufferFile(), o.buffer(), o.sequencer(), Clock.systemUTC(), writer);
        } catch (BufferException | SigningException | RuntimeException e) {
            writer.shutdownNow();
            throw e;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("device.id", o.deviceId());
        running = new Running(spine, writer, context.registerService(ReadingSink.class, spine.sequencer(), props),
                context.registerService(Spine.class, spine, props));
        options = o;
    }

    private void stop() throws InterruptedException {
        Running r = running;
        running = null;
        options = null;
        if (r == null) {
            return;
        }
        r.sink().unregister();
        r.spineRegistration().unregister();
        try {
            r.spine().close();
        } catch (BufferException e) {
            LOG.log(System.Logger.Level.ERROR, "closing the buffer " + r.spine().buffer().file() + " failed", e);
        } finally {
            r.writer().shutdownNow();
        }
    }
}
