package io.certigate.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a configured host stays on this machine: {@code localhost}, an IPv4 literal in
 * 127.0.0.0/8 or the IPv6 literal {@code ::1} (brackets allowed). Names are not resolved: a
 * configuration check must not wait for DNS, and a name other than {@code localhost} may point
 * anywhere.
 */
public final class LoopbackHost {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private LoopbackHost() {}

    /** {@code true} for a loopback host as above; {@code false} for anything else, null included. */
    public static boolean is(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.toLowerCase(Locale.ROOT).equals("localhost")) {
            return true;
        }
        if (!IPV4.matcher(h).matches() && !(h.contains(":") && h.matches("[0-9A-Fa-f:.]+"))) {
            return false; // a name: not resolved
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, no look-up
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
