package io.certigate.testbed.chain;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dev chain's JSON-RPC endpoint: a minimal HTTP/1.1 server on a loopback port (POST bodies by
 * {@code Content-Length} or chunked, keep-alive, {@code Expect: 100-continue}), one thread per
 * connection, each answer written in one piece with TCP_NODELAY. With the JDK's
 * {@code com.sun.net.httpserver} (and {@code HttpClient} forwarding) a request took 40 to 80 ms on a
 * loaded 2-core machine, against about 1 ms for anvil itself, which slowed every test that polls the
 * chain; this takes about 6. Closing it closes every connection, so clients see an outage at once.
 */
final class RpcRelay implements AutoCloseable {
    /** What goes back for one request body. */
    record Answer(int status, String contentType, byte[] body) {
    }

    interface Handler {
        Answer handle(byte[] body);
    }

    private static final int MAX_BODY = 64 << 20;
    private final ServerSocket server;
    private final Handler handler;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    RpcRelay(int port, Handler handler) throws IOException {
        this.server = new ServerSocket();
        // a relay started again on the same port (the dev chain restarted on its folder) must not wait for the
        // previous one's closed connections to leave TIME_WAIT
        server.setReuseAddress(true);
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        this.handler = handler;
        Thread acceptor = new Thread(this::accept, "devchain-relay-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            open.add(s);
            Thread t = new Thread(() -> serve(s), "devchain-relay-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (!closed) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                if (requestLine.isEmpty()) {
                    continue;
                }
                long length = -1;
                boolean chunked = false;
                boolean close = requestLine.endsWith("HTTP/1.0");
                boolean expectContinue = false;
                for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                    int colon = h.indexOf(':');
                    if (colon < 0) {
                        continue;
                    }
                    String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                    switch (name) {
                        case "content-length" -> length = Long.parseLong(value);
                        case "transfer-encoding" -> chunked = value.contains("chunked");
                        case "connection" -> close = value.contains("close") || close && !value.contains("keep-alive");
                        case "expect" -> expectContinue = value.contains("100-continue");
                        default -> { }
                    }
                }
                if (expectContinue) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                byte[] body = chunked ? chunked(in) : in.readNBytes((int) Math.min(Math.max(length, 0), MAX_BODY));
                Answer a = requestLine.startsWith("POST ") ? handler.handle(body)
                        : new Answer(405, "text/plain", "JSON-RPC over POST only".getBytes(StandardCharsets.UTF_8));
                String head = "HTTP/1.1 " + a.status() + " " + reason(a.status()) + "\r\nContent-Type: " + a.contentType()
                        + "\r\nContent-Length: " + a.body().length + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
                byte[] h = head.getBytes(StandardCharsets.US_ASCII);
                byte[] whole = new byte[h.length + a.body().length];
                System.arraycopy(h, 0, whole, 0, h.length);
                System.arraycopy(a.body(), 0, whole, h.length, a.body().length);
                out.write(whole);
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (SocketException | EOFException e) {
            // the client went away, or the relay closed
        } catch (IOException | RuntimeException e) {
            System.getLogger(RpcRelay.class.getName()).log(System.Logger.Level.DEBUG, "relay connection: " + e);
        } finally {
            open.remove(s);
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 405 -> "Method Not Allowed";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    /** One CRLF-terminated line, or null at the end of the stream before any byte. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            if (b.length() > 16_384) {
                throw new IOException("header line too long");
            }
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            if (size == null) {
                throw new EOFException("chunked body cut off");
            }
            int semi = size.indexOf(';');
            int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (n == 0) {
                for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                    // trailers are ignored
                }
                return body.toByteArray();
            }
            if (body.size() + n > MAX_BODY) {
                throw new IOException("request body too large");
            }
            body.write(in.readNBytes(n));
            line(in); // the CRLF after the chunk
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
