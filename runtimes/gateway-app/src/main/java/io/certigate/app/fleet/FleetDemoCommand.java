package io.certigate.app.fleet;

import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.testbed.KafkaCluster;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.device.TestPki;
import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.verifier.ledger.LedgerException;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate fleet demo}: the fleet tier on one machine, end to end. Starts a 3-broker Kafka
 * cluster (one JVM per broker), PostgreSQL, Mosquitto and two fleet instances sharing the work, then
 * publishes pre-generated signed, chained records of simulated gateways, waits until the store
 * holds them, and checks that every record of every gateway is stored exactly once, in a chain that
 * links, with no finding; then writes the first gateway's passport from the store ({@link FleetPassport})
 * to the work directory.
 *
 * <p>Unless {@code --no-anchor}, it runs aggregated anchoring too (issue #17, {@link FleetDemoAnchoring}):
 * the anvil dev chain, the fleet's key and ledger account, the {@code anchor} role in both instances
 * (one leads through a PostgreSQL advisory lock), and gateways that state their records in batches
 * ({@link GatewayStatements}) after publishing them and take their receipts from their receipts topic;
 * it waits until every gateway holds a receipt for every statement and ends with
 * {@link FleetDemoAnchorCheck}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the fleet tier on this machine: 3 Kafka brokers, PostgreSQL, Mosquitto, 2 fleet instances and"
                + " simulated gateways publishing real signed records; ends with a check that every record of every"
                + " gateway is stored exactly once.",
            "With aggregated anchoring (unless --no-anchor): the anvil dev chain, the anchor role in both instances,"
                + " the gateways' batch statements and their receipts; ends with a check that every receipt and every"
                + " gateway's statement history verifies against the ledger, with one fleet transaction per interval.",
            "Needs mosquitto and PostgreSQL installed (scripts/install-deps), and for anchoring the dev chain's npm"
                + " package (npm ci)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every record stored exactly once, no finding; every statement anchored and verified",
            "1:records missing, doubled or findings; or an anchoring check failed",
            "2:a component could not start"})
public final class FleetDemoCommand implements Callable<Integer> {
    @Option(names = "--gateways", paramLabel = "N", defaultValue = "20", description = "Simulated gateways (default ${DEFAULT-VALUE}).")
    int gateways;

    @Option(names = "--records", paramLabel = "N", defaultValue = "500", description = "Records per gateway (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "25", description = "Records per uplink batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "2000",
            description = "Records per second offered by all gateways together; 0 for as fast as the broker takes them"
                    + " (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--no-anchor", description = "Records only: no dev chain, no anchor role, no statements.")
    boolean noAnchor;

    @Option(names = "--anchor-interval-ms", paramLabel = "MS", defaultValue = "3000",
            description = "The anchor role's interval: one fleet ledger transaction per interval at most"
                    + " (default ${DEFAULT-VALUE}).")
    long anchorIntervalMs;

    @Option(names = "--anchor-batch", paramLabel = "N", defaultValue = "100",
            description = "Records per batch statement of a gateway (default ${DEFAULT-VALUE}).")
    int anchorBatch;

    @Option(names = "--dir", paramLabel = "DIR", description = "Work directory (default: a new temporary directory, kept afterwards).")
    Path dir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (gateways < 1 || records < 1 || batch < 1 || rate < 0 || anchorBatch < 1 || anchorIntervalMs < 100) {
            err.println("fleet demo: --gateways, --records, --batch and --anchor-batch must be at least 1, --rate at"
                    + " least 0, --anchor-interval-ms at least 100");
            return 2;
        }
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("certigate-fleet-demo");
        out.println("fleet demo: work directory " + work);
        out.printf("fleet demo: generating %d gateways x %d signed records%n", gateways, records);
        out.flush();
        TestPki pki = TestPki.create("certigate fleet demo CA");
        Path ca = TestPki.writePem(work.resolve("consortium-ca.pem"), List.of(pki.caCertificate()));
        List<SimulatedGateways.Gateway> fleet = SimulatedGateways.generate(work.resolve("gateways"), pki, "veh", gateways,
                records, batch, System.currentTimeMillis() - (long) records * 60_000, 60_000);
        FleetDemoAnchoring anchoring = null;
        try {
            if (!noAnchor) {
                out.println("fleet demo: starting the anvil dev chain; each gateway states every " + anchorBatch
                        + " records");
                out.flush();
                anchoring = FleetDemoAnchoring.start(work, work.resolve("gateways"), fleet, anchorBatch, out);
            }
            out.println("fleet demo: starting 3 Kafka brokers, PostgreSQL and Mosquitto");
            out.flush();
            return runTier(out, work, ca, fleet, anchoring);
        } catch (IOException | LedgerException e) {
            err.println("fleet demo: " + e.getMessage());
            return 2;
        } finally {
            if (anchoring != null) {
                anchoring.close();
            }
        }
    }

    /** Starts the brokers, PostgreSQL and the instances, publishes the load and checks the outcome; returns the exit code. */
    private int runTier(PrintWriter out, Path work, Path ca, List<SimulatedGateways.Gateway> fleet,
            FleetDemoAnchoring anchoring) throws Exception {
        try (KafkaCluster kafka = KafkaCluster.builder(work.resolve("kafka")).brokers(3).classpath(kafkaClasspath()).start();
                PostgresServer pg = PostgresServer.start(work.resolve("postgresql"));
                MosquittoBroker mqtt = MosquittoBroker.start(work.resolve("mosquitto"))) {
            List<FleetNode> nodes = new ArrayList<>();
            try {
                for (String n : List.of("a", "b")) {
                    Properties p = config(kafka.bootstrapServers(), mqtt.url(), ca, pg, n, work.resolve("instance-" + n));
                    if (anchoring != null) {
                        anchoring.configure(p, anchorIntervalMs);
                    }
                    try (var w = Files.newBufferedWriter(work.resolve("fleet-" + n + ".properties"))) {
                        p.store(w, "fleet instance " + n + " of the demo (certigate fleet run --config)");
                    }
                    nodes.add(FleetNode.start(FleetConfig.parse(p, "instance " + n), Clock.systemUTC()));
                }
                awaitSubscribed(nodes);
                out.println("fleet demo: 2 fleet instances running (ingest, verify, store" + (anchoring == null ? ""
                        : ", anchor every " + anchorIntervalMs + " ms") + "); Kafka at "
                        + kafka.bootstrapServers() + ", PostgreSQL at " + pg.jdbcUrl() + ", MQTT at " + mqtt.url());
                out.flush();
                GatewayLoad.Published sent;
                try (GatewayReceipts receipts = anchoring == null ? null : anchoring.subscribe(mqtt.url())) {
                    long stated = 0;
                    try (GatewayLoad load = new GatewayLoad(mqtt.url(), "fleet-demo-gateways", 200)) {
                        sent = load.publish(fleet, rate);
                        if (anchoring != null) {
                            stated = anchoring.publish(load);
                        }
                    }
                    out.printf("fleet demo: published %d records in %d batches at %.0f records/s%s%n", sent.records(),
                            sent.batches(), sent.recordsPerSecond(), anchoring == null ? ""
                                    : ", then " + stated + " batch statements");
                    out.flush();
                    int result = storeAndCheck(out, nodes, fleet);
                    if (anchoring != null && anchored(out, anchoring, receipts, nodes) != 0) {
                        result = 1;
                    }
                    out.println(result == 0 ? "fleet demo: OK" : "fleet demo: FAILED");
                    passport(out, new FleetStore(nodes.get(0).config().store().connector()), nodes.get(0).config(),
                            fleet.get(0).vin(), work);
                    return result;
                }
            } finally {
                nodes.forEach(FleetNode::close);
            }
        }
    }

    /** Waits until the store holds every record, then checks them; 0 when every check passed. */
    private int storeAndCheck(PrintWriter out, List<FleetNode> nodes, List<SimulatedGateways.Gateway> fleet)
            throws Exception {
        FleetStore store = new FleetStore(nodes.get(0).config().store().connector());
        long expected = (long) gateways * records;
        long deadline = System.nanoTime() + Duration.ofSeconds(60 + expected / 200).toNanos();
        long stored;
        while ((stored = store.countRecords()) < expected && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        return check(out, store, fleet, expected, stored);
    }

    /**
     * Waits until every gateway holds a receipt for every statement (a minute, plus ten intervals),
     * then runs {@link FleetDemoAnchorCheck}; 0 when every check passed.
     */
    private int anchored(PrintWriter out, FleetDemoAnchoring anchoring, GatewayReceipts receipts, List<FleetNode> nodes)
            throws Exception {
        Duration wait = Duration.ofSeconds(60).plusMillis(10 * anchorIntervalMs);
        if (!anchoring.awaitReceipts(receipts, wait)) {
            List<String> missing = anchoring.missingReceipts(receipts);
            out.println("fleet demo: after " + wait.toSeconds() + " s, " + missing.size() + " gateways still lack"
                    + " receipts: " + String.join(", ", missing.subList(0, Math.min(10, missing.size())))
                    + (missing.size() > 10 ? ", ..." : ""));
        }
        try (Connection db = nodes.get(0).config().store().connector().open()) {
            long readings = (long) gateways * records;
            return anchoring.check(receipts).run(out, nodes.get(0).anchor().httpPort(), db, readings) ? 0 : 1;
        }
    }

    private int check(PrintWriter out, FleetStore store, List<SimulatedGateways.Gateway> fleet, long expected, long stored)
            throws Exception {
        int bad = 0;
        for (SimulatedGateways.Gateway g : fleet) {
            long[] next = {1};
            boolean[] ok = {true};
            store.deviceRecords(g.id(), 1, Long.MAX_VALUE, (VerifiedRecord r) -> {
                ok[0] &= r.seq() == next[0]++ && g.vin().equals(r.subject());
            });
            if (!ok[0] || next[0] - 1 != g.lastSeq()) {
                out.println("fleet demo: " + g.id() + ": the store does not hold seqs 1.." + g.lastSeq() + " exactly once");
                bad++;
            }
        }
        long findings = 0;
        for (FindingType t : FindingType.values()) {
            findings += store.findings(t, f -> out.println("fleet demo: finding " + f));
        }
        out.printf("fleet demo: stored %d of %d records; %d gateways with every seq exactly once; %d findings%n", stored,
                expected, fleet.size() - bad, findings);
        out.println("fleet demo: subject timeline, e.g. " + fleet.get(0).vin() + ": " + store.timeline(fleet.get(0).vin(),
                r -> { }) + " readings");
        return stored == expected && bad == 0 && findings == 0 ? 0 : 1;
    }

    /** Writes the passport of {@code vin} from the store to the work directory and prints its path. */
    private static void passport(PrintWriter out, FleetStore store, FleetConfig cfg, String vin, Path work) throws Exception {
        Path file = work.resolve("passport-" + vin + ".html");
        var written = new FleetPassport(store, cfg.store().jdbcUrl(), FleetPassport.trustWords(cfg.trust()), Clock.systemUTC())
                .write(vin, null, file);
        out.println(written.isPresent() ? "fleet demo: passport of " + vin + " from the store: " + file
                : "fleet demo: the store holds no reading of " + vin + ": no passport written");
        out.flush();
    }

    static Properties config(String bootstrap, String mqtt, Path ca, PostgresServer pg, String instance, Path state) {
        Properties p = new Properties();
        p.setProperty("fleet.kafka.bootstrap-servers", bootstrap);
        p.setProperty("fleet.kafka.partitions", "6");
        p.setProperty("fleet.verify.ca", ca.toString());
        p.setProperty("fleet.ingest.mqtt.url", mqtt);
        p.setProperty("fleet.ingest.mqtt.client-id", "fleet-" + instance);
        p.setProperty("fleet.kafka.group-instance-id", "fleet-" + instance);
        p.setProperty("fleet.verify.state-dir", state.toString());
        p.setProperty("fleet.store.jdbc-url", pg.jdbcUrl());
        p.setProperty("fleet.store.user", pg.user());
        p.setProperty("fleet.store.password", "file:" + pg.passwordFile());
        p.setProperty("fleet.store.master-key-source", "file:" + masterKey(pg));
        return p;
    }

    /** The store's master key of a demo: one file beside the database's folder, shared by its instances, made once. */
    static synchronized Path masterKey(PostgresServer pg) {
        Path f = pg.home().toAbsolutePath().resolveSibling(pg.home().getFileName() + "-store-master.key");
        try {
            if (!Files.exists(f)) {
                Path tmp = Files.createTempFile(f.getParent(), "master", ".tmp");
                Files.writeString(tmp, io.certigate.fleet.store.StoreKeys.newMasterKeyHex() + "\n");
                Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write the fleet store's master key " + f, e);
        }
        return f;
    }

    static void awaitSubscribed(List<FleetNode> nodes) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (nodes.stream().anyMatch(n -> !n.ingest().subscribed())) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the fleet instances did not subscribe to the broker within 60 s");
            }
            Thread.sleep(100);
        }
    }

    /**
     * The classpath of the broker JVMs: this JVM's, and when it runs from certigate.jar, the jars of
     * its lib/ folder (the Kafka server artifacts are among them).
     */
    static String kafkaClasspath() throws IOException {
        String cp = System.getProperty("java.class.path");
        Path only = Path.of(cp);
        if (!cp.contains(File.pathSeparator) && cp.endsWith(".jar") && only.toAbsolutePath().getParent() != null) {
            Path lib = only.toAbsolutePath().getParent().resolve("lib");
            if (Files.isDirectory(lib)) {
                try (Stream<Path> jars = Files.list(lib)) {
                    return cp + File.pathSeparator + jars.filter(j -> j.toString().endsWith(".jar")).sorted()
                            .map(Path::toString).collect(Collectors.joining(File.pathSeparator));
                }
            }
        }
        return cp;
    }
}
