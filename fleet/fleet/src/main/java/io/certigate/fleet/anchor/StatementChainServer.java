package io.certigate.fleet.anchor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.certigate.fleet.store.StoreConnector;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;

/**
 * Serves a device's accepted statement chain, read only: {@code GET /devices/<id>/statements} →
 * {@code {"device": id, "fleet": fleet id, "statements": [{"first", "last", "interval", "cose",
 * "receipt"}]}}, oldest first, COSE bytes and receipts base64url (a receipt is null until its fleet
 * root is anchored). A verifier checks it with {@code io.certigate.verifier.statement.StatementHistoryVerifier}.
 * Its database connection is opened at the first request and again after a failure (PostgreSQL
 * restarted, say): meanwhile a request gets HTTP 503.
 */
public final class StatementChainServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final StoreConnector connector;
    private final String fleetId;
    private Connection c;

    public StatementChainServer(InetSocketAddress at, StoreConnector connector, String fleetId) throws IOException {
        this.connector = connector;
        this.fleetId = fleetId;
        this.server = HttpServer.create(at, 0);
        server.createContext("/devices/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            String[] parts = path.split("/");
            if (!"GET".equals(x.getRequestMethod()) || parts.length != 4 || !"statements".equals(parts[3])) {
                reply(x, 404, "{\"error\":\"GET /devices/<id>/statements\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            try {
                reply(x, 200, JSON.writeValueAsBytes(chain(parts[2])));
            } catch (SQLException e) {
                reply(x, 503, "{\"error\":\"store unavailable\"}".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** The JSON document served for {@code device}. */
    public synchronized ObjectNode chain(String device) throws SQLException {
        if (c == null) {
            c = connector.open();
        }
        try {
            return chainOn(c, device);
        } catch (SQLException | RuntimeException e) {
            discard();
            throw e;
        }
    }

    private void discard() {
        Connection gone = c;
        c = null;
        if (gone != null) {
            try {
                gone.close();
            } catch (SQLException ignored) {
                // it is going away anyway
            }
        }
    }

    private ObjectNode chainOn(Connection c, String device) throws SQLException {
        return document(c, device, fleetId);
    }

    /**
     * The document this server answers for {@code device}: its accepted statements, oldest first, each
     * with its interval and receipt (null until anchored); no statement when the aggregator's tables
     * do not exist (yet) in this database.
     */
    public static ObjectNode document(Connection c, String device, String fleetId) throws SQLException {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode doc = JSON.createObjectNode().put("device", device).put("fleet", fleetId);
        ArrayNode list = doc.putArray("statements");
        try (java.sql.Statement st = c.createStatement();
                ResultSet exists = st.executeQuery("SELECT to_regclass('fleet_anchor.statements') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return doc;
            }
        }
        try (PreparedStatement q = c.prepareStatement("SELECT first_seq, last_seq, interval_id, cose, receipt"
                + " FROM fleet_anchor.statements WHERE device = ? AND state = 'accepted' ORDER BY last_seq")) {
            q.setString(1, device);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ObjectNode s = list.addObject().put("first", rs.getLong(1)).put("last", rs.getLong(2));
                    long iv = rs.getLong(3);
                    if (rs.wasNull()) {
                        s.putNull("interval");
                    } else {
                        s.put("interval", iv);
                    }
                    s.put("cose", b64.encodeToString(rs.getBytes(4)));
                    byte[] r = rs.getBytes(5);
                    if (r == null) {
                        s.putNull("receipt");
                    } else {
                        s.put("receipt", b64.encodeToString(r));
                    }
                }
            }
        }
        return doc;
    }

    private static void reply(HttpExchange x, int status, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, body.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        synchronized (this) {
            discard();
        }
    }
}
