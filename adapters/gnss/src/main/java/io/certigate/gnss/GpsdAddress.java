package io.certigate.gnss;

/** Where gpsd listens: {@code host:port}; gpsd's registered port is 2947. */
public record GpsdAddress(String host, int port) {
    public static final int DEFAULT_PORT = 2947;

    /** {@code host}, {@code host:port} or {@code [v6]:port}. @throws IllegalArgumentException prefixed by {@code what} */
    public static GpsdAddress parse(String text, String what) {
        String t = text.trim();
        String host = t;
        int port = DEFAULT_PORT;
        int colon = t.lastIndexOf(':');
        if (colon > 0 && (t.indexOf(':') == colon || t.startsWith("["))) {
            host = t.substring(0, colon);
            try {
                port = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(what + " = '" + text + "': the port must be 1..65535");
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException(what + " = '" + text + "' is not host:port");
        }
        return new GpsdAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
