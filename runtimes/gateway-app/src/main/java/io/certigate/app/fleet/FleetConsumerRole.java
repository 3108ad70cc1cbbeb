package io.certigate.app.fleet;

import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.consumer.ConsumerApiServer;
import io.certigate.fleet.consumer.CopyKeyWatcher;
import io.certigate.fleet.consumer.CopyKeys;
import io.certigate.fleet.consumer.PartyCertificates;
import io.certigate.fleet.consumer.PassportSource;
import io.certigate.fleet.consumer.RecordProofs;
import io.certigate.fleet.consumer.SubjectDirectory;
import io.certigate.fleet.store.FleetStore;
import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import io.certigate.uplink.mqtt.TlsSettings;
import io.certigate.verifier.consent.ConsentReader;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The {@code consumer} role of {@code certigate fleet run} (issue #19, the consumer API): serves
 * consumers over HTTPS ({@link ConsumerApiServer}) the fleet store's records and passports of the
 * subjects in {@code fleet_consumer.subjects}, each request checked against the consent registry at
 * the current block and logged. The device keys put in the served exports are those this instance
 * trusts ({@code fleet.verify.keys}, and the keys learned from certified status messages when the
 * verify role runs in the same instance). With {@code fleet.consumer.anchor-contract}, it also serves
 * proof bundles of records whose gateways anchor directly in that contract ({@link RecordProofs}), with
 * the certificate chains this instance holds for the device keys ({@link DeviceKeys#chainsFor}).
 * Its {@link CopyKeyWatcher} destroys the copy keys of sealed copies whose consent was revoked or
 * ended, at the first poll after the block that did it.
 */
public final class FleetConsumerRole implements AutoCloseable {
    private final LedgerReader ledger;
    private final LedgerReader anchors;
    private final ConsumerApiServer server;
    private final CopyKeyWatcher watcher;
    private final ScheduledExecutorService ownScheduler;

    private FleetConsumerRole(LedgerReader ledger, LedgerReader anchors, ConsumerApiServer server,
            CopyKeyWatcher watcher, ScheduledExecutorService ownScheduler) {
        this.ledger = ledger;
        this.anchors = anchors;
        this.server = server;
        this.watcher = watcher;
        this.ownScheduler = ownScheduler;
    }

    /**
     * The role with its copy-key watcher on a scheduler thread of its own.
     *
     * @param fleetId the fleet's id in aggregated anchoring ({@code fleet.anchor.fleet-id}), or null
     */
    public static FleetConsumerRole start(FleetConfig.ConsumerOptions o, DeviceKeys keys, List<String> trustWords,
            String fleetId, Clock clock) throws FleetNode.FleetStartException {
        ScheduledExecutorService own = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-copy-keys");
            t.setDaemon(true);
            return t;
        });
        try {
            return start(o, keys, trustWords, fleetId, clock, own, own);
        } catch (FleetNode.FleetStartException | RuntimeException e) {
            own.shutdownNow();
            throw e;
        }
    }

    /**
     * The role with its copy-key watcher ({@link CopyKeyWatcher}, every {@code fleet.consumer.copy-key-poll-ms})
     * on {@code scheduler} (a test's virtual time).
     */
    public static FleetConsumerRole start(FleetConfig.ConsumerOptions o, DeviceKeys keys, List<String> trustWords,
            String fleetId, Clock clock, ScheduledExecutorService scheduler) throws FleetNode.FleetStartException {
        return start(o, keys, trustWords, fleetId, clock, scheduler, null);
    }

    private static FleetConsumerRole start(FleetConfig.ConsumerOptions o, DeviceKeys keys, List<String> trustWords,
            String fleetId, Clock clock, ScheduledExecutorService scheduler, ScheduledExecutorService own)
            throws FleetNode.FleetStartException {
        LedgerReader ledger = LedgerReader.connect(o.rpcUrl(), o.consentRegistry());
        LedgerReader anchors = o.anchorContract() == null ? null : LedgerReader.connect(o.rpcUrl(), o.anchorContract());
        try {
            ledger.checkChain(o.chainId());
            if (anchors != null && !anchors.hasCode(o.anchorContract())) {
                close(ledger, anchors);
                throw new FleetNode.FleetStartException("consumer API: no contract at "
                        + FleetConfig.CONSUMER_ANCHOR_CONTRACT.key() + " " + o.anchorContract() + " on the ledger at "
                        + o.rpcUrl(), null);
            }
            ConsentReader consents = new ConsentReader(ledger, o.consentRegistry());
            PartyCertificates parties = new PartyCertificates(ledger, consents.partyRegistry());
            FleetStore store = new FleetStore(o.store().connector());
            SubjectDirectory subjects = new SubjectDirectory(o.store().connector());
            subjects.createSchema();
            FleetPassport passports = new FleetPassport(store, o.store().jdbcUrl().replaceFirst("\\?.*", ""),
                    trustWords, clock);
            PassportSource passport = (subject, kinds) -> {
                Path tmp = Files.createTempFile("certigate-passport-", ".html");
                try {
                    return passports.write(subject, null, tmp, kinds).isPresent()
                            ? Optional.of(Files.readAllBytes(tmp)) : Optional.empty();
                } finally {
                    Files.deleteIfExists(tmp);
                }
            };
            var tls = ConsumerApiServer.tls(o.keyStore(),
                    Passphrase.resolve(FleetConfig.CONSUMER_PASSPHRASE.key(), o.passphraseSource()),
                    TlsSettings.readCertificates(o.ca()));
            ConsumerApiServer server = new ConsumerApiServer(new InetSocketAddress(o.address(), o.port()), tls,
                    new ConsumerApiServer.Backends(o.store().connector(), parties, consents,
                            keys == null ? d -> List.of() : keys::keysFor, passport, fleetId, clock),
                    anchors == null ? null : new RecordProofs(store, anchors,
                            keys == null ? d -> List.of() : keys::chainsFor), o.threads());
            CopyKeyWatcher watcher = new CopyKeyWatcher(consents, new CopyKeys(o.store().connector()))
                    .start(scheduler, Duration.ofMillis(o.copyKeyPollMs()));
            return new FleetConsumerRole(ledger, anchors, server, watcher, own);
        } catch (LedgerException e) {
            close(ledger, anchors);
            throw new FleetNode.FleetStartException("consumer API: the ledger at " + o.rpcUrl() + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            close(ledger, anchors);
            throw new FleetNode.FleetStartException("consumer API: cannot set up its tables: " + e.getMessage(), e);
        } catch (IOException | GeneralSecurityException | SigningException | RuntimeException e) {
            close(ledger, anchors);
            throw new FleetNode.FleetStartException("consumer API: cannot serve HTTPS on " + o.address() + ":" + o.port()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The port the API listens on. */
    public int port() {
        return server.port();
    }

    private static void close(LedgerReader ledger, LedgerReader anchors) {
        ledger.close();
        if (anchors != null) {
            anchors.close();
        }
    }

    @Override
    public void close() {
        watcher.close();
        if (ownScheduler != null) {
            ownScheduler.shutdownNow();
        }
        server.close();
        close(ledger, anchors);
    }
}
