package io.certigate.uplink.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition that a real broker or network makes true eventually. */
public final class Await {
    private Await() {}

    @FunctionalInterface
    public interface Check {
        boolean ok() throws Exception;
    }

    public static void until(Duration timeout, Supplier<String> what, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout + ": " + what.get());
            }
            Thread.sleep(20);
        }
    }
}
