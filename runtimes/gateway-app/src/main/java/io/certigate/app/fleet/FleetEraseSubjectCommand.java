package io.certigate.app.fleet;

import io.certigate.fleet.consumer.CopyKeys;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate fleet erase-subject --config F --subject S}: the right to erasure in the fleet store,
 * by crypto-shredding ({@link FleetStore#eraseSubject}).
 */
@Command(name = "erase-subject", mixinStandardHelpOptions = true,
        description = {"Erase a subject (a VIN, a meter id) from the fleet store: its data key is destroyed in one"
                + " transaction, so its records' payloads can no longer be decrypted, and their time, kind and subject"
                + " tag are cleared. Their leaf and chain hashes stay: the devices' chains, the Merkle trees and every"
                + " proof of other records keep verifying; the subject's records read back hash-only. The copy keys of"
                + " the consumers' sealed copies of the subject are destroyed too (consumer API).",
            "Running it again changes nothing. The store is the one named by the configuration's fleet.store.* keys,"
                + " with its fleet.store.master-key-source."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:erased now, or erased before", "1:the store never held a record of the subject",
            "2:bad configuration, or the store did not answer"})
public final class FleetEraseSubjectCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "A fleet instance's properties file.")
    Path config;

    @Option(names = "--subject", required = true, paramLabel = "S", description = "The subject to erase (VIN or meter id).")
    String subject;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StoreOptions store;
        try {
            store = FleetConfig.storeOptions(config);
        } catch (IOException | IllegalArgumentException e) {
            err.println("fleet erase-subject: " + e.getMessage());
            return 2;
        }
        FleetStore.Erasure e;
        int copyKeys;
        try {
            // the consumers' sealed copies first: their keys are destroyed even when the store holds no record
            copyKeys = new CopyKeys(store.connector()).destroySubjectKeys(subject);
        } catch (SQLException | IllegalStateException x) {
            err.println("fleet erase-subject: " + x.getMessage());
            return 2;
        }
        if (copyKeys > 0) {
            out.println("fleet erase-subject: " + copyKeys + " copy key(s) of consumers' sealed copies of '" + subject
                    + "' destroyed: those copies can no longer be opened");
        }
        try {
            FleetStore fs = new FleetStore(store.connector());
            e = fs.eraseSubject(subject);
        } catch (IllegalArgumentException x) {
            err.println("fleet erase-subject: " + x.getMessage());
            return x.getMessage() != null && x.getMessage().contains("holds no record of subject") ? 1 : 2;
        } catch (SQLException | IllegalStateException x) {
            err.println("fleet erase-subject: " + x.getMessage());
            return 2;
        }
        out.println(e.alreadyErased()
                ? "fleet erase-subject: '" + subject + "' was erased before; nothing more to do"
                : "fleet erase-subject: '" + subject + "' erased: " + e.keysDestroyed() + " data key(s) destroyed, "
                        + e.recordsShredded() + " records made unreadable (their leaf and chain hashes kept)");
        out.println("erased_keys=" + e.keysDestroyed() + " records_shredded=" + e.recordsShredded());
        out.println("copy_keys_destroyed=" + copyKeys);
        return 0;
    }
}
