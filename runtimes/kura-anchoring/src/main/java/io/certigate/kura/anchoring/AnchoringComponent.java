package io.certigate.kura.anchoring;

import io.certigate.anchor.AnchorPipeline;
import io.certigate.core.buffer.BufferException;
import io.certigate.core.spine.Spine;
import io.certigate.signing.SigningException;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.function.LongConsumer;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The anchoring of a spine: anchor-client's pipeline (batcher, anchorer, batch store in the
 * spine's buffer) woken by the spine's commits. A changed configuration replaces the pipeline (the
 * batches and their transactions are in the buffer, so a new pipeline resumes exactly where the
 * old one stopped); an unchanged one restarts nothing.
 */
@Component(configurationPid = AnchoringComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = ConfigurableComponent.class, immediate = true)
@Designate(ocd = AnchoringConfig.class)
public final class AnchoringComponent implements ConfigurableComponent {
    public static final String PID = "io.certigate.kura.anchoring";
    private static final System.Logger LOG = System.getLogger(AnchoringComponent.class.getName());

    private final Spine spine;
    private final LongConsumer wake;
    private AnchoringOptions options;
    private volatile AnchorPipeline pipeline;

    @Activate
    public AnchoringComponent(@Reference(name = "spine") Spine spine, Map<String, Object> properties)
            throws BufferException, IOException, SigningException {
        this.spine = spine;
        // one listener per activation, following the current pipeline; removed on deactivation
        this.wake = seq -> {
            AnchorPipeline p = pipeline;
            if (p != null) {
                p.commitListener().accept(seq);
            }
        };
        spine.sequencer().addCommitListener(wake);
        try {
            start(AnchoringOptions.from(properties));
        } catch (BufferException | IOException | SigningException | RuntimeException e) {
            spine.sequencer().removeCommitListener(wake);
            throw e;
        }
    }

    @Modified
    void modified(Map<String, Object> properties) throws BufferException, IOException, SigningException {
        AnchoringOptions next = AnchoringOptions.from(properties);
        if (next.equals(options)) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "anchoring reconfigured: chain {0} at {1}, batches of {2}",
                Long.toString(next.ledger().chainId()), next.ledger().rpcUrl(), Integer.toString(next.batching().maxSize()));
        stop();
        start(next);
    }

    @Deactivate
    void deactivate() {
        spine.sequencer().removeCommitListener(wake);
        stop();
    }

    private void start(AnchoringOptions o) throws BufferException, IOException, SigningException {
        AnchorPipeline p = new AnchorPipeline(spine.buffer(), o.ledger(), o.openAccount(), o.batching(), Clock.systemUTC());
        pipeline = p.start();
        options = o;
        // what was committed while no pipeline ran
        p.commitListener().accept(0);
    }

    private void stop() {
        AnchorPipeline p = pipeline;
        pipeline = null;
        options = null;
        if (p != null) {
            p.close();
        }
    }
}
