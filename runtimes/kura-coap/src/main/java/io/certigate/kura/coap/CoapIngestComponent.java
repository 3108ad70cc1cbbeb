package io.certigate.kura.coap;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.spine.Spine;
import io.certigate.meter.coap.CoapIngestServer;
import io.certigate.meter.coap.SensorSequences;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * meter-adapters' CoAP/SenML ingest (DTLS-PSK, one key per sensor) on a spine: readings go to its
 * sequencer, the sensors' sequence marks to its buffer file (so duplicates are recognised across
 * restarts). A changed configuration replaces the server; an unchanged one restarts nothing.
 */
@Component(configurationPid = CoapIngestComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = ConfigurableComponent.class, immediate = true)
@Designate(ocd = CoapIngestConfig.class)
public final class CoapIngestComponent implements ConfigurableComponent {
    public static final String PID = "io.certigate.kura.coap";
    private static final System.Logger LOG = System.getLogger(CoapIngestComponent.class.getName());

    private final Spine spine;
    private final SensorSequences sequences;
    private CoapIngestOptions options;
    private CoapIngestServer server;

    @Activate
    public CoapIngestComponent(@Reference(name = "spine") Spine spine, Map<String, Object> properties)
            throws BufferException, IOException {
        this.spine = spine;
        CoapIngestOptions o = CoapIngestOptions.from(properties);
        this.sequences = SensorSequences.inBuffer(spine.buffer(), Clock.systemUTC());
        start(o);
    }

    @Modified
    void modified(Map<String, Object> properties) throws IOException {
        CoapIngestOptions next = CoapIngestOptions.from(properties);
        if (next.equals(options)) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "CoAP ingest reconfigured: reopening on {0}:{1}", next.bind(), Integer.toString(next.port()));
        stop();
        start(next);
    }

    @Deactivate
    void deactivate() {
        stop();
        try {
            sequences.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the sensor sequence marks failed", e);
        }
    }

    private void start(CoapIngestOptions o) throws IOException {
        CoapIngestServer s = new CoapIngestServer(o.server(), spine.sequencer(), sequences, Clock.systemUTC());
        try {
            s.start();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        server = s;
        options = o;
        LOG.log(System.Logger.Level.INFO, "CoAP ingest on coaps://{0}/{1}", s.address(), o.path());
    }

    private void stop() {
        CoapIngestServer s = server;
        server = null;
        options = null;
        if (s != null) {
            s.close();
        }
    }
}
