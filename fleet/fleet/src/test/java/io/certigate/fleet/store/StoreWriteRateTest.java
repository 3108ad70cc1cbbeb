package io.certigate.fleet.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.fleet.topics.VerifiedRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's insert rate on a real PostgreSQL with each way of staging a batch, in transactions of
 * {@link StoreSettings#BATCH_SIZE}'s default from 100 devices, the two ways alternating batch by
 * batch (each into a database of its own) so that their ratio holds on a shared machine. Small by
 * default (CI); for the figure in BENCHMARKS.md: {@code -Dcertigate.store.rate.rows=200000}.
 */
@Tag("component")
class StoreWriteRateTest {
    private static final int ROWS = Integer.getInteger("certigate.store.rate.rows", 20_000);
    private static final int DEVICES = 100;

    @Test
    void writesEveryRowOnceAndSaysHowFast(@TempDir Path dir) throws Exception {
        int batchSize = (int) StoreSettings.BATCH_SIZE.defaultValueAsLong();
        List<List<VerifiedRecord>> batches = new ArrayList<>();
        List<VerifiedRecord> batch = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            String device = "gw-" + (i % DEVICES);
            long seq = i / DEVICES + 1;
            batch.add(StorePostgres.signed(device, seq, 1_780_000_000_000L + seq * 1000, "VIN-" + device));
            if (batch.size() == batchSize) {
                batches.add(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        try (StorePostgres pg = new StorePostgres(dir)) {
            Map<StoreWriter.Staging, FleetStore> stores = new EnumMap<>(StoreWriter.Staging.class);
            Map<StoreWriter.Staging, StoreWriter> writers = new EnumMap<>(StoreWriter.Staging.class);
            Map<StoreWriter.Staging, Long> nanos = new EnumMap<>(StoreWriter.Staging.class);
            for (StoreWriter.Staging s : StoreWriter.Staging.values()) {
                StoreOptions options = pg.newDatabase();
                stores.put(s, new FleetStore(options.connector()));
                stores.get(s).createOrUpdateSchema();
                writers.put(s, new StoreWriter(options.connector(), s));
                nanos.put(s, 0L);
            }
            try {
                for (int i = 0; i < batches.size(); i++) {
                    List<VerifiedRecord> b = batches.get(i);
                    List<StoreWriter.Staging> order = new ArrayList<>(List.of(StoreWriter.Staging.values()));
                    if (i % 2 == 1) {
                        java.util.Collections.reverse(order); // neither always goes first
                    }
                    for (StoreWriter.Staging s : order) {
                        long t0 = System.nanoTime();
                        assertThat(writers.get(s).write(b, List.of()).stored()).isEqualTo(b.size());
                        nanos.merge(s, System.nanoTime() - t0, Long::sum);
                    }
                }
                List<VerifiedRecord> last = batches.get(batches.size() - 1);
                for (StoreWriter.Staging s : StoreWriter.Staging.values()) {
                    assertThat(writers.get(s).write(last, List.of()).duplicates()).isEqualTo(last.size());
                    assertThat(stores.get(s).countRecords()).isEqualTo(ROWS);
                }
            } finally {
                writers.values().forEach(StoreWriter::close);
            }
            double copy = ROWS / (nanos.get(StoreWriter.Staging.COPY) / 1e9);
            double insert = ROWS / (nanos.get(StoreWriter.Staging.INSERT_BATCH) / 1e9);
            System.out.printf("store write rate: %d rows in %d transactions of %d, alternating; COPY %.0f rows/s,"
                    + " INSERT_BATCH %.0f rows/s, copy_vs_insert=%.2f%n", ROWS, batches.size(), batchSize, copy,
                    insert, copy / insert);
        }
    }
}
