package io.certigate.fleet.store;

import java.nio.ByteBuffer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;

/** The {@code store_keys} rows: a live data key per owner, found or made in the caller's transaction. */
final class DataKeys {
    /** A live data key. */
    record Key(long id, SecretKey key) {}

    private static final String LIVE = "SELECT id, owner, wrapped FROM store_keys"
            + " WHERE owner = ANY(?) AND destroyed_at IS NULL FOR SHARE";
    private static final String CREATE = "INSERT INTO store_keys (owner, wrapped) VALUES (?, ?)"
            + " ON CONFLICT (owner) WHERE destroyed_at IS NULL DO NOTHING";

    private DataKeys() {}

    /**
     * The live key of each owner tag, made where there is none. The rows are locked FOR SHARE until the
     * transaction ends, so an erasure that destroys one of them waits for the records written under it
     * and then shreds them too; new keys are inserted in a fixed order so that two writers cannot deadlock.
     *
     * @return by {@code ByteBuffer.wrap(owner)}
     */
    static Map<ByteBuffer, Key> liveOrNew(Connection c, StoreKeys keys, Collection<byte[]> owners)
            throws SQLException {
        Map<ByteBuffer, Key> out = new HashMap<>();
        live(c, keys, owners, out);
        if (out.size() < owners.size()) {
            List<byte[]> missing = new ArrayList<>();
            for (byte[] o : owners) {
                if (!out.containsKey(ByteBuffer.wrap(o))) {
                    missing.add(o);
                }
            }
            missing.sort(Comparator.comparing(ByteBuffer::wrap));
            try (PreparedStatement ps = c.prepareStatement(CREATE)) {
                for (byte[] o : missing) {
                    ps.setBytes(1, o);
                    ps.setBytes(2, keys.wrap(o, StoreKeys.newDataKey()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            live(c, keys, missing, out);
            if (out.size() < owners.size()) {
                throw new SQLException("a data key of the fleet store could be neither found nor made");
            }
        }
        return out;
    }

    private static void live(Connection c, StoreKeys keys, Collection<byte[]> owners, Map<ByteBuffer, Key> out)
            throws SQLException {
        Map<ByteBuffer, byte[]> distinct = new LinkedHashMap<>();
        for (byte[] o : owners) {
            distinct.putIfAbsent(ByteBuffer.wrap(o), o);
        }
        try (PreparedStatement ps = c.prepareStatement(LIVE)) {
            Array arr = c.createArrayOf("bytea", distinct.values().toArray(new byte[0][]));
            ps.setArray(1, arr);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    byte[] owner = rs.getBytes(2);
                    out.put(ByteBuffer.wrap(owner), new Key(id, keys.dataKey(id, owner, rs.getBytes(3))));
                }
            }
        }
    }
}
