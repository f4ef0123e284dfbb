package dev.governor.monitor.evidence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Reading artifacts named in evidence. */
final class Artifacts {

  private Artifacts() {}

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[65536];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Null when the file is there and (if a hash is stated) has it, else what is wrong. */
  static String fileProblem(String path, String sha256) {
    if (path == null || path.isBlank()) {
      return "an artifact needs a path";
    }
    Path file = Path.of(path);
    if (!file.isAbsolute()) {
      return "artifact path " + path + " is not absolute";
    }
    if (!Files.isRegularFile(file)) {
      return "there is no file " + path;
    }
    if (sha256 != null) {
      try {
        String actual = sha256(file);
        if (!actual.equalsIgnoreCase(sha256)) {
          return path + " has SHA-256 " + actual + ", not the stated " + sha256;
        }
      } catch (IOException e) {
        return path + " cannot be read: " + e.getMessage();
      }
    }
    return null;
  }
}
