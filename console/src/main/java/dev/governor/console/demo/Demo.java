package dev.governor.console.demo;

import dev.governor.client.GovernorClient;
import dev.governor.console.Governor;
import dev.governor.console.Settings;
import dev.governor.knowledge.Secrets;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The demo: Governor on a data folder of its own, with settings that let every story of SPEC
 * section 10 show within a minute, and a fleet of simulated agents that play those stories over
 * real HTTP through the Java client. Governor keeps running afterwards so a person can look at what
 * happened in the console.
 */
public final class Demo {

  /** The file that marks a data folder as the demo's, so the demo never writes into real data. */
  public static final String MARKER = ".governor-demo";

  /** The demo's data folder unless GOVERNOR_DATA_DIR (or the config file) names another. */
  public static final String DATA_DIR = "data-demo";

  /** How long a story waits for Governor to react, past what its settings promise. */
  static final Duration PATIENCE = Duration.ofSeconds(15);

  /**
   * Settings that make the stories visible fast: a silent agent is noticed in seconds, and the
   * escalations the stories leave stay in the inbox long enough to be looked at and answered.
   */
  public static final Map<String, Object> FAST =
      Map.of(
          "heartbeatTimeoutSeconds", 3L,
          "watchdogSweepMillis", 250L,
          "circuitSweepMillis", 250L,
          "escalationTimeoutSeconds", 1800L);

  private Demo() {}

  /** A data folder that holds something other than a demo's; the demo will not touch it. */
  public static final class FolderRefused extends RuntimeException {
    FolderRefused(String message) {
      super(message);
    }
  }

  /** Governor started for the demo: where it listens and the admin token to sign in with. */
  public record Running(Governor governor, URI url, String adminToken, Path dataDir) {

    /** Plays every story, printing one line as each reaches its outcome. */
    public List<Outcome> play(PrintStream out) {
      return Demo.play(url, adminToken, dataDir.resolve("agents"), out);
    }
  }

  /**
   * Plays every story against Governor at {@code url} (running with {@link #FAST} settings), the
   * agents writing their files under {@code workDir}; prints one line as each reaches its outcome.
   */
  public static List<Outcome> play(URI url, String adminToken, Path workDir, PrintStream out) {
    Duration heartbeatTimeout = Duration.ofSeconds((Long) FAST.get("heartbeatTimeoutSeconds"));
    GovernorClient operator = GovernorClient.connect(url, adminToken);
    return play(stories(heartbeatTimeout), new Fleet(operator, workDir), out);
  }

  /** Every story of SPEC section 10, in its order. */
  public static List<Story> stories(Duration heartbeatTimeout) {
    return List.of(
        new EnvironmentDeletion(),
        new EmptyScan(),
        new DuplicateRetry(),
        new LeaseConflict(),
        new TokenLoop(),
        new SilentAgent(heartbeatTimeout),
        new PromptInjection(),
        new DoneButNothingChanged());
  }

  /** The configured settings, moved to the demo's folder and sped up for the stories. */
  public static Settings settings(Settings configured) {
    Settings demo = configured;
    if (Settings.DEFAULTS.get("dataDir").equals(configured.values().getString("dataDir"))) {
      demo = demo.with("dataDir", DATA_DIR);
    }
    for (Map.Entry<String, Object> setting : FAST.entrySet()) {
      demo = demo.with(setting.getKey(), setting.getValue());
    }
    return demo;
  }

  /**
   * Claims the data folder, starts Governor on it and prints where the console is and how to sign
   * in. The admin token is the configured one, or one the demo keeps in its folder.
   */
  public static Running start(Settings settings, PrintStream out) throws Exception {
    Path dataDir = settings.dataDir().toAbsolutePath();
    claim(dataDir);
    String adminToken =
        settings.adminToken() != null ? settings.adminToken() : keptAdminToken(dataDir);
    Governor governor = Governor.start(settings.with("adminToken", adminToken), Clock.systemUTC());
    URI url = URI.create("http://" + settings.httpHost() + ":" + governor.port() + "/");
    out.println("Governor demo is listening on " + url + "  (demo data in " + dataDir + ")");
    out.println("Console: open " + url + " and sign in with the admin token:");
    out.println("  " + adminToken);
    out.println("Playing the stories of a fleet of simulated agents:");
    return new Running(governor, url, adminToken, dataDir);
  }

  static List<Outcome> play(List<Story> stories, Fleet fleet, PrintStream out) {
    List<Outcome> outcomes = new ArrayList<>();
    int played = 0;
    for (Story story : stories) {
      played++;
      String prefix = "  [" + played + "/" + stories.size() + "] " + story.name() + "\n        → ";
      try {
        Outcome outcome = story.play(fleet);
        outcomes.add(outcome);
        out.println(prefix + outcome.summary());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        out.println(prefix + "interrupted");
        break;
      } catch (Exception e) {
        // One story going wrong should not hide the others from the person watching.
        out.println(prefix + "did not finish: " + e.getMessage());
      }
    }
    out.println(outcomes.size() + " of " + stories.size() + " stories reached their outcome.");
    return outcomes;
  }

  /**
   * Makes sure the folder is empty or already the demo's, and marks it as the demo's.
   *
   * @throws FolderRefused when it holds anything else
   */
  static void claim(Path dataDir) {
    Path marker = dataDir.resolve(MARKER);
    try {
      if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
        throw new FolderRefused(dataDir + " is a file, not a folder; the demo needs a folder");
      }
      if (Files.isDirectory(dataDir) && !isEmpty(dataDir) && !Files.exists(marker)) {
        throw new FolderRefused(
            dataDir
                + " holds data that is not the demo's, and the demo never mixes with real data."
                + " Point GOVERNOR_DATA_DIR at an empty folder, or leave it unset for ./"
                + DATA_DIR
                + ".");
      }
      Files.createDirectories(dataDir);
      if (!Files.exists(marker)) {
        Files.writeString(
            marker,
            "This folder holds Governor's demo data; delete the folder to start the demo afresh.\n",
            StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the demo folder " + dataDir, e);
    }
  }

  /** The demo's admin token, made on its first start and kept beside its data, demo-only. */
  private static String keptAdminToken(Path dataDir) throws IOException {
    Path file = dataDir.resolve("admin-token");
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    String token = Secrets.newToken("gvo_");
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the folder's own permissions are all there is.
    }
    return token;
  }

  private static boolean isEmpty(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.findAny().isEmpty();
    }
  }
}
