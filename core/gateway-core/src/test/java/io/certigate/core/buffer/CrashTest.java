package io.certigate.core.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.StoredRecord;
import io.certigate.core.testing.TestSpine;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SignatureVerifier;
import io.certigate.verifier.chain.ChainVerifier;
import io.certigate.verifier.chain.VerificationReport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that is ingesting readings with SIGKILL at random moments, then checks that
 * every acknowledged reading is in the buffer, none twice, the chain intact and the file sound.
 * The child also marks records delivered all along (marks commit without an fsync): the
 * watermark found after each kill is never beyond the chain's head, and delivery resumes from it
 * with every record above it, at worst sending some again.
 * Rounds: 20 by default; {@code -Dcertigate.crash.rounds=N} for a longer run.
 */
@Tag("component")
class CrashTest {
    @TempDir
    Path dir;

    @Test
    void nothingAcknowledgedIsLostAcrossKillMinus9() throws Exception {
        int rounds = Integer.getInteger("certigate.crash.rounds", 20);
        long seed = Long.getLong("certigate.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        TreeSet<Long> acked = new TreeSet<>();
        long totalAcked = 0;
        AtomicLong marks = new AtomicLong();
        for (int round = 0; round < rounds; round++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            String ready = in.readLine();
            assertThat(ready).as("round %d (seed %d)", round, seed).startsWith("READY");
            String[] fields = ready.split(" ");
            long headAtStart = Long.parseLong(fields[1]);
            long deliveredAtStart = Long.parseLong(fields[2]);
            assertThat(headAtStart).as("restart continues from the last acknowledged record, seed %d", seed)
                    .isGreaterThanOrEqualTo(acked.isEmpty() ? 0 : acked.last());
            assertThat(deliveredAtStart).as("no record taken for delivered beyond the head, seed %d", seed)
                    .isBetween(0L, headAtStart);
            long killAfter = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100 + random.nextInt(900));
            Thread reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("ACK ")) {
                            synchronized (acked) {
                                acked.add(Long.parseLong(line.substring(4)));
                            }
                        } else if (line.startsWith("MARKED ")) {
                            marks.incrementAndGet();
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the pipe closes when the child dies
                }
            });
            reader.start();
            while (System.nanoTime() < killAfter) {
                Thread.onSpinWait();
            }
            Runtime.getRuntime().exec(new String[] {"kill", "-9", Long.toString(child.pid())}).waitFor();
            child.waitFor(30, TimeUnit.SECONDS);
            reader.join(10_000);
            totalAcked = acked.size();
        }
        assertThat(totalAcked).as("the child acknowledged readings (seed %d)", seed).isGreaterThan(rounds);
        try (RecordBuffer buffer = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults(TestSpine.DEVICE))) {
            assertThat(buffer.integrityCheck()).isEqualTo("ok");
            List<StoredRecord> all = buffer.range(1, Long.MAX_VALUE);
            TreeSet<Long> stored = new TreeSet<>();
            all.forEach(r -> stored.add(r.seq()));
            assertThat(stored).as("seed %d", seed).hasSize(all.size()); // nothing stored twice
            assertThat(stored).as("every acknowledged reading survived (seed %d)", seed).containsAll(acked);
            assertThat(buffer.head().seq()).isEqualTo(stored.last());
            VerificationReport r = new ChainVerifier(TestSpine.DEVICE,
                    List.of(Pkcs12KeyStore.open(dir.resolve("device.p12"), TestSpine.PASS).publicKey()),
                    SignatureVerifier.BOUNCY_CASTLE).verify(all);
            assertThat(r.ok()).as("chain intact, seed %d: %s", seed, r.findings()).isTrue();
            assertThat(r.firstSeq()).isEqualTo(1);
            // delivery marks (not fsync'd) may have lost their last steps, nothing else: the
            // watermark is within the chain and every record above it is offered again, in order
            assertThat(marks.get()).as("the child marked records delivered (seed %d)", seed).isGreaterThan(rounds);
            long through = buffer.deliveredThrough();
            assertThat(through).as("seed %d", seed).isBetween(0L, stored.last());
            assertThat(buffer.undelivered(0, Integer.MAX_VALUE)).extracting(StoredRecord::seq)
                    .as("everything above the watermark is sent again, seed %d", seed)
                    .containsExactlyElementsOf(stored.tailSet(through, false));
            assertThat(buffer.markDelivered(through + 1, stored.last(), 1)).isEqualTo(stored.last() - through);
            assertThat(buffer.stats().undelivered()).isZero();
        }
    }
}
