package io.certigate.app.anchor;

import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.app.bench.RawVerify;
import io.certigate.app.demo.DevLedger;
import io.certigate.fleet.anchor.FleetAggregator;
import io.certigate.fleet.anchor.RecordLeaves;
import io.certigate.fleet.anchor.StatementInbox;
import io.certigate.fleet.store.StoreConnector;
import io.certigate.fleet.store.StoreKeys;
import io.certigate.fleet.store.StoreSchema;
import io.certigate.fleet.store.StoreWriter;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.time.ManualClock;
import io.certigate.verifier.ledger.AnchorAbi;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code certigate bench anchor --fleet}: the ledger load of aggregated anchoring (issue #17), measured
 * on the real {@link FleetAggregator} over PostgreSQL (testbed's {@link PostgresServer}) and a local
 * anvil chain ({@link DevLedger}, the contract bound to a device registry in which the fleet is
 * registered like a device: the production set-up).
 *
 * <p>For each device count, {@link Options#intervals} intervals on a {@link ManualClock}: every
 * device gets {@link Options#records} new verified records in the store's {@code records} table and
 * sends one chained batch statement over them ({@link AggregatedDevices}), taken into the
 * aggregator's inbox with {@link StatementInbox#take}; the aggregator is stepped until it has checked
 * them all (timed: the check step), then the clock moves one interval and it is stepped until idle
 * (the fleet tree closed, anchored, every receipt handed to {@link CheckedReceipts}, which verifies
 * each). Then one interval with nothing new. What counts comes from the ledger, not from the
 * aggregator's counters: the fleet account's nonce before and after each interval, the
 * {@code Anchored} events of the fleet's device id, the receipts' {@code gasUsed}; each receipt's
 * root and transaction must be those of an event of its interval.
 *
 * <p>It measures the aggregator and the ledger, not the transport of statements and receipts
 * (Kafka, MQTT), which {@code certigate bench fleet} measures.
 */
public final class FleetAnchorBench {
    static final String FLEET_ID = "fleet-bench";

    /**
     * @param devices   the device counts, one round each
     * @param intervals intervals with new statements per round
     * @param records   new records per device and interval (the readings a statement covers)
     * @param interval  the aggregator's interval (on the manual clock)
     */
    public record Options(List<Integer> devices, int intervals, int records, Duration interval) {
        public Options {
            devices = List.copyOf(devices);
            if (devices.isEmpty() || devices.stream().anyMatch(n -> n < 1) || intervals < 1 || records < 1
                    || interval.toMillis() < 1) {
                throw new IllegalArgumentException("device counts, intervals, records and the interval must be positive");
            }
        }
    }

    /** One interval with new statements, as the ledger and the receipts show it. */
    public record IntervalFigures(int statementsSent, long fleetTxs, int anchoredEvents, List<Long> gas,
            long statementsInTree, int receiptsVerified, int receiptsInvalid, int receiptsRepeated,
            boolean receiptsMatchLedger, double checkNs, double anchorNs) {
    }

    /** One device count. */
    public record Round(int devices, int records, List<IntervalFigures> intervals, long emptyIntervalTxs,
            int emptyIntervalEvents, double rawVerifyPerS) {
        public long fleetTxs() {
            return intervals.stream().mapToLong(IntervalFigures::fleetTxs).sum();
        }

        public double gasPerTx() {
            return intervals.stream().flatMap(i -> i.gas().stream()).mapToLong(Long::longValue).average().orElse(0);
        }

        /** Gas of the interval's transactions / readings covered, averaged over the intervals. */
        public double gasPerReading() {
            return intervals.stream().mapToDouble(i -> i.gas().stream().mapToLong(Long::longValue).sum()
                    / (double) ((long) i.statementsInTree() * records)).average().orElse(0);
        }

        public double checkUsPerStatement() {
            return intervals.stream().mapToDouble(IntervalFigures::checkNs).sum() / 1e3
                    / intervals.stream().mapToLong(IntervalFigures::statementsSent).sum();
        }

        public int receiptsInvalid() {
            return intervals.stream().mapToInt(IntervalFigures::receiptsInvalid).sum();
        }
    }

    private final Options options;
    private final PrintStream out;

    public FleetAnchorBench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** The figures, in print order. */
    public Map<String, String> run(Path work) throws Exception {
        List<Round> rounds = measure(work);
        Map<String, String> r = new LinkedHashMap<>();
        double hours = options.intervals() * options.interval().toMillis() / 3_600_000.0;
        r.put("interval_s", Long.toString(options.interval().toSeconds()));
        r.put("intervals", Integer.toString(options.intervals()));
        r.put("records_per_statement", Integer.toString(options.records()));
        for (Round round : rounds) {
            String n = "_" + round.devices();
            r.put("fleet_txs" + n, Long.toString(round.fleetTxs()));
            r.put("tx_per_hour" + n, fmt(round.fleetTxs() / hours));
            r.put("anchored_events" + n, Integer.toString(round.intervals().stream()
                    .mapToInt(IntervalFigures::anchoredEvents).sum()));
            r.put("statements_per_interval" + n, Long.toString(Math.round(round.intervals().stream()
                    .mapToLong(IntervalFigures::statementsInTree).average().orElse(0))));
            r.put("gas_per_fleet_tx" + n, Long.toString(Math.round(round.gasPerTx())));
            r.put("gas_per_reading" + n, fmt(round.gasPerReading()));
            r.put("receipts_verified" + n, Integer.toString(round.intervals().stream()
                    .mapToInt(IntervalFigures::receiptsVerified).sum()));
            r.put("receipts_invalid" + n, Integer.toString(round.receiptsInvalid()));
            r.put("receipts_match_ledger" + n, Boolean.toString(round.intervals().stream()
                    .allMatch(i -> i.receiptsMatchLedger() && i.receiptsRepeated() == 0)));
            r.put("empty_interval_txs" + n, Long.toString(round.emptyIntervalTxs()));
            r.put("check_us_per_statement" + n, fmt(round.checkUsPerStatement()));
            r.put("check_ratio" + n, fmt(1e6 / round.checkUsPerStatement() / round.rawVerifyPerS()));
            r.put("anchor_ms" + n, fmt(round.intervals().stream().mapToDouble(IntervalFigures::anchorNs).average()
                    .orElse(0) / 1e6));
            r.put("raw_verify_per_s" + n, Long.toString(Math.round(round.rawVerifyPerS())));
        }
        return r;
    }

    /** Every round, on one dev chain and one PostgreSQL. */
    public List<Round> measure(Path work) throws Exception {
        out.println("bench anchor --fleet: the fleet aggregator over PostgreSQL and an anvil dev chain; statements are"
                + " taken straight into the aggregator's inbox (the Kafka/MQTT transport is what 'bench fleet' measures)");
        SoftwareDeviceKey fleetKey = Pkcs12KeyStore.create(work.resolve("fleet.p12"), CoseAlgorithm.EDDSA, FLEET_ID,
                "bench-only-passphrase".toCharArray());
        RawVerify raw = new RawVerify(MemoryEd25519Key.generate(MemoryEd25519Key.generator()));
        raw.loop(1_000_000_000L); // warm-up
        List<Round> rounds = new ArrayList<>();
        try (DevLedger ledger = DevLedger.start(work.resolve("ledger"));
                PostgresServer pg = PostgresServer.start(work.resolve("postgresql"));
                LedgerClient client = LedgerClient.connect(ledger.config())) {
            registerFleet(ledger, client, fleetKey);
            // the store writes payloads encrypted under per-subject keys: a master key of this run only
            StoreConnector db = StoreConnector.of(pg.jdbcUrl(), pg.user(), pg.password().toCharArray())
                    .withKeys(StoreKeys.of(java.util.HexFormat.of().parseHex(StoreKeys.newMasterKeyHex())));
            try (Connection aggregatorDb = db.open(); Connection inboxDb = db.open();
                    StoreWriter store = new StoreWriter(db)) {
                StoreSchema.createOrUpdate(aggregatorDb);
                Map<String, PublicKey> trusted = new ConcurrentHashMap<>();
                CheckedReceipts receipts = new CheckedReceipts(fleetKey.publicKey());
                ManualClock clock = new ManualClock();
                FleetAggregator aggregator = new FleetAggregator(aggregatorDb, RecordLeaves.of(aggregatorDb), d -> {
                    PublicKey k = trusted.get(d);
                    return k == null ? List.of() : List.of(k);
                }, client, ledger.account(), FLEET_ID, fleetKey, receipts, clock, options.interval().toMillis());
                Fleet fleet = new Fleet(ledger, client, aggregator, new StatementInbox(inboxDb), store, receipts, clock);
                aggregator.step(); // the first step starts the interval clock
                for (int n : options.devices()) {
                    long t0 = System.nanoTime();
                    AggregatedDevices devices = AggregatedDevices.generate("d" + n, n);
                    trusted.putAll(devices.keys());
                    out.printf(Locale.ROOT, "%,d devices: %,d Ed25519 device keys generated in %.1f s%n", n, n,
                            (System.nanoTime() - t0) / 1e9);
                    rounds.add(round(fleet, devices, raw));
                }
            }
        }
        return rounds;
    }

    /** The fleet's ledger account registered for the fleet id, and the contract bound to that registry. */
    private static void registerFleet(DevLedger ledger, LedgerClient client, SoftwareDeviceKey fleetKey) throws Exception {
        Duration timeout = Duration.ofSeconds(30);
        String registry = DeviceRegistryClient.deploy(client, ledger.admin(), timeout);
        new DeviceRegistryClient(client, registry, ledger.admin(), timeout).register(FLEET_ID, fleetKey.publicKey(),
                fleetKey.certificateChain().get(0), ledger.account().address());
        DeviceRegistryClient.bindAnchorContract(client, ledger.admin(), ledger.config().contract(), registry, timeout);
    }

    /** What every round works on. */
    private record Fleet(DevLedger ledger, LedgerClient client, FleetAggregator aggregator, StatementInbox inbox,
            StoreWriter store, CheckedReceipts receipts, ManualClock clock) {
        String account() {
            return ledger.account().address();
        }
    }

    private Round round(Fleet f, AggregatedDevices devices, RawVerify raw) throws Exception {
        int n = devices.devices().size();
        double rawBefore = raw.loop(2_000_000_000L);
        List<IntervalFigures> intervals = new ArrayList<>();
        for (int k = 1; k <= options.intervals(); k++) {
            long t0 = System.nanoTime();
            List<StatementInbox.Incoming> statements = devices.interval(f.store(), options.records(), f.clock().millis());
            f.receipts().sent(statements);
            int taken = f.inbox().take(statements, List.of(), f.clock().millis());
            if (taken != n) {
                throw new IllegalStateException("the inbox took " + taken + " of " + n + " new statements");
            }
            long loadNs = System.nanoTime() - t0;
            long nonce0 = f.client().nonce(f.account(), false).longValueExact();
            long head0 = f.client().blockNumber();
            double checkNs = check(f.aggregator(), n);
            t0 = System.nanoTime();
            f.clock().advance(options.interval());
            settle(f);
            double anchorNs = System.nanoTime() - t0;
            long nonce1 = f.client().nonce(f.account(), false).longValueExact();
            List<AnchorAbi.AnchoredEvent> events = eventsAfter(f.client(), head0);
            List<Long> gas = new ArrayList<>();
            for (AnchorAbi.AnchoredEvent e : events) {
                gas.add(f.client().receipt(e.txHash()).orElseThrow().getGasUsed().longValueExact());
            }
            CheckedReceipts.Delivered d = f.receipts().take();
            boolean match = !d.groups().isEmpty() && d.groups().stream().allMatch(g -> events.stream().anyMatch(e ->
                    Arrays.equals(e.root(), g.root()) && e.txHash().equalsIgnoreCase(g.txHash())
                            && e.blockNumber() == g.block()));
            long inTree = d.groups().stream().mapToLong(CheckedReceipts.Group::treeSize).sum();
            IntervalFigures fig = new IntervalFigures(n, nonce1 - nonce0, events.size(), gas, inTree, d.verified(),
                    d.invalid(), d.repeated(), match, checkNs, anchorNs);
            intervals.add(fig);
            long g = gas.stream().mapToLong(Long::longValue).sum();
            out.printf(Locale.ROOT, "%,d devices, interval %d: %,d statements over %,d readings written and taken in %.1f s;"
                    + " checked in %.1f s (%.0f µs per statement); closed, anchored and receipted in %.1f s; ledger: %d"
                    + " transaction(s) of the fleet account, %d Anchored event(s), %,d gas, %.6f gas per reading;"
                    + " receipts: %,d verified over %,d statements in the tree, %d invalid, roots and transactions %s%n",
                    n, k, n, (long) n * options.records(), loadNs / 1e9, checkNs / 1e9, checkNs / 1e3 / n, anchorNs / 1e9,
                    nonce1 - nonce0, events.size(), g, g / (double) ((long) inTree * options.records()), d.verified(),
                    inTree, d.invalid(), match ? "those on the ledger" : "NOT those on the ledger");
            d.reasons().forEach(reason -> out.println("  invalid receipt: " + reason));
        }
        // an interval with nothing new: nothing is sent
        long nonce0 = f.client().nonce(f.account(), false).longValueExact();
        long head0 = f.client().blockNumber();
        f.clock().advance(options.interval());
        settle(f);
        long emptyTxs = f.client().nonce(f.account(), false).longValueExact() - nonce0;
        int emptyEvents = eventsAfter(f.client(), head0).size();
        out.printf(Locale.ROOT, "%,d devices, an interval with nothing new: %d transaction(s), %d Anchored event(s)%n",
                n, emptyTxs, emptyEvents);
        double rawAfter = raw.loop(2_000_000_000L);
        out.printf(Locale.ROOT, "raw Ed25519 verify, one thread: %,.0f/s before and %,.0f/s after this device count%n",
                rawBefore, rawAfter);
        return new Round(n, options.records(), intervals, emptyTxs, emptyEvents, (rawBefore + rawAfter) / 2);
    }

    /** Steps until the {@code n} statements taken are accepted; returns the time the steps took. */
    private static double check(FleetAggregator a, int n) throws Exception {
        long ns = 0;
        int accepted = 0;
        while (accepted < n) {
            long t0 = System.nanoTime();
            FleetAggregator.Step s = a.step();
            ns += System.nanoTime() - t0;
            if (s.refused() > 0 || s.accepted() == 0 || s.closedInterval() != 0) {
                throw new IllegalStateException("the aggregator's check stopped at " + accepted + " of " + n
                        + " statements accepted: " + s);
            }
            accepted += s.accepted();
        }
        return ns;
    }

    /** Steps until nothing is left to close, anchor or deliver; mines a block when the aggregator waits for one. */
    private static void settle(Fleet f) throws Exception {
        for (int i = 0; i < 1000; i++) {
            FleetAggregator.Step s = f.aggregator().step();
            switch (s.ledger()) {
                case IDLE -> {
                    if (s.closedInterval() == 0 && s.delivered() == 0) {
                        return;
                    }
                }
                case WAITING -> f.ledger().chain().rpc("evm_mine");
                case OUTAGE, REFUSED -> throw new IllegalStateException("the fleet's anchor failed: " + s);
                default -> { }
            }
        }
        throw new IllegalStateException("the aggregator did not settle in 1000 steps");
    }

    private static List<AnchorAbi.AnchoredEvent> eventsAfter(LedgerClient client, long block) throws Exception {
        return client.anchoredEventsOf(FLEET_ID, client.blockNumber()).stream().filter(e -> e.blockNumber() > block)
                .toList();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v < 1 ? "%.6f" : "%.3f", v);
    }
}
