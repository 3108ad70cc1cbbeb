package io.certigate.verifier.statement;

import io.certigate.verifier.Verdict;
import io.certigate.verifier.Verdict.Check;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks a device's chain of batch statements, oldest first: each statement signed by the device
 * key and naming the device, its {@code prev} the SHA-256 of the statement before it (32 zero
 * bytes for the device's first, or the hash of the last statement the caller already holds), and
 * its seq range continuing the previous one's without a gap or an overlap. One check per
 * statement, naming what broke: a dropped, reordered, replaced or forged statement breaks the chain
 * at that point.
 */
public final class StatementChainVerifier {
    private StatementChainVerifier() {}

    /** A chain that starts at the device's first statement. */
    public static Verdict verify(String device, List<byte[]> statements, PublicKey deviceKey) {
        return verify(device, statements, deviceKey, BatchStatement.firstPrev(), 0);
    }

    /**
     * A chain that continues from a statement already verified: {@code prev} is that statement's
     * hash ({@link BatchStatementCodec#hash}) and {@code lastSeq} its last seq (0 with the zero
     * hash: the chain starts at the device's first statement, at any seq).
     */
    public static Verdict verify(String device, List<byte[]> statements, PublicKey deviceKey, byte[] prev,
            long lastSeq) {
        List<Check> checks = new ArrayList<>();
        byte[] expectedPrev = prev.clone();
        long previousLast = lastSeq;
        boolean broken = false;
        for (int i = 0; i < statements.size(); i++) {
            byte[] cose = statements.get(i);
            String subject = "statement " + i;
            BatchStatement s;
            try {
                s = BatchStatementCodec.read(cose, deviceKey);
            } catch (StatementFormatException e) {
                checks.add(Check.fail(subject, e.getMessage()));
                broken = true;
                expectedPrev = BatchStatementCodec.hash(cose);
                continue;
            }
            subject = "statement " + i + " (seq " + s.firstSeq() + ".." + s.lastSeq() + ")";
            if (!s.device().equals(device)) {
                checks.add(new Check(subject, s.firstSeq(), false, "names device " + s.device() + ", not " + device));
            } else if (!MessageDigest.isEqual(s.prev(), expectedPrev)) {
                checks.add(new Check(subject, s.firstSeq(), false, "its previous-statement hash "
                        + HexFormat.of().formatHex(s.prev()).substring(0, 16) + "… is not "
                        + (i == 0 && isZero(expectedPrev) ? "the first statement's 32 zero bytes"
                                : "the hash of the statement before it, " + HexFormat.of().formatHex(expectedPrev)
                                        .substring(0, 16) + "…")
                        + " (a statement dropped, reordered or replaced)"));
            } else if (previousLast > 0 && s.firstSeq() != previousLast + 1) {
                checks.add(new Check(subject, s.firstSeq(), false, "starts at seq " + s.firstSeq() + " but the"
                        + " statement before it ended at " + previousLast + (s.firstSeq() > previousLast + 1
                                ? " (records " + (previousLast + 1) + ".." + (s.firstSeq() - 1) + " in no statement)"
                                : " (overlapping ranges)")));
            } else {
                checks.add(new Check(subject, s.firstSeq(), true, "signed by the device, root "
                        + HexFormat.of().formatHex(s.root()).substring(0, 16) + "… over " + s.treeSize()
                        + " records" + (broken ? "" : ", chained to the one before")));
            }
            expectedPrev = BatchStatementCodec.hash(cose);
            previousLast = s.lastSeq();
        }
        if (checks.isEmpty()) {
            checks.add(Check.fail("statements", "no statement to check"));
        }
        return new Verdict(checks, List.of());
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
