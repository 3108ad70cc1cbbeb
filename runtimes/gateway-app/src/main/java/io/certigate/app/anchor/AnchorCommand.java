package io.certigate.app.anchor;

import io.certigate.anchor.AnchorPipeline;
import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.app.DurationConverter;
import io.certigate.app.demo.DevLedger;
import io.certigate.core.buffer.CapacityPolicy;
import io.certigate.core.buffer.RecordBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code certigate anchor}: the local dev ledger, anchoring a buffer, and the state of its batches. */
@Command(name = "anchor", mixinStandardHelpOptions = true,
        description = "Anchor Merkle roots of a device's records on the ledger.",
        subcommands = {AnchorCommand.DevChain.class, AnchorCommand.Run.class, AnchorCommand.Status.class,
            LedgerAdminCommands.Account.class, LedgerAdminCommands.Deploy.class, LedgerAdminCommands.Allow.class})
public final class AnchorCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static RecordBuffer.Options bufferOptions(String device) {
        return new RecordBuffer.Options(device, 0, CapacityPolicy.REJECT, Duration.ofSeconds(5), 0);
    }

    /** Starts the dev chain (anvil), deploys the contract, sets up a funded gateway ledger account, and waits. */
    @Command(name = "devchain", mixinStandardHelpOptions = true,
            description = {"Start a local anvil dev chain with CertigateAnchor and a funded gateway account.",
                "It deploys the contract, creates and funds a gateway ledger account, writes ledger.properties into --dir"
                    + " and runs until interrupted. Restarting with the same --dir resumes the same chain. Needs Node.js"
                    + " and the npm packages of the certigate installation (npm ci there)."})
    static final class DevChain implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "State directory (chain database, keys, ledger.properties).")
        Path dir;

        @Option(names = "--port", defaultValue = "0",
                description = "Loopback port (0: the one --dir used before, else a free one).")
        int port;

        @Override
        public Integer call() throws Exception {
            DevLedger ledger = DevLedger.start(dir, port);
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                ledger.close();
                stop.countDown();
            }));
            System.out.println("dev chain " + ledger.config().chainId() + " at " + ledger.config().rpcUrl());
            System.out.println("contract " + ledger.config().contract() + " (" + AnchorContract.compiledWith() + ")");
            System.out.println("gateway ledger account " + ledger.account().address());
            System.out.println("settings " + dir.resolve("ledger.properties") + "; Ctrl-C stops the chain");
            stop.await();
            return 0;
        }
    }

    /** Batches and anchors what a buffer holds, then exits. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Cut the buffer's unbatched records into batches and anchor every batch, then exit.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--buffer", required = true, description = "The device's SQLite buffer file.")
        Path buffer;

        @Option(names = "--device", required = true, description = "Device id.")
        String device;

        @Option(names = "--ledger", required = true, description = "ledger.properties (see `anchor devchain`).")
        Path ledger;

        @Option(names = "--batch-size", defaultValue = "10000", description = "Records per batch at most (default 10000).")
        int batchSize;

        @Option(names = "--timeout", defaultValue = "2m", converter = DurationConverter.class,
                description = "How long to wait for the ledger (default 2m).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            LedgerSettings settings = LedgerSettings.load(ledger);
            try (RecordBuffer b = RecordBuffer.open(buffer, bufferOptions(device));
                    AnchorPipeline p = new AnchorPipeline(b, settings.config(), settings.openAccount(),
                            new AnchorBatcher.Options(batchSize, Duration.ofDays(365)), Clock.systemUTC()).start()) {
                boolean done = p.drain(timeout);
                printBatches(p.store());
                if (!done) {
                    System.out.println("not everything anchored within " + timeout
                            + (p.ledgerUnreachable() ? ": the ledger is unreachable" : "") + "; run again to continue");
                    return 2;
                }
            }
            return 0;
        }
    }

    /** Lists a buffer's batches. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "List the buffer's anchor batches (the buffer is opened read-only and never created).")
    static final class Status implements Callable<Integer> {
        @Option(names = "--buffer", required = true, description = "The device's SQLite buffer file.")
        Path buffer;

        @Option(names = "--device", required = true, description = "Device id.")
        String device;

        @Override
        public Integer call() throws Exception {
            try (RecordBuffer b = RecordBuffer.openReadOnly(buffer, device)) {
                printBatches(new BatchStore(b));
            }
            return 0;
        }
    }

    static void printBatches(BatchStore store) throws Exception {
        long anchored = 0;
        long total = 0;
        for (Batch b : store.all()) {
            total++;
            anchored += b.state() == Batch.State.ANCHORED ? 1 : 0;
            System.out.println("batch " + b.id() + "  seq " + b.firstSeq() + ".." + b.lastSeq() + "  " + b.state()
                    + (b.blockNumber() > 0 ? "  block " + b.blockNumber() : "") + (b.txHash() != null ? "  tx " + b.txHash() : ""));
        }
        System.out.println(anchored + " of " + total + " batches anchored");
    }
}
