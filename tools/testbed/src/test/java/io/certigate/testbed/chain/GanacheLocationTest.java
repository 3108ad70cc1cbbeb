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

/** Where the dev chain's ganache is found: from the installation, whatever the working directory. */
@Tag("unit")
class GanacheLocationTest {
    @TempDir
    Path dir;

    private Path installation(String name) throws IOException {
        Path root = dir.resolve(name);
        Path cli = root.resolve(DevChain.CLI);
        Files.createDirectories(cli.getParent());
        Files.writeString(cli, "// ganache");
        return root;
    }

    @Test
    void theLaunchersHomeIsUsedFirst() throws Exception {
        Path home = installation("home");
        Path other = installation("other");
        Path found = DevChain.locateGanache(Map.of("certigate.home", home.toString())::get,
                other.resolve("gateway-app/target/lib/anchor-client.jar"));
        assertThat(found).isEqualTo(home.resolve(DevChain.CLI));
    }

    @Test
    void withoutAHomeTheDirectoriesAboveTheJarAreSearched() throws Exception {
        Path root = installation("repo");
        Path jar = root.resolve("gateway-app/target/lib/anchor-client-0.1.0.jar");
        assertThat(DevChain.locateGanache(Map.<String, String>of()::get, jar)).isEqualTo(root.resolve(DevChain.CLI));
    }

    @Test
    void theWorkingDirectoryIsNotSearched() throws Exception {
        // the test's working directory (the module) sits under the repository, whose node_modules holds ganache
        Path elsewhere = dir.resolve("opt/certigate/lib/anchor-client.jar");
        assertThatThrownBy(() -> DevChain.locateGanache(Map.<String, String>of()::get, elsewhere))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no " + DevChain.CLI + " in any directory above " + elsewhere)
                .hasMessageContaining("npm ci").hasMessageContaining("-Dcertigate.home");
    }

    @Test
    void aHomeWithoutTheNpmPackageIsAClearError() {
        Path home = dir.resolve("bare");
        assertThatThrownBy(() -> DevChain.locateGanache(Map.of("certigate.home", home.toString())::get, null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(home.resolve(DevChain.CLI).toString())
                .hasMessageContaining("npm ci").hasMessageContaining("installation " + home);
    }

    @Test
    void anExplicitCliWins() throws Exception {
        Path cli = installation("explicit").resolve(DevChain.CLI);
        Path home = installation("home");
        assertThat(DevChain.locateGanache(Map.of("certigate.ganache", cli.toString(), "certigate.home", home.toString())::get,
                null)).isEqualTo(cli);
        assertThatThrownBy(() -> DevChain.locateGanache(Map.of("certigate.ganache", dir.resolve("nope.js").toString())::get, null))
                .hasMessageContaining(dir.resolve("nope.js").toString()).hasMessageContaining("-Dcertigate.ganache");
    }
}
