package io.certigate.kura.obd;

import io.certigate.core.spine.Spine;
import io.certigate.obd.BufferOdometerStore;
import io.certigate.obd.ObdPoller;
import io.certigate.obd.ObdStats;
import java.io.IOException;
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
 * The ELM327 OBD reader wired to a spine: the poller signs nothing itself, it hands readings to
 * the spine's sequencer and keeps the certified odometer in the spine's buffer. A changed
 * configuration restarts the poller only; when the spine itself is replaced SCR restarts this
 * component with the new one.
 */
@Component(configurationPid = ObdComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = ConfigurableComponent.class, immediate = true)
@Designate(ocd = ObdConfig.class)
public final class ObdComponent implements ConfigurableComponent {
    public static final String PID = "io.certigate.kura.obd";
    private static final System.Logger LOG = System.getLogger(ObdComponent.class.getName());

    private final Spine spine;
    private final ObdStats stats = new ObdStats();
    private final BufferOdometerStore odometers;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "certigate-obd"));
    private ObdOptions options;
    private ObdPoller poller;

    @Activate
    public ObdComponent(@Reference(name = "spine") Spine spine, Map<String, Object> properties) throws IOException {
        this.spine = spine;
        this.odometers = new BufferOdometerStore(spine.buffer());
        try {
            start(ObdOptions.from(properties));
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            throw e;
        }
    }

    @Modified
    void modified(Map<String, Object> properties) {
        ObdOptions next = ObdOptions.from(properties);
        if (next.equals(options)) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "OBD reader reconfigured: restarting the poller on {0}", next.reader().port());
        poller.close();
        start(next);
    }

    @Deactivate
    void deactivate() {
        poller.close();
        scheduler.shutdownNow();
    }

    /** What the reader has seen so far (readings, malformed replies, reconnects, rollbacks). */
    public ObdStats.Snapshot stats() {
        return stats.snapshot();
    }

    private void start(ObdOptions o) {
        poller = o.reader().start(spine.sequencer(), odometers, stats, Clock.systemUTC(), scheduler, o.timeQuality());
        options = o;
    }
}
