package io.certigate.core.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.List;
import java.util.Objects;

/**
 * Writes a command's output file so that it never harms what the command reads: an output that is
 * the same file as one of the inputs (compared with {@link Files#isSameFile}, so through a symbolic
 * or hard link or a relative path too), or as an input's SQLite side file ({@code -wal},
 * {@code -shm}, {@code -journal}), is refused before anything is opened for writing; the content
 * goes to a temporary file in the target's folder, is forced to disk, and is renamed over the
 * target only when complete ({@code ATOMIC_MOVE}), then the folder is synced. A failure deletes
 * the temporary file and leaves any previous target as it was.
 *
 * <p>A new file is created owner-only (the temporary file's mode, 0600 on POSIX); a file that is
 * replaced keeps its permissions. An output that is a symbolic link is written through: the file
 * it points to is replaced and the link stays. Missing parent folders are not created.
 */
public final class OutputFile {
    private static final List<String> SIDE_FILES = List.of("-wal", "-shm", "-journal");

    /** Produces the content; may close the stream it is given (the file is closed here). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private OutputFile() {}

    /** Writes {@code bytes} to {@code out}; see the class comment. */
    public static void write(Path out, byte[] bytes, Path... inputs) throws IOException {
        write(out, o -> o.write(bytes), inputs);
    }

    /** Writes what {@code content} produces to {@code out}; see the class comment. */
    public static void write(Path out, Content content, Path... inputs) throws IOException {
        checkNotAnInput(out, inputs);
        Path target = Files.isSymbolicLink(out) && Files.exists(out) ? out.toRealPath() : out.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new OutputFileException(out, "its folder " + dir + " does not exist");
        }
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                content.writeTo(new FilterOutputStream(buffered) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        buffered.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush(); // the channel is closed below, after it is forced to disk
                    }
                });
                buffered.flush();
                ch.force(true);
            }
            keepPermissions(target, tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new OutputFileException(out, "the file system cannot rename a file over it atomically");
            }
            syncFolder(dir);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * Refuses {@code out} if it is a folder, or the same file as one of {@code inputs} (null ones
     * are skipped) or as one of their SQLite side files.
     */
    public static void checkNotAnInput(Path out, Path... inputs) throws OutputFileException {
        Objects.requireNonNull(out, "out");
        if (Files.isDirectory(out)) {
            throw new OutputFileException(out, "it is a folder");
        }
        for (Path in : inputs) {
            if (in == null) {
                continue;
            }
            if (same(out, in)) {
                throw new OutputFileException(out, "it is the same file as the input " + in);
            }
            for (String side : SIDE_FILES) {
                Path p = Path.of(in + side);
                if (same(out, p)) {
                    throw new OutputFileException(out, "it is " + p + ", a file SQLite keeps next to the input " + in);
                }
            }
        }
    }

    private static boolean same(Path a, Path b) throws OutputFileException {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        } catch (IOException e) {
            throw new OutputFileException(a, "cannot compare it with " + b + ": " + e.getMessage());
        }
    }

    private static void keepPermissions(Path target, Path tmp) throws IOException {
        PosixFileAttributeView from = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        PosixFileAttributeView to = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        if (from != null && to != null && Files.exists(target)) {
            to.setPermissions(from.readAttributes().permissions());
        }
    }

    /** Makes the rename durable; a platform that cannot open a folder for sync (Windows) skips it. */
    private static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // the rename is done; only its durability across a power cut is not confirmed here
        }
    }
}
