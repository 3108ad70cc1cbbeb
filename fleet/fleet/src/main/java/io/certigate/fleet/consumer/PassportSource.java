package io.certigate.fleet.consumer;

import java.util.Optional;
import java.util.Set;

/**
 * Renders a subject's passport page (HTML) limited to the reading kinds a consent covers; the
 * {@code certigate fleet run} role plugs in gateway-app's {@code FleetPassport}.
 */
@FunctionalInterface
public interface PassportSource {
    /** The page of {@code subject} showing only readings of {@code kinds}; empty when the store holds none. */
    Optional<byte[]> html(String subject, Set<String> kinds) throws Exception;
}
