package io.certigate.app.fleet;

import io.certigate.cbor.CborWriter;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.TimeQuality;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SigningException;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.device.TestPki;
import io.certigate.uplink.StatusMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A fleet of gateways for the fleet tier's demo, benchmark and fault tests, generated ahead of time
 * so that producing the load costs nothing while it is measured: each gateway has its own Ed25519
 * key in a PKCS#12 file with a certificate of the given consortium CA, and a hash chain of real
 * signed readings (deterministic CBOR, COSE_Sign1, {@code prev} = chain hash of the previous record),
 * cut into uplink batches exactly as a gateway sends them (a CBOR array of COSE records).
 *
 * <p>Each gateway is a vehicle: its readings are odometer values of its VIN, rising, one per
 * {@code periodMs} from {@code startMs}.
 */
public final class SimulatedGateways {
    private SimulatedGateways() {
    }

    /**
     * One simulated gateway.
     *
     * @param id      device id
     * @param vin     the subject of its readings
     * @param chain   its certificate chain (device, then CA)
     * @param batches uplink payloads in seq order
     * @param lastSeq seq of its last record; batch i holds seqs {@code firstSeq(i)..}
     * @param perBatch records per batch (the last batch may hold fewer)
     */
    public record Gateway(String id, String vin, List<X509Certificate> chain, List<byte[]> batches, long lastSeq,
            int perBatch) {
        /** The status message the gateway publishes when it connects: it carries its certificate chain. */
        public byte[] status(long timeMs) {
            return new StatusMessage(id, StatusMessage.State.ONLINE, lastSeq, timeMs, chain).encode();
        }

        /** Seq of the first record of batch {@code i}. */
        public long firstSeq(int i) {
            return (long) i * perBatch + 1;
        }

        /** Records in batch {@code i}. */
        public int size(int i) {
            return (int) Math.min(perBatch, lastSeq - firstSeq(i) + 1);
        }
    }

    /**
     * Generates {@code gateways} gateways named {@code prefix-0000..}, each with {@code records}
     * records cut into batches of {@code perBatch}; their key stores go to {@code dir}.
     */
    public static List<Gateway> generate(Path dir, TestPki pki, String prefix, int gateways, int records, int perBatch,
            long startMs, long periodMs) throws IOException, GeneralSecurityException, SigningException {
        if (gateways < 1 || records < 1 || perBatch < 1) {
            throw new IllegalArgumentException("gateways, records and records per batch must be at least 1");
        }
        List<Gateway> out = new ArrayList<>(gateways);
        Random random = new SecureRandom();
        for (int g = 0; g < gateways; g++) {
            String id = String.format("%s-%04d", prefix, g);
            String vin = String.format("VF1SIM%011d", g);
            TestDevice d = TestDevice.create(dir, id);
            List<X509Certificate> chain = List.of(pki.issueDevice(d.key().publicKey(), id), pki.caCertificate());
            SoftwareDeviceKey key = Pkcs12KeyStore.installChain(d.keyStore(), TestDevice.passphrase(), chain);
            out.add(chain(id, vin, chain, key, records, perBatch, startMs, periodMs, random));
        }
        return List.copyOf(out);
    }

    private static Gateway chain(String id, String vin, List<X509Certificate> chain, SoftwareDeviceKey key, int records,
            int perBatch, long startMs, long periodMs, Random random) throws SigningException {
        byte[] prev = new byte[ChainedReading.HASH_BYTES];
        List<byte[]> batches = new ArrayList<>(records / perBatch + 1);
        List<byte[]> pending = new ArrayList<>(perBatch);
        CborWriter w = new CborWriter(256);
        long km = 10_000 + random.nextInt(90_000);
        for (long seq = 1; seq <= records; seq++) {
            byte[] salt = new byte[ChainedReading.SALT_BYTES];
            random.nextBytes(salt);
            km += 1 + random.nextInt(3);
            Reading r = new Reading(startMs + (seq - 1) * periodMs, TimeQuality.NTP, "obd", "vehicle.odometer", vin,
                    ReadingValue.of(km), "km");
            byte[] cose = CoseSign1.sign(key, ReadingCodec.encode(new ChainedReading(id, seq, prev, salt, r), w.reset()));
            prev = RecordHashes.chainHash(cose);
            pending.add(cose);
            if (pending.size() == perBatch || seq == records) {
                batches.add(array(pending));
                pending.clear();
            }
        }
        return new Gateway(id, vin, chain, List.copyOf(batches), records, perBatch);
    }

    /** The uplink payload of {@code items}: a definite-length CBOR array of the records' bytes, unchanged. */
    public static byte[] array(List<byte[]> items) {
        CborWriter w = new CborWriter(items.stream().mapToInt(b -> b.length).sum() + 8).arrayHeader(items.size());
        items.forEach(w::raw);
        return w.toByteArray();
    }
}
