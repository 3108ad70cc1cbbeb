package io.certigate.anchor.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certigate.anchor.ledger.AnchorContract;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build's compiled contract: pinned compiler and EVM version, no post-paris opcode, reproducible. */
class CompiledContractTest {
    private static JsonNode artifact() throws Exception {
        try (InputStream in = CompiledContractTest.class.getResourceAsStream("/io/certigate/anchor/contract/CertigateAnchor.json")) {
            assertThat(in).as("compiled at build time by compile.js").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    /** Opcodes of runtime code, PUSH data skipped, up to the trailing CBOR metadata. */
    private static List<Integer> opcodes(byte[] code) {
        int metadata = ((code[code.length - 2] & 0xff) << 8 | (code[code.length - 1] & 0xff)) + 2;
        List<Integer> ops = new ArrayList<>();
        for (int i = 0; i < code.length - metadata; i++) {
            int op = code[i] & 0xff;
            ops.add(op);
            if (op >= 0x60 && op <= 0x7f) {
                i += op - 0x5f;
            }
        }
        return ops;
    }

    @Test
    @Tag("unit")
    void pinnedCompilerAndParisBytecodeWithoutPush0() throws Exception {
        JsonNode a = artifact();
        assertThat(a.path("compiler").asText()).startsWith("0.8.37+");
        assertThat(a.path("evmVersion").asText()).isEqualTo("paris");
        assertThat(AnchorContract.compiledWith()).contains("0.8.37").contains("paris");
        byte[] runtime = HexFormat.of().parseHex(a.path("deployedBin").asText().substring(2));
        List<Integer> ops = opcodes(runtime);
        assertThat(ops).hasSizeGreaterThan(200).doesNotContain(0x5f); // PUSH0 is shanghai
        assertThat(ops).contains(0xa3); // LOG3: Anchored(root indexed, device indexed, ...)
        List<String> functions = new ArrayList<>();
        a.path("abi").forEach(n -> functions.add(n.path("type").asText() + " " + n.path("name").asText()));
        assertThat(functions).contains("function anchor", "function blockOf", "function setAnchorer",
                "event Anchored", "error AlreadyAnchored", "error NotAllowed", "error NotDeviceAccount");
    }

    @Test
    @Tag("component")
    void recompilingFromTheSameInputGivesTheSameBytes(@TempDir Path out) throws Exception {
        Path script = Path.of("src/main/solidity/compile.js").toAbsolutePath();
        Process p = new ProcessBuilder("node", script.toString(), out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        JsonNode again = new ObjectMapper().readTree(Files.readString(out.resolve("CertigateAnchor.json")));
        assertThat(again.path("bin").asText()).isEqualTo(artifact().path("bin").asText());
        assertThat(again.path("deployedBin").asText()).isEqualTo(artifact().path("deployedBin").asText());
    }
}
