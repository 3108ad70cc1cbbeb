package io.certigate.app.uplink;

import io.certigate.core.config.LoopbackHost;
import io.certigate.fleet.collector.Collector;
import io.certigate.fleet.collector.CollectorReport;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.collector.UnverifiedLimits;
import io.certigate.fleet.mqtt.BrokerOptions;
import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import io.certigate.uplink.UplinkException;
import io.certigate.uplink.mqtt.TlsSettings;
import io.certigate.verifier.ledger.DeviceRegistryReader;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code certigate collect}: the reference collector. Subscribes to every device's readings and
 * status, verifies each record's signature and the chain links, stores each (device, seq) once in
 * SQLite and reports gaps. The last output line is {@code key=value} pairs.
 */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = {"Subscribe to certigate uplink topics, verify, deduplicate and store every record.",
            "Device keys come from --keys (export files or PEM certificates, CN = device id), from status messages whose"
                + " certificate chain the verifier's chain validation accepts for a --ca (a device certificate: not a CA,"
                + " digitalSignature only) and, with --registry, whose key is active in the device registry, or, with"
                + " --trust-on-first-use, from the first status message of each device.",
            "Only signed, verified records count: missing is counted up to each device's highest verified seq (the head"
                + " seq of a status message is unsigned and not counted). Records that cannot be verified yet are held"
                + " at most --max-unverified per device and for --unverified-ttl.",
            "The broker login: --username with --password-source, and/or a client certificate (--tls-client-keystore"
                + " with --tls-client-passphrase-source) on an ssl:// broker; secrets are read from file:PATH or env:NAME,"
                + " never given on the command line.",
            "The last line is key=value pairs: received, unique, duplicates, missing, bad_signature and more."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:collected; no integrity problem", "1:a bad signature, broken link or fork was seen",
            "2:cannot start (database, keys, broker settings)"})
public final class CollectCommand implements Callable<Integer> {

    @Option(names = "--mqtt", required = true, paramLabel = "URL", description = "Broker, tcp://host:port or ssl://host:port.")
    String url;

    @Option(names = "--db", required = true, paramLabel = "FILE", description = "Collector SQLite database (created if absent).")
    Path db;

    @Option(names = "--duration", paramLabel = "D", converter = io.certigate.app.DurationConverter.class,
            description = "How long to collect (30s, 5m, PT1H); until interrupted if absent.")
    Duration duration;

    @Option(names = "--keys", paramLabel = "FILE", description = "Device export file or PEM device certificates (repeatable).")
    List<Path> keyFiles = new ArrayList<>();

    @Option(names = "--ca", paramLabel = "FILE", description = "Consortium CA certificates (PEM) for keys carried by status messages.")
    Path caFile;

    @Option(names = "--trust-on-first-use", description = "Pin the key of each device's first status message (demo only).")
    boolean trustOnFirstUse;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "CA certificates (PEM) of the broker, for ssl:// URLs.")
    Path tlsCa;

    @Option(names = "--client-id", paramLabel = "ID", defaultValue = "certigate-collector",
            description = "Client id of the persistent MQTT session (default: ${DEFAULT-VALUE}).")
    String clientId;

    @Option(names = "--username", paramLabel = "USER", description = "MQTT user name of the collector.")
    String username;

    @Option(names = "--password-source", paramLabel = "SRC",
            description = "Where the MQTT password is read from: file:PATH or env:NAME (needs --username).")
    String passwordSource;

    @Option(names = "--allow-plaintext-credentials",
            description = "Accept --username over tcp:// to a host that is not loopback (the password travels in clear).")
    boolean allowPlaintextCredentials;

    @Option(names = "--tls-client-keystore", paramLabel = "FILE",
            description = "Mutual TLS: PKCS#12 key store with the collector's client key and certificate chain.")
    Path tlsClientKeystore;

    @Option(names = "--tls-client-passphrase-source", paramLabel = "SRC",
            description = "Where the client key store's passphrase is read from: file:PATH or env:NAME.")
    String tlsClientPassphraseSource;

    @Option(names = "--max-unverified", paramLabel = "N", defaultValue = "10000",
            description = "Records held per device while its key is unknown (default: ${DEFAULT-VALUE}); more are dropped.")
    int maxUnverified;

    @Option(names = "--unverified-ttl", paramLabel = "D", defaultValue = "24h",
            converter = io.certigate.app.DurationConverter.class,
            description = "How long a record whose key is unknown is held (default: ${DEFAULT-VALUE}).")
    Duration unverifiedTtl;

    @Option(names = "--rpc", paramLabel = "URL", description = "JSON-RPC URL of a ledger node, for --registry.")
    String rpc;

    @Option(names = "--chain-id", paramLabel = "ID", description = "EIP-155 chain id the --rpc node must be on.")
    Long chainId;

    @Option(names = "--registry", paramLabel = "ADDRESS",
            description = "DeviceRegistry contract: a key from a status message is learned only while active in it.")
    String registry;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DeviceKeys keys;
        BrokerOptions options;
        UnverifiedLimits limits;
        LedgerReader ledger = null;
        try {
            limits = new UnverifiedLimits(maxUnverified, unverifiedTtl);
            options = brokerOptions();
            List<X509Certificate> cas = caFile == null ? List.of() : TlsSettings.readCertificates(caFile);
            DeviceKeys.Registry reg = null;
            if (registry != null || rpc != null || chainId != null) {
                if (registry == null || rpc == null || chainId == null) {
                    throw new IllegalArgumentException("--registry, --rpc and --chain-id go together");
                }
                LedgerReader.checkRpcUrl(rpc);
                ledger = LedgerReader.connect(rpc, LedgerReader.checkAddress(registry));
                ledger.checkChain(chainId);
                reg = new DeviceKeys.Registry(ledger, new DeviceRegistryReader(ledger, registry));
            }
            keys = new DeviceKeys(cas, trustOnFirstUse, reg, Clock.systemUTC());
            for (Path f : keyFiles) {
                keys.load(f);
            }
        } catch (IOException | IllegalArgumentException | LedgerException e) {
            err.println("collect: " + e.getMessage());
            if (ledger != null) {
                ledger.close();
            }
            return 2;
        }
        try {
            return collect(keys, options, limits, out, err);
        } finally {
            if (ledger != null) {
                ledger.close();
            }
        }
    }

    /** The broker options from the command line; every error names the option. */
    private BrokerOptions brokerOptions() throws IOException {
        BrokerOptions options = BrokerOptions.defaults(url).withClientId(clientId);
        if (passwordSource != null && username == null) {
            throw new IllegalArgumentException("--password-source needs --username");
        }
        if (username != null) {
            // before the password is read: over tcp:// to another host it would travel in clear
            String host;
            try {
                host = java.net.URI.create(url).getHost();
            } catch (IllegalArgumentException e) {
                host = null;
            }
            if (url.startsWith("tcp://") && !LoopbackHost.is(host) && !allowPlaintextCredentials) {
                throw new IllegalArgumentException("--username over " + url + " would send the user name and password in"
                        + " clear to " + (host == null ? "its host" : host) + ", which is not a loopback address: use"
                        + " ssl:// (with --tls-ca), or --allow-plaintext-credentials on a network you trust");
            }
            options = options.withCredentials(username, passwordSource == null ? null : secret("--password-source",
                    passwordSource));
        }
        if (tlsCa != null && !url.startsWith("ssl://")) {
            throw new IllegalArgumentException("--tls-ca applies to ssl:// brokers only, not " + url);
        }
        if ((tlsClientKeystore == null) != (tlsClientPassphraseSource == null)) {
            throw new IllegalArgumentException("--tls-client-keystore and --tls-client-passphrase-source go together"
                    + " (mutual TLS)");
        }
        if (tlsClientKeystore != null && tlsCa == null) {
            throw new IllegalArgumentException("--tls-client-keystore needs an ssl:// broker and its --tls-ca");
        }
        if (tlsCa != null) {
            char[] pass = tlsClientKeystore == null ? null
                    : secret("--tls-client-passphrase-source", tlsClientPassphraseSource);
            // the key store keeps the passphrase for its key manager: not wiped here
            options = options.withTls(TlsSettings.fromFiles(tlsCa, tlsClientKeystore, pass));
        } else if (url.startsWith("ssl://")) {
            throw new IllegalArgumentException("an ssl:// broker needs --tls-ca");
        }
        return options;
    }

    /** A secret from {@code file:PATH} or {@code env:NAME}; the error names the option, never the value. */
    private static char[] secret(String option, String source) {
        try {
            return Passphrase.resolve(option, source);
        } catch (SigningException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private int collect(DeviceKeys keys, BrokerOptions options, UnverifiedLimits limits, PrintWriter out,
            PrintWriter err) throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "collector");
            t.setDaemon(true);
            return t;
        });
        Collector collector;
        try {
            collector = Collector.start(db, keys, options, limits, Clock.systemUTC(), scheduler);
        } catch (UplinkException e) {
            err.println("collect: " + e.getMessage());
            scheduler.shutdownNow();
            return 2;
        }
        out.println("collecting from " + url + " into " + db + (duration == null ? " until interrupted" : " for " + duration));
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch reported = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                reported.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (duration == null) {
                stop.await();
            } else {
                stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            }
            collector.stopReceiving(); // nothing arrives while the report counts
            CollectorReport r = collector.report();
            collector.close();
            out.println(r.line());
            out.flush();
            return r.badSignature() + r.brokenLink() + r.conflicts() > 0 ? 1 : 0;
        } finally {
            reported.countDown();
            scheduler.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for the report printed above
            }
        }
    }
}
