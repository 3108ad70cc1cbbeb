package io.certigate.app.metrics;

import io.certigate.core.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves {@code GET /metrics} (and {@code HEAD}) in the Prometheus text format on a local address.
 *
 * <p>A minimal HTTP/1.1 responder built so that one client cannot hold the endpoint: each
 * connection is served by a small fixed pool ({@link #WORKERS} threads, a short queue; a connection
 * that finds both full is closed at once), must deliver its whole request header within the request
 * timeout (a trickling client gets no more time than a silent one: each read waits only for what
 * is left of the deadline) and within {@link #MAX_HEADER_BYTES}; every response closes the
 * connection. Any method other than GET and HEAD gets 405, any other path 404.
 */
public final class MetricsServer implements AutoCloseable {
    /** The request timeout when none is given: time for a client to send its whole request header. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Request line plus headers; a longer header gets 431. */
    public static final int MAX_HEADER_BYTES = 8 * 1024;
    /** Threads serving connections. */
    public static final int WORKERS = 4;
    private static final int QUEUED = 16;

    private final Metrics metrics;
    private final Duration requestTimeout;
    private final ServerSocket socket;
    private final ThreadPoolExecutor workers;
    private final Thread acceptor;

    public MetricsServer(Metrics metrics, InetSocketAddress address) throws IOException {
        this(metrics, address, DEFAULT_REQUEST_TIMEOUT);
    }

    public MetricsServer(Metrics metrics, InetSocketAddress address, Duration requestTimeout) throws IOException {
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive: " + requestTimeout);
        }
        this.metrics = metrics;
        this.requestTimeout = requestTimeout;
        socket = new ServerSocket();
        socket.bind(address, QUEUED);
        AtomicInteger n = new AtomicInteger();
        workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUED),
                r -> daemon(r, "metrics-http-" + n.incrementAndGet()));
        acceptor = daemon(this::acceptLoop, "metrics-accept");
        acceptor.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                workers.execute(() -> serve(client));
            } catch (RejectedExecutionException full) {
                closeQuietly(client);
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            long deadline = System.nanoTime() + requestTimeout.toNanos();
            Request req;
            try {
                req = readRequest(client, deadline);
            } catch (SocketTimeoutException e) {
                respond(client, 408, "Request Timeout", null, false);
                return;
            } catch (HeaderTooLarge e) {
                respond(client, 431, "Request Header Fields Too Large", null, false);
                return;
            } catch (MalformedRequest e) {
                respond(client, 400, "Bad Request", null, false);
                return;
            }
            if (req == null) {
                return; // closed before a full header
            }
            boolean head = "HEAD".equals(req.method);
            if (!head && !"GET".equals(req.method)) {
                respond(client, 405, "Method Not Allowed", null, false);
                return;
            }
            if (!"/metrics".equals(req.path)) {
                respond(client, 404, "Not Found", null, false);
                return;
            }
            respond(client, 200, "OK", metrics.render().getBytes(StandardCharsets.UTF_8), head);
        } catch (IOException e) {
            // the client went away: nothing to do
        }
    }

    private record Request(String method, String path) {}

    private static final class HeaderTooLarge extends IOException {
        private static final long serialVersionUID = 1L;
    }

    private static final class MalformedRequest extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** Reads up to the blank line that ends the header, within the deadline; null if the client closed first. */
    private static Request readRequest(Socket client, long deadline) throws IOException {
        InputStream in = client.getInputStream();
        ByteArrayOutputStream header = new ByteArrayOutputStream(256);
        byte[] buf = new byte[1024];
        while (!endsHeader(header)) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new SocketTimeoutException("request header not complete in time");
            }
            client.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int n = in.read(buf, 0, Math.min(buf.length, MAX_HEADER_BYTES + 1 - header.size()));
            if (n < 0) {
                return null;
            }
            header.write(buf, 0, n);
            if (header.size() > MAX_HEADER_BYTES) {
                throw new HeaderTooLarge();
            }
        }
        String text = header.toString(StandardCharsets.ISO_8859_1);
        String[] line = text.substring(0, text.indexOf("\r\n")).split(" ");
        if (line.length != 3 || !line[2].startsWith("HTTP/")) {
            throw new MalformedRequest();
        }
        String path = line[1];
        int query = path.indexOf('?');
        return new Request(line[0], query < 0 ? path : path.substring(0, query));
    }

    private static boolean endsHeader(ByteArrayOutputStream header) {
        int n = header.size();
        if (n < 4) {
            return false;
        }
        // scanning the whole buffer keeps a header that ends inside one read recognised
        return header.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n");
    }

    private static void respond(Socket client, int status, String reason, byte[] body, boolean head) throws IOException {
        byte[] payload = body == null ? new byte[0] : body;
        StringBuilder h = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        if (status == 405) {
            h.append("Allow: GET, HEAD\r\n");
        }
        if (body != null) {
            h.append("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n");
        }
        h.append("Content-Length: ").append(payload.length).append("\r\nConnection: close\r\n\r\n");
        OutputStream out = client.getOutputStream();
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(payload);
        }
        out.flush();
        try {
            client.shutdownOutput();
        } catch (SocketException ignored) {
            // already closed by the peer
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to report
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        workers.shutdownNow();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
