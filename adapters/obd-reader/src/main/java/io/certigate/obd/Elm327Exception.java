package io.certigate.obd;

/**
 * The adapter did not behave like an ELM327: no prompt in time, an AT command refused, an
 * identity that is not an ELM327. Names the port, the command and what came back.
 */
public final class Elm327Exception extends Exception {
    private final String port;
    private final String reply;

    public Elm327Exception(String port, String command, String problem, String reply) {
        super(port + ": " + command + ": " + problem + (reply == null ? "" : ", reply " + ObdReplyException.quote(reply)));
        this.port = port;
        this.reply = reply;
    }

    public String port() {
        return port;
    }

    /** What the adapter sent, possibly partial; null when nothing came. */
    public String reply() {
        return reply;
    }
}
