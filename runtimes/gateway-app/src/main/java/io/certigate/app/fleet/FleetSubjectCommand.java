package io.certigate.app.fleet;

import io.certigate.consent.SubjectSalts;
import io.certigate.fleet.consumer.SubjectDirectory;
import io.certigate.fleet.store.StoreOptions;
import io.certigate.verifier.consent.SubjectHash;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate fleet subject add|remove}: the subjects the consumer API serves, with the salt their
 * holder hands over ({@code fleet_consumer.subjects}, io.certigate.fleet.consumer.SubjectDirectory).
 */
@Command(name = "subject", mixinStandardHelpOptions = true,
        description = {"Register a subject (VIN, meter id) for the consumer API with its holder's salt and account, or"
                + " remove it (its salt is erased: its hash on chain can no longer be linked to it by the fleet)."},
        subcommands = {FleetSubjectCommand.Add.class, FleetSubjectCommand.Remove.class})
public final class FleetSubjectCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    static StoreOptions store(Path config) throws IOException {
        FleetConfig cfg = FleetConfig.load(config);
        return cfg.store() != null ? cfg.store() : StoreOptions.of(config.toString(), cfg.trust().asMap());
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Register SUBJECT with the salt of the holder's subjects file (the one `certigate consent"
                    + " grant` keeps) and the holder's ledger account: consents count only when that account granted"
                    + " them. Run again to replace the salt or the holder (a vehicle sold)."},
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:registered", "2:no salt for the subject in the file, bad input, or the store did not answer"})
    static final class Add implements Callable<Integer> {
        @Option(names = "--config", required = true, paramLabel = "FILE", description = "A fleet instance's properties file.")
        Path config;
        @Option(names = "--subject", required = true, paramLabel = "ID", description = "VIN or meter id.")
        String subject;
        @Option(names = "--subjects", required = true, paramLabel = "FILE",
                description = "The holder's subjects file (<subject id>=<salt in hex> lines).")
        Path subjects;
        @Option(names = "--holder", required = true, paramLabel = "0xACCOUNT", description = "The holder's ledger account.")
        String holder;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                byte[] salt = SubjectSalts.load(subjects).salt(subject).orElse(null);
                if (salt == null) {
                    err.println("fleet subject add: " + subjects + " holds no salt for '" + subject + "'");
                    return 2;
                }
                SubjectDirectory dir = new SubjectDirectory(store(config).connector());
                dir.createSchema();
                SubjectDirectory.Entry e = dir.put(subject, salt, holder);
                out.println("fleet subject add: " + subject + " (on chain " + SubjectHash.hex(e.hash()) + ") held by "
                        + e.holder());
                return 0;
            } catch (IOException | SQLException | IllegalArgumentException e) {
                err.println("fleet subject add: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Erase SUBJECT's salt and holder from the fleet: the consumer API no longer serves it."},
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:removed", "2:not registered, bad configuration, or the store did not answer"})
    static final class Remove implements Callable<Integer> {
        @Option(names = "--config", required = true, paramLabel = "FILE", description = "A fleet instance's properties file.")
        Path config;
        @Option(names = "--subject", required = true, paramLabel = "ID", description = "VIN or meter id.")
        String subject;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                SubjectDirectory dir = new SubjectDirectory(store(config).connector());
                dir.createSchema();
                if (!dir.remove(subject)) {
                    spec.commandLine().getErr().println("fleet subject remove: '" + subject + "' is not registered");
                    return 2;
                }
                spec.commandLine().getOut().println("fleet subject remove: " + subject + " removed");
                return 0;
            } catch (IOException | SQLException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("fleet subject remove: " + e.getMessage());
                return 2;
            }
        }
    }
}
