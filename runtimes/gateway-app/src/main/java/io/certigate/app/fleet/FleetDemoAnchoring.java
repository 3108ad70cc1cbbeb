package io.certigate.app.fleet;

import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.app.demo.DevLedger;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Passphrase;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SigningException;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.device.TestPki;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.RegistryAbi;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;

/**
 * Aggregated anchoring in {@code certigate fleet demo} (issue #17): the anvil dev chain with the
 * anchor contract ({@link DevLedger}, in {@code <work>/ledger}), the fleet's receipt-signing key
 * (PKCS#12) and its own ledger account, funded and allowed to anchor by the chain's development
 * admin (and registered under the fleet id when the contract is bound to a device registry), the
 * ledger settings file the instances' {@code fleet.anchor.ledger} names, and every simulated
 * gateway's batch statements ({@link GatewayStatements}). The files go to {@code <work>/fleet}.
 * What the demo checks at the end is {@link FleetDemoAnchorCheck}.
 */
final class FleetDemoAnchoring implements AutoCloseable {
    /** The fleet's id on the ledger. */
    static final String FLEET_ID = "certigate-fleet-demo";
    private static final Duration LEDGER_TIMEOUT = Duration.ofSeconds(30);

    private final DevLedger ledger;
    private final Path dir;
    private final SoftwareDeviceKey fleetKey;
    private final String account;
    private final List<SimulatedGateways.Gateway> gateways;
    private final List<List<GatewayStatements.Stated>> statements;

    private FleetDemoAnchoring(DevLedger ledger, Path dir, SoftwareDeviceKey fleetKey, String account,
            List<SimulatedGateways.Gateway> gateways, List<List<GatewayStatements.Stated>> statements) {
        this.ledger = ledger;
        this.dir = dir;
        this.fleetKey = fleetKey;
        this.account = account;
        this.gateways = gateways;
        this.statements = statements;
    }

    /**
     * Starts the dev chain and sets the fleet up on it, then states the gateways' records in batches
     * of {@code perStatement}, signed with their keys (the {@code <id>.p12} files
     * {@link SimulatedGateways#generate} wrote to {@code gatewayDir}).
     */
    static FleetDemoAnchoring start(Path work, Path gatewayDir, List<SimulatedGateways.Gateway> gateways,
            int perStatement, PrintWriter out) throws IOException, LedgerException, InterruptedException,
            SigningException {
        DevLedger ledger = DevLedger.start(work.resolve("ledger"));
        try {
            out.println("fleet demo: anvil dev chain " + ledger.config().chainId() + " at " + ledger.config().rpcUrl()
                    + ", CertigateAnchor " + ledger.config().contract() + " (" + AnchorContract.compiledWith() + ")");
            Path dir = Files.createDirectories(work.resolve("fleet"));
            Path keyStore = dir.resolve("fleet.p12");
            char[] keyPass = Passphrase.createOrRead(dir.resolve("fleet.pass"));
            SoftwareDeviceKey fleetKey = Files.exists(keyStore) ? Pkcs12KeyStore.open(keyStore, keyPass)
                    : Pkcs12KeyStore.create(keyStore, CoseAlgorithm.ES256, FLEET_ID, keyPass);
            TestPki.writePem(dir.resolve("fleet-certificate.pem"), List.of(fleetKey.certificateChain().get(0)));
            LedgerAccount account = LedgerAccount.openOrCreate(dir.resolve("ledger-account.json"),
                    Passphrase.createOrRead(dir.resolve("ledger-account.pass")), LedgerAccount.KeyFileCost.LIGHT);
            try (LedgerClient c = LedgerClient.connect(ledger.config())) {
                LedgerAdmin a = new LedgerAdmin(c, ledger.admin(), LEDGER_TIMEOUT);
                a.fund(account.address(), BigInteger.TEN.pow(20));
                a.allowAnchorer(account.address(), true);
                String registry = boundRegistry(c);
                if (registry != null) {
                    register(c, ledger.admin(), registry, fleetKey, account.address());
                    out.println("fleet demo: fleet " + FLEET_ID + " registered in device registry " + registry);
                }
            }
            new LedgerSettings(ledger.config(), dir.resolve("ledger-account.json"),
                    "file:" + dir.resolve("ledger-account.pass")).save(dir.resolve("ledger.properties"));
            out.println("fleet demo: fleet " + FLEET_ID + ": ledger account " + account.address()
                    + " (allowed to anchor), receipt key " + dir.resolve("fleet.p12"));
            List<List<GatewayStatements.Stated>> statements = new ArrayList<>(gateways.size());
            for (SimulatedGateways.Gateway g : gateways) {
                SoftwareDeviceKey key = Pkcs12KeyStore.open(gatewayDir.resolve(g.id() + ".p12"), TestDevice.passphrase());
                statements.add(GatewayStatements.of(g, key, perStatement));
            }
            return new FleetDemoAnchoring(ledger, dir, fleetKey, account.address(), List.copyOf(gateways),
                    List.copyOf(statements));
        } catch (IOException | LedgerException | InterruptedException | SigningException | RuntimeException e) {
            ledger.close();
            throw e;
        }
    }

    /** The device registry the anchor contract is bound to, or null when it is not bound to one. */
    private static String boundRegistry(LedgerClient c) throws LedgerException {
        String word = c.callContract(c.config().contract(), FunctionEncoder.encode(new Function("registry", List.of(),
                List.of())));
        String hex = word == null ? "" : word.startsWith("0x") ? word.substring(2) : word;
        if (hex.length() < 40) {
            return null;
        }
        String address = hex.substring(hex.length() - 40);
        return address.chars().allMatch(ch -> ch == '0') ? null : "0x" + address;
    }

    /** Registers the fleet like a device: its id, its receipt key and certificate, and its ledger account. */
    private static void register(LedgerClient c, LedgerAccount registrar, String registry, SoftwareDeviceKey fleetKey,
            String account) throws LedgerException, InterruptedException {
        DeviceRegistryClient r = new DeviceRegistryClient(c, registry, registrar, LEDGER_TIMEOUT);
        if (r.statusAt(fleetKey.publicKey(), c.blockNumber()) != RegistryAbi.Status.ACTIVE) {
            r.register(FLEET_ID, fleetKey.publicKey(), fleetKey.certificateChain().get(0), account);
        }
    }

    /**
     * Adds the anchor role to an instance's settings: the fleet's id, key and ledger, an interval of
     * {@code intervalMs}, the statement chain served on any free port. The gateways' keys are trusted
     * only through the consortium CA, from their status messages: the leading anchor role learns
     * them from the status copies next to the statements ({@code StatusKeys}), whichever instance
     * verifies a gateway's records.
     */
    void configure(Properties p, long intervalMs) {
        p.setProperty("fleet.roles", "ingest,verify,store,anchor");
        p.setProperty("fleet.anchor.fleet-id", FLEET_ID);
        p.setProperty("fleet.anchor.key-store", dir.resolve("fleet.p12").toString());
        p.setProperty("fleet.anchor.passphrase-source", "file:" + dir.resolve("fleet.pass"));
        p.setProperty("fleet.anchor.ledger", dir.resolve("ledger.properties").toString());
        p.setProperty("fleet.anchor.interval-ms", Long.toString(intervalMs));
        p.setProperty("fleet.anchor.http.port", "0");
    }

    /** Subscribes every gateway to its receipts (before any statement is published). */
    GatewayReceipts subscribe(String brokerUrl) throws MqttException {
        return GatewayReceipts.subscribe(brokerUrl, gateways.stream().map(SimulatedGateways.Gateway::id).toList());
    }

    /** Publishes every gateway's statements; returns how many. */
    long publish(GatewayLoad load) throws MqttException, InterruptedException {
        return load.statements(gateways, statements.stream().map(l -> l.stream().map(GatewayStatements.Stated::cose)
                .toList()).toList());
    }

    /** Statements of all gateways together. */
    long statementCount() {
        return statements.stream().mapToLong(List::size).sum();
    }

    /** Waits until every gateway holds a receipt for each of its statements; false when {@code timeout} passed first. */
    boolean awaitReceipts(GatewayReceipts receipts, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allReceipted(receipts)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }

    private boolean allReceipted(GatewayReceipts receipts) {
        for (int g = 0; g < gateways.size(); g++) {
            for (GatewayStatements.Stated s : statements.get(g)) {
                if (receipts.receipt(gateways.get(g).id(), s.hash()).isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Gateways holding fewer receipts than statements, for the report when the wait ran out. */
    List<String> missingReceipts(GatewayReceipts receipts) {
        List<String> out = new ArrayList<>();
        for (int g = 0; g < gateways.size(); g++) {
            String device = gateways.get(g).id();
            long missing = statements.get(g).stream().filter(s -> receipts.receipt(device, s.hash()).isEmpty()).count();
            if (missing > 0) {
                out.add(gateways.get(g).id() + " (" + missing + " of " + statements.get(g).size() + ")");
            }
        }
        return out;
    }

    /** The checks of the end of the demo, on this fleet. */
    FleetDemoAnchorCheck check(GatewayReceipts receipts) {
        return new FleetDemoAnchorCheck(ledger.config(), FLEET_ID, fleetKey.publicKey(), account.toLowerCase(Locale.ROOT),
                gateways, statements, receipts);
    }

    @Override
    public void close() {
        ledger.close();
    }
}
