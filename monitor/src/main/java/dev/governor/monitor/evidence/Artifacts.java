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
   * A path named in evidence once checked against the agent's grants: what is wrong with it, or
   * where it really is (null when it is not there).
   */
  record Checked(String problem, Path real) {
    static Checked wrong(String problem) {
      return new Checked(problem, null);
    }
  }

  /**
   * Checks an absolute path against the agent's grants, as written and where its links lead (a link
   * under a granted folder must not reach outside it). Governor reads on an agent's word only where
   * the agent may work: otherwise any agent could learn what exists on Governor's host. Read at the
   * real path returned, so a link changed meanwhile leads nowhere new.
   */
  static Checked inGrants(Path path, Agent agent, String what) {
    Path normalized = path.normalize();
    if (!covered(agent.grants(), normalized)) {
      return Checked.wrong(
          "no grant of agent "
              + agent.id()
              + " covers "
              + what
              + " "
              + normalized
              + "; Governor reads evidence only where the agent's grants reach");
    }
    Path real;
    try {
      real = normalized.toRealPath();
    } catch (IOException e) {
      // Not there (or not readable): said by the caller, in its own words.
      return new Checked(null, null);
    }
    if (!covered(agent.grants(), real) && !coveredWhereGrantsLead(agent.grants(), real)) {
      return Checked.wrong(what + " " + normalized + " leads outside the agent's grants");
    }
    return new Checked(null, real);
  }

  /**
   * Checks a file named in evidence: under the agent's grants ({@link #inGrants}), there, and with
   * the stated hash if one is stated.
   */
  static Checked file(String path, String sha256, Agent agent) {
    if (path == null || path.isBlank()) {
      return Checked.wrong("an artifact needs a path");
    }
    Path stated = Path.of(path);
    if (!stated.isAbsolute()) {
      return Checked.wrong("artifact path " + path + " is not absolute");
    }
    Checked checked = inGrants(stated, agent, "the file");
    if (checked.problem() != null) {
      return checked;
    }
    if (checked.real() == null || !Files.isRegularFile(checked.real())) {
      return Checked.wrong("there is no file " + path);
    }
    if (sha256 != null) {
      try {
        String actual = sha256(checked.real());
        if (!actual.equalsIgnoreCase(sha256)) {
          return Checked.wrong(path + " has SHA-256 " + actual + ", not the stated " + sha256);
        }
      } catch (IOException e) {
        return Checked.wrong(path + " cannot be read: " + e.getMessage());
      }
    }
    return checked;
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
