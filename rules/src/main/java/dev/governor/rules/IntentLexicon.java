package dev.governor.rules;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an intent text speaks of, so that rules catch a destructive plan stated in words even when
 * its action name looks harmless. Matching is case-insensitive and on word boundaries ({@code drop}
 * is not {@code drop-down}); past tenses are left out on purpose, because "restore the deleted
 * rows" describes damage done, not damage intended.
 *
 * <p>Signals: {@code destroy} (a destroying verb), {@code catastrophic} (a phrase destructive on
 * its own: "rm -rf", "force push", "wipe", "tear down", "drop table"), and the resources named:
 * {@code environment}, {@code database}, {@code configuration}, {@code repository}.
 */
public final class IntentLexicon {

  public static final String DESTROY = "destroy";
  public static final String CATASTROPHIC = "catastrophic";
  public static final String ENVIRONMENT = "environment";
  public static final String DATABASE = "database";
  public static final String CONFIGURATION = "configuration";
  public static final String REPOSITORY = "repository";

  /**
   * A signal's pattern, and the words a match can begin with: a word here is a run of letters,
   * digits, {@code _} and {@code -}, the same runs the patterns' boundaries delimit. An intent with
   * none of a signal's first words cannot match its pattern, so the pattern is not run.
   */
  private record Signal(Pattern pattern, Set<String> firstWords) {}

  private static final Map<String, Signal> SIGNALS = new LinkedHashMap<>();

  /** Each first word, with a bit set for every signal (in {@link #SIGNALS} order) it can begin. */
  private static final Map<String, Integer> SIGNALS_BY_FIRST_WORD = new HashMap<>();

  static {
    SIGNALS.put(
        DESTROY,
        new Signal(
            words(
                "delete",
                "deletes",
                "deleting",
                "destroy",
                "destroys",
                "destroying",
                "drop",
                "drops",
                "dropping",
                "re-?create",
                "re-?creates",
                "re-?creating",
                "rebuild from scratch",
                "wipe",
                "wipes",
                "wiping",
                "nuke",
                "nukes",
                "nuking",
                "purge",
                "purges",
                "purging",
                "truncate",
                "truncates",
                "truncating",
                "obliterate",
                "obliterates",
                "erase",
                "erases",
                "erasing",
                "decommission",
                "decommissions",
                "decommissioning",
                "tear\\s+down",
                "tears\\s+down",
                "tearing\\s+down",
                "tear\\s+(it|them|this|that|everything)\\s+down",
                "teardown",
                "blow\\s+away",
                "get\\s+rid\\s+of",
                "remove\\s+(all|every|the\\s+whole)",
                "throw\\s+away",
                "reset"),
            firstWords(
                "delete",
                "deletes",
                "deleting",
                "destroy",
                "destroys",
                "destroying",
                "drop",
                "drops",
                "dropping",
                "recreate",
                "re-create",
                "recreates",
                "re-creates",
                "recreating",
                "re-creating",
                "rebuild",
                "wipe",
                "wipes",
                "wiping",
                "nuke",
                "nukes",
                "nuking",
                "purge",
                "purges",
                "purging",
                "truncate",
                "truncates",
                "truncating",
                "obliterate",
                "obliterates",
                "erase",
                "erases",
                "erasing",
                "decommission",
                "decommissions",
                "decommissioning",
                "tear",
                "tears",
                "tearing",
                "teardown",
                "blow",
                "get",
                "remove",
                "throw",
                "reset")));
    SIGNALS.put(
        CATASTROPHIC,
        new Signal(
            words(
                "rm\\s+-(rf|fr|r)",
                "force[-\\s]push(es|ing)?",
                "push\\s+(--force|-f)",
                "push\\s+--force-with-lease",
                "reset\\s+--hard",
                "wipe",
                "wipes",
                "wiping",
                "wipe\\s+out",
                "tear\\s+down",
                "tears\\s+down",
                "tearing\\s+down",
                "teardown",
                "tear\\s+(it|them|this|that|everything)\\s+down",
                "nuke",
                "nukes",
                "nuking",
                "drop\\s+(the\\s+)?(\\w+\\s+)?(table|tables|database|databases|schema|schemas|collection|collections)",
                "drop\\s+database",
                "truncate\\s+(the\\s+)?(\\w+\\s+)?(table|tables)",
                "delete\\s+everything",
                "delete\\s+all",
                "purge\\s+all",
                "format\\s+(the\\s+)?(disk|drive|volume)",
                "mkfs",
                "dd\\s+if=",
                "destroy\\s+everything",
                "terraform\\s+destroy",
                "kubectl\\s+delete\\s+(namespace|ns)"),
            firstWords(
                "rm",
                "force",
                "force-push",
                "force-pushes",
                "force-pushing",
                "push",
                "reset",
                "wipe",
                "wipes",
                "wiping",
                "tear",
                "tears",
                "tearing",
                "teardown",
                "nuke",
                "nukes",
                "nuking",
                "drop",
                "truncate",
                "delete",
                "purge",
                "format",
                "mkfs",
                "dd",
                "destroy",
                "terraform",
                "kubectl")));
    SIGNALS.put(
        ENVIRONMENT,
        new Signal(
            words(
                "env",
                "envs",
                "environment",
                "environments",
                "prod",
                "production",
                "staging",
                "stage",
                "sandbox",
                "cluster",
                "clusters",
                "stack",
                "stacks",
                "infra",
                "infrastructure",
                "deployment",
                "deployments",
                "namespace",
                "namespaces",
                "servers?",
                "vpc"),
            firstWords(
                "env",
                "envs",
                "environment",
                "environments",
                "prod",
                "production",
                "staging",
                "stage",
                "sandbox",
                "cluster",
                "clusters",
                "stack",
                "stacks",
                "infra",
                "infrastructure",
                "deployment",
                "deployments",
                "namespace",
                "namespaces",
                "server",
                "servers",
                "vpc")));
    SIGNALS.put(
        DATABASE,
        new Signal(
            words(
                "database",
                "databases",
                "db",
                "dbs",
                "table",
                "tables",
                "schema",
                "schemas",
                "collection",
                "collections",
                "records",
                "rows",
                "data",
                "bucket",
                "buckets",
                "backups?"),
            firstWords(
                "database",
                "databases",
                "db",
                "dbs",
                "table",
                "tables",
                "schema",
                "schemas",
                "collection",
                "collections",
                "records",
                "rows",
                "data",
                "bucket",
                "buckets",
                "backup",
                "backups")));
    SIGNALS.put(
        CONFIGURATION,
        new Signal(
            words(
                "config",
                "configs",
                "configuration",
                "configurations",
                "settings",
                "secrets?",
                "credentials",
                "dns"),
            firstWords(
                "config",
                "configs",
                "configuration",
                "configurations",
                "settings",
                "secret",
                "secrets",
                "credentials",
                "dns")));
    SIGNALS.put(
        REPOSITORY,
        new Signal(
            words(
                "repo",
                "repos",
                "repository",
                "repositories",
                "main",
                "master",
                "branch",
                "branches",
                "history",
                "commits"),
            firstWords(
                "repo",
                "repos",
                "repository",
                "repositories",
                "main",
                "master",
                "branch",
                "branches",
                "history",
                "commits")));
  }

  static {
    int bit = 1;
    for (Signal signal : SIGNALS.values()) {
      for (String word : signal.firstWords()) {
        SIGNALS_BY_FIRST_WORD.merge(word, bit, (a, b) -> a | b);
      }
      bit <<= 1;
    }
  }

  private IntentLexicon() {}

  public static Set<String> signals(String intent) {
    Set<String> found = new LinkedHashSet<>();
    if (intent == null || intent.isBlank()) {
      return found;
    }
    // Lower-cased once here rather than matched case-insensitively: Unicode case folding in
    // the regex engine cost more than all the rest of the analysis.
    String lower = intent.toLowerCase(Locale.ROOT);
    int candidates = candidateSignals(lower);
    if (candidates == 0) {
      return found;
    }
    int bit = 1;
    for (Map.Entry<String, Signal> signal : SIGNALS.entrySet()) {
      if ((candidates & bit) != 0 && signal.getValue().pattern().matcher(lower).find()) {
        found.add(signal.getKey());
      }
      bit <<= 1;
    }
    return found;
  }

  /** The signals found by their patterns alone, without the first-word test: for tests. */
  static Set<String> signalsByPatternsAlone(String intent) {
    Set<String> found = new LinkedHashSet<>();
    if (intent == null || intent.isBlank()) {
      return found;
    }
    String lower = intent.toLowerCase(Locale.ROOT);
    SIGNALS.forEach(
        (name, signal) -> {
          if (signal.pattern().matcher(lower).find()) {
            found.add(name);
          }
        });
    return found;
  }

  /** One pass over the words of the text: the bits of every signal one of them can begin. */
  private static int candidateSignals(String lower) {
    int candidates = 0;
    int start = -1;
    int length = lower.length();
    for (int i = 0; i <= length; i++) {
      if (i < length && isWordChar(lower.charAt(i))) {
        if (start < 0) {
          start = i;
        }
      } else if (start >= 0) {
        Integer bits = SIGNALS_BY_FIRST_WORD.get(lower.substring(start, i));
        if (bits != null) {
          candidates |= bits;
        }
        start = -1;
      }
    }
    return candidates;
  }

  /** The characters the patterns' boundaries treat as part of a word: {@code [\w-]}. */
  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-'
        || (c >= 'A' && c <= 'Z');
  }

  private static Set<String> firstWords(String... words) {
    return Set.of(words);
  }

  private static Pattern words(String... alternatives) {
    return Pattern.compile("(?<![\\w-])(" + String.join("|", alternatives) + ")(?![\\w-])");
  }
}
