package dev.governor.monitor.evidence;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.ResourcePatterns;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

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

  /**
   * Null when the file is one the agent's grants cover, is there and (if a hash is stated) has it;
   * else what is wrong. Governor reads a file on an agent's word only where the agent may work:
   * otherwise any agent could learn whether a file exists on Governor's host, and its hash.
   */
  static String fileProblem(String path, String sha256, Agent agent) {
    if (path == null || path.isBlank()) {
      return "an artifact needs a path";
    }
    Path stated = Path.of(path);
    if (!stated.isAbsolute()) {
      return "artifact path " + path + " is not absolute";
    }
    String outside = outsideGrants(stated, agent, "the file");
    if (outside != null) {
      return outside;
    }
    if (!Files.isRegularFile(stated)) {
      return "there is no file " + path;
    }
    if (sha256 != null) {
      try {
        String actual = sha256(stated);
        if (!actual.equalsIgnoreCase(sha256)) {
          return path + " has SHA-256 " + actual + ", not the stated " + sha256;
        }
      } catch (IOException e) {
        return path + " cannot be read: " + e.getMessage();
      }
    }
    return null;
  }

  /**
   * Null when one of the agent's grants covers an absolute path, as written and where its links
   * lead (a link under a granted folder must not reach outside it); else why not.
   */
  static String outsideGrants(Path path, Agent agent, String what) {
    Path normalized = path.normalize();
    if (!covered(agent.grants(), normalized)) {
      return "no grant of agent "
          + agent.id()
          + " covers "
          + what
          + " "
          + normalized
          + "; Governor reads evidence only where the agent's grants reach";
    }
    Path real;
    try {
      real = normalized.toRealPath();
    } catch (IOException e) {
      // Not there (or not readable): said by the caller's own check, in its own words.
      return null;
    }
    if (!covered(agent.grants(), real) && !coveredWhereGrantsLead(agent.grants(), real)) {
      return what + " " + normalized + " leads outside the agent's grants";
    }
    return null;
  }

  /**
   * Whether a real path lies under a grant once the grant's own folder is followed to where it
   * really is: on macOS, for one, {@code /tmp} is a link to {@code /private/tmp}.
   */
  private static boolean coveredWhereGrantsLead(List<String> grants, Path real) {
    String text = real.toString();
    for (String grant : grants) {
      String pattern = ResourcePatterns.resourceOf(grant);
      int wildcard = firstWildcard(pattern);
      int folderEnd = pattern.lastIndexOf('/', wildcard - 1);
      if (!pattern.startsWith("/") || folderEnd <= 0) {
        continue;
      }
      try {
        String folder = Path.of(pattern.substring(0, folderEnd)).toRealPath().toString();
        String followed = folder + pattern.substring(folderEnd);
        if (ResourcePatterns.covers(followed, text)
            || ResourcePatterns.covers(followed, text + "/")) {
          return true;
        }
      } catch (IOException | java.nio.file.InvalidPathException e) {
        // A grant whose folder is not on this host leads nowhere here.
      }
    }
    return false;
  }

  private static int firstWildcard(String pattern) {
    for (int i = 0; i < pattern.length(); i++) {
      if (pattern.charAt(i) == '*' || pattern.charAt(i) == '?') {
        return i;
      }
    }
    return pattern.length();
  }

  private static boolean covered(List<String> grants, Path path) {
    String text = path.toString();
    for (String grant : grants) {
      String pattern = ResourcePatterns.resourceOf(grant);
      if (ResourcePatterns.covers(pattern, text) || ResourcePatterns.covers(pattern, text + "/")) {
        return true;
      }
    }
    return false;
  }
}
