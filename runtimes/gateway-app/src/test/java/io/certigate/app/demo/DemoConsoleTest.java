package io.certigate.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CertigateCli;
import io.certigate.app.CliRun;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate demo} as a user runs it, in a JVM of its own started outside the repository:
 * the dev chain is found from the installation, not the working directory, and the console shows
 * certigate's own log lines and the libraries' warnings only (Californium alone printed 84 INFO
 * lines), all in one format.
 */
@Tag("integration")
class DemoConsoleTest {
    /** {@code HH:mm:ss.SSS LEVEL Logger: message}. */
    private static final Pattern LINE = Pattern.compile("\\d{2}:\\d{2}:\\d{2}\\.\\d{3} (ERROR|WARN |INFO |DEBUG|TRACE) ([\\w$]+): .*");

    @TempDir
    Path dir;

    @Test
    void runsFromAnyDirectoryAndTheConsoleShowsCertigatesLinesInOneFormat() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path work = dir.resolve("work");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), CertigateCli.class.getName(), "demo", "--duration", "5s",
                "--dir", work.toString())
                .directory(elsewhere.toFile())
                .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        pb.environment().remove("CERTIGATE_LOG_VERBOSE");
        pb.environment().remove("CERTIGATE_LOG_FILE");
        Process p = pb.start();
        try {
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("demo finished within 5 minutes").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("stdout"));
        String err = Files.readString(dir.resolve("stderr"));
        assertThat(p.exitValue()).as(out + err).isZero();
        assertThat(out).contains("  ledger: anvil dev chain").contains("demo: everything verified");

        Set<String> own = certigateClassNames();
        List<String> lines = err.lines().toList();
        assertThat(lines).as("certigate's own log lines").isNotEmpty()
                .anyMatch(l -> l.contains(" DevChain: dev chain 1337 up on"));
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as("console line in the log format: %s", line).isTrue();
            if (!m.group(1).startsWith("WARN") && !m.group(1).startsWith("ERROR")) {
                assertThat(own).as("INFO from a library: %s", line).contains(m.group(2));
            }
        }

        // the demo's own files: an option that does not apply to them, or lacks its companion, is refused
        CliRun.Result json = CliRun.run("verify", work.resolve("vehicle/proof.json").toString(), "--json");
        assertThat(json.exit()).as(json.out() + json.err()).isZero();
        assertThat(json.out()).contains("\"kind\" : \"proof-bundle\"").contains("\"result\" : \"valid-partial\"");
        CliRun.Result rpc = CliRun.run("verify", work.resolve("vehicle/export.json").toString(), "--rpc", "http://127.0.0.1:1/");
        assertThat(rpc.exit()).isEqualTo(2);
        assertThat(rpc.err()).contains("--rpc on an export needs --contract ADDRESS");
    }

    /** Simple names of the classes under io/certigate on this test's class path (module jars or classes folders). */
    private static Set<String> certigateClassNames() throws IOException {
        Set<String> names = new HashSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path.resolve("io/certigate"))) {
                try (Stream<Path> files = Files.walk(path.resolve("io/certigate"))) {
                    files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".class"))
                            .forEach(n -> names.add(n.substring(0, n.length() - ".class".length())));
                }
            } else if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
                try (ZipFile jar = new ZipFile(path.toFile())) {
                    jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("io/certigate/") && n.endsWith(".class"))
                            .forEach(n -> names.add(n.substring(n.lastIndexOf('/') + 1, n.length() - ".class".length())));
                }
            }
        }
        return names;
    }
}
