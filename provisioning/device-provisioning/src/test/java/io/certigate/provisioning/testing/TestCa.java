package io.certigate.provisioning.testing;

import io.certigate.provisioning.ca.ConsortiumCa;
import io.certigate.signing.CoseAlgorithm;
import java.time.Clock;
import java.time.Duration;

/** A consortium CA whose keys live in the test's memory (real keys, real certificates). */
public final class TestCa {
    private TestCa() {}

    public static ConsortiumCa create(String consortium, Clock clock) throws Exception {
        MemoryKey rootKey = new MemoryKey(CoseAlgorithm.ES256);
        MemoryKey issKey = new MemoryKey(CoseAlgorithm.EDDSA);
        ConsortiumCa.Hierarchy h = ConsortiumCa.init(rootKey, issKey, consortium, clock,
                Duration.ofDays(3650), Duration.ofDays(1825));
        rootKey.withChain(h.rootChain());
        return new ConsortiumCa(issKey.withChain(h.issuingChain()), clock);
    }
}
