package io.certigate.meter.coap;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

final class SenmlFixtures {
    private SenmlFixtures() {}

    static byte[] raw(String name) {
        try (InputStream in = SenmlFixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
