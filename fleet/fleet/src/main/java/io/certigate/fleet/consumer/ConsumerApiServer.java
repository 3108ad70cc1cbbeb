package io.certigate.fleet.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.certigate.core.export.ExportWriter;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.StoredRecord;
import io.certigate.fleet.anchor.StatementChainServer;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreConnector;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.verifier.consent.Consent;
import io.certigate.verifier.consent.ConsentCodes;
import io.certigate.verifier.consent.ConsentReader;
import io.certigate.verifier.consent.SubjectHash;
import io.certigate.verifier.ledger.LedgerException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The consumer API of the fleet tier (issue #19, "A consumer API that enforces consent"): HTTPS with
 * client certificates that must chain to the consortium CA (the TLS handshake refuses any other),
 * each consumer identified by its certificate's account in the device registry
 * ({@link PartyCertificates}), each request checked against the consent registry at the current
 * block ({@link ConsentGate}) and logged ({@link AccessLog}).
 *
 * <ul>
 *   <li>{@code GET /v1/subjects/<subject>/records?purpose=P[&device=D][&kinds=K1,K2]}: an export
 *       ({@code certigate-export/1}, io.certigate.core.export.ExportWriter) of the device's whole
 *       chain, the subject's records of the kinds a consent in force covers in full, every other
 *       record hash-only, erased ones as tombstones; the verifier checks it as any export.
 *       {@code device} is needed only when the subject's records come from several devices.</li>
 *   <li>{@code GET /v1/subjects/<subject>/passport?purpose=P}: the passport page of the covered kinds.</li>
 *   <li>{@code GET /v1/subjects/<subject>/receipts?purpose=P[&device=D]}: the device's batch statements
 *       and their receipts (aggregated anchoring), as {@code io.certigate.fleet.anchor.StatementChainServer}
 *       serves them, for the verifier's {@code StatementHistoryVerifier}.</li>
 *   <li>{@code GET /v1/subjects/<subject>/proofs?purpose=P[&device=D][&seq=N,...]}: a proof bundle
 *       ({@code certigate-proof/1}) per covered record of the subject (or per seq asked for, each of
 *       which must be one), for gateways that anchor directly ({@link RecordProofs}).</li>
 *   <li>{@code GET /v1/subjects/<subject>/records?purpose=P&format=sealed[&device=D][&kinds=K1,K2]}: a
 *       sealed copy ({@link SealedCopy}, {@code certigate-sealed-copy/1}): the same export with every
 *       record hash-only, and the records served in full above each encrypted under the copy key of
 *       (holder, subject, consumer, purpose) ({@link CopyKeys}, made at the first sealed delivery).</li>
 *   <li>{@code GET /v1/subjects/<subject>/copy-key?purpose=P&key=<id>}: that key, only while a consent
 *       for the kinds it sealed is in force at the current block and the key is not destroyed; a key
 *       asked for after its consent ended is destroyed there and then ({@link CopyKeyWatcher} destroys
 *       the others within a block).</li>
 *   <li>{@code GET /v1/holders/<account>/accesses}: the access log of the holder's subjects, for the
 *       holder's own certificate only.</li>
 * </ul>
 * A refusal is HTTP 403 with {@code {"refused": code, "reason": words, "block": N}}; a subject the
 * fleet does not serve is refused as having no consent, so that a consumer cannot probe which
 * subjects the fleet holds.
 */
public final class ConsumerApiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConsumerApiServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String RECORDS = "records";
    static final String PASSPORT = "passport";
    static final String RECEIPTS = "receipts";
    static final String PROOFS = "proofs";
    static final String COPY_KEY = "copy-key";
    /** The access log's endpoint of a sealed copy served ({@code records?format=sealed}). */
    static final String SEALED_COPY = "sealed-copy";

    /**
     * What the server reads and writes.
     *
     * @param db         the fleet store's database: records, {@code fleet_consumer} and {@code fleet_anchor} tables
     * @param deviceKeys a device's public keys, oldest first, put in the exports
     * @param passport   renders passports, or null when this instance serves none
     * @param fleetId    the fleet's id in the anchor contract (aggregated anchoring), or null
     */
    public record Backends(StoreConnector db, PartyCertificates parties, ConsentReader consents,
            Function<String, List<PublicKey>> deviceKeys, PassportSource passport, String fleetId, Clock clock) {}

    private final HttpsServer server;
    private final ExecutorService workers;
    private final Backends b;
    private final ConsentGate gate;
    private final FleetStore store;
    private final SubjectDirectory subjects;
    private final AccessLog log;
    private final RecordProofs proofs;
    private final CopyKeys copyKeys;

    public ConsumerApiServer(InetSocketAddress at, SSLContext tls, Backends backends, int threads) throws IOException {
        this(at, tls, backends, null, threads);
    }

    /** @param proofs builds the proof bundles of {@code proofs}, or null when this instance serves none */
    public ConsumerApiServer(InetSocketAddress at, SSLContext tls, Backends backends, RecordProofs proofs, int threads)
            throws IOException {
        this.b = backends;
        this.proofs = proofs;
        this.gate = new ConsentGate(backends.consents());
        this.store = new FleetStore(backends.db());
        this.subjects = new SubjectDirectory(backends.db());
        this.log = new AccessLog(backends.db());
        this.copyKeys = new CopyKeys(backends.db());
        this.server = HttpsServer.create(at, 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters p) {
                SSLParameters sp = getSSLContext().getDefaultSSLParameters();
                sp.setNeedClientAuth(true);
                p.setSSLParameters(sp);
            }
        });
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fleet-consumer-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/v1/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * The server's TLS: its key and certificate from a PKCS#12 key store, client certificates trusted
     * only through {@code caCertificates} (the consortium CA).
     */
    public static SSLContext tls(Path keyStore, char[] passphrase, List<X509Certificate> caCertificates)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, passphrase);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, passphrase);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < caCertificates.size(); i++) {
            trust.setCertificateEntry("ca-" + i, caCertificates.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String[] parts = x.getRequestURI().getPath().split("/");
            if (!"GET".equals(x.getRequestMethod()) || parts.length != 5) {
                json(x, 404, error("GET /v1/subjects/<subject>/records|passport|receipts|proofs|copy-key?purpose=P or"
                        + " /v1/holders/<account>/accesses"));
                return;
            }
            X509Certificate cert = peer(x);
            Map<String, String> q = query(x.getRequestURI().getRawQuery());
            try {
                if ("subjects".equals(parts[2]) && (RECORDS.equals(parts[4]) || PASSPORT.equals(parts[4])
                        || RECEIPTS.equals(parts[4]) || PROOFS.equals(parts[4])
                        || COPY_KEY.equals(parts[4]))) {
                    subject(x, cert, parts[3], parts[4], q);
                } else if ("holders".equals(parts[2]) && "accesses".equals(parts[4])) {
                    accesses(x, cert, parts[3]);
                } else {
                    json(x, 404, error("no such endpoint: " + x.getRequestURI().getPath()));
                }
            } catch (IllegalArgumentException e) {
                json(x, 400, error(e.getMessage()));
            } catch (LedgerException e) {
                LOG.log(System.Logger.Level.WARNING, "consumer API: ledger: " + e.getMessage());
                json(x, 503, error("the ledger cannot be read: no answer without a consent check"));
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.WARNING, "consumer API: store: " + e.getMessage());
                json(x, 503, error("the store is unavailable"));
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "consumer API: " + e, e);
                json(x, 500, error("internal error"));
            }
        }
    }

    private void subject(HttpExchange x, X509Certificate cert, String subject, String endpoint, Map<String, String> q)
            throws Exception {
        String purpose = q.get("purpose");
        if (purpose == null) {
            throw new IllegalArgumentException("purpose=<code> is required, such as purpose=insurance.mileage");
        }
        ConsentCodes.purpose(purpose);
        List<String> requested = q.containsKey("kinds") ? List.of(q.get("kinds").split(",")) : List.of();
        ConsentReader.BlockRef head = b.consents().head();
        String certName = cert.getSubjectX500Principal().getName();
        PartyCertificates.Party party = b.parties().partyOf(cert);
        AccessLog.Access base = new AccessLog.Access(0, b.clock().instant(), head.number(), party.account(), certName,
                null, null, purpose, endpoint, "refused", null, null, List.of(), List.of(), 0);
        if (!party.known()) {
            refuse(x, base, new Refusal(Refusal.UNKNOWN_CERTIFICATE, party.refusal()));
            return;
        }
        Optional<SubjectDirectory.Entry> entry = subjects.find(subject);
        if (entry.isEmpty()) {
            refuse(x, base, new Refusal(Refusal.NO_CONSENT, "no consent for this subject and purpose " + purpose));
            return;
        }
        SubjectDirectory.Entry s = entry.get();
        base = with(base, s);
        if (COPY_KEY.equals(endpoint)) {
            copyKey(x, base, s, purpose, q.get("key"), head);
            return;
        }
        boolean sealed = RECORDS.equals(endpoint) && sealed(q.get("format"));
        if (sealed) {
            base = new AccessLog.Access(0, base.at(), base.block(), base.consumerAccount(), base.consumerCertificate(),
                    base.holder(), base.subjectHash(), base.purpose(), SEALED_COPY, base.outcome(), base.reason(),
                    base.device(), base.fullSeqs(), base.kinds(), base.hashOnly());
        }
        Set<String> devices = new LinkedHashSet<>();
        Set<String> kinds = new TreeSet<>();
        store.timeline(subject, r -> {
            devices.add(r.device());
            kinds.add(r.kind());
        });
        ConsentGate.Decision d = gate.check(s.holder(), party.account(), s.hash(), purpose, kinds, requested,
                head.number(), head.time());
        if (!d.served()) {
            refuse(x, base, d.refusal());
            return;
        }
        if (PASSPORT.equals(endpoint)) {
            passport(x, base, subject, d);
        } else if (RECEIPTS.equals(endpoint)) {
            receipts(x, base, device(devices, q.get("device")), d);
        } else if (PROOFS.equals(endpoint)) {
            proofs(x, base, subject, device(devices, q.get("device")), q.get("seq"), d);
        } else {
            records(x, base, subject, devices, q.get("device"), d, sealed ? s : null);
        }
    }

    /** {@code format=export} (the default) or {@code format=sealed}. */
    private static boolean sealed(String format) {
        if (format == null || "export".equals(format)) {
            return false;
        }
        if ("sealed".equals(format)) {
            return true;
        }
        throw new IllegalArgumentException("format is export (the default) or sealed, not '" + format + "'");
    }

    /**
     * A copy key: refused unless it is this consumer's for this subject and purpose, a consent for the
     * kinds it sealed is in force at the current block (a key found otherwise is destroyed at once), and
     * it is not destroyed.
     */
    private void copyKey(HttpExchange x, AccessLog.Access base, SubjectDirectory.Entry s, String purpose, String keyId,
            ConsentReader.BlockRef head) throws Exception {
        if (keyId == null || !keyId.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("key=<id> is required: the keyId of the sealed copy (32 hex digits)");
        }
        Optional<CopyKeys.Row> found = copyKeys.find(keyId);
        if (found.isEmpty() || !found.get().holder().equals(s.holder())
                || !java.util.Arrays.equals(found.get().subjectHash(), s.hash())
                || !found.get().consumer().equals(base.consumerAccount()) || !found.get().purpose().equals(purpose)) {
            refuse(x, base, new Refusal(Refusal.UNKNOWN_KEY, "no copy key " + keyId + " of this consumer for this"
                    + " subject and purpose " + purpose));
            return;
        }
        CopyKeys.Row row = found.get();
        ConsentGate.Decision d = gate.check(s.holder(), base.consumerAccount(), s.hash(), purpose, row.kinds(),
                row.kinds(), head.number(), head.time());
        if (!d.served()) {
            if (row.live()) {
                copyKeys.destroy(keyId, head.number(), d.refusal().code() + ": " + d.refusal().reason());
            }
            refuse(x, base, d.refusal());
            return;
        }
        Optional<javax.crypto.SecretKey> key = row.live() ? copyKeys.key(keyId) : Optional.empty();
        if (key.isEmpty()) {
            CopyKeys.Row now = copyKeys.find(keyId).orElse(row);
            refuse(x, base, new Refusal(Refusal.KEY_DESTROYED, "copy key " + keyId + " was destroyed"
                    + (now.destroyedBlock() == null ? "" : " at block " + now.destroyedBlock())
                    + (now.destroyedAt() == null ? "" : " (" + now.destroyedAt() + ")") + ": "
                    + now.destroyedReason()));
            return;
        }
        log.append(new AccessLog.Access(0, base.at(), base.block(), base.consumerAccount(),
                base.consumerCertificate(), base.holder(), base.subjectHash(), base.purpose(), base.endpoint(), "served",
                d.basis() + "; copy key " + keyId, null, List.of(), List.copyOf(d.covered().keySet()), 0));
        ObjectNode doc = JSON.createObjectNode();
        doc.put("keyId", keyId);
        doc.put("key", java.util.Base64.getEncoder().encodeToString(key.get().getEncoded()));
        doc.put("block", head.number());
        reply(x, 200, "application/json", JSON.writeValueAsBytes(doc), d);
    }

    /** The device named, or the subject's only device. */
    private static String device(Set<String> devices, String device) {
        if (device == null) {
            if (devices.size() != 1) {
                throw new IllegalArgumentException(devices.isEmpty() ? "the store holds no record of the subject"
                        : "the subject's records come from devices " + String.join(", ", devices)
                                + ": name one with device=<id>");
            }
            return devices.iterator().next();
        }
        if (!devices.contains(device)) {
            throw new IllegalArgumentException("the store holds no record of the subject from device " + device);
        }
        return device;
    }

    /**
     * The device's accepted batch statements with their receipts (aggregated anchoring, the
     * {@code fleet_anchor} tables), in the document {@code StatementChainServer} serves: statements
     * hold seq ranges and Merkle roots, no reading, and with the leaf hashes of a served export they
     * show the served records anchored.
     */
    private void receipts(HttpExchange x, AccessLog.Access base, String device, ConsentGate.Decision d)
            throws Exception {
        ObjectNode doc;
        try (java.sql.Connection c = b.db().open()) {
            doc = StatementChainServer.document(c, device, b.fleetId());
        }
        log.append(new AccessLog.Access(0, base.at(), base.block(), base.consumerAccount(),
                base.consumerCertificate(), base.holder(), base.subjectHash(), base.purpose(), base.endpoint(), "served",
                d.basis(), device, List.of(), List.of(), 0));
        reply(x, 200, "application/json", JSON.writeValueAsBytes(doc), d);
    }

    /**
     * A proof bundle per covered record of the subject on {@code device} ({@link RecordProofs}), or
     * per seq of {@code seqs}: a seq that is not such a record refuses the whole request.
     */
    private void proofs(HttpExchange x, AccessLog.Access base, String subject, String device, String seqs,
            ConsentGate.Decision d) throws Exception {
        if (proofs == null) {
            json(x, 404, error("this instance serves no proof bundles (no anchor contract is configured)"));
            return;
        }
        java.util.TreeMap<Long, VerifiedRecord> covered = new java.util.TreeMap<>();
        store.timeline(subject, r -> {
            if (r.device().equals(device) && d.covered().containsKey(r.kind())) {
                covered.put(r.seq(), r);
            }
        });
        java.util.TreeMap<Long, VerifiedRecord> asked = null;
        if (seqs != null) {
            asked = new java.util.TreeMap<>();
            for (long seq : RecordProofs.seqs(seqs)) {
                if (!covered.containsKey(seq)) {
                    refuse(x, base, new Refusal(Refusal.RECORD_NOT_COVERED, "record " + seq + " of device " + device
                            + " is not one of the subject's records of the kinds a consent in force covers for purpose "
                            + base.purpose() + " (" + String.join(", ", d.covered().keySet()) + ")"));
                    return;
                }
                asked.put(seq, covered.get(seq));
            }
        }
        RecordProofs.Answer answer = proofs.prove(device, asked == null ? covered : asked);
        log.append(new AccessLog.Access(0, base.at(), base.block(), base.consumerAccount(),
                base.consumerCertificate(), base.holder(), base.subjectHash(), base.purpose(), base.endpoint(), "served",
                d.basis(), device, answer.proven(), List.copyOf(d.covered().keySet()), 0));
        reply(x, 200, "application/json", answer.json(), d);
    }

    /** @param sealedFor the subject when a sealed copy is asked for, else null */
    private void records(HttpExchange x, AccessLog.Access base, String subject, Set<String> devices, String device,
            ConsentGate.Decision d, SubjectDirectory.Entry sealedFor) throws Exception {
        device = device(devices, device);
        List<ExportWriter.ExportEntry> entries = new ArrayList<>();
        List<Long> full = new ArrayList<>();
        long[] hashOnly = {0};
        store.deviceRecords(device, 1, Long.MAX_VALUE, (VerifiedRecord r) -> {
            if (r.erased()) {
                entries.add(new ExportWriter.ExportEntry(new StoredRecord.Erased(r.seq(), r.chainHash(), r.leafHash()),
                        false));
            } else if (subject.equals(r.subject()) && d.covered().containsKey(r.kind())) {
                entries.add(new ExportWriter.ExportEntry(new StoredRecord.Signed(r.seq(), r.cose()), false));
                full.add(r.seq());
            } else {
                entries.add(new ExportWriter.ExportEntry(new StoredRecord.Erased(r.seq(), r.chainHash(), r.leafHash()),
                        true));
                hashOnly[0]++;
            }
        });
        if (sealedFor != null) {
            sealedCopy(x, base, device, entries, full, hashOnly[0], d, sealedFor);
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportWriter.write(out, device, b.deviceKeys().apply(device), List.of(), entries);
        log.append(new AccessLog.Access(0, base.at(), base.block(), base.consumerAccount(),
                base.consumerCertificate(), base.holder(), base.subjectHash(), base.purpose(), base.endpoint(), "served",
                d.basis(), device, full, List.copyOf(d.covered().keySet()), hashOnly[0]));
        reply(x, 200, "application/json", out.toByteArray(), d);
    }

    /**
     * The sealed copy of the export {@code entries} would make: every entry hash-only, the ones in full
     * sealed under the copy key of (holder, subject, consumer, purpose), made if there is none live.
     */
    private void sealedCopy(HttpExchange x, AccessLog.Access base, String device, List<ExportWriter.ExportEntry> entries,
            List<Long> full, long hashOnly, ConsentGate.Decision d, SubjectDirectory.Entry s) throws Exception {
        Instant until = null;
        for (long id : new TreeSet<>(d.covered().values())) {
            Instant u = b.consents().consent(id).map(Consent::validUntil).orElse(d.blockTime());
            until = until == null || u.isBefore(until) ? u : until;
        }
        CopyKeys.Key key = copyKeys.liveOrNew(s.holder(), s.hash(), base.consumerAccount(), base.purpose(),
                d.covered().values(), d.covered().keySet(), until == null ? d.blockTime() : until, d.block());
        List<ExportWriter.ExportEntry> hashes = new ArrayList<>();
        List<SealedCopy.Sealed> sealed = new ArrayList<>();
        for (ExportWriter.ExportEntry e : entries) {
            if (e.record() instanceof StoredRecord.Signed signed && !e.omitted()) {
                byte[] cose = signed.coseUnsafe();
                byte[] leaf = RecordHashes.leafHash(cose);
                hashes.add(new ExportWriter.ExportEntry(new StoredRecord.Erased(signed.seq(),
                        RecordHashes.chainHash(cose), leaf), true));
                sealed.add(SealedCopy.seal(key.key(), key.id(), device, signed.seq(), leaf, cose));
            } else {
                hashes.add(e);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportWriter.write(out, device, b.deviceKeys().apply(device), List.of(), hashes);
        ObjectNode doc = SealedCopy.document(new SealedCopy.Header(key.id(), base.consumerAccount(), base.purpose(),
                s.hash(), device, d.block(), List.copyOf(d.covered().keySet())), JSON.readTree(out.toByteArray()),
                sealed);
        log.append(new AccessLog.Access(0, base.at(), base.block(), base.consumerAccount(),
                base.consumerCertificate(), base.holder(), base.subjectHash(), base.purpose(), base.endpoint(), "served",
                d.basis() + "; sealed under copy key " + key.id(), device, full, List.copyOf(d.covered().keySet()),
                hashOnly));
        reply(x, 200, "application/json", JSON.writeValueAsBytes(doc), d);
    }

    private void passport(HttpExchange x, AccessLog.Access base, String subject, ConsentGate.Decision d)
            throws Exception {
        if (b.passport() == null) {
            json(x, 404, error("this instance serves no passports"));
            return;
        }
        Optional<byte[]> html = b.passport().html(subject, d.covered().keySet());
        if (html.isEmpty()) {
            json(x, 404, error("the store holds no reading of the covered kinds for the subject"));
            return;
        }
        log.append(new AccessLog.Access(0, base.at(), base.block(), base.consumerAccount(),
                base.consumerCertificate(), base.holder(), base.subjectHash(), base.purpose(), base.endpoint(), "served",
                d.basis(), null, List.of(), List.copyOf(d.covered().keySet()), 0));
        reply(x, 200, "text/html; charset=utf-8", html.get(), d);
    }

    private void accesses(HttpExchange x, X509Certificate cert, String account) throws Exception {
        String holder = SubjectDirectory.account(account);
        PartyCertificates.Party party = b.parties().partyOf(cert);
        if (!party.known()) {
            json(x, 403, refusal(new Refusal(Refusal.UNKNOWN_CERTIFICATE, party.refusal()), -1));
            return;
        }
        if (!party.account().equals(holder)) {
            json(x, 403, refusal(new Refusal(Refusal.NOT_HOLDER, "the certificate is account " + party.account()
                    + "'s, not " + holder + "'s"), -1));
            return;
        }
        ObjectNode doc = JSON.createObjectNode();
        doc.put("holder", holder);
        ArrayNode list = doc.putArray("accesses");
        for (AccessLog.Access a : log.ofHolder(holder)) {
            ObjectNode o = list.addObject();
            o.put("id", a.id());
            o.put("at", a.at().toString());
            o.put("block", a.block());
            o.put("consumer", a.consumerAccount());
            o.put("consumerCertificate", a.consumerCertificate());
            o.put("subjectHash", a.subjectHash() == null ? null : SubjectHash.hex(a.subjectHash()));
            o.put("purpose", a.purpose());
            o.put("endpoint", a.endpoint());
            o.put("outcome", a.outcome());
            o.put("reason", a.reason());
            o.put("device", a.device());
            a.fullSeqs().forEach(o.putArray("seqs")::add);
            a.kinds().forEach(o.putArray("kinds")::add);
            o.put("hashOnly", a.hashOnly());
        }
        json(x, 200, doc);
    }

    private static AccessLog.Access with(AccessLog.Access a, SubjectDirectory.Entry s) {
        return new AccessLog.Access(0, a.at(), a.block(), a.consumerAccount(), a.consumerCertificate(), s.holder(),
                s.hash(), a.purpose(), a.endpoint(), a.outcome(), a.reason(), a.device(), a.fullSeqs(), a.kinds(),
                a.hashOnly());
    }

    private void refuse(HttpExchange x, AccessLog.Access base, Refusal r) throws IOException, SQLException {
        log.append(new AccessLog.Access(0, base.at(), base.block(), base.consumerAccount(),
                base.consumerCertificate(), base.holder(), base.subjectHash(), base.purpose(), base.endpoint(),
                "refused", r.logLine(), null, List.of(), List.of(), 0));
        json(x, 403, refusal(r, base.block()));
    }

    private static ObjectNode refusal(Refusal r, long block) {
        ObjectNode o = JSON.createObjectNode();
        o.put("refused", r.code());
        o.put("reason", r.reason());
        if (block >= 0) {
            o.put("block", block);
        }
        return o;
    }

    private static X509Certificate peer(HttpExchange x) throws IOException {
        try {
            Certificate[] chain = ((HttpsExchange) x).getSSLSession().getPeerCertificates();
            return (X509Certificate) chain[0];
        } catch (SSLPeerUnverifiedException e) {
            throw new IOException("no client certificate", e); // needClientAuth: the handshake already refused it
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String p : raw.split("&")) {
            int eq = p.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void json(HttpExchange x, int status, ObjectNode body) throws IOException {
        reply(x, status, "application/json", JSON.writeValueAsBytes(body), null);
    }

    private static void reply(HttpExchange x, int status, String type, byte[] body, ConsentGate.Decision d)
            throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        if (d != null) {
            x.getResponseHeaders().set("Certigate-Consent-Block", Long.toString(d.block()));
            x.getResponseHeaders().set("Certigate-Kinds", String.join(",", d.covered().keySet()));
        }
        x.sendResponseHeaders(status, body.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
