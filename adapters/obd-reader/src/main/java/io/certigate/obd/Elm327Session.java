package io.certigate.obd;

import io.certigate.core.port.SerialLink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One conversation with an ELM327 over a {@link SerialLink} opened from an {@link Elm327Port}: prompt-driven (every command is
 * answered by text ending with {@code >}), one command at a time, each with a timeout.
 * {@link #initialize()} resets and configures the adapter (ATZ, ATE0, ATL0, ATS0 or ATS1, ATH0 or
 * ATH1, ATSP0) and lets it detect the bus protocol (ATDPN); {@link #query} sends an OBD request
 * and parses the answer with {@link Elm327Replies}. Not thread-safe: one poller owns a session.
 */
public final class Elm327Session implements AutoCloseable {

    /**
     * @param headers        ATH1 (print CAN ids, so that several ECUs are told apart) or ATH0
     * @param spaces         ATS1 (keep spaces) or ATS0
     * @param commandTimeout wait for the prompt after an ordinary command
     * @param resetTimeout   wait after ATZ
     * @param searchTimeout  wait for the first OBD request, during which the adapter searches protocols
     */
    public record Options(boolean headers, boolean spaces, Duration commandTimeout, Duration resetTimeout,
            Duration searchTimeout) {
        public static Options defaults() {
            return new Options(true, false, Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(12));
        }

        public Options withHeaders(boolean h) {
            return new Options(h, spaces, commandTimeout, resetTimeout, searchTimeout);
        }

        public Options withSpaces(boolean s) {
            return new Options(headers, s, commandTimeout, resetTimeout, searchTimeout);
        }
    }

    /** What initialisation found out. */
    public record AdapterInfo(String port, String identity, ElmProtocol protocol, boolean vehicleAnswered,
            String firstReply) {}

    private final Elm327Port port;
    private final Options options;
    private final ByteBuffer buffer = ByteBuffer.allocate(512);
    private SerialLink link;
    private HeaderLayout layout = HeaderLayout.NONE;
    private AdapterInfo info;

    public Elm327Session(Elm327Port port, Options options) {
        this.port = port;
        this.options = options;
    }

    /** The port as the operator named it. */
    public String port() {
        return port.name();
    }

    /** The result of the last {@link #initialize()}, or null. */
    public AdapterInfo info() {
        return info;
    }

    /** How replies are read: {@link HeaderLayout#NONE} with ATH0, else the protocol's layout. */
    public HeaderLayout layout() {
        return layout;
    }

    /**
     * Opens the link, resets and configures the adapter, sends {@code 0100} so that the adapter
     * searches the vehicle bus, and reads the protocol it settled on.
     */
    public AdapterInfo initialize() throws IOException, Elm327Exception, InterruptedException {
        close();
        link = port.open();
        String reset = command("ATZ", options.resetTimeout());
        String identity = reset.lines().map(String::trim).filter(l -> l.toUpperCase(Locale.ROOT).contains("ELM"))
                .findFirst().orElseThrow(() -> new Elm327Exception(port(), "ATZ", "no ELM327 identity", reset));
        expectOk("ATE0");
        expectOk("ATL0");
        expectOk(options.spaces() ? "ATS1" : "ATS0");
        expectOk(options.headers() ? "ATH1" : "ATH0");
        expectOk("ATSP0");
        String first = command(ObdRequest.of(0x01, 0x00).command(), options.searchTimeout());
        String dpn = command("ATDPN", options.commandTimeout()).trim();
        ElmProtocol protocol;
        try {
            protocol = ElmProtocol.fromDpn(dpn);
        } catch (IllegalArgumentException e) {
            throw new Elm327Exception(port(), "ATDPN", "not a protocol number", dpn);
        }
        layout = options.headers() && protocol != ElmProtocol.AUTO ? protocol.headerLayout() : HeaderLayout.NONE;
        boolean answered = false;
        try {
            answered = Elm327Replies.parse(ObdRequest.of(0x01, 0x00), layout, first) instanceof ObdReply.Data;
        } catch (ObdReplyException e) {
            answered = false;
        }
        info = new AdapterInfo(port(), identity, protocol, answered, first);
        return info;
    }

    private void expectOk(String cmd) throws IOException, Elm327Exception, InterruptedException {
        String reply = command(cmd, options.commandTimeout());
        if (!reply.toUpperCase(Locale.ROOT).contains("OK")) {
            throw new Elm327Exception(port(), cmd, "command refused", reply);
        }
    }

    /** Sends an OBD request and parses the reply. */
    public ObdReply query(ObdRequest request) throws IOException, Elm327Exception, ObdReplyException, InterruptedException {
        return query(request, options.commandTimeout());
    }

    public ObdReply query(ObdRequest request, Duration timeout)
            throws IOException, Elm327Exception, ObdReplyException, InterruptedException {
        String raw = command(request.command(), timeout);
        return Elm327Replies.parse(request, layout, raw);
    }

    /**
     * Sends one command line and returns everything up to the prompt (without it), the echo
     * included when echo is on.
     */
    public String command(String command, Duration timeout) throws IOException, Elm327Exception, InterruptedException {
        SerialLink link = requireOpen();
        discardPending(link);
        link.write((command + "\r").getBytes(StandardCharsets.US_ASCII));
        StringBuilder reply = new StringBuilder();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted waiting for " + command + " on " + port());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new Elm327Exception(port(), command, "no prompt within " + timeout.toMillis() + " ms",
                        reply.length() == 0 ? null : reply.toString());
            }
            buffer.clear();
            int n = link.read(buffer, Duration.ofNanos(Math.min(left, 200_000_000L)));
            for (int i = 0; i < n; i++) {
                char c = (char) (buffer.get(i) & 0xFF);
                if (c == '>') {
                    return reply.toString();
                }
                reply.append(c);
            }
            if (reply.length() > 8192) {
                throw new Elm327Exception(port(), command, "reply longer than 8192 characters without a prompt",
                        reply.substring(0, 256));
            }
        }
    }

    /** Drops bytes that arrived outside a command (a late reply, adapter noise). */
    private void discardPending(SerialLink link) throws IOException {
        buffer.clear();
        while (link.read(buffer, Duration.ofMillis(1)) > 0) {
            buffer.clear(); // stale input belongs to no command
        }
    }

    private SerialLink requireOpen() throws IOException {
        if (link == null) {
            throw new IOException(port() + ": not open (initialize the session first)");
        }
        return link;
    }

    /** Closes the link; the session may be initialized again. */
    @Override
    public void close() {
        if (link != null) {
            link.close();
            link = null;
        }
    }
}
