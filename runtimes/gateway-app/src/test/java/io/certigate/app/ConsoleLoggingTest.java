package io.certigate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What reaches the console: certigate's INFO, the libraries' (through SLF4J, as Californium logs)
 * only from WARNING unless verbose, one line format for all; the log file takes everything.
 */
class ConsoleLoggingTest {
    /** The console line format: time with milliseconds, level, the logger's last name segment, message. */
    static final String LINE = "\\d{2}:\\d{2}:\\d{2}\\.\\d{3} (ERROR|WARN |INFO |DEBUG|TRACE) [\\w$]+: .*";

    /** Names of their own, so that what other tests' threads in this JVM log is told apart and left out. */
    private static final String LIBRARY = "org.eclipse.californium.core.ConsoleProbe";
    private static final String OWN = "io.certigate.anchor.AnchorProbe";

    @TempDir
    Path dir;

    private static void logSome() {
        System.getLogger(OWN).log(System.Logger.Level.INFO, "anchored batch {0}", 7);
        LoggerFactory.getLogger(LIBRARY).info("Starting server");
        LoggerFactory.getLogger(LIBRARY).warn("cannot bind");
        System.getLogger(OWN).log(System.Logger.Level.DEBUG, "debug detail");
    }

    private static String console(ConsoleLogging.Settings settings) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AutoCloseable installed = ConsoleLogging.install(settings, out)) {
            logSome();
        }
        return out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("Probe: ") || !l.matches(LINE))
                .map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
    }

    @Test
    @Tag("unit")
    void byDefaultTheConsoleShowsCertigatesInfoAndTheLibrariesWarningsInOneFormat() throws Exception {
        String console = console(ConsoleLogging.Settings.DEFAULT);
        assertThat(console.lines()).hasSize(2).allMatch(l -> l.matches(LINE));
        assertThat(console).contains("INFO  AnchorProbe: anchored batch 7").contains("WARN  ConsoleProbe: cannot bind")
                .doesNotContain("Starting server").doesNotContain("debug detail");
    }

    @Test
    @Tag("unit")
    void verboseLetsTheLibrariesInfoThrough() throws Exception {
        String console = console(new ConsoleLogging.Settings(true, null));
        assertThat(console.lines()).hasSize(3).allMatch(l -> l.matches(LINE));
        assertThat(console).contains("INFO  ConsoleProbe: Starting server");
    }

    @Test
    @Tag("component")
    void theLogFileTakesTheLibrariesInfoWhileTheConsoleStaysQuiet() throws Exception {
        Path file = dir.resolve("certigate.log");
        Files.writeString(file, "earlier run\n");
        String console = console(new ConsoleLogging.Settings(false, file));
        assertThat(console).doesNotContain("Starting server").contains("anchored batch 7");
        String logged = Files.readString(file);
        assertThat(logged).startsWith("earlier run\n").contains("INFO  ConsoleProbe: Starting server")
                .contains("INFO  AnchorProbe: anchored batch 7").contains("WARN  ConsoleProbe: cannot bind");
        assertThat(logged.lines().skip(1).filter(l -> !l.startsWith("\t") && !l.startsWith("Caused by")))
                .allMatch(l -> l.matches(LINE));
    }

    @Test
    @Tag("unit")
    void undoingRestoresThePreviousHandlersAndLevels() throws Exception {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        var handlers = java.util.List.of(root.getHandlers());
        Level level = root.getLevel();
        console(new ConsoleLogging.Settings(true, null));
        assertThat(root.getHandlers()).containsExactlyElementsOf(handlers);
        assertThat(root.getLevel()).isEqualTo(level);
    }

    @Test
    @Tag("unit")
    void aLineCarriesTheTimeLevelShortLoggerMessageAndTrace() {
        LogRecord r = new LogRecord(Level.SEVERE, "lost {0} of {1}");
        r.setParameters(new Object[] {"3", "10"});
        r.setLoggerName("org.eclipse.californium.scandium.DTLSConnector");
        r.setInstant(Instant.parse("2026-12-06T17:47:31.042Z"));
        r.setThrown(new IOException("port closed"));
        String line = new ConsoleLogging.LineFormat(ZoneOffset.UTC).format(r);
        assertThat(line).startsWith("17:47:31.042 ERROR DTLSConnector: lost 3 of 10" + System.lineSeparator())
                .contains("java.io.IOException: port closed");
        assertThat(ConsoleLogging.LineFormat.level(Level.FINE)).isEqualTo("DEBUG");
        assertThat(ConsoleLogging.LineFormat.level(Level.WARNING)).isEqualTo("WARN");
        assertThat(ConsoleLogging.LineFormat.level(Level.FINEST)).isEqualTo("TRACE");
    }

    @Test
    @Tag("unit")
    void settingsComeFromTheEnvironmentAPropertyFirst() {
        Map<String, String> env = Map.of("CERTIGATE_LOG_VERBOSE", "true", "CERTIGATE_LOG_FILE", "/var/log/certigate.log");
        assertThat(ConsoleLogging.Settings.from(env::get, Map.<String, String>of()::get))
                .isEqualTo(new ConsoleLogging.Settings(true, Path.of("/var/log/certigate.log")));
        assertThat(ConsoleLogging.Settings.from(env::get, Map.of("certigate.log.verbose", "false")::get).verbose()).isFalse();
        assertThat(ConsoleLogging.Settings.from(Map.<String, String>of()::get, Map.<String, String>of()::get))
                .isEqualTo(ConsoleLogging.Settings.DEFAULT);
        assertThatThrownBy(() -> ConsoleLogging.Settings.from(Map.of("CERTIGATE_LOG_VERBOSE", "loud")::get,
                Map.<String, String>of()::get)).hasMessageContaining("CERTIGATE_LOG_VERBOSE").hasMessageContaining("'loud'");
    }
}
