package io.certigate.verifier.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Certificate Transparency reference vectors of RFC 6962 §2.1 (see resources/merkle/README.md). */
@Tag("unit")
class MerkleReferenceVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    private final List<byte[]> inputs = new ArrayList<>();
    private final Map<Integer, byte[]> roots = new TreeMap<>();
    private final List<String[]> paths = new ArrayList<>();

    MerkleReferenceVectorsTest() throws IOException {
        for (String line : lines("ct-reference-vectors.txt")) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "leaf":
                    inputs.add(f.length > 1 ? HEX.parseHex(f[1]) : new byte[0]);
                    break;
                case "root":
                    roots.put(Integer.parseInt(f[1]), HEX.parseHex(f[2]));
                    break;
                case "path":
                    paths.add(f);
                    break;
                default:
                    throw new IllegalStateException("unknown vector line " + line);
            }
        }
    }

    private static List<String> lines(String name) throws IOException {
        try (InputStream in = MerkleReferenceVectorsTest.class.getResourceAsStream("/merkle/" + name)) {
            List<String> out = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!l.isBlank() && !l.startsWith("#")) {
                    out.add(l.strip());
                }
            }
            return out;
        }
    }

    private List<byte[]> leafHashes(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(MerkleHash.leaf(inputs.get(i)));
        }
        return out;
    }

    private static List<byte[]> hashes(String[] f, int from) {
        List<byte[]> out = new ArrayList<>();
        for (int i = from; i < f.length; i++) {
            out.add(HEX.parseHex(f[i]));
        }
        return out;
    }

    @Test
    void rootsOfTheFirstNInputsMatchTheReference() {
        assertThat(inputs).hasSize(8);
        assertThat(MerkleTree.emptyRoot()).isEqualTo(roots.get(0));
        for (int n = 1; n <= 8; n++) {
            assertThat(MerkleTree.build(leafHashes(n)).root()).as("root of %d", n).isEqualTo(roots.get(n));
        }
    }

    @Test
    void auditPathsMatchTheReferenceAndVerify() {
        assertThat(paths).hasSize(5);
        for (String[] f : paths) {
            int m = Integer.parseInt(f[1]);
            int n = Integer.parseInt(f[2]);
            MerkleTree tree = MerkleTree.build(leafHashes(n));
            InclusionProof expected = new InclusionProof(m, n, hashes(f, 3));
            assertThat(tree.inclusionProof(m)).as("path %d of %d", m, n).isEqualTo(expected);
            assertThat(InclusionVerifier.check(MerkleHash.leaf(inputs.get(m)), expected, roots.get(n)).valid()).isTrue();
        }
    }

    @Test
    void corruptVariantsOfTheReferenceProofsAreRefused() throws IOException {
        List<String> corrupt = lines("ct-reference-vectors-corrupt.txt");
        assertThat(corrupt).hasSize(6);
        for (String line : corrupt) {
            String[] f = line.split(" ");
            byte[] leaf = MerkleHash.leaf(inputs.get(Integer.parseInt(f[1])));
            InclusionProof p = new InclusionProof(Long.parseLong(f[2]), Long.parseLong(f[3]), hashes(f, 4));
            InclusionVerifier.Result r = InclusionVerifier.check(leaf, p, roots.get(Integer.parseInt(f[3])));
            assertThat(r.valid()).as(line).isFalse();
            assertThat(r.reason()).isNotBlank();
        }
    }
}
