package io.certigate.kura.rfid;

import io.certigate.core.sequencer.ReadingSink;
import io.certigate.meter.rfid.RfidReaderAdapter;
import io.certigate.serial.jsc.JSerialCommLink;
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
 * The RFID reader wired to a spine's {@link ReadingSink}. A changed configuration reopens the
 * port with a new adapter; an unchanged one restarts nothing.
 */
@Component(configurationPid = RfidComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = ConfigurableComponent.class, immediate = true)
@Designate(ocd = RfidConfig.class)
public final class RfidComponent implements ConfigurableComponent {
    public static final String PID = "io.certigate.kura.rfid";
    private static final System.Logger LOG = System.getLogger(RfidComponent.class.getName());

    private final ReadingSink sink;
    private final ScheduledExecutorService executor =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "certigate-rfid"));
    private RfidOptions options;
    private RfidReaderAdapter adapter;

    @Activate
    public RfidComponent(@Reference(name = "spine") ReadingSink sink, Map<String, Object> properties) {
        this.sink = sink;
        try {
            start(RfidOptions.from(properties));
        } catch (RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
    }

    @Modified
    void modified(Map<String, Object> properties) {
        RfidOptions next = RfidOptions.from(properties);
        if (next.equals(options)) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "RFID reader reconfigured: reopening {0}", next.port());
        adapter.close();
        start(next);
    }

    @Deactivate
    void deactivate() {
        adapter.close();
        executor.shutdownNow();
    }

    private void start(RfidOptions o) {
        adapter = new RfidReaderAdapter(JSerialCommLink.at(o.port()), o.adapter(), sink, e -> { }, Clock.systemUTC(), executor);
        adapter.start();
        options = o;
    }
}
