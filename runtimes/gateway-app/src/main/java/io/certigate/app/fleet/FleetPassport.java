package io.certigate.app.fleet;

import io.certigate.app.report.Evidence;
import io.certigate.app.report.FleetBasis;
import io.certigate.app.report.PassportEntry;
import io.certigate.app.report.PassportWriter;
import io.certigate.core.config.ConfigValues;
import io.certigate.core.io.OutputFile;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.fleet.store.DeviceCounts;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.fleet.verify.FleetVerifyTrust;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.uplink.mqtt.TlsSettings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A subject's passport read from the fleet store: its readings across devices (a vehicle whose
 * telematics box was replaced has two), streamed in time order from PostgreSQL into the report's
 * {@link PassportWriter} in memory that does not grow with their number, with what the page rests on
 * taken from the store per device (seq range, links checked, erased records, findings). The records
 * are shown as the fleet tier's verification accepted them; they are not verified again here, and the
 * page says so.
 */
public final class FleetPassport {
    private final FleetStore store;
    private final String storeName;
    private final List<String> trust;
    private final Clock clock;

    /**
     * @param storeName the store in words (its JDBC URL)
     * @param trust     the verification's trust settings in words ({@link #trustWords}); empty when unknown
     */
    public FleetPassport(FleetStore store, String storeName, List<String> trust, Clock clock) {
        this.store = store;
        this.storeName = storeName;
        this.trust = List.copyOf(trust);
        this.clock = clock;
    }

    /** What was written. */
    public record Written(Path file, long readings, int devices, long findings, int rollbacks) {
        public String line() {
            return "wrote " + file + ": " + readings + " readings of the subject from " + devices + " device"
                    + (devices == 1 ? "" : "s") + ", " + findings + " finding" + (findings == 1 ? "" : "s") + " about them, "
                    + rollbacks + " rollback" + (rollbacks == 1 ? "" : "s");
        }
    }

    /** One device's figures while the timeline goes by. */
    private static final class DeviceTally {
        long firstSeq = Long.MAX_VALUE;
        long lastSeq;
        long readings;
        long unlinked;
        long unreadable;
        long findings;
        final List<String> firstFindings = new ArrayList<>();
    }

    /**
     * Writes the passport of {@code subject} to {@code out}; empty (nothing written) when the store holds
     * no reading of it.
     *
     * @param kind the kind to chart, or null for the odometer (else the first numeric kind)
     */
    public Optional<Written> write(String subject, String kind, Path out) throws SQLException, IOException {
        return write(subject, kind, out, null);
    }

    /**
     * {@link #write(String, String, Path)} limited to the readings of {@code kinds} (those a consent
     * covers, for the consumer API); null for all.
     */
    public Optional<Written> write(String subject, String kind, Path out, java.util.Set<String> kinds)
            throws SQLException, IOException {
        Instant readAt = clock.instant();
        PassportWriter passport = new PassportWriter(kind);
        Map<String, DeviceTally> devices = new LinkedHashMap<>();
        store.timeline(subject, (VerifiedRecord r) -> {
            if (kinds != null && !kinds.contains(r.kind())) {
                return;
            }
            DeviceTally d = devices.computeIfAbsent(r.device(), k -> new DeviceTally());
            ChainedReading cr = decode(r);
            if (cr == null) {
                d.unreadable++;
                return;
            }
            d.firstSeq = Math.min(d.firstSeq, r.seq());
            d.lastSeq = Math.max(d.lastSeq, r.seq());
            d.readings++;
            d.unlinked += !r.linked() && r.seq() > 1 ? 1 : 0;
            passport.accept(new PassportEntry(cr, true, null, null));
        });
        if (passport.count() == 0) {
            return Optional.empty();
        }
        for (FindingType t : FindingType.values()) {
            store.findings(t, f -> {
                DeviceTally d = devices.get(f.device());
                if (d != null) {
                    d.findings++;
                    if (d.firstFindings.size() < FleetBasis.FINDINGS_SHOWN) {
                        d.firstFindings.add(f.type().code() + (f.seq() == 0 ? "" : f.lastSeq() > f.seq()
                                ? " at seq " + f.seq() + ".." + f.lastSeq() : " at seq " + f.seq()) + ": " + f.detail());
                    }
                }
            });
        }
        Map<String, DeviceCounts> counts = new LinkedHashMap<>();
        for (DeviceCounts c : store.devices()) {
            if (devices.containsKey(c.device())) {
                counts.put(c.device(), c);
            }
        }
        List<FleetBasis.Device> basis = new ArrayList<>();
        devices.forEach((id, d) -> {
            DeviceCounts c = counts.get(id);
            basis.add(new FleetBasis.Device(id, d.readings == 0 ? 0 : d.firstSeq, d.lastSeq, d.readings, d.unlinked,
                    d.unreadable, c == null ? -1 : c.records(), c == null ? -1 : c.erased(), d.findings, d.firstFindings));
        });
        FleetBasis fleet = new FleetBasis(storeName, readAt, trust, basis);
        Evidence ev = Evidence.ofFleet(subject, fleet);
        OutputFile.write(out, o -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(o, StandardCharsets.UTF_8), 64 * 1024);
            passport.write(w, ev);
            w.flush();
        });
        return Optional.of(new Written(out, passport.count(), basis.size(), fleet.findings(), passport.rollbacks()));
    }

    private static ChainedReading decode(VerifiedRecord r) {
        try {
            return ReadingCodec.decode(CoseSign1.parse(r.cose()).payload());
        } catch (CoseException | RecordFormatException e) {
            return null; // the verification accepted it, so this is not expected; counted and named on the page
        }
    }

    /**
     * The verification's trust settings of a fleet configuration, in words: the consortium CA (its
     * subject, read from the file when it can be), the device key files, the device registry.
     */
    public static List<String> trustWords(ConfigValues c) {
        List<String> words = new ArrayList<>();
        String ca = c.text(FleetVerifyTrust.CA);
        if (!ca.isEmpty()) {
            String subject;
            try {
                List<X509Certificate> certs = TlsSettings.readCertificates(Path.of(ca));
                subject = certs.isEmpty() ? "" : certs.get(0).getSubjectX500Principal().getName() + " ";
            } catch (IOException | RuntimeException e) {
                subject = "";
            }
            words.add("the consortium CA " + subject + "(" + FleetVerifyTrust.CA.key() + " = " + ca + ")");
        }
        String keys = c.text(FleetVerifyTrust.KEY_FILES);
        if (!keys.isEmpty()) {
            words.add("the device keys of " + FleetVerifyTrust.KEY_FILES.key() + " = " + keys);
        }
        String registry = c.text(FleetVerifyTrust.REGISTRY_ADDRESS);
        if (!registry.isEmpty()) {
            words.add("the device registry " + registry + " for each key's status");
        }
        return words;
    }
}
