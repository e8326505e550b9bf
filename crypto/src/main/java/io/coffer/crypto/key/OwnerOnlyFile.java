package io.coffer.crypto.key;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Secret files (master keys, the gateway signing key): created readable and writable by the owner only
 * (rw-------) from the first byte, fsynced, and published atomically so a concurrent starter sees either
 * no file or the whole file.
 */
public final class OwnerOnlyFile {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFile() {
    }

    /**
     * Creates {@code file} with {@code content} unless it exists.
     *
     * @return true if this call created it, false if it already existed (content left untouched)
     */
    public static boolean createIfAbsent(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        createOwnerOnlyDirectory(dir);
        if (Files.exists(file)) {
            return false;
        }
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime());
        try {
            writeNew(tmp, content);
            try {
                // a hard link fails if the target exists, unlike rename, so two starters cannot overwrite
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | IOException e) {
                // no hard links here: a plain move, which also refuses to replace an existing file
                try {
                    Files.move(tmp, file);
                } catch (FileAlreadyExistsException raced) {
                    return false;
                }
            }
            syncDirectory(dir);
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates {@code dir} (rwx------ on POSIX, so nobody else can even list the key files) if it is
     * missing; its parents get default permissions, and an existing directory is left as it is.
     */
    public static void createOwnerOnlyDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.getParent() != null) {
            Files.createDirectories(dir.getParent());
        }
        try {
            if (posix()) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException raced) {
            // another starter made it first
        }
    }

    /** Rewrites {@code file} atomically (rename over it) keeping owner-only permissions. */
    public static void replace(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime());
        try {
            writeNew(tmp, content);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** True if the file is readable by group or others (only checked on POSIX file systems). */
    public static boolean isExposed(Path file) throws IOException {
        if (!posix()) {
            return false;
        }
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
        return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)
                || p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /** Logs a warning (never the content) if {@code file} is readable or writable by group or others. */
    public static void warnIfExposed(Path file) {
        try {
            if (isExposed(file)) {
                System.getLogger(OwnerOnlyFile.class.getName()).log(System.Logger.Level.WARNING,
                        "secret file {0} is accessible to group or others; chmod 600 it", file);
            }
        } catch (IOException e) {
            // the read that follows reports a missing or unreadable file
        }
    }

    private static void writeNew(Path tmp, byte[] content) throws IOException {
        FileAttribute<?>[] attrs = posix()
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), attrs)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        if (posix()) {
            // the umask may have removed bits but never adds any; set explicitly for clarity
            Files.setPosixFilePermissions(tmp, OWNER_ONLY);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // directories cannot be opened for fsync on some platforms; the file itself is synced
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
