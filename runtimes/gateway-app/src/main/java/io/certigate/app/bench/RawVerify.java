package io.certigate.app.bench;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.DeviceKey;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Raw Ed25519 verification on the calling thread: Bouncy Castle's engine, the key parsed once,
 * reading-sized messages (the COSE Sig_structure of a chained odometer reading). The reference the
 * verify and fleet benches divide by.
 */
public final class RawVerify {
    private final AsymmetricKeyParameter key;
    private final byte[][] messages = new byte[64][];
    private final byte[][] signatures = new byte[64][];

    public RawVerify(DeviceKey device) throws Exception {
        key = PublicKeyFactory.createKey(device.publicKey().getEncoded());
        byte[] prot = CoseSign1.protectedHeader(device);
        for (int i = 0; i < messages.length; i++) {
            byte[] payload = ReadingCodec.encode(new ChainedReading("gw-verify", i + 1, new byte[32], new byte[16],
                    SpineBench.reading(i)));
            messages[i] = CoseSign1.sigStructure(prot, payload);
            signatures[i] = device.sign(messages[i]);
        }
    }

    /**
     * Verifies for {@code nanos} of wall time on this thread; returns verifications per second of
     * the thread's CPU time, a per-core rate that other processes on the machine do not lower.
     */
    public double loopPerCpuSecond(long nanos) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        double perWallSecond = loop(nanos);
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        return perWallSecond * nanos / Math.max(1, cpu);
    }

    /** Verifies for {@code nanos} on this thread; returns verifications per second. */
    public double loop(long nanos) {
        long t0 = System.nanoTime();
        long end = t0 + nanos;
        long n = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < messages.length; i++) {
                Ed25519Signer v = new Ed25519Signer();
                v.init(false, key);
                v.update(messages[i], 0, messages[i].length);
                if (!v.verifySignature(signatures[i])) {
                    throw new IllegalStateException("raw verification failed");
                }
            }
            n += messages.length;
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }
}
