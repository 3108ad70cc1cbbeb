package io.certigate.app.bench;

import io.certigate.signing.Passphrase;
import io.certigate.signing.Pkcs12KeyStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

/**
 * Run in a fresh JVM by {@code bench coldstart}: starts the Bouncy Castle provider, then opens a
 * PKCS#12 key store once, as {@code run} does at start-up, and prints
 * {@code <provider wall ms> <provider cpu ms> <open wall ms> <open cpu ms>}. Arguments: the key
 * store, its passphrase source.
 */
public final class KeyLoadProbe {
    private KeyLoadProbe() {}

    public static void main(String[] args) throws Exception {
        char[] pass = Passphrase.resolve(args[1]);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        new org.bouncycastle.jce.provider.BouncyCastleProvider(); // what Pkcs12KeyStore's class initialisation does
        long cpu1 = threads.getCurrentThreadCpuTime();
        long wall1 = System.nanoTime();
        Pkcs12KeyStore.open(Path.of(args[0]), pass);
        long cpu2 = threads.getCurrentThreadCpuTime();
        long wall2 = System.nanoTime();
        System.out.println(ms(wall1 - wall0) + " " + ms(cpu1 - cpu0) + " " + ms(wall2 - wall1) + " " + ms(cpu2 - cpu1));
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
