package io.certigate.app.fleet;

import io.certigate.fleet.consumer.CopyKeys;
import io.certigate.fleet.store.StoreOptions;
import io.certigate.verifier.consent.ConsentCodes;
import io.certigate.verifier.consent.SubjectHash;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate fleet erase-copy --config F --consumer 0x.. [--subject S] [--purpose P] --reason TEXT}:
 * destroys the copy keys of one consumer's sealed copies ({@link CopyKeys#destroyCopies}), the
 * consents left as they are: what the consumer keeps of them becomes a hash-only chain.
 */
@Command(name = "erase-copy", mixinStandardHelpOptions = true,
        description = {"Erase a consumer's copies: destroy the copy keys of the sealed copies the consumer API served"
                + " to one consumer (all of them, or those of one subject or one purpose), so that what the consumer"
                + " keeps can no longer be opened, by anyone. The consents stay in force on the ledger: a later request"
                + " of the consumer is served under a new key, which a revocation destroys as usual.",
            "For a consumer leaving the consortium, a copy leaked at a consumer, or a holder's request to erase one"
                + " consumer's copy. Each key keeps a tombstone row with the time and the reason. Running it again"
                + " changes nothing. The store is the one named by the configuration's fleet.store.* keys, with its"
                + " fleet.store.master-key-source."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:keys destroyed, or none was live", "2:bad options or configuration, or the store did not"
                + " answer"})
public final class FleetEraseCopyCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "A fleet instance's properties file.")
    Path config;

    @Option(names = "--consumer", required = true, paramLabel = "0xACCOUNT",
            description = "The consumer's ledger account (its certificate's party in the DeviceRegistry).")
    String consumer;

    @Option(names = "--subject", paramLabel = "S", description = "Only the copies of this subject (VIN or meter id).")
    String subject;

    @Option(names = "--purpose", paramLabel = "CODE", description = "Only the copies served for this purpose.")
    String purpose;

    @Option(names = "--reason", required = true, paramLabel = "TEXT",
            description = "Why, kept with each destroyed key and given to the consumer when it asks for the key.")
    String reason;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (reason.isBlank()) {
            err.println("fleet erase-copy: --reason must say why (it is kept with each destroyed key)");
            return 2;
        }
        try {
            if (purpose != null) {
                ConsentCodes.purpose(purpose);
            }
        } catch (IllegalArgumentException e) {
            err.println("fleet erase-copy: --purpose: " + e.getMessage());
            return 2;
        }
        StoreOptions store;
        try {
            store = FleetConfig.storeOptions(config);
        } catch (IOException | IllegalArgumentException e) {
            err.println("fleet erase-copy: " + e.getMessage());
            return 2;
        }
        List<CopyKeys.Row> destroyed;
        try {
            destroyed = new CopyKeys(store.connector()).destroyCopies(consumer, subject, purpose, reason);
        } catch (IllegalArgumentException e) {
            err.println("fleet erase-copy: " + e.getMessage());
            return 2;
        } catch (SQLException | IllegalStateException e) {
            err.println("fleet erase-copy: " + ("42P01".equals(e instanceof SQLException x ? x.getSQLState() : null)
                    ? "the consumer API never ran on this store: it holds no copy key" : e.getMessage()));
            return 2;
        }
        for (CopyKeys.Row r : destroyed) {
            out.println("destroyed copy key " + r.id() + ": consumer " + r.consumer() + ", subject hash "
                    + SubjectHash.hex(r.subjectHash()) + ", purpose " + r.purpose() + ", kinds "
                    + String.join(",", r.kinds()) + ", made at block " + r.createdBlock());
        }
        out.println(destroyed.isEmpty()
                ? "fleet erase-copy: no live copy key matched: nothing to destroy"
                : "fleet erase-copy: " + destroyed.size() + " copy key(s) destroyed: those sealed copies can no longer"
                        + " be opened; the consents stay in force");
        out.println("copy_keys_destroyed=" + destroyed.size());
        return 0;
    }
}
