package io.certigate.fleet.store;

/** Every statement of the store's writer and queries, in one place (tables: {@link StoreSchema}). */
final class StoreSql {
    private StoreSql() {}

    /** A batch's rows are copied here first, then inserted into {@code records} in one statement. */
    static final String CREATE_INCOMING = "CREATE TEMP TABLE IF NOT EXISTS incoming ("
            + " ord int NOT NULL, device text NOT NULL, seq bigint NOT NULL, t timestamptz, kind text, subject text,"
            + " leaf bytea NOT NULL, hash bytea NOT NULL, cose bytea, linked boolean NOT NULL,"
            + " verified_at timestamptz NOT NULL, key_id bigint, owner bytea) ON COMMIT DELETE ROWS";
    static final String COPY_INCOMING = "COPY incoming FROM STDIN";
    static final String INSERT_INCOMING = "INSERT INTO incoming VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /**
     * The signed records of the batch not stored yet (the first of the batch per (device, seq)), and
     * the devices' figures updated with them; answers how many were stored.
     */
    static final String STORE_SIGNED = "WITH ins AS ("
            + " INSERT INTO records (device, seq, t, kind, leaf, hash, cose, linked, verified_at, key_id, owner)"
            + " SELECT DISTINCT ON (device, seq) device, seq, t, kind, leaf, hash, cose, linked, verified_at, key_id, owner"
            + " FROM incoming WHERE cose IS NOT NULL ORDER BY device, seq, ord"
            + " ON CONFLICT (device, seq) DO NOTHING RETURNING device, seq, verified_at),"
            + " dev AS (INSERT INTO devices AS d (device, first_seen, last_seen, records, max_seq)"
            + " SELECT device, min(verified_at), max(verified_at), count(*), max(seq) FROM ins GROUP BY device"
            + " ON CONFLICT (device) DO UPDATE SET"
            + " first_seen = least(d.first_seen, excluded.first_seen), last_seen = greatest(d.last_seen, excluded.last_seen),"
            + " records = d.records + excluded.records, max_seq = greatest(d.max_seq, excluded.max_seq))"
            + " SELECT count(*) FROM ins";

    /** Signed records of the batch whose (device, seq) is stored with another chain hash: forks. */
    static final String FORKS = "SELECT i.device, i.seq, i.hash, r.hash, i.verified_at FROM incoming i"
            + " JOIN records r ON r.device = i.device AND r.seq = i.seq"
            + " WHERE i.cose IS NOT NULL AND r.hash <> i.hash ORDER BY i.ord";

    /** Erasures whose leaf and chain hashes match the signed record stored: the record is erased. */
    static final String ERASE = "WITH e AS ("
            + " UPDATE records r SET t = NULL, kind = NULL, subject = NULL, owner = NULL, cose = NULL,"
            + " erased_at = i.verified_at"
            + " FROM incoming i WHERE i.cose IS NULL AND r.device = i.device AND r.seq = i.seq"
            + " AND r.hash = i.hash AND r.leaf = i.leaf AND r.cose IS NOT NULL RETURNING r.device),"
            + " dev AS (UPDATE devices d SET erased = d.erased + c.n"
            + " FROM (SELECT device, count(*) AS n FROM e GROUP BY device) c WHERE d.device = c.device)"
            + " SELECT count(*) FROM e";

    /** Erasures that match no stored record: refused, reported. */
    static final String REFUSED_ERASURES = "SELECT i.device, i.seq, i.verified_at, r.seq IS NULL FROM incoming i"
            + " LEFT JOIN records r ON r.device = i.device AND r.seq = i.seq"
            + " WHERE i.cose IS NULL AND (r.seq IS NULL OR r.hash <> i.hash OR r.leaf <> i.leaf) ORDER BY i.ord";

    /** One finding, once; the device's figures counted with it. */
    static final String INSERT_FINDING = "WITH f AS ("
            + " INSERT INTO findings (device, seq, last_seq, type, detail, at) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (device, seq, last_seq, type, at, md5(detail)) DO NOTHING RETURNING device, type)"
            + " INSERT INTO devices AS d (device, findings, forks)"
            + " SELECT device, count(*), count(*) FILTER (WHERE type = 'fork') FROM f GROUP BY device"
            + " ON CONFLICT (device) DO UPDATE SET findings = d.findings + excluded.findings,"
            + " forks = d.forks + excluded.forks";

    /** A record with its data key's row (absent for a row of version 1, wrapped NULL once destroyed). */
    static final String RECORD_COLUMNS = "r.device, r.seq, r.t, r.kind, r.subject, r.leaf, r.hash, r.cose, r.linked,"
            + " r.verified_at, r.key_id, k.owner, k.wrapped FROM records r LEFT JOIN store_keys k ON k.id = r.key_id";

    static final String TIMELINE = "SELECT " + RECORD_COLUMNS
            + " WHERE r.owner = ? AND r.t >= ? AND r.t < ? ORDER BY r.t, r.device, r.seq";
    static final String DEVICE_RECORDS = "SELECT " + RECORD_COLUMNS
            + " WHERE r.device = ? AND r.seq BETWEEN ? AND ? ORDER BY r.seq";

    /** Erasure of a subject: had it ever a key? */
    static final String OWNER_KNOWN = "SELECT count(*) FROM store_keys WHERE owner = ?";
    /** Erasure of a subject: its live key destroyed (waits for writers holding it FOR SHARE). */
    static final String DESTROY_KEYS = "UPDATE store_keys SET wrapped = NULL, destroyed_at = now()"
            + " WHERE owner = ? AND destroyed_at IS NULL RETURNING id";
    /** Erasure of a subject: its records made hash-only (time, kind and owner tag cleared). */
    static final String SHRED_RECORDS = "WITH s AS (UPDATE records SET t = NULL, kind = NULL, subject = NULL,"
            + " owner = NULL, shredded_at = now() WHERE owner = ? AND shredded_at IS NULL RETURNING key_id)"
            + " SELECT key_id, count(*) FROM s GROUP BY key_id";
    static final String COUNT_SHREDDED = "UPDATE store_keys SET records_shredded = coalesce(records_shredded, 0) + ?"
            + " WHERE id = ?";
    static final String DEVICES = "SELECT device, first_seen, last_seen, records, erased, findings, forks, max_seq"
            + " FROM devices ORDER BY device";
    static final String FINDINGS_OF_TYPE = "SELECT device, seq, last_seq, type, detail, at FROM findings"
            + " WHERE type = ? ORDER BY at, id";
    static final String COUNT_RECORDS = "SELECT count(*) FROM records";
    static final String COUNT_DEVICES = "SELECT count(*) FROM devices";
    static final String COUNT_FINDINGS_BY_TYPE = "SELECT type, count(*) FROM findings GROUP BY type";
}
