package id.agenttrust.sdk.identity;

import id.agenttrust.sdk.exceptions.AgentTrustException;
import id.agenttrust.sdk.internal.Facts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Key pairs as files, for servers and CI: {@code <dir>/<agent id>.pem}, one PKCS#8 PEM each,
 * mode 0600 in a 0700 directory (on POSIX file systems), written to a temporary file and moved
 * into place atomically, so a reader never sees half a key. Agent ids that are not safe file
 * names are refused. Thread-safe.
 */
public final class FileKeyStore implements KeyStore {
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
  private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

  private final Path dir;

  /**
   * A store in a directory, created (0700) on the first write when missing.
   *
   * @param dir the directory
   */
  public FileKeyStore(Path dir) {
    if (dir == null) throw Facts.validation("dir", "a file key store needs a directory");
    this.dir = dir;
  }

  /**
   * The directory.
   *
   * @return the path
   */
  public Path getDirectory() {
    return dir;
  }

  @Override
  public Optional<AgentKeyPair> get(String agentId) {
    Path f = file(agentId);
    String pem;
    try {
      pem = Files.readString(f, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failure("cannot read the key of agent " + agentId, e);
    }
    return Optional.of(AgentKeyPair.fromPrivateKeyPem(pem));
  }

  @Override
  public void put(String agentId, AgentKeyPair keyPair) {
    Path target = file(agentId);
    if (keyPair == null) throw Facts.validation("key", "a key store keeps a key pair, not null");
    Path tmp = null;
    try {
      createDir();
      tmp = Files.createTempFile(dir, "." + agentId + ".", ".tmp", attrs(FILE_MODE));
      Files.writeString(tmp, keyPair.privateKeyPem(), StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw failure("cannot write the key of agent " + agentId, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // The failure being reported matters more than a leftover temporary file.
        }
      }
    }
  }

  @Override
  public void delete(String agentId) {
    try {
      Files.deleteIfExists(file(agentId));
    } catch (IOException e) {
      throw failure("cannot delete the key of agent " + agentId, e);
    }
  }

  /**
   * The directory, never a key.
   *
   * @return the string form
   */
  @Override
  public String toString() {
    return "FileKeyStore{" + dir + "}";
  }

  private Path file(String agentId) {
    if (agentId == null || !SAFE_ID.matcher(agentId).matches()) {
      throw Facts.validation("agent_id", "a file key store needs an agent id of letters, digits, '.', '_' and '-' (at most 128, not starting with '.')");
    }
    return dir.resolve(agentId + ".pem");
  }

  private void createDir() throws IOException {
    if (Files.isDirectory(dir)) return;
    try {
      Files.createDirectories(dir, attrs(DIR_MODE));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) throw e;
    }
  }

  private FileAttribute<?>[] attrs(Set<PosixFilePermission> mode) {
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
  }

  private static AgentTrustException failure(String message, IOException cause) {
    return new AgentTrustException("INTERNAL_ERROR", message + ": " + cause.getClass().getSimpleName(), 0, null, null, cause);
  }
}
