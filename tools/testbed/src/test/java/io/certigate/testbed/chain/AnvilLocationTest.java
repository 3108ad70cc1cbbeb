package io.certigate.testbed.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the dev chain's anvil binary is found: from the installation, whatever the working directory. */
@Tag("unit")
class AnvilLocationTest {
    static final String BIN = DevChain.binary("Linux", "amd64");

    @TempDir
    Path dir;

    private Path installation(String name) throws IOException {
        Path root = dir.resolve(name);
        Path bin = root.resolve(BIN);
        Files.createDirectories(bin.getParent());
        Files.writeString(bin, "# anvil");
        return root;
    }

    @Test
    void theBinaryIsThatOfThePlatformPackage() {
        assertThat(BIN).isEqualTo("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
        assertThat(DevChain.binary("Linux", "aarch64")).isEqualTo("node_modules/@foundry-rs/anvil-linux-arm64/bin/anvil");
        assertThat(DevChain.binary("Mac OS X", "aarch64")).isEqualTo("node_modules/@foundry-rs/anvil-darwin-arm64/bin/anvil");
        assertThat(DevChain.binary("Mac OS X", "x86_64")).isEqualTo("node_modules/@foundry-rs/anvil-darwin-amd64/bin/anvil");
        assertThat(DevChain.binary("Windows 11", "amd64"))
                .isEqualTo("node_modules/@foundry-rs/anvil-win32-amd64/bin/anvil.exe");
    }

    @Test
    void theLaunchersHomeIsUsedFirst() throws Exception {
        Path home = installation("home");
        Path other = installation("other");
        Path found = DevChain.locateAnvil(Map.of("certigate.home", home.toString())::get,
                other.resolve("gateway-app/target/lib/anchor-client.jar"), BIN);
        assertThat(found).isEqualTo(home.resolve(BIN));
    }

    @Test
    void withoutAHomeTheDirectoriesAboveTheJarAreSearched() throws Exception {
        Path root = installation("repo");
        Path jar = root.resolve("gateway-app/target/lib/anchor-client-0.1.0.jar");
        assertThat(DevChain.locateAnvil(Map.<String, String>of()::get, jar, BIN)).isEqualTo(root.resolve(BIN));
    }

    @Test
    void theWorkingDirectoryIsNotSearched() throws Exception {
        // the test's working directory (the module) sits under the repository, whose node_modules holds anvil
        Path elsewhere = dir.resolve("opt/certigate/lib/anchor-client.jar");
        assertThatThrownBy(() -> DevChain.locateAnvil(Map.<String, String>of()::get, elsewhere, BIN))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no " + BIN + " in any directory above " + elsewhere)
                .hasMessageContaining("npm ci").hasMessageContaining("-Dcertigate.home");
    }

    @Test
    void aHomeWithoutTheNpmPackageIsAClearError() {
        Path home = dir.resolve("bare");
        assertThatThrownBy(() -> DevChain.locateAnvil(Map.of("certigate.home", home.toString())::get, null, BIN))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(home.resolve(BIN).toString())
                .hasMessageContaining("npm ci").hasMessageContaining("installation " + home);
    }

    @Test
    void anExplicitBinaryWins() throws Exception {
        Path bin = installation("explicit").resolve(BIN);
        Path home = installation("home");
        assertThat(DevChain.locateAnvil(Map.of("certigate.anvil", bin.toString(), "certigate.home", home.toString())::get,
                null, BIN)).isEqualTo(bin);
        assertThatThrownBy(() -> DevChain.locateAnvil(Map.of("certigate.anvil", dir.resolve("nope").toString())::get, null, BIN))
                .hasMessageContaining(dir.resolve("nope").toString()).hasMessageContaining("-Dcertigate.anvil");
    }
}
