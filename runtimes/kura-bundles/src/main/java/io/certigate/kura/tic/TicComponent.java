package io.certigate.kura.tic;

import io.certigate.core.sequencer.ReadingSink;
import io.certigate.serial.jsc.JSerialCommLink;
import io.certigate.meter.tic.TicMeterAdapter;
import io.certigate.meter.tic.TicPortReader;
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
 * The Linky TIC reader wired to a spine's {@link ReadingSink}: the port reader assembles frames,
 * the meter adapter turns them into readings. A changed configuration reopens the port with a new
 * reader and adapter; an unchanged one restarts nothing.
 */
@Component(configurationPid = TicComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = ConfigurableComponent.class, immediate = true)
@Designate(ocd = TicConfig.class)
public final class TicComponent implements ConfigurableComponent {
    public static final String PID = "io.certigate.kura.tic";
    private static final System.Logger LOG = System.getLogger(TicComponent.class.getName());

    private final ReadingSink sink;
    private final ScheduledExecutorService executor =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "certigate-tic"));
    private TicOptions options;
    private TicPortReader reader;

    @Activate
    public TicComponent(@Reference(name = "spine") ReadingSink sink, Map<String, Object> properties) {
        this.sink = sink;
        try {
            start(TicOptions.from(properties));
        } catch (RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
    }

    @Modified
    void modified(Map<String, Object> properties) {
        TicOptions next = TicOptions.from(properties);
        if (next.equals(options)) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "TIC reader reconfigured: reopening {0}", next.port());
        reader.close();
        start(next);
    }

    @Deactivate
    void deactivate() {
        reader.close();
        executor.shutdownNow();
    }

    private void start(TicOptions o) {
        Clock clock = Clock.systemUTC();
        reader = new TicPortReader(JSerialCommLink.at(o.port()), o.reader(), new TicMeterAdapter(o.readings(), sink, clock),
                clock, executor);
        reader.start();
        options = o;
    }
}
