package io.certigate.app.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.app.CertigateCli;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.LedgerException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate anchor devchain --dir D} survives kill -9: of the process itself (its anvil, left
 * running, is ended by the next start on D) and of its anvil (the process starts it again). Each
 * time the chain comes back on the same URL with its blocks, the anchors recorded before the kill
 * and the contract at the same address: nothing is deployed again.
 */
@Tag("integration")
class DevChainKillTest {
    static final String DEVICE = "gw-kill-1";

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : processes) {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts {@code anchor devchain --dir D} in a JVM of its own; returns once it printed its settings. */
    private Process devchain(Path d) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), CertigateCli.class.getName(), "anchor", "devchain", "--dir",
                d.toString()).redirectErrorStream(true).start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            seen.append(line).append('\n');
            if (line.startsWith("settings ")) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (java.io.IOException e) {
                        // the process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return p;
            }
        }
        throw new AssertionError("anchor devchain ended before it was ready:\n" + seen);
    }

    private static byte[] root(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    private static long anchor(LedgerSettings s, byte[] root, long first, long last) throws Exception {
        try (LedgerClient c = LedgerClient.connect(s.config())) {
            return new LedgerAdmin(c, s.openAccount(), Duration.ofSeconds(30)).send(s.config().contract(), BigInteger.ZERO,
                    AnchorContract.encodeAnchor(root, AnchorAbi.deviceKey(DEVICE), first, last)).getBlockNumber()
                    .longValueExact();
        }
    }

    private static long blockOf(LedgerConfig config, byte[] root) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (LedgerClient c = LedgerClient.connect(config)) {
                return c.blockOf(AnchorAbi.deviceKey(DEVICE), root);
            } catch (LedgerException e) {
                if (!e.unreachable() || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static long pid(Path d) throws Exception {
        return Long.parseLong(Files.readString(d.resolve("chain/anvil.pid")).strip().split(" ")[0]);
    }

    @Test
    void theChainKeepsItsAnchorsAndContractAcrossKillsOfTheProcessAndOfAnvil() throws Exception {
        Path d = dir.resolve("ledger");
        Process first = devchain(d);
        LedgerSettings settings = LedgerSettings.load(d.resolve("ledger.properties"));
        byte[] root1 = root("batch 1");
        long block1 = anchor(settings, root1, 1, 100);
        assertThat(blockOf(settings.config(), root1)).isEqualTo(block1);

        // kill -9 of the supervising process: its anvil runs on, unsupervised
        long orphan = pid(d);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).contains(true);

        Process second = devchain(d);
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        LedgerSettings again = LedgerSettings.load(d.resolve("ledger.properties"));
        assertThat(again.config().rpcUrl()).isEqualTo(settings.config().rpcUrl());
        assertThat(again.config().contract()).isEqualTo(settings.config().contract());
        assertThat(blockOf(again.config(), root1)).isEqualTo(block1);
        try (LedgerClient c = LedgerClient.connect(again.config())) {
            assertThat(c.anchoredEvents(AnchorAbi.deviceKey(DEVICE), root1)).singleElement()
                    .satisfies(e -> assertThat(e.blockNumber()).isEqualTo(block1));
            assertThat(c.blockNumber()).isGreaterThanOrEqualTo(block1);
        }

        // kill -9 of anvil: the process starts it again on the saved chain, same URL
        byte[] root2 = root("batch 2");
        long block2 = anchor(again, root2, 101, 200);
        long node = pid(d);
        ProcessHandle.of(node).orElseThrow().destroyForcibly();
        assertThat(blockOf(again.config(), root2)).isEqualTo(block2);
        assertThat(pid(d)).isNotEqualTo(node);
        assertThat(blockOf(again.config(), root1)).isEqualTo(block1);
        assertThat(second.isAlive()).isTrue();
        // and it goes on: the next anchor lands in the next block
        assertThat(anchor(again, root("batch 3"), 201, 300)).isEqualTo(block2 + 1);
    }
}
