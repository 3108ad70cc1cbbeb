package io.certigate.core.port;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What a serial link says when its port cannot be opened: the path and the operating system's
 * reason, so that a technician sees "/dev/ttyUSB0: no such file or directory" at once instead of a
 * reader retrying in silence. Serial libraries report only an errno; {@link #reason(int)} gives its
 * text for the errors an open of a tty meets on Linux.
 */
public final class SerialPortPaths {
    private SerialPortPaths() {}

    /**
     * Checks that {@code path} exists and that this process may read and write it, without opening
     * it (opening a real serial device may wait for its carrier).
     *
     * @throws NoSuchFileException   the path does not exist (message: {@code PATH: no such file or directory})
     * @throws AccessDeniedException it is not readable and writable by this user
     */
    public static void requirePresent(String path) throws IOException {
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            throw new NoSuchFileException(path, null, "no such file or directory (no serial port there)");
        }
        if (!Files.isReadable(p) || !Files.isWritable(p)) {
            throw new AccessDeniedException(path, null, "permission denied (read and write access is needed,"
                    + " e.g. membership of the device's group such as dialout)");
        }
    }

    /** The message for a failed open of {@code path} with {@code errno} (0 or negative: unknown). */
    public static String cannotOpen(String path, int errno) {
        return path + ": cannot open the serial port: " + reason(errno);
    }

    /** The text of a Linux errno met when opening a tty, with its number. */
    public static String reason(int errno) {
        String text;
        switch (errno) {
            case 1:
                text = "operation not permitted";
                break;
            case 2:
                text = "no such file or directory";
                break;
            case 5:
                text = "input/output error";
                break;
            case 6:
                text = "no such device or address";
                break;
            case 13:
                text = "permission denied";
                break;
            case 16:
                text = "device or resource busy (another program has the port open)";
                break;
            case 19:
                text = "no such device";
                break;
            case 20:
                text = "not a directory";
                break;
            case 21:
                text = "is a directory";
                break;
            case 25:
                text = "not a terminal (the path is not a serial device)";
                break;
            default:
                return errno > 0 ? "error " + errno : "reason not reported";
        }
        return text + " (errno " + errno + ")";
    }
}
