package io.certigate.app.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Collectors;

/** What every bench command does around its measurement: a work directory, the key=value last line. */
public final class BenchRun {
    /** A measurement in a work directory, returning its figures in print order. */
    @FunctionalInterface
    public interface Bench {
        Map<String, String> run(Path work) throws Exception;
    }

    private BenchRun() {}

    /**
     * Runs {@code bench} in {@code dir}, or in a new temporary directory deleted afterwards when
     * {@code dir} is null, and prints the figures as one line of key=value pairs for scripts.
     */
    public static int run(Path dir, String prefix, Bench bench) throws Exception {
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory(prefix);
        try {
            Map<String, String> r = bench.run(work);
            System.out.println(r.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" ")));
        } finally {
            if (dir == null) {
                delete(work);
            }
        }
        return 0;
    }

    static void delete(Path work) throws java.io.IOException {
        try (var files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
