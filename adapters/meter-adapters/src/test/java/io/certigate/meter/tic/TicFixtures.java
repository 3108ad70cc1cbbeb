package io.certigate.meter.tic;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Loads the raw TIC captures under src/test/resources/io/certigate/meter/tic (see the README there). */
final class TicFixtures {
    private TicFixtures() {}

    static byte[] raw(String name) {
        try (InputStream in = TicFixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
