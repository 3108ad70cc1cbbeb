package io.certigate.app.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.certigate.consent.ConsentRegistryClient;
import io.certigate.consent.SubjectSalts;
import io.certigate.verifier.consent.Consent;
import io.certigate.verifier.consent.ConsentReader;
import io.certigate.verifier.consent.SubjectHash;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.web3j.crypto.Keys;

/**
 * The holder's page: a small web server on the holder's own machine (127.0.0.1 only) showing the
 * holder's subjects, their consents with their state at the current block, the accesses the fleet's
 * consumer API logged for the holder, and a Revoke button per consent in force, which signs the
 * revocation with the holder's ledger account. The holder's key never leaves the machine.
 *
 * <p>Every URL starts with a random per-run token ({@code /<token>/}), and a revocation's form
 * carries it again as a field: another local user or a page in the holder's browser, who does not
 * know the token, cannot read the page or make a revocation (a cross-site POST is also refused by its
 * {@code Origin}). The page is plain server-rendered HTML, every value escaped, with no script and
 * no fetch of anything (its Content-Security-Policy allows none).
 */
public final class HolderPage implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ConsentRegistryClient registry;
    private final String holder;
    private final Path subjects;
    private final FleetAccesses fleet;
    private final String token;
    private final HttpServer server;
    private final ExecutorService executor;

    /** The fleet's consumer API, asked with the holder's client certificate for the holder's access log. */
    public record FleetAccesses(URI base, SSLContext tls) {}

    private HolderPage(ConsentRegistryClient registry, String holder, Path subjects, FleetAccesses fleet, int port)
            throws IOException {
        this.registry = registry;
        this.holder = holder.toLowerCase();
        this.subjects = subjects;
        this.fleet = fleet;
        byte[] t = new byte[24];
        new SecureRandom().nextBytes(t);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(t);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        // one request at a time: a revocation is one transaction, waited for
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread th = new Thread(r, "holder-page");
            th.setDaemon(true);
            return th;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /**
     * Serves the page on 127.0.0.1:{@code port} (0: any free port).
     *
     * @param registry the consent registry, with the holder's account for revocations
     * @param fleet    where to read the holder's accesses, or null
     */
    public static HolderPage start(ConsentRegistryClient registry, String holder, Path subjects, FleetAccesses fleet,
            int port) throws IOException {
        HolderPage p = new HolderPage(registry, holder, subjects, fleet, port);
        p.server.start();
        return p;
    }

    /** The page's address, with its token. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + token + "/");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getRawPath();
            int slash = path.indexOf('/', 1);
            // the token compared in constant time; a Host other than the page's own (a name rebound to
            // 127.0.0.1 by another site's DNS) is refused as well
            if (slash < 0 || !equal(path.substring(1, slash), token)
                    || !("127.0.0.1:" + server.getAddress().getPort()).equals(x.getRequestHeaders().getFirst("Host"))) {
                send(x, 404, "text/plain; charset=utf-8", "not found\n");
                return;
            }
            String rest = path.substring(slash + 1);
            if (rest.isEmpty() && "GET".equals(x.getRequestMethod())) {
                send(x, 200, "text/html; charset=utf-8", page(null));
            } else if (rest.equals("revoke") && "POST".equals(x.getRequestMethod())) {
                revoke(x);
            } else {
                send(x, 404, "text/plain; charset=utf-8", "not found\n");
            }
        } catch (Exception e) {
            try {
                send(x, 500, "text/html; charset=utf-8", page("<p class=\"error\">" + esc(String.valueOf(e.getMessage()))
                        + "</p>"));
            } catch (Exception again) {
                send(x, 500, "text/plain; charset=utf-8", "error: " + e.getMessage() + "\n");
            }
        }
    }

    private void revoke(HttpExchange x) throws Exception {
        String origin = x.getRequestHeaders().getFirst("Origin");
        String self = "http://127.0.0.1:" + server.getAddress().getPort();
        if (origin != null && !origin.equals(self)) {
            send(x, 403, "text/plain; charset=utf-8", "refused: a revocation is made from this page only\n");
            return;
        }
        String type = x.getRequestHeaders().getFirst("Content-Type");
        byte[] body = x.getRequestBody().readNBytes(4096);
        Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
        if (type == null || !type.startsWith("application/x-www-form-urlencoded")
                || !equal(form.getOrDefault("token", ""), token)) {
            send(x, 403, "text/plain; charset=utf-8", "refused: the form's token is missing or wrong\n");
            return;
        }
        long id;
        try {
            id = Long.parseLong(form.getOrDefault("id", ""));
        } catch (NumberFormatException e) {
            send(x, 400, "text/plain; charset=utf-8", "refused: no consent id\n");
            return;
        }
        String notice;
        int status = 200;
        try {
            ConsentRegistryClient.Receipt r = registry.revoke(id);
            notice = "<p class=\"done\" id=\"revoked\">Revoked consent <span class=\"consent-id\">" + id
                    + "</span> in block <span class=\"block\">" + r.block() + "</span>, transaction <code class=\"tx\">"
                    + esc(r.txHash()) + "</code>: it is not in force from that block on.</p>";
        } catch (Exception e) {
            status = 409;
            notice = "<p class=\"error\">Consent " + id + " was not revoked: " + esc(String.valueOf(e.getMessage())) + "</p>";
        }
        send(x, status, "text/html; charset=utf-8", page(notice));
    }

    /** The whole page, with {@code notice} (trusted HTML) at its top. */
    String page(String notice) throws Exception {
        SubjectSalts salts = SubjectSalts.load(subjects);
        ConsentReader.BlockRef head = registry.head();
        List<Consent> consents = registry.consentsOf(holder);
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Consents of ")
                .append(esc(Keys.toChecksumAddress(holder))).append("</title><style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:.5em 0 1.5em}")
                .append("td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left;vertical-align:top}")
                .append("code{font-size:.85em;word-break:break-all}.done{background:#e6f4e6;padding:.6em}")
                .append(".error{background:#fbe3e3;padding:.6em}.in-force{color:#064}.revoked,.expired{color:#933}")
                .append("</style></head><body>\n");
        h.append("<h1>Consents of <code id=\"holder\">").append(esc(Keys.toChecksumAddress(holder))).append("</code></h1>\n");
        h.append("<p>Consent registry <code>").append(esc(registry.address())).append("</code>, state at block <span id=\"head\">")
                .append(head.number()).append("</span> (").append(esc(head.time().toString())).append(").</p>\n");
        if (notice != null) {
            h.append(notice).append('\n');
        }

        h.append("<h2>Subjects</h2>\n");
        if (salts.subjects().isEmpty()) {
            h.append("<p>No subject in ").append(esc(subjects.toString())).append(".</p>\n");
        } else {
            h.append("<table id=\"subjects\"><tr><th>subject</th><th>on chain as (salted hash)</th></tr>\n");
            for (String s : salts.subjects()) {
                h.append("<tr class=\"subject\"><td>").append(esc(s)).append("</td><td><code>")
                        .append(esc(SubjectHash.hex(SubjectHash.of(salts.salt(s).orElseThrow(), s))))
                        .append("</code></td></tr>\n");
            }
            h.append("</table>\n");
        }

        h.append("<h2>Consents</h2>\n");
        if (consents.isEmpty()) {
            h.append("<p>No consent granted.</p>\n");
        } else {
            h.append("<table id=\"consents\"><tr><th>id</th><th>subject</th><th>consumer</th><th>purpose</th>")
                    .append("<th>kinds</th><th>valid</th><th>state</th><th></th></tr>\n");
            for (Consent k : consents) {
                Consent.State st = k.stateAt(head.number(), head.time());
                h.append("<tr class=\"consent\" id=\"consent-").append(k.id()).append("\"><td>").append(k.id())
                        .append("</td><td>").append(esc(salts.subjectOf(k.subject())
                                .orElse("(not in the subjects file) " + SubjectHash.hex(k.subject()))))
                        .append("</td><td><code>").append(esc(Keys.toChecksumAddress(k.consumer()))).append("</code></td><td>")
                        .append(esc(k.purpose())).append("</td><td>").append(esc(String.join(", ", k.kinds())))
                        .append("</td><td>from ").append(esc(k.validFrom().toString())).append("<br>until ")
                        .append(esc(k.validUntil().toString())).append("</td><td class=\"state ")
                        .append(stateClass(st)).append("\">").append(esc(stateText(k, st))).append("</td><td>");
                if (st.inForce()) {
                    h.append("<form method=\"post\" action=\"/").append(token).append("/revoke\">")
                            .append("<input type=\"hidden\" name=\"token\" value=\"").append(token).append("\">")
                            .append("<input type=\"hidden\" name=\"id\" value=\"").append(k.id()).append("\">")
                            .append("<button type=\"submit\">Revoke</button></form>");
                }
                h.append("</td></tr>\n");
            }
            h.append("</table>\n");
        }

        h.append("<h2>Accesses</h2>\n");
        accesses(h, salts);
        h.append("</body></html>\n");
        return h.toString();
    }

    private void accesses(StringBuilder h, SubjectSalts salts) {
        if (fleet == null) {
            h.append("<p>No fleet given (--fleet): the accesses are not shown.</p>\n");
            return;
        }
        URI uri = fleet.base().resolve("/v1/holders/" + Keys.toChecksumAddress(holder) + "/accesses");
        JsonNode doc;
        try {
            HttpResponse<String> r = HttpClient.newBuilder().sslContext(fleet.tls()).connectTimeout(Duration.ofSeconds(10))
                    .build().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                h.append("<p class=\"error\">The fleet answered ").append(r.statusCode()).append(": ")
                        .append(esc(r.body())).append("</p>\n");
                return;
            }
            doc = JSON.readTree(r.body());
        } catch (Exception e) {
            h.append("<p class=\"error\">The fleet's access log could not be read from ").append(esc(uri.toString()))
                    .append(": ").append(esc(String.valueOf(e.getMessage()))).append("</p>\n");
            return;
        }
        JsonNode list = doc.path("accesses");
        h.append("<p>Logged by the fleet at ").append(esc(fleet.base().toString())).append(": ").append(list.size())
                .append(".</p>\n");
        if (list.isEmpty()) {
            return;
        }
        h.append("<table id=\"accesses\"><tr><th>at</th><th>block</th><th>consumer</th><th>subject</th><th>purpose</th>")
                .append("<th>endpoint</th><th>outcome</th><th>reason</th><th>kinds served</th></tr>\n");
        for (JsonNode a : list) {
            String subject = a.path("subjectHash").asText("");
            String named = subject;
            try {
                named = salts.subjectOf(HexFormat.of().parseHex(subject.startsWith("0x") ? subject.substring(2) : subject))
                        .orElse(subject);
            } catch (IllegalArgumentException notHex) {
                // shown as the fleet gave it
            }
            StringBuilder kinds = new StringBuilder();
            a.path("kinds").forEach(k -> kinds.append(kinds.length() == 0 ? "" : ", ").append(k.asText()));
            h.append("<tr class=\"access ").append(esc(a.path("outcome").asText())).append("\"><td>")
                    .append(esc(a.path("at").asText())).append("</td><td>").append(a.path("block").asLong())
                    .append("</td><td><code>").append(esc(a.path("consumer").asText())).append("</code><br>")
                    .append(esc(a.path("consumerCertificate").asText())).append("</td><td>").append(esc(named))
                    .append("</td><td>").append(esc(a.path("purpose").asText())).append("</td><td>")
                    .append(esc(a.path("endpoint").asText())).append("</td><td>").append(esc(a.path("outcome").asText()))
                    .append("</td><td>").append(esc(a.path("reason").asText())).append("</td><td>")
                    .append(esc(kinds.toString())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    static String stateText(Consent k, Consent.State st) {
        return switch (st) {
            case IN_FORCE -> "in force";
            case REVOKED -> "revoked at block " + k.revokedIn();
            case EXPIRED -> "expired";
            case NOT_YET_VALID -> "not yet valid";
            case NOT_GRANTED -> "not granted yet";
        };
    }

    private static String stateClass(Consent.State st) {
        return st.name().toLowerCase().replace('_', '-');
    }

    /** HTML-escapes text for element content and quoted attribute values. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static Map<String, String> form(String body) {
        Map<String, String> m = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    private static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        x.getResponseHeaders().set("X-Frame-Options", "DENY");
        x.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }
}
