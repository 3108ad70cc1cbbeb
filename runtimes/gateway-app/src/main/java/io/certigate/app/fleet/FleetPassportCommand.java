package io.certigate.app.fleet;

import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate fleet passport --config F --subject VIN}: the passport of a subject read from the
 * fleet store, across the devices that certified it, in time order ({@link FleetPassport}).
 */
@Command(name = "passport", mixinStandardHelpOptions = true,
        description = {"Write the passport (HTML) of a subject such as a VIN from the fleet store: its readings across"
                + " devices (a vehicle whose telematics box was replaced has two) in time order, the odometer charted with"
                + " rollbacks marked, and per device its seq range, links, erased records and the fleet's findings.",
            "The records are shown as the fleet tier's verification accepted them and are not verified again: the page"
                + " says so. Read as a stream, in memory that does not grow with their number.",
            "The store is the one named by the configuration's fleet.store.* keys, whatever its roles."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:written (findings, if any, are on the page)",
            "2:no reading of the subject in the store, bad configuration, or the store did not answer"})
public final class FleetPassportCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "A fleet instance's properties file.")
    Path config;

    @Option(names = "--subject", required = true, paramLabel = "VIN", description = "VIN or meter id.")
    String subject;

    @Option(names = "--kind", description = "Kind to chart (default: vehicle.odometer, or the subject's first numeric kind).")
    String kind;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.html",
            description = "HTML file to write (default: passport-SUBJECT.html in the current directory).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FleetConfig cfg;
        StoreOptions store;
        try {
            cfg = FleetConfig.load(config);
            store = cfg.store() != null ? cfg.store() : StoreOptions.of(config.toString(), cfg.trust().asMap());
        } catch (IOException | IllegalArgumentException e) {
            err.println("fleet passport: " + e.getMessage());
            return 2;
        }
        Path target = out != null ? out : Path.of("passport-" + subject.replaceAll("[^A-Za-z0-9._-]", "_") + ".html");
        try {
            // the URL as named on the page, without its parameters (which may carry credentials)
            FleetPassport passport = new FleetPassport(new FleetStore(store.connector()), store.jdbcUrl().replaceFirst("\\?.*", ""),
                    FleetPassport.trustWords(cfg.trust()), Clock.systemUTC());
            Optional<FleetPassport.Written> written = passport.write(subject, kind, target);
            if (written.isEmpty()) {
                err.println("fleet passport: no reading of subject '" + subject + "' in the store " + store.jdbcUrl());
                return 2;
            }
            stdout.println(written.get().line());
            return 0;
        } catch (SQLException | IOException | IllegalArgumentException e) {
            err.println("fleet passport: " + e.getMessage());
            return 2;
        }
    }
}
