package io.certigate.core.io;

import java.io.IOException;
import java.nio.file.Path;

/** An output file was refused (it is an input, a folder, or has no folder); the message names it. */
public final class OutputFileException extends IOException {
    private final transient Path file;

    public OutputFileException(Path file, String why) {
        super("refusing to write " + file + ": " + why);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
