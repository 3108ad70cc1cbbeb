package io.certigate.app;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The CLI's logging. Everything logs through java.util.logging (the libraries' SLF4J is bound to it
 * by slf4j-jdk14), so one configuration here decides what reaches the console: certigate's own
 * records from INFO, the libraries' (Californium, web3j, Moquette, Paho) only from WARNING, all in
 * one format, {@code HH:mm:ss.SSS LEVEL Logger: message} (the logger's last name segment).
 *
 * <p>{@code CERTIGATE_LOG_VERBOSE=true} (or {@code -Dcertigate.log.verbose=true}) lets the
 * libraries' INFO through to the console as well; {@code CERTIGATE_LOG_FILE=FILE} (or
 * {@code -Dcertigate.log.file=FILE}) also appends every record from INFO, the libraries' included,
 * to FILE. A JVM started with its own {@code java.util.logging.config.file} or {@code .class} keeps
 * that configuration.
 */
public final class ConsoleLogging {
    /** Loggers under this name are certigate's own. */
    static final String OWN = "io.certigate";
    private static final Logger ROOT = Logger.getLogger("");
    /** Held so that its level is not lost when the logger would otherwise be garbage-collected. */
    private static final Logger CERTIGATE = Logger.getLogger(OWN);

    private ConsoleLogging() {}

    /**
     * What the environment asks for.
     *
     * @param verbose the libraries' INFO reaches the console too
     * @param file    also append everything from INFO to this file, or null
     */
    public record Settings(boolean verbose, Path file) {
        public static final Settings DEFAULT = new Settings(false, null);

        /** From {@code CERTIGATE_LOG_VERBOSE} / {@code CERTIGATE_LOG_FILE}, a system property of the same meaning first. */
        public static Settings from(UnaryOperator<String> env, UnaryOperator<String> properties) {
            String verbose = first(properties.apply("certigate.log.verbose"), env.apply("CERTIGATE_LOG_VERBOSE"));
            String file = first(properties.apply("certigate.log.file"), env.apply("CERTIGATE_LOG_FILE"));
            boolean on = verbose != null && (verbose.equalsIgnoreCase("true") || verbose.equals("1"));
            if (verbose != null && !on && !verbose.equalsIgnoreCase("false") && !verbose.equals("0")) {
                throw new IllegalArgumentException("CERTIGATE_LOG_VERBOSE: '" + verbose + "' is not true or false");
            }
            return new Settings(on, file == null ? null : Path.of(file));
        }

        private static String first(String a, String b) {
            return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
        }
    }

    /** The environment's settings applied to this JVM, console on standard error; a no-op under a JUL config of the user's. */
    public static void installFromEnvironment() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        Settings settings;
        try {
            settings = Settings.from(System::getenv, System::getProperty);
        } catch (IllegalArgumentException e) {
            System.err.println("certigate: " + e.getMessage() + "; logging with the defaults");
            settings = Settings.DEFAULT;
        }
        try {
            install(settings, System.err);
        } catch (IOException e) {
            System.err.println("certigate: cannot open the log file " + settings.file() + " (" + e.getMessage()
                    + "); logging to the console only");
            try {
                install(new Settings(settings.verbose(), null), System.err);
            } catch (IOException cannot) {
                throw new IllegalStateException(cannot); // no file is opened without one
            }
        }
    }

    /**
     * Replaces the root logger's handlers by the console (and file) handler of {@code settings}.
     *
     * @return undoes it: the previous handlers and levels back, the file closed (for tests)
     */
    public static AutoCloseable install(Settings settings, OutputStream console) throws IOException {
        List<Handler> previous = List.of(ROOT.getHandlers());
        Level rootLevel = ROOT.getLevel();
        Level ownLevel = CERTIGATE.getLevel();
        List<Handler> added = new ArrayList<>();
        Formatter format = new LineFormat(ZoneId.systemDefault());
        if (settings.file() != null) {
            OutputStream out = Files.newOutputStream(settings.file(), StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            added.add(new FlushingHandler(out, format, record -> true));
        }
        added.add(new FlushingHandler(new Unclosed(console), format,
                settings.verbose() ? record -> true : ConsoleLogging::ownOrWarning));
        for (Handler h : previous) {
            ROOT.removeHandler(h);
        }
        added.forEach(ROOT::addHandler);
        ROOT.setLevel(settings.verbose() || settings.file() != null ? Level.INFO : Level.WARNING);
        CERTIGATE.setLevel(Level.INFO);
        return () -> {
            for (Handler h : added) {
                ROOT.removeHandler(h);
                h.close();
            }
            previous.forEach(ROOT::addHandler);
            ROOT.setLevel(rootLevel);
            CERTIGATE.setLevel(ownLevel);
        };
    }

    /** The console's filter by default: certigate's records, and the libraries' from WARNING. */
    static boolean ownOrWarning(LogRecord record) {
        String name = record.getLoggerName();
        boolean own = name != null && (name.equals(OWN) || name.startsWith(OWN + "."));
        return own || record.getLevel().intValue() >= Level.WARNING.intValue();
    }

    /** {@code HH:mm:ss.SSS LEVEL Logger: message}, then the stack trace of a thrown exception. */
    static final class LineFormat extends Formatter {
        private final DateTimeFormatter time;

        LineFormat(ZoneId zone) {
            this.time = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(zone);
        }

        @Override
        public String format(LogRecord r) {
            StringBuilder b = new StringBuilder(128).append(time.format(r.getInstant())).append(' ')
                    .append(String.format("%-5s", level(r.getLevel()))).append(' ').append(shortName(r.getLoggerName()))
                    .append(": ").append(formatMessage(r)).append(System.lineSeparator());
            if (r.getThrown() != null) {
                StringWriter trace = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(trace));
                b.append(trace);
            }
            return b.toString();
        }

        /** SLF4J's level names for JUL's (slf4j-jdk14 maps error, warn, info, debug, trace to these). */
        static String level(Level l) {
            int v = l.intValue();
            return v >= Level.SEVERE.intValue() ? "ERROR" : v >= Level.WARNING.intValue() ? "WARN"
                    : v >= Level.INFO.intValue() ? "INFO" : v >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
        }

        static String shortName(String logger) {
            if (logger == null || logger.isEmpty()) {
                return "root";
            }
            return logger.substring(logger.lastIndexOf('.') + 1);
        }
    }

    /** A stream handler that writes each record at once, so that console lines keep their order with stdout. */
    private static final class FlushingHandler extends StreamHandler {
        FlushingHandler(OutputStream out, Formatter format, Filter filter) {
            super(out, format);
            setLevel(Level.ALL);
            setFilter(filter);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
        }

    }

    /** The console stream as a handler's: closing the handler (as the JVM's shutdown does) leaves it open. */
    private static final class Unclosed extends OutputStream {
        private final OutputStream out;

        Unclosed(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
