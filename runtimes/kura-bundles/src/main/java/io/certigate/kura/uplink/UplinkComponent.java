package io.certigate.kura.uplink;

import io.certigate.core.spine.Spine;
import io.certigate.signing.SigningException;
import io.certigate.uplink.UplinkException;
import io.certigate.uplink.mqtt.MqttUplink;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The MQTT uplink of a spine: store-and-forward from its buffer. A changed configuration replaces
 * the MQTT client (the buffer remembers what was delivered, so nothing is lost or sent twice as
 * delivered); an unchanged one restarts nothing.
 */
@Component(configurationPid = UplinkComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = ConfigurableComponent.class, immediate = true)
@Designate(ocd = UplinkConfig.class)
public final class UplinkComponent implements ConfigurableComponent {
    public static final String PID = "io.certigate.kura.uplink";
    private static final System.Logger LOG = System.getLogger(UplinkComponent.class.getName());

    private final Spine spine;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "certigate-uplink"));
    private UplinkOptions options;
    private volatile MqttUplink uplink;
    private final java.util.function.LongConsumer wake;

    @Activate
    public UplinkComponent(@Reference(name = "spine") Spine spine, Map<String, Object> properties)
            throws UplinkException, SigningException, IOException {
        this.spine = spine;
        // one listener per activation, following the current client; removed on deactivation
        this.wake = seq -> {
            MqttUplink u = uplink;
            if (u != null) {
                u.commitListener().accept(seq);
            }
        };
        spine.sequencer().addCommitListener(wake);
        try {
            start(UplinkOptions.from(properties));
        } catch (UplinkException | SigningException | IOException | RuntimeException e) {
            spine.sequencer().removeCommitListener(wake);
            scheduler.shutdownNow();
            throw e;
        }
    }

    @Modified
    void modified(Map<String, Object> properties) throws UplinkException, SigningException, IOException {
        UplinkOptions next = UplinkOptions.from(properties);
        if (next.equals(options)) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "uplink reconfigured: reconnecting to {0}", next.broker());
        stop();
        start(next);
    }

    @Deactivate
    void deactivate() {
        spine.sequencer().removeCommitListener(wake);
        stop();
        scheduler.shutdownNow();
    }

    private void start(UplinkOptions o) throws UplinkException, SigningException, IOException {
        uplink = new MqttUplink(spine.buffer(), spine.key().certificateChain(), o.toMqtt(spine.buffer().deviceId()),
                Clock.systemUTC(), scheduler, new SecureRandom()).start();
        options = o;
    }

    private void stop() {
        MqttUplink u = uplink;
        uplink = null;
        if (u != null) {
            u.close();
        }
    }
}
