package io.certigate.core.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Creates files that hold personal data (the buffer, the collector database) owner-only, whatever
 * the process's umask: a new file 0600 ({@code rw-------}), each new folder on the way to it 0700
 * ({@code rwx------}). Files and folders that already exist keep their modes: they were put there,
 * or pointed at, by someone who chose them. SQLite creates its {@code -wal}, {@code -shm} and
 * {@code -journal} files with the mode of the database file, so they follow. On a file system
 * without POSIX permissions the files are created with its defaults.
 */
public final class PrivateFiles {
    /** {@code rw-------}. */
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    /** {@code rwx------}. */
    public static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {}

    /**
     * Creates {@code file}'s missing parent folders 0700 and {@code file} itself, empty, 0600;
     * does nothing to a file or folder that exists.
     */
    public static void create(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) {
            createFolders(abs.getParent());
        }
        if (Files.exists(abs)) {
            return;
        }
        try {
            if (posix()) {
                Files.createFile(abs, PosixFilePermissions.asFileAttribute(FILE));
                Files.setPosixFilePermissions(abs, FILE); // exact, whatever the umask took away
            } else {
                Files.createFile(abs);
            }
        } catch (FileAlreadyExistsException e) {
            // created meanwhile by someone else: theirs, left as it is
        }
    }

    /** Creates the missing folders of {@code dir} 0700 each; existing ones keep their modes. */
    public static void createFolders(Path dir) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.push(p);
        }
        if (!posix()) {
            Files.createDirectories(dir);
            return;
        }
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FOLDER);
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                Files.createDirectory(p, mode);
                Files.setPosixFilePermissions(p, FOLDER);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw e;
                }
            }
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
