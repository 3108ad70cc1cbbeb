package io.certigate.kura.enrolment;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.provisioning.device.KeyBackend;
import io.certigate.provisioning.enrol.EnrolmentAgent;
import io.certigate.provisioning.enrol.EnrolmentException;
import io.certigate.provisioning.enrol.ProvisioningState;
import io.certigate.provisioning.enrol.SpineHandover;
import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import java.io.IOException;
import java.net.InetSocketAddress;
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
import org.osgi.service.metatype.annotations.Designate;

/**
 * device-provisioning's enrolment agent, active only while the state directory holds the
 * provisioning-mode marker: otherwise the component stays idle (nothing listens, no PSK exists).
 * Once the technician has installed the chain the agent leaves provisioning mode and stops
 * listening. Applying the configuration again (unchanged) after the device was put back into
 * provisioning mode starts a new agent; a changed configuration replaces a running one.
 */
@Component(configurationPid = EnrolmentComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = ConfigurableComponent.class, immediate = true)
@Designate(ocd = EnrolmentConfig.class)
public final class EnrolmentComponent implements ConfigurableComponent {
    public static final String PID = "io.certigate.kura.enrolment";
    private static final System.Logger LOG = System.getLogger(EnrolmentComponent.class.getName());

    private final ScheduledExecutorService executor =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "certigate-enrolment"));
    private EnrolmentOptions options;
    private EnrolmentAgent agent;
    private java.util.concurrent.ExecutorService sequencerThread;

    @Activate
    public EnrolmentComponent(Map<String, Object> properties) throws EnrolmentException, IOException, SigningException {
        try {
            start(EnrolmentOptions.from(properties));
        } catch (EnrolmentException | IOException | SigningException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
    }

    @Modified
    synchronized void modified(Map<String, Object> properties) throws EnrolmentException, IOException, SigningException {
        EnrolmentOptions next = EnrolmentOptions.from(properties);
        boolean waiting = agent != null && !agent.provisioned().isDone();
        if (next.equals(options) && (waiting || !new ProvisioningState(next.stateDir()).inProvisioningMode())) {
            return;
        }
        stop();
        start(next);
    }

    @Deactivate
    synchronized void deactivate() {
        stop();
        executor.shutdownNow();
    }

    private synchronized void start(EnrolmentOptions o) throws EnrolmentException, IOException, SigningException {
        options = o;
        ProvisioningState state = new ProvisioningState(o.stateDir());
        if (!state.inProvisioningMode()) {
            LOG.log(System.Logger.Level.INFO, "device {0} is not in provisioning mode ({1}): enrolment agent off",
                    o.identity().deviceId(), o.stateDir());
            return;
        }
        String account = null;
        if (o.ledgerAccountKey() != null) {
            char[] pass = Passphrase.resolve("enrol.ledger-account-pass", o.ledgerAccountPass());
            try {
                account = LedgerAccount.openOrCreate(o.ledgerAccountKey(), pass).address();
            } finally {
                java.util.Arrays.fill(pass, '\0');
            }
        }
        KeyBackend backend = new KeyBackend.Pkcs12(o.keyStore(), Passphrase.resolve("enrol.key-passphrase", o.keyPassphrase()));
        // the test reading goes through the device's own sequencer into the spine's buffer; the spine
        // opened for it is closed again once committed (the spine component runs the device afterwards)
        java.util.concurrent.ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "certigate-enrolment-sequencer");
            t.setDaemon(true);
            return t;
        });
        sequencerThread = writer;
        SpineHandover handover = SpineHandover.onBuffer(o.bufferFile(), o.identity().deviceId(), Clock.systemUTC(), writer,
                o.timeout());
        handover.spine().thenAccept(spine -> {
            closeQuietly(spine);
            writer.shutdown();
        });
        EnrolmentAgent a = new EnrolmentAgent(state, backend, new EnrolmentAgent.Settings(o.bind(), o.identity(), o.algorithm(),
                o.timeout(), o.maxHandshakes(), account, EnrolmentAgent.readTrustRoot(o.trustRoot())), Clock.systemUTC(), new SecureRandom(), executor,
                EnrolmentComponent::console, handover);
        InetSocketAddress bound = a.start();
        agent = a;
        LOG.log(System.Logger.Level.INFO, "enrolment agent of {0} on coaps://{1}:{2}; PSK label in {3}",
                o.identity().deviceId(), bound.getHostString(), Integer.toString(bound.getPort()), state.labelFile());
        // the agent stops listening by itself once the chain is installed
        a.provisioned().thenRun(() -> LOG.log(System.Logger.Level.INFO,
                "device {0} provisioned: certificate chain installed in {1}", o.identity().deviceId(), o.keyStore()));
    }

    private static void closeQuietly(io.certigate.core.spine.Spine spine) {
        try {
            spine.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "closing the buffer after the test reading: " + e.getMessage());
        }
    }

    /** The agent's console text without the PSK itself: the log is no label (the label file, 0600, is). */
    private static void console(String text) {
        LOG.log(System.Logger.Level.INFO, text.lines().filter(l -> !l.startsWith("psk=")).collect(java.util.stream.Collectors.joining("; ")));
    }

    private synchronized void stop() {
        EnrolmentAgent a = agent;
        agent = null;
        options = null;
        if (a != null) {
            a.close();
        }
        if (sequencerThread != null) {
            sequencerThread.shutdown(); // idle unless a test reading is being committed, which it lets finish
            sequencerThread = null;
        }
    }
}
