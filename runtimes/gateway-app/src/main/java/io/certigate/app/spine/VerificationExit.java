package io.certigate.app.spine;

import io.certigate.core.buffer.BufferException;
import io.certigate.verifier.export.ExportFormatException;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.proof.ProofFormatException;
import io.certigate.verifier.trust.TrustException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;

/**
 * The exit codes of the commands that verify ({@code verify}, {@code report}, {@code proof verify},
 * {@code trust}), the same for all of them, so that a script can tell the data failing from the
 * verifier being unable to judge it:
 * <ul>
 *   <li>{@value #VERIFIED}: everything checked passed (parts left unchecked on purpose are said in the output);
 *   <li>{@value #FAILED}: a verification failure: a bad signature, a broken chain, a failed inclusion, an
 *       untrusted key, an incomplete history;
 *   <li>{@value #UNUSABLE}: the input or the settings cannot be used: a file that is not what it should be
 *       or cannot be read, an option that does not apply, a trust root that is not a certificate, a ledger
 *       node that cannot be reached;
 *   <li>{@value #OUT_OF_RESOURCES}: the verifier ran out of a resource (memory, disk space): nothing was
 *       concluded about the data.
 * </ul>
 */
public final class VerificationExit {
    public static final int VERIFIED = 0;
    public static final int FAILED = 1;
    public static final int UNUSABLE = 2;
    public static final int OUT_OF_RESOURCES = 3;

    /** The help text's paragraph on exit codes. */
    public static final String HELP = "Exit codes: 0 verified; 1 a verification failure (bad signature, broken chain,"
            + " failed inclusion, untrusted key, incomplete history); 2 unusable input or settings; 3 out of a resource"
            + " (memory, disk space), which says nothing about the data.";

    /** A verification that returns its exit code, {@value #VERIFIED} or {@value #FAILED}, or throws. */
    @FunctionalInterface
    public interface Body {
        int run() throws Exception;
    }

    private VerificationExit() {}

    /**
     * Runs {@code body} and turns what it throws into an exit code and one line on {@code err}
     * naming {@code command}: a resource exhausted is {@value #OUT_OF_RESOURCES}, anything else
     * that stopped the verification {@value #UNUSABLE}, never {@value #FAILED}.
     */
    public static int run(String command, PrintStream err, Body body) {
        try {
            return body.run();
        } catch (OutOfMemoryError e) {
            err.println(command + ": ran out of memory (maximum heap " + Runtime.getRuntime().maxMemory() / 1048576
                    + " MB); nothing was concluded about the data. Give the JVM more memory (CERTIGATE_JAVA_OPTS=-Xmx...)");
            return OUT_OF_RESOURCES;
        } catch (StackOverflowError e) {
            err.println(command + ": ran out of stack; nothing was concluded about the data");
            return OUT_OF_RESOURCES;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(command + ": interrupted; nothing was concluded about the data");
            return OUT_OF_RESOURCES;
        } catch (ExportFormatException | ProofFormatException | BufferException | LedgerException | TrustException e) {
            err.println(command + ": " + e.getMessage());
            return UNUSABLE;
        } catch (NoSuchFileException e) {
            err.println(command + ": no such file: " + e.getFile());
            return UNUSABLE;
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("No space left on device")) {
                err.println(command + ": out of disk space: " + e.getMessage() + "; nothing was concluded about the data");
                return OUT_OF_RESOURCES;
            }
            err.println(command + ": " + e.getMessage());
            return UNUSABLE;
        } catch (Exception e) {
            // not a verdict about the data: the verifier could not run on this input with these settings
            err.println(command + ": " + e.getMessage());
            if (Boolean.getBoolean("certigate.debug")) {
                e.printStackTrace(err);
            }
            return UNUSABLE;
        }
    }
}
