package io.certigate.verifier.chain;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.KeyIds;
import io.certigate.signing.SignatureVerifier;
import io.certigate.verifier.export.EntrySource;
import io.certigate.verifier.export.ExportEntry;
import io.certigate.verifier.export.ExportFormatException;
import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Checks a device's records independently of the gateway: every signature against the device's
 * public keys (looked up by kid), every payload as a deterministic Reading of that device with the
 * seq it is stored under, seq continuity, and the prev-hash chain. Tombstones count as present:
 * their kept chain hash links the chain across them.
 *
 * <p>An input of any size is checked as a stream ({@link #verify(EntrySource, EntryObserver)}) in
 * constant memory: entries are read in chunks of {@value #CHUNK}; with an executor, each chunk's
 * signatures, payloads and hashes are checked on it in parallel, at most {@code window} chunks at a
 * time, and the results are taken back in input order, where seq continuity and the chain links are
 * checked and each entry is handed to the {@link EntryObserver}. Without an executor everything runs
 * on the caller's thread. Either way the report is the same.
 */
public final class ChainVerifier {
    /** Entries per parallel task. */
    static final int CHUNK = 256;
    /** Findings listed in a report before the rest are only counted. */
    public static final int MAX_LISTED_FINDINGS = 10_000;

    private final String device;
    private final Map<ByteBuffer, BoundKey> keys = new HashMap<>();
    private final Executor parallel;
    private final int window;

    /** A verifier checking everything on the caller's thread. */
    public ChainVerifier(String device, Collection<PublicKey> deviceKeys, SignatureVerifier verifier) {
        this(device, deviceKeys, verifier, null, 1);
    }

    /**
     * A verifier checking signatures on {@code parallel} (null: on the caller's thread).
     *
     * @param threads how many threads {@code parallel} runs: sizes the window of chunks in flight
     */
    public ChainVerifier(String device, Collection<PublicKey> deviceKeys, SignatureVerifier verifier, Executor parallel,
            int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.device = device;
        this.parallel = parallel;
        this.window = 2 * threads + 2;
        for (PublicKey k : deviceKeys) {
            keys.put(ByteBuffer.wrap(KeyIds.of(k)), new BoundKey(k, verifier.forKey(k)));
        }
    }

    /** A device key and the verifier bound to it (the key parsed once for all its records). */
    private record BoundKey(PublicKey key, SignatureVerifier.KeyVerifier verifier) {}

    /** Verifies {@code records} in the order given (an export's order). */
    public VerificationReport verify(List<StoredRecord> records) {
        return verify(records, Set.of());
    }

    /**
     * Verifies {@code records}, held in memory, in seq order whatever their order in the list: an
     * entry after a higher seq is reported as reordered and checked in its place; a second entry
     * with a seq already seen as a duplicate or a fork. Hash-only entries whose seq is in
     * {@code omitted} were left out of a filtered export on purpose: they link the chain and are
     * counted, not reported.
     */
    public VerificationReport verify(List<StoredRecord> records, Set<Long> omitted) {
        List<Finding> refused = new ArrayList<>();
        TreeMap<Long, StoredRecord> bySeq = new TreeMap<>();
        long highest = Long.MIN_VALUE;
        long duplicates = 0;
        for (StoredRecord r : records) {
            StoredRecord seen = bySeq.get(r.seq());
            if (seen != null) {
                boolean same = Arrays.equals(seen.chainHash(), r.chainHash());
                refused.add(new Finding(same ? Finding.Kind.DUPLICATE : Finding.Kind.FORK, r.seq(),
                        same ? "record appears more than once" : "two different records carry this seq"));
                duplicates++;
                continue;
            }
            if (r.seq() < highest) {
                refused.add(new Finding(Finding.Kind.REORDER, r.seq(), "comes after seq " + highest));
            }
            highest = Math.max(highest, r.seq());
            bySeq.put(r.seq(), r);
        }
        ChainState state = new ChainState(device, Integer.MAX_VALUE, EntryObserver.NONE);
        state.refused(duplicates, refused);
        var sorted = bySeq.values().iterator();
        EntrySource source = () -> {
            if (!sorted.hasNext()) {
                return null;
            }
            StoredRecord r = sorted.next();
            return new ExportEntry(r, r instanceof StoredRecord.Erased && omitted.contains(r.seq()));
        };
        try {
            return run(source, state);
        } catch (ExportFormatException e) {
            throw new IllegalStateException("an in-memory list cannot be unreadable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while verifying", e);
        }
    }

    /**
     * Verifies the entries of {@code source} as they come, in constant memory, handing each checked
     * entry to {@code observer} in order. An entry whose seq is not above the one before it is a
     * duplicate or a fork when it repeats one of the recent seqs, reordered otherwise, and is not
     * taken into the chain (the gap it leaves where it belonged is reported too).
     *
     * @throws ExportFormatException the input is unreadable (what was checked before is dropped)
     */
    public VerificationReport verify(EntrySource source, EntryObserver observer)
            throws ExportFormatException, InterruptedException {
        return run(source, new ChainState(device, MAX_LISTED_FINDINGS, observer));
    }

    private VerificationReport run(EntrySource source, ChainState state) throws ExportFormatException, InterruptedException {
        ArrayDeque<Future<Prepared[]>> inFlight = new ArrayDeque<>();
        try {
            for (ExportEntry[] chunk = chunk(source); chunk.length > 0; chunk = chunk(source)) {
                if (parallel == null) {
                    take(state, prepare(chunk));
                    continue;
                }
                ExportEntry[] mine = chunk;
                FutureTask<Prepared[]> task = new FutureTask<>(() -> prepare(mine));
                parallel.execute(task);
                inFlight.add(task);
                if (inFlight.size() >= window) {
                    take(state, await(inFlight.poll()));
                }
            }
            while (!inFlight.isEmpty()) {
                take(state, await(inFlight.poll()));
            }
        } finally {
            inFlight.forEach(f -> f.cancel(true));
        }
        return state.report();
    }

    private static ExportEntry[] chunk(EntrySource source) throws ExportFormatException {
        ExportEntry[] c = new ExportEntry[CHUNK];
        int n = 0;
        for (ExportEntry e; n < CHUNK && (e = source.next()) != null; ) {
            c[n++] = e;
        }
        return n == CHUNK ? c : Arrays.copyOf(c, n);
    }

    private static void take(ChainState state, Prepared[] prepared) {
        for (Prepared p : prepared) {
            state.accept(p);
        }
    }

    /** The chunk's results; an Error in a task (out of memory) is thrown here as it was. */
    private static Prepared[] await(Future<Prepared[]> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * What can be checked of an entry without the entries before it.
     *
     * @param failure the signature or payload failure, or null (then {@code reading} is set for a signed record)
     */
    record Prepared(ExportEntry entry, byte[] chainHash, byte[] leafHash, ChainedReading reading, Finding failure) {}

    private Prepared[] prepare(ExportEntry[] chunk) {
        Prepared[] out = new Prepared[chunk.length];
        for (int i = 0; i < chunk.length; i++) {
            out[i] = prepare(chunk[i]);
        }
        return out;
    }

    private Prepared prepare(ExportEntry e) {
        if (!(e.record() instanceof StoredRecord.Signed s)) {
            return new Prepared(e, e.record().chainHash(), e.record().leafHash(), null, null);
        }
        byte[] cose = s.coseUnsafe();
        byte[] chainHash = RecordHashes.chainHash(cose);
        byte[] leafHash = RecordHashes.leafHash(cose);
        long seq = s.seq();
        byte[] payload;
        try {
            CoseSign1.Parsed p = CoseSign1.parse(cose);
            BoundKey key = keys.get(ByteBuffer.wrap(p.keyId()));
            if (key == null) {
                return failed(e, chainHash, leafHash, Finding.Kind.BAD_SIGNATURE, "signed by unknown key id "
                        + java.util.HexFormat.of().formatHex(p.keyId()));
            }
            payload = verified(p, key);
        } catch (CoseException ex) {
            Finding.Kind kind = ex.getMessage().contains("does not verify") || ex.getMessage().contains("out of range")
                    || ex.getMessage().contains("does not match") ? Finding.Kind.BAD_SIGNATURE : Finding.Kind.MALFORMED;
            return failed(e, chainHash, leafHash, kind, ex.getMessage());
        }
        ChainedReading c;
        try {
            c = ReadingCodec.decode(payload);
        } catch (RecordFormatException ex) {
            return failed(e, chainHash, leafHash, Finding.Kind.MALFORMED, ex.getMessage());
        }
        if (!c.device().equals(device)) {
            return failed(e, chainHash, leafHash, Finding.Kind.MALFORMED, "record of device '" + c.device() + "'");
        }
        if (c.seq() != seq) {
            return failed(e, chainHash, leafHash, Finding.Kind.MALFORMED, "payload carries seq " + c.seq());
        }
        return new Prepared(e, chainHash, leafHash, c, null);
    }

    /**
     * The payload of a parsed COSE_Sign1 whose signature verifies with {@code key}, the key its kid
     * names: {@link CoseSign1#verify} without parsing the record a second time.
     */
    private static byte[] verified(CoseSign1.Parsed p, BoundKey key) throws CoseException {
        CoseAlgorithm keyAlg;
        try {
            keyAlg = CoseAlgorithm.of(key.key());
        } catch (IllegalArgumentException ex) {
            throw new CoseException(ex.getMessage());
        }
        if (p.algorithm() != keyAlg) {
            throw new CoseException("record algorithm " + p.algorithm() + " does not match the " + keyAlg + " device key");
        }
        if (!key.verifier().verify(p.algorithm(), p.toBeSigned(), p.signature())) {
            throw new CoseException("signature does not verify");
        }
        return p.payload();
    }

    private static Prepared failed(ExportEntry e, byte[] chainHash, byte[] leafHash, Finding.Kind kind, String detail) {
        return new Prepared(e, chainHash, leafHash, null, new Finding(kind, e.seq(), detail));
    }
}
